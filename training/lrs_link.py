"""Training's side of the Learning Record Store: content-provider keys are LRS credentials, and a
stored statement naming a member of staff and one of the provider's courses becomes a completion
(the same rules as the narrow endpoint, training.xapi)."""

import copy
import logging

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils.dateparse import parse_datetime

from core.errors import DomainError
from lrs.selectors import statements_about
from lrs.services import Principal
from lrs.services import statements_store as lrs_statements_store

from . import xapi
from .models import ContentProvider, Course

log = logging.getLogger(__name__)
KEY_PREFIX = "training.provider:"


def provider_principal(key_id: str, secret: str) -> Principal | None:
    provider = ContentProvider.objects.filter(key_id=key_id, is_active=True).first()
    # Hash even when the key id is unknown, so timing does not reveal which ids exist.
    if not check_password(secret, provider.key_hash if provider else "!") or provider is None:
        return None
    return _principal(provider)


def _principal(provider: ContentProvider) -> Principal:
    authority = {"objectType": "Agent", "name": provider.name,
                 "account": {"homePage": settings.LRS_AUTHORITY_HOMEPAGE, "name": provider.key_id}}
    return Principal(key=f"{KEY_PREFIX}{provider.pk}", name=provider.name, authority=authority)


def statements_copy_to_lrs(provider: ContentProvider, statements: list[dict]) -> None:
    """Keep the LRS the one store of statements: what the narrow endpoint accepted is stored there
    too, as the provider's, so it is on the learner's records page. One the LRS refuses (the narrow
    endpoint keeps properties the specification does not define) or already holds stays in training
    only. The caller holds the transaction; each copy is its own savepoint."""
    principal = _principal(provider)
    for statement in statements:
        try:
            with transaction.atomic():
                lrs_statements_store(principal=principal, statements=[copy.deepcopy(statement)], batch=False)
        except DomainError as exc:
            log.debug("xAPI statement %s not copied to the LRS: %s (%s)", statement.get("id"), exc, exc.field)


def statements_to_completions(sender, *, statements, principal, **kwargs):
    """Receiver of lrs.signals.statements_stored. A statement that is not about a member of staff
    and a course of this provider is simply not ours: the LRS keeps it, training ignores it."""
    if not principal.key.startswith(KEY_PREFIX):
        return
    provider = ContentProvider.objects.filter(pk=int(principal.key.removeprefix(KEY_PREFIX))).first()
    if provider is None:
        return
    # One query narrows a batch to the statements about this provider's courses with a verb that
    # counts; only those are looked at one by one.
    candidates = [s for s in statements if s["verb"]["id"] in xapi.VERBS and isinstance(s["object"].get("id"), str)]
    if not candidates:
        return
    iris = set(Course.objects.filter(content_provider=provider, is_active=True,
                                     activity_iri__in={s["object"]["id"] for s in candidates})
               .values_list("activity_iri", flat=True))
    for statement in (s for s in candidates if s["object"]["id"] in iris):
        try:
            xapi.statement_record(provider=provider, payload=statement)
        except xapi.StatementError as exc:
            log.debug("xAPI statement %s not a completion: %s (%s)", statement.get("id"), exc, exc.field)


def _label(value: dict | None, fallback: str) -> str:
    if isinstance(value, dict) and value:
        return value.get("en-GB") or value.get("en") or value.get("en-US") or next(iter(value.values()))
    return fallback


def learning_records(employee) -> list[dict]:
    """What the LRS holds about a member of staff (statements naming their work email), for their
    record page: when, what they did, to what, and the result."""
    if not employee.email:
        return []
    rows = []
    for st in statements_about([f"mbox:mailto:{employee.email.lower()}"]):
        obj, result = st.get("object", {}), st.get("result", {})
        score = result.get("score", {})
        rows.append({
            "when": parse_datetime(st["stored"]),
            "verb": _label(st["verb"].get("display"), st["verb"]["id"].rsplit("/", 1)[-1]),
            "activity": _label(obj.get("definition", {}).get("name"), obj.get("id", obj.get("objectType", ""))),
            "score": f"{score['scaled']:.0%}" if isinstance(score.get("scaled"), int | float) else "",
            "success": result.get("success"),
        })
    return rows
