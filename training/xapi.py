"""The xAPI statement subset e-learning authoring tools send, and how a statement becomes a completion.

Accepted (everything else in a statement is kept verbatim but ignored):
- `id`: UUID, required here so a replay is recognised (the same id answers as before, changes nothing)
- `actor`: `mbox` ("mailto:" + work email) or `account` {`homePage`, `name` = username or employee number}
- `verb.id`: completed, passed or failed (ADL IRIs)
- `object.id`: the activity IRI of a course this provider is registered for
- `result.score.scaled` (-1..1), `result.score.raw`, `result.success`; `timestamp` (ISO 8601)
"""

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.errors import DomainError
from people.models import Employee

from .models import Completion, ContentProvider, Course, XapiStatement
from .services import completion_record

VERBS = {
    "http://adlnet.gov/expapi/verbs/completed": "completed",
    "http://adlnet.gov/expapi/verbs/passed": "passed",
    "http://adlnet.gov/expapi/verbs/failed": "failed",
}
# A "completed" then a "passed" for one attempt arrive minutes apart; they are one completion.
SAME_ATTEMPT_WINDOW = dt.timedelta(hours=12)


class StatementError(DomainError):
    """A statement we cannot accept; `field` is its dotted path, e.g. `actor.mbox`."""


def _obj(value, field: str) -> dict:
    if not isinstance(value, dict):
        raise StatementError("Must be an object.", field=field)
    return value


def _decimal(value, field: str, lo=None, hi=None) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise StatementError("Must be a number.", field=field)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise StatementError("Must be a number.", field=field) from None
    if not number.is_finite() or (lo is not None and number < lo) or (hi is not None and number > hi):
        raise StatementError(f"Must be a number between {lo} and {hi}." if lo is not None else "Out of range.",
                             field=field)
    return number


def _learner(actor: dict) -> Employee:
    staff = Employee.objects.filter(is_active=True)
    if "mbox" in actor:
        mbox = actor["mbox"]
        if not isinstance(mbox, str) or not mbox.lower().startswith("mailto:") or "@" not in mbox:
            raise StatementError("Must be a mailto: address.", field="actor.mbox")
        match = staff.filter(email__iexact=mbox[7:]).first()
        if match is None:
            raise StatementError("No member of staff has this email address.", field="actor.mbox")
        return match
    if "account" in actor:
        account = _obj(actor["account"], "actor.account")
        name = account.get("name")
        if not isinstance(name, str) or not name:
            raise StatementError("Required: the learner's username or employee number.", field="actor.account.name")
        if not isinstance(account.get("homePage"), str):
            raise StatementError("Required: the IRI of the system the account belongs to.",
                                 field="actor.account.homePage")
        match = staff.filter(Q(user__username=name) | Q(employee_number=name)).first()
        if match is None:
            raise StatementError("No member of staff has this account name.", field="actor.account.name")
        return match
    raise StatementError("Identify the learner by mbox or account.", field="actor")


def parse_statement(payload, provider: ContentProvider) -> dict:
    """Validate one statement; returns the fields we use. Raises StatementError naming the field."""
    st = _obj(payload, "statement")
    try:
        statement_id = uuid.UUID(str(st.get("id", "")))
    except ValueError:
        raise StatementError("Required: a UUID identifying this statement.", field="id") from None
    employee = _learner(_obj(st.get("actor"), "actor"))
    verb_id = _obj(st.get("verb"), "verb").get("id")
    if verb_id not in VERBS:
        raise StatementError(f"Must be one of: {', '.join(VERBS)}.", field="verb.id")
    object_id = _obj(st.get("object"), "object").get("id")
    if not isinstance(object_id, str) or not object_id:
        raise StatementError("Required: the activity IRI.", field="object.id")
    course = Course.objects.filter(activity_iri=object_id, content_provider=provider, is_active=True).first()
    if course is None:
        raise StatementError("No course of this provider has this activity IRI.", field="object.id")
    result = _obj(st.get("result", {}), "result")
    score = _obj(result.get("score", {}), "result.score")
    scaled = _decimal(score["scaled"], "result.score.scaled", -1, 1) if "scaled" in score else None
    raw = _decimal(score["raw"], "result.score.raw") if "raw" in score else None
    success = result.get("success")
    if success is not None and not isinstance(success, bool):
        raise StatementError("Must be true or false.", field="result.success")
    when = timezone.now()
    if "timestamp" in st:
        try:
            when = parse_datetime(st["timestamp"]) if isinstance(st["timestamp"], str) else None
        except ValueError:  # well-formed but impossible, e.g. month 13
            when = None
        if when is None:
            raise StatementError("Must be an ISO 8601 date and time.", field="timestamp")
        if timezone.is_naive(when):
            when = timezone.make_aware(when, dt.UTC)
    return {"statement_id": statement_id, "employee": employee, "course": course, "verb": VERBS[verb_id],
            "score_scaled": scaled, "score_raw": raw, "success": success, "timestamp": when}


def statement_record(*, provider: ContentProvider, payload: dict) -> tuple[XapiStatement, bool]:
    """Store a statement and, for a completion or a pass, record the completion. Returns
    (statement, created). Idempotent on the statement id: a replay returns the stored statement; the
    unique constraint settles a race between two deliveries of the same statement."""
    data = parse_statement(payload, provider)
    existing = XapiStatement.objects.filter(statement_id=data["statement_id"]).first()
    if existing is not None:
        return _replayed(existing, provider, payload), False
    try:
        with transaction.atomic():
            completion = None
            counts = data["verb"] == "passed" or (data["verb"] == "completed" and data["success"] is not False)
            if counts:
                completion = (
                    Completion.objects.select_for_update()
                    .filter(employee=data["employee"], course=data["course"], source=Completion.Source.XAPI,
                            completed_at__gte=data["timestamp"] - SAME_ATTEMPT_WINDOW,
                            completed_at__lte=data["timestamp"] + SAME_ATTEMPT_WINDOW)
                    .first()
                )
                if completion is not None and data["score_scaled"] is not None:
                    completion.score_scaled, completion.score_raw = data["score_scaled"], data["score_raw"]
                    completion.save(update_fields=["score_scaled", "score_raw"])
                elif completion is None:
                    completion = completion_record(
                        actor=None, employee=data["employee"], course=data["course"], source=Completion.Source.XAPI,
                        completed_at=data["timestamp"], score_scaled=data["score_scaled"], score_raw=data["score_raw"],
                    )
            statement = XapiStatement.objects.create(
                statement_id=data["statement_id"], provider=provider, employee=data["employee"],
                course=data["course"], verb=data["verb"], success=data["success"],
                score_scaled=data["score_scaled"], score_raw=data["score_raw"], completion=completion,
                payload=payload,
            )
    except IntegrityError:
        # Another delivery of the same statement won the race; answer as a replay.
        existing = XapiStatement.objects.get(statement_id=data["statement_id"])
        return _replayed(existing, provider, payload), False
    return statement, True


def _replayed(existing: XapiStatement, provider: ContentProvider, payload: dict) -> XapiStatement:
    if existing.provider_id != provider.pk or existing.payload != payload:
        raise StatementError("A different statement with this id was already received.", field="id",
                             status_code=409)
    return existing
