"""xAPI 1.0.3 statement validation (Data section 2 and 4), written from the specification.

Each check raises `StatementInvalid` naming the dotted path of the field at fault
(`actor.mbox`, `context.contextActivities.parent[0].id`), which the resource turns into a 400.
Rules applied everywhere outside `extensions`: no unknown properties, no `null` values, strings where
strings are due, IRIs with a scheme, language maps keyed by RFC 5646 tags.
"""

import contextvars
import re

from core.errors import DomainError

# Set per request by lrs.http from X-Experience-API-Version: 2.0.x adds contextAgents and
# contextGroups to the context and allows version 2.0.x in statements.
XAPI_2 = contextvars.ContextVar("xapi_2", default=False)

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
EMAIL_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
# RFC 5646 language tag, the common grammar (language, script, region, variants, extensions, private use).
LANG_RE = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?|[xX](?:-[A-Za-z0-9]{1,8})+|i-[A-Za-z]{3,8})$"
)
# ISO 8601 date-time (extended or basic), the form the specification uses for timestamps.
TIMESTAMP_RE = re.compile(
    r"^\d{4}-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):?[0-5]\d(?::?[0-5]\d(?:[.,]\d+)?)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$"
)
DURATION_RE = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W|(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)$"
)
MIME_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(?:\s*;.*)?$")
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
MAX_IRI = 2048  # the columns' width (lrs.models)
INTERACTION_TYPES = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert",
    "numeric", "other",
}
COMPONENT_LISTS = {"choices", "scale", "source", "target", "steps"}
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


class StatementInvalid(DomainError):
    """A statement (or a parameter) that breaks the specification; `field` is the dotted path."""


def fail(field, message):
    raise StatementInvalid(message, field=field)


def _object(value, field):
    if not isinstance(value, dict):
        fail(field, "Must be a JSON object.")
    return value


def _keys(value, field, allowed, required=()):
    _object(value, field)
    for key, item in value.items():
        if key not in allowed:
            fail(f"{field}.{key}" if field else key, "Not a property the specification defines here.")
        if item is None:
            fail(f"{field}.{key}" if field else key, "Must not be null.")
    for key in required:
        if key not in value:
            fail(f"{field}.{key}" if field else key, "Required.")


def _string(value, field):
    if not isinstance(value, str):
        fail(field, "Must be a string.")
    return value


def is_uuid(value) -> bool:
    return isinstance(value, str) and bool(UUID_RE.match(value))


def is_iri(value) -> bool:
    return isinstance(value, str) and bool(IRI_RE.match(value))


def uuid_value(value, field):
    if not is_uuid(value):
        fail(field, "Must be a UUID.")


def iri(value, field):
    if not is_iri(value):
        fail(field, "Must be an IRI with a scheme.")
    if len(value) > MAX_IRI:
        fail(field, f"Longer than the {MAX_IRI} characters this LRS stores.")


def boolean(value, field):
    if not isinstance(value, bool):
        fail(field, "Must be true or false.")


def number(value, field):
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(field, "Must be a number.")
    return value


def language_map(value, field):
    _object(value, field)
    for tag, text in value.items():
        if not LANG_RE.match(tag):
            fail(f"{field}.{tag}", "Not an RFC 5646 language tag.")
        _string(text, f"{field}.{tag}")


def extensions(value, field):
    _object(value, field)
    for key in value:
        iri(key, f"{field}.{key}")


def timestamp(value, field):
    _string(value, field)
    # -00, -0000 and -00:00 say "offset unknown" in RFC 3339, which ISO 8601 forbids.
    if not TIMESTAMP_RE.match(value) or re.search(r"-00(?::?00)?$", value):
        fail(field, "Must be an ISO 8601 date and time.")
    from django.utils.dateparse import parse_datetime

    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None and "-" in value[:8]:
        fail(field, "Must be a real date and time.")


def agent(value, field, *, as_object=False, member=False):
    _object(value, field)
    kind = value.get("objectType", "Agent")
    if as_object and "objectType" not in value:
        fail(f"{field}.objectType", "Required for an Agent or Group as object.")
    if kind == "Group" and not member:
        return group(value, field)
    if kind != "Agent":
        fail(f"{field}.objectType", "Must be Agent." if member else "Must be Agent or Group.")
    _keys(value, field, {"objectType", "name", *IFIS})
    found = [k for k in IFIS if k in value]
    if len(found) != 1:
        fail(field, "An Agent needs exactly one of mbox, mbox_sha1sum, openid or account.")
    _ifi(value, field)
    if "name" in value:
        _string(value["name"], f"{field}.name")


def group(value, field):
    _keys(value, field, {"objectType", "name", "member", *IFIS})
    found = [k for k in IFIS if k in value]
    if len(found) > 1:
        fail(field, "A Group has at most one of mbox, mbox_sha1sum, openid or account.")
    if found:
        _ifi(value, field)
    elif "member" not in value:
        fail(f"{field}.member", "An anonymous Group needs its members.")
    if "name" in value:
        _string(value["name"], f"{field}.name")
    if "member" in value:
        if not isinstance(value["member"], list):
            fail(f"{field}.member", "Must be a list of Agents.")
        if not found and not value["member"]:
            fail(f"{field}.member", "An anonymous Group needs its members.")
        for n, item in enumerate(value["member"]):
            agent(item, f"{field}.member[{n}]", member=True)


def _ifi(value, field):
    if "mbox" in value and not (isinstance(value["mbox"], str) and EMAIL_RE.match(value["mbox"])):
        fail(f"{field}.mbox", "Must be a mailto: IRI.")
    if "mbox_sha1sum" in value and not (isinstance(value["mbox_sha1sum"], str) and SHA1_RE.match(value["mbox_sha1sum"])):
        fail(f"{field}.mbox_sha1sum", "Must be a SHA-1 hex digest.")
    if "openid" in value:
        iri(value["openid"], f"{field}.openid")
    if "account" in value:
        account = value["account"]
        _keys(account, f"{field}.account", {"homePage", "name"}, required=("homePage", "name"))
        iri(account["homePage"], f"{field}.account.homePage")
        _string(account["name"], f"{field}.account.name")


def authority(value, field):
    """An Agent, or (OAuth 3-legged) an anonymous Group of exactly two Agents (Data 2.4.9)."""
    agent(value, field)
    if value.get("objectType") == "Group":
        if any(k in value for k in IFIS):
            fail(field, "An authority Group must be anonymous.")
        if len(value.get("member", [])) != 2:
            fail(f"{field}.member", "An authority Group has exactly two members.")


def verb(value, field="verb"):
    _keys(value, field, {"id", "display"}, required=("id",))
    iri(value["id"], f"{field}.id")
    if "display" in value:
        language_map(value["display"], f"{field}.display")


def activity(value, field):
    _keys(value, field, {"objectType", "id", "definition"}, required=("id",))
    if value.get("objectType", "Activity") != "Activity":
        fail(f"{field}.objectType", "Must be Activity.")
    iri(value["id"], f"{field}.id")
    if "definition" in value:
        definition(value["definition"], f"{field}.definition")


def definition(value, field):
    _keys(value, field, {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                         "correctResponsesPattern", *COMPONENT_LISTS})
    for key in ("name", "description"):
        if key in value:
            language_map(value[key], f"{field}.{key}")
    for key in ("type", "moreInfo"):
        if key in value:
            iri(value[key], f"{field}.{key}")
    if "extensions" in value:
        extensions(value["extensions"], f"{field}.extensions")
    interaction = value.get("interactionType")
    if interaction is not None and (not isinstance(interaction, str) or interaction not in INTERACTION_TYPES):
        fail(f"{field}.interactionType", "Not an interaction type the specification defines.")
    if "correctResponsesPattern" in value:
        if interaction is None:
            fail(f"{field}.correctResponsesPattern", "Needs an interactionType.")
        if not isinstance(value["correctResponsesPattern"], list):
            fail(f"{field}.correctResponsesPattern", "Must be a list of strings.")
        for n, item in enumerate(value["correctResponsesPattern"]):
            _string(item, f"{field}.correctResponsesPattern[{n}]")
    for key in COMPONENT_LISTS & value.keys():
        if interaction is None:
            fail(f"{field}.{key}", "Needs an interactionType.")
        items = value[key]
        if not isinstance(items, list):
            fail(f"{field}.{key}", "Must be a list of interaction components.")
        seen = set()
        for n, item in enumerate(items):
            where = f"{field}.{key}[{n}]"
            _keys(item, where, {"id", "description"}, required=("id",))
            _string(item["id"], f"{where}.id")
            if item["id"] in seen:
                fail(f"{where}.id", "Interaction component ids must be distinct.")
            seen.add(item["id"])
            if "description" in item:
                language_map(item["description"], f"{where}.description")


def statement_ref(value, field):
    _keys(value, field, {"objectType", "id"}, required=("objectType", "id"))
    uuid_value(value["id"], f"{field}.id")


def statement_object(value, field, *, sub=False):
    _object(value, field)
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        activity(value, field)
    elif kind in ("Agent", "Group"):
        agent(value, field, as_object=True)
    elif kind == "StatementRef":
        statement_ref(value, field)
    elif kind == "SubStatement" and not sub:
        substatement(value, field)
    else:
        fail(f"{field}.objectType", "Not an object type allowed here.")


def score(value, field):
    _keys(value, field, {"scaled", "raw", "min", "max"})
    for key in value:
        number(value[key], f"{field}.{key}")
    if "scaled" in value and not -1 <= value["scaled"] <= 1:
        fail(f"{field}.scaled", "Must be between -1 and 1.")
    lo, hi = value.get("min"), value.get("max")
    if lo is not None and hi is not None and lo > hi:
        fail(f"{field}.min", "Must not be more than max.")
    if "raw" in value:
        if lo is not None and value["raw"] < lo:
            fail(f"{field}.raw", "Must not be less than min.")
        if hi is not None and value["raw"] > hi:
            fail(f"{field}.raw", "Must not be more than max.")


def result(value, field):
    _keys(value, field, {"score", "success", "completion", "response", "duration", "extensions"})
    if "score" in value:
        score(value["score"], f"{field}.score")
    for key in ("success", "completion"):
        if key in value:
            boolean(value[key], f"{field}.{key}")
    if "response" in value:
        _string(value["response"], f"{field}.response")
    if "duration" in value and not (isinstance(value["duration"], str) and DURATION_RE.match(value["duration"])):
        fail(f"{field}.duration", "Must be an ISO 8601 duration.")
    if "extensions" in value:
        extensions(value["extensions"], f"{field}.extensions")


def context(value, field, statement_obj):
    allowed = {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language",
               "statement", "extensions"}
    _keys(value, field, allowed | ({"contextAgents", "contextGroups"} if XAPI_2.get() else set()))
    for key, kind, inner in (("contextAgents", "contextAgent", "agent"), ("contextGroups", "contextGroup", "group")):
        if key in value:
            _context_agents(value[key], f"{field}.{key}", kind, inner)
    if "registration" in value:
        uuid_value(value["registration"], f"{field}.registration")
    if "instructor" in value:
        agent(value["instructor"], f"{field}.instructor")
    if "team" in value:
        if _object(value["team"], f"{field}.team").get("objectType") != "Group":
            fail(f"{field}.team.objectType", "The team must be a Group.")
        group(value["team"], f"{field}.team")
    if "contextActivities" in value:
        ctx = value["contextActivities"]
        _keys(ctx, f"{field}.contextActivities", {"parent", "grouping", "category", "other"})
        for key, items in ctx.items():
            for n, item in enumerate(items if isinstance(items, list) else [items]):
                activity(item, f"{field}.contextActivities.{key}[{n}]")
    is_activity = _object(statement_obj, "object").get("objectType", "Activity") == "Activity"
    for key in ("revision", "platform"):
        if key in value:
            _string(value[key], f"{field}.{key}")
            if not is_activity:
                fail(f"{field}.{key}", "Only allowed when the object is an Activity.")
    if "language" in value and not (isinstance(value["language"], str) and LANG_RE.match(value["language"])):
        fail(f"{field}.language", "Not an RFC 5646 language tag.")
    if "statement" in value:
        statement_ref(value["statement"], f"{field}.statement")
        if value["statement"]["objectType"] != "StatementRef":
            fail(f"{field}.statement.objectType", "Must be StatementRef.")
    if "extensions" in value:
        extensions(value["extensions"], f"{field}.extensions")


def _context_agents(value, field, kind, inner):
    """xAPI 2.0 contextAgents / contextGroups: [{objectType, agent|group, relevantTypes?}]."""
    if not isinstance(value, list):
        fail(field, f"Must be a list of {kind} objects.")
    for n, item in enumerate(value):
        where = f"{field}[{n}]"
        _keys(item, where, {"objectType", inner, "relevantTypes"}, required=("objectType", inner))
        if item["objectType"] != kind:
            fail(f"{where}.objectType", f"Must be {kind}.")
        if inner == "group":
            if _object(item[inner], f"{where}.group").get("objectType") != "Group":
                fail(f"{where}.group.objectType", "Must be Group.")
            group(item[inner], f"{where}.group")
        else:
            agent(item[inner], f"{where}.agent", member=True)
        if "relevantTypes" in item:
            types = item["relevantTypes"]
            if not isinstance(types, list) or not types:
                fail(f"{where}.relevantTypes", "Must be a non-empty list of IRIs.")
            for m, iri_value in enumerate(types):
                iri(iri_value, f"{where}.relevantTypes[{m}]")


def attachments(value, field):
    if not isinstance(value, list):
        fail(field, "Must be a list of attachments.")
    for n, item in enumerate(value):
        where = f"{field}[{n}]"
        _keys(item, where, {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
              required=("usageType", "display", "contentType", "length", "sha2"))
        iri(item["usageType"], f"{where}.usageType")
        language_map(item["display"], f"{where}.display")
        if "description" in item:
            language_map(item["description"], f"{where}.description")
        if not (isinstance(item["contentType"], str) and MIME_RE.match(item["contentType"])):
            fail(f"{where}.contentType", "Must be an Internet media type.")
        if isinstance(item["length"], bool) or not isinstance(item["length"], int) or item["length"] < 0:
            fail(f"{where}.length", "Must be a whole number of octets.")
        if not (isinstance(item["sha2"], str) and re.fullmatch(r"[0-9a-fA-F]{56,128}", item["sha2"])):
            fail(f"{where}.sha2", "Must be a SHA-2 hex digest.")
        if "fileUrl" in item:
            iri(item["fileUrl"], f"{where}.fileUrl")


def _body(value, field, *, sub):
    prefix = f"{field}." if field else ""
    agent(value["actor"], f"{prefix}actor")
    verb(value["verb"], f"{prefix}verb")
    statement_object(value["object"], f"{prefix}object", sub=sub)
    if "result" in value:
        result(value["result"], f"{prefix}result")
    if "context" in value:
        context(value["context"], f"{prefix}context", value["object"])
    if "timestamp" in value:
        timestamp(value["timestamp"], f"{prefix}timestamp")
    if "attachments" in value:
        attachments(value["attachments"], f"{prefix}attachments")


def substatement(value, field):
    _keys(value, field, {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"},
          required=("actor", "verb", "object"))
    _body(value, field, sub=True)


def statement(value, field=""):
    """Validate one statement as received (Data 2.4). The LRS sets stored and authority itself."""
    _keys(value, field, {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                         "version", "attachments", "objectType"}, required=("actor", "verb", "object"))
    prefix = f"{field}." if field else ""
    if "objectType" in value:
        fail(f"{prefix}objectType", "A statement has no objectType.")
    if "id" in value:
        uuid_value(value["id"], f"{prefix}id")
    _body(value, field, sub=False)
    if "stored" in value:
        timestamp(value["stored"], f"{prefix}stored")
    if "authority" in value:
        authority(value["authority"], f"{prefix}authority")
    pattern = r"1\.0(\.\d+)?|2\.0(\.\d+)?" if XAPI_2.get() else r"1\.0(\.\d+)?"
    if "version" in value and not (isinstance(value["version"], str) and re.fullmatch(pattern, value["version"])):
        fail(f"{prefix}version", "Must be a 1.0.x version." if not XAPI_2.get() else "Must be 1.0.x or 2.0.x.")
    if value["verb"]["id"] == VOIDED:
        obj = value["object"]
        if obj.get("objectType") != "StatementRef":
            fail(f"{prefix}object.objectType", "A voiding statement's object must be a StatementRef.")
