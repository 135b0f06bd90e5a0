"""Reads from the LRS: statement queries with keyset paging (one SQL query per page, two with
attachments), documents, activities."""

import json
from dataclasses import dataclass

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.dateparse import parse_datetime

from . import validation
from .credentials import Principal
from .identity import agent_keys
from .models import Activity, Attachment, Document, Statement

PAGE_MAX = 100
FILTERS = {"agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until",
           "limit", "format", "attachments", "ascending", "page"}
SINGLE = {"statementId", "voidedStatementId", "format", "attachments"}


class ParameterInvalid(validation.StatementInvalid):
    pass


def _bool(params, name) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise ParameterInvalid("Must be true or false.", field=name)
    return value == "true"


def parse_agent_param(raw: str, field="agent") -> dict:
    try:
        agent = json.loads(raw)
    except ValueError:
        raise ParameterInvalid("Must be an Agent or Group as JSON.", field=field) from None
    validation.agent(agent, field)
    return agent


def _time(params, name):
    value = params[name]
    validation.timestamp(value, name)
    parsed = parse_datetime(value)
    if parsed is None:
        raise ParameterInvalid("Must be an ISO 8601 date and time.", field=name)
    return parsed


def visible_statements(principal: Principal) -> QuerySet:
    qs = Statement.objects.all()
    if principal.actor_keys:  # a launch token: its learner's statements in its registration
        qs = qs.filter(agents__overlap=list(principal.actor_keys), registration=principal.registration)
    return qs if principal.reads_all else qs.filter(client_key=principal.key)


def statement_single(principal: Principal, params: dict) -> Statement | None:
    """GET with statementId (not voided) or voidedStatementId (voided only)."""
    for name in params:
        if name not in SINGLE:
            raise ParameterInvalid("Not allowed with statementId or voidedStatementId.", field=name)
    if "statementId" in params and "voidedStatementId" in params:
        raise ParameterInvalid("Send statementId or voidedStatementId, not both.", field="statementId")
    name = "statementId" if "statementId" in params else "voidedStatementId"
    validation.uuid_value(params[name], name)
    _format(params)
    _bool(params, "attachments")
    return (visible_statements(principal)
            .filter(statement_id=params[name].lower(), voided=(name == "voidedStatementId")).first())


def _format(params) -> str:
    fmt = params.get("format", "exact")
    if fmt not in ("ids", "exact", "canonical"):
        raise ParameterInvalid("Must be ids, exact or canonical.", field="format")
    return fmt


@dataclass
class Page:
    statements: list[Statement]
    more: str | None  # the cursor for the next page


def _filters(params) -> Q:
    q = Q()
    if "agent" in params:
        keys = agent_keys(parse_agent_param(params["agent"]))
        field = "related_agents" if _bool(params, "related_agents") else "agents"
        q &= Q(**{f"{field}__overlap": keys})
    else:
        _bool(params, "related_agents")
    if "verb" in params:
        validation.iri(params["verb"], "verb")
        q &= Q(verb_iri=params["verb"])
    if "activity" in params:
        validation.iri(params["activity"], "activity")
        if _bool(params, "related_activities"):
            q &= Q(related_activities__contains=[params["activity"]])
        else:
            q &= Q(activity_iri=params["activity"])
    else:
        _bool(params, "related_activities")
    if "registration" in params:
        validation.uuid_value(params["registration"], "registration")
        q &= Q(registration=params["registration"])
    return q


def statements_query(principal: Principal, params: dict) -> Page:
    """Communication 2.1.3 GET /statements without an id: newest first unless ascending; voided
    statements never; a statement targeting (StatementRef) a match matches too."""
    for name in params:
        if name not in FILTERS:
            raise ParameterInvalid("Not a parameter of the Statement Resource.", field=name)
    _format(params)
    _bool(params, "attachments")
    ascending = _bool(params, "ascending")
    try:
        limit = int(params.get("limit", "0"))
    except ValueError:
        raise ParameterInvalid("Must be a whole number.", field="limit") from None
    if limit < 0:
        raise ParameterInvalid("Must not be negative.", field="limit")
    limit = min(limit or PAGE_MAX, PAGE_MAX)
    base = visible_statements(principal).filter(voided=False)
    if "since" in params:
        base = base.filter(stored__gt=_time(params, "since"))
    if "until" in params:
        base = base.filter(stored__lte=_time(params, "until"))
    if "page" in params:
        base = base.filter(_after(params["page"], ascending))
    order = ("stored", "seq") if ascending else ("-stored", "-seq")
    q = _filters(params)
    if not q:
        rows = list(base.order_by(*order)[: limit + 1])
    else:
        # Two branches in one UNION ALL, each walking its own index in page order: the matches, and
        # the few statements whose StatementRef targets a match (found from the targeting side, so
        # a filter matching half the table is not materialised). An OR of the two would scan.
        targets = Statement.objects.filter(q, statement_id=OuterRef("target_id"))
        if not connections[base.db].features.supports_slicing_ordering_in_compound:
            # SQLite (the demo) allows no LIMIT in a UNION's branches: the OR, on its small tables.
            rows = list(base.filter(q | Q(Exists(targets), target_id__isnull=False)).order_by(*order)[: limit + 1])
            return _page(rows, limit)
        referring = base.filter(target_id__isnull=False).filter(Exists(targets))
        union = base.filter(q).order_by(*order)[: limit + 1].union(
            referring.order_by(*order)[: limit + 1], all=True)
        seen, rows = set(), []
        for row in union.order_by(*order):
            if row.seq not in seen:
                seen.add(row.seq)
                rows.append(row)
        rows = rows[: limit + 1]
    return _page(rows, limit)


def _page(rows: list[Statement], limit: int) -> Page:
    more = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        more = f"{last.stored.isoformat()}|{last.seq}"
    return Page(statements=rows, more=more)


def _after(cursor: str, ascending: bool) -> Q:
    stored_raw, _, seq_raw = cursor.partition("|")
    stored = parse_datetime(stored_raw)
    if stored is None or not seq_raw.isdigit():
        raise ParameterInvalid("Not a page this LRS gave.", field="page")
    seq = int(seq_raw)
    if ascending:
        return Q(stored__gt=stored) | Q(stored=stored, seq__gt=seq)
    return Q(stored__lt=stored) | Q(stored=stored, seq__lt=seq)


def attachments_for(statements: list[dict]) -> list[Attachment]:
    hashes = {a["sha2"].lower() for st in statements for a in st.get("attachments", ())}
    hashes |= {a["sha2"].lower() for st in statements if st["object"].get("objectType") == "SubStatement"
               for a in st["object"].get("attachments", ())}
    return list(Attachment.objects.filter(sha2__in=hashes)) if hashes else []


def activity_get(iri: str) -> dict:
    definition = Activity.objects.filter(iri=iri).values_list("definition", flat=True).first()
    out = {"objectType": "Activity", "id": iri}
    if definition:
        out["definition"] = definition
    return out


def document_get(identity: dict) -> Document | None:
    return Document.objects.filter(**identity).first()


def document_ids(identity: dict, since=None) -> list[str]:
    qs = Document.objects.filter(**{k: v for k, v in identity.items() if k != "doc_id"})
    if since is not None:
        qs = qs.filter(updated__gt=since)
    return list(qs.order_by("doc_id").values_list("doc_id", flat=True))


def statements_about(agent_keys: list[str], limit: int = 50) -> list[dict]:
    """The newest statements whose actor or object is one of these agents (not voided), whoever
    sent them: for a learner's own record page. One query."""
    if not agent_keys:
        return []
    return list(Statement.objects.filter(agents__overlap=agent_keys, voided=False)
                .order_by("-stored", "-seq").values_list("payload", flat=True)[:limit])
