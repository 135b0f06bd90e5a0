"""Writes to the LRS: storing statements (with voiding and attachments) and saving documents."""

import copy
import hashlib
import json
import logging
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError

from . import validation
from .credentials import Principal, register_key_checker  # noqa: F401 - for apps above: their keys as credentials
from .identity import agent_digest, agent_keys
from .launch import confine_statements, launch_token_issue, launch_tokens_revoke  # noqa: F401 - cmi5 launches (training)
from .models import Activity, Attachment, Document, Statement
from .signals import statements_stored
from .signatures import signature_check

COMPARE_IGNORING = ("stored", "authority", "version")
log = logging.getLogger(__name__)


class Conflict(DomainError):
    status_code = 409


def _activities(obj: dict) -> list[dict]:
    return [obj] if obj.get("objectType", "Activity") == "Activity" else []


def _context_activities(ctx: dict) -> list[dict]:
    out = []
    for items in (ctx or {}).get("contextActivities", {}).values():
        out.extend(items if isinstance(items, list) else [items])
    return out


def _agent_objects(st: dict) -> list[dict]:
    return [st["object"]] if st["object"].get("objectType") in ("Agent", "Group") else []


def statement_keys(st: dict) -> dict:
    """The indexed columns for a stored statement (Communication 2.1.3's filters)."""
    obj = st["object"]
    actors = agent_keys(st["actor"]) + [k for o in _agent_objects(st) for k in agent_keys(o)]
    related = list(actors)
    activities = [a["id"] for a in _activities(obj) + _context_activities(st.get("context"))]
    parts = [st]
    if obj.get("objectType") == "SubStatement":
        parts.append(obj)
        related += agent_keys(obj["actor"]) + [k for o in _agent_objects(obj) for k in agent_keys(o)]
        activities += [a["id"] for a in _activities(obj["object"]) + _context_activities(obj.get("context"))]
    for part in parts:
        ctx = part.get("context", {})
        for who in ("instructor", "team"):
            if who in ctx:
                related += agent_keys(ctx[who])
    if "authority" in st:
        related += agent_keys(st["authority"])
    registration = st.get("context", {}).get("registration")
    return {
        "verb_iri": st["verb"]["id"],
        "activity_iri": obj["id"] if obj.get("objectType", "Activity") == "Activity" else "",
        "target_id": obj["id"] if obj.get("objectType") == "StatementRef" else None,
        "registration": registration,
        "agents": sorted(set(actors)),
        "related_agents": sorted(set(related)),
        "related_activities": sorted(set(activities)),
        "attachment_hashes": [a["sha2"] for a in st.get("attachments", ())],
    }


def _comparable(st: dict) -> dict:
    return {k: v for k, v in st.items() if k not in COMPARE_IGNORING}


def _context_as_lists(st: dict) -> None:
    """A single context activity is stored (and returned) as a list of one (Data 2.4.6.2)."""
    ctx = st.get("context", {}).get("contextActivities")
    if ctx:
        for key, value in ctx.items():
            if isinstance(value, dict):
                ctx[key] = [value]


def _stored_form(st: dict, principal: Principal, now) -> dict:
    out = copy.deepcopy(st)
    _context_as_lists(out)
    if out["object"].get("objectType") == "SubStatement":
        _context_as_lists(out["object"])
    out["stored"] = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    out.setdefault("timestamp", out["stored"])
    out["authority"] = principal.authority
    out.setdefault("version", "1.0.0")
    return out


def statements_validate(statements: list, *, batch: bool) -> None:
    for n, st in enumerate(statements):
        try:
            validation.statement(st)
        except validation.StatementInvalid as exc:
            if batch:
                exc.field = f"[{n}].{exc.field}" if exc.field else f"[{n}]"
            raise


def _check_attachments(statements: list[dict], parts: dict[str, tuple[str, bytes]]) -> None:
    needed = set()
    for st in statements:
        items = list(st.get("attachments", ()))
        if st["object"].get("objectType") == "SubStatement":
            items += st["object"].get("attachments", [])
        for item in items:
            if "fileUrl" not in item:
                needed.add(item["sha2"])
    missing = needed - parts.keys()
    if missing:
        raise DomainError("An attachment without fileUrl has no part with its hash.", field="attachments")
    if parts.keys() - {a["sha2"] for st in statements for a in st.get("attachments", ())}:
        raise DomainError("A part matches no attachment of the statements.", field="attachments")


@transaction.atomic
def statements_store(*, principal: Principal, statements: list[dict], batch: bool,
                     parts: dict[str, tuple[str, bytes]] | None = None) -> list[str]:
    """Validate and store statements all or nothing; returns their ids in the order sent.

    A statement whose id is already stored changes nothing: the same statement again is accepted,
    a different one with that id is a 409 (Communication 2.1.1). Voiding statements mark their target
    voided; voiding a voiding statement is refused. Sends `statements_stored` after commit."""
    parts = parts or {}
    statements_validate(statements, batch=batch)
    confine_statements(principal, statements)
    _check_attachments(statements, parts)
    ids = []
    for st in statements:
        st.setdefault("id", str(uuid.uuid4()))
        st["id"] = st["id"].lower()
        ids.append(st["id"])
    if len(set(ids)) != len(ids):
        raise DomainError("Two statements in the batch share an id.", field="id")
    for st in statements:
        signature_check(st, parts)
    existing = {str(s.statement_id): s for s in Statement.objects.filter(statement_id__in=ids)}
    new = []
    for st in statements:
        if st["id"] in existing:
            if _comparable(existing[st["id"]].received) != _comparable(st):
                raise Conflict("A different statement with this id is already stored.", field="id")
        else:
            new.append(st)
    if not new:
        return ids
    _void_targets(new)
    now = timezone.now()
    rows = []
    for st in new:
        stored = _stored_form(st, principal, now)
        rows.append(Statement(statement_id=st["id"], stored=now, payload=stored, received=st,
                              client_key=principal.key, **statement_keys(stored)))
    try:
        with transaction.atomic():
            Statement.objects.bulk_create(rows)
    except IntegrityError:
        # A concurrent request stored one of these ids first: answer as if it had come before us.
        return _after_race(statements, ids)
    _activities_merge(new)
    if parts:
        Attachment.objects.bulk_create(
            [Attachment(sha2=sha2, content_type=ctype, content=content) for sha2, (ctype, content) in parts.items()],
            ignore_conflicts=True,
        )
    payloads = [r.payload for r in rows]
    transaction.on_commit(lambda: _announce(payloads, principal))
    return ids


def _announce(payloads: list[dict], principal: Principal) -> None:
    """The statements are stored and the client is owed its 200: a listener that fails is logged
    with the statement ids (to replay from the LRS), never turned into an error for the client."""
    for receiver, error in statements_stored.send_robust(sender=None, statements=payloads, principal=principal):
        if isinstance(error, Exception):
            log.error("statements_stored receiver %r failed for %s", receiver, [p["id"] for p in payloads],
                      exc_info=error)


def _after_race(statements: list[dict], ids: list[str]) -> list[str]:
    existing = {str(s.statement_id): s for s in Statement.objects.filter(statement_id__in=ids)}
    if all(st["id"] in existing and _comparable(existing[st["id"]].received) == _comparable(st) for st in statements):
        return ids
    raise Conflict("A statement with one of these ids was stored at the same moment.", field="id")


def _void_targets(new: list[dict]) -> None:
    targets = {st["object"]["id"].lower() for st in new if st["verb"]["id"] == validation.VOIDED}
    if not targets:
        return
    voiding_in_batch = {st["id"] for st in new if st["verb"]["id"] == validation.VOIDED}
    if targets & voiding_in_batch or Statement.objects.filter(
            statement_id__in=targets, verb_iri=validation.VOIDED).exists():
        raise DomainError("A voiding statement cannot itself be voided.", field="object.id")
    Statement.objects.filter(statement_id__in=targets).update(voided=True)


def _merge_definition(old: dict, new: dict) -> dict:
    merged = dict(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key != "extensions":
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _activities_merge(statements: list[dict]) -> None:
    """Keep a canonical definition per activity: later definitions add to or replace earlier ones.
    Two queries whatever the number of activities."""
    seen: dict[str, dict] = {}
    for st in statements:
        parts = [st, st["object"]] if st["object"].get("objectType") == "SubStatement" else [st]
        for part in parts:
            for act in _activities(part["object"]) + _context_activities(part.get("context")):
                seen[act["id"]] = _merge_definition(seen.get(act["id"], {}), act.get("definition", {}))
    if not seen:
        return
    current = dict(Activity.objects.filter(iri__in=seen).values_list("iri", "definition"))
    Activity.objects.bulk_create(
        [Activity(iri=iri, definition=_merge_definition(current.get(iri, {}), d)) for iri, d in seen.items()],
        update_conflicts=True, unique_fields=["iri"], update_fields=["definition"],
    )


# -- documents (Communication 2.2 to 2.7) -------------------------------------------------------------

def document_identity(*, client_key: str, kind: str, activity_iri: str = "", agent: dict | None = None,
                      registration: str = "", doc_id: str) -> dict:
    """What names one document: the writer's key (its document space), kind, activity, agent,
    registration and id. Every read, write and delete filters by all of it."""
    if not client_key:
        raise ValueError("A document belongs to a credential: client_key is required.")
    return {"client_key": client_key, "kind": kind, "activity_iri": activity_iri, "agent_key": agent_digest(agent) if agent else "",
            "registration": registration or "", "doc_id": doc_id}


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # noqa: S324 - the ETag the specification asks for


def _check_preconditions(doc: Document | None, if_match: str | None, if_none_match: str | None,
                         require: bool, require_to_create: bool = True) -> None:
    if if_match is not None:
        tags = {t.strip().strip('"') for t in if_match.split(",")}
        if doc is None or ("*" not in tags and doc.etag not in tags):
            raise DomainError("If-Match does not match the document's ETag.", field="If-Match", status_code=412)
    if if_none_match is not None:
        tags = {t.strip().strip('"') for t in if_none_match.split(",")}
        if doc is not None and ("*" in tags or doc.etag in tags):
            raise DomainError("The document exists (If-None-Match).", field="If-None-Match", status_code=412)
    if require and if_match is None and if_none_match is None:
        if doc is not None:
            raise Conflict("The document exists: send If-Match with its ETag to replace it.", field="If-Match")
        if not require_to_create:
            return
        raise DomainError("Send If-None-Match: * to create the document (or If-Match to replace one).",
                          field="If-Match")


@transaction.atomic
def document_save(*, identity: dict, content: bytes, content_type: str, merge: bool,
                  if_match: str | None = None, if_none_match: str | None = None,
                  require_precondition: bool = False, require_to_create: bool = True) -> Document:
    """PUT (replace) or POST (merge JSON objects) a document. The row lock makes concurrent writers
    queue, so an If-Match decided here still holds when the write lands."""
    doc = Document.objects.select_for_update().filter(**identity).first()
    _check_preconditions(doc, if_match, if_none_match, require_precondition and not merge, require_to_create)
    is_json = content_type.split(";")[0].strip().lower() == "application/json"
    if merge and doc is not None:
        old_json = doc.content_type.split(";")[0].strip().lower() == "application/json"
        if not (is_json and old_json):
            raise DomainError("POST merges JSON documents only; both must be application/json objects.",
                              field="Content-Type")
        old, new = json.loads(bytes(doc.content)), _json_object(content)
        if not isinstance(old, dict):
            raise DomainError("The stored document is not a JSON object.", field="Content-Type")
        content = json.dumps({**old, **new}).encode()
    elif merge and is_json:
        _json_object(content)
    now = timezone.now()
    values = {"content": content, "content_type": content_type, "etag": etag_of(content), "updated": now}
    if doc is None:
        try:
            with transaction.atomic():
                return Document.objects.create(**identity, **values)
        except IntegrityError:
            # Another request created it between our read and write: we lost the race.
            raise DomainError("The document was created by another request meanwhile.", field="If-None-Match",
                              status_code=412 if if_none_match is not None else 409) from None
    for key, value in values.items():
        setattr(doc, key, value)
    doc.save(update_fields=list(values))
    return doc


def _json_object(content: bytes) -> dict:
    try:
        value = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DomainError("The document is not valid JSON.", field="content") from None
    if not isinstance(value, dict):
        raise DomainError("POST merges JSON objects only.", field="content")
    return value


@transaction.atomic
def documents_delete(*, identity: dict, if_match: str | None = None) -> None:
    """Delete one document (identity has doc_id) or, for State without stateId, all of them."""
    if identity.get("doc_id") is None:
        Document.objects.filter(**{k: v for k, v in identity.items() if k != "doc_id"}).delete()
        return
    doc = Document.objects.select_for_update().filter(**identity).first()
    _check_preconditions(doc, if_match, None, False)
    if doc is not None:
        doc.delete()
