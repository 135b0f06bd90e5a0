"""Statement output formats (ids / exact / canonical) and multipart/mixed in and out (Data 2.4.11)."""

import hashlib
import json
import re
import uuid

from core.errors import DomainError


def _agent_ids(agent: dict) -> dict:
    out = {k: agent[k] for k in ("objectType", "mbox", "mbox_sha1sum", "openid", "account") if k in agent}
    if agent.get("objectType") == "Group" and "member" in agent and len(out) == 1:
        out["member"] = [_agent_ids(m) for m in agent["member"]]
    return out


def _object_ids(obj: dict) -> dict:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return {"id": obj["id"]}
    if kind in ("Agent", "Group"):
        return _agent_ids(obj)
    if kind == "SubStatement":
        return _statement_ids(obj)
    return obj


def _statement_ids(st: dict) -> dict:
    out = dict(st)
    out["actor"] = _agent_ids(st["actor"])
    out["verb"] = {"id": st["verb"]["id"]}
    out["object"] = _object_ids(st["object"])
    if "authority" in st:
        out["authority"] = _agent_ids(st["authority"])
    ctx = st.get("context")
    if ctx:
        ctx = dict(ctx)
        for who in ("instructor", "team"):
            if who in ctx:
                ctx[who] = _agent_ids(ctx[who])
        if "contextActivities" in ctx:
            ctx["contextActivities"] = {k: [{"id": a["id"]} for a in
                                            (v if isinstance(v, list) else [v])]
                                        for k, v in ctx["contextActivities"].items()}
        out["context"] = ctx
    return out


def _pick_language(value: dict, languages: list[str]) -> dict:
    for lang in languages:  # an exact tag first, then the same primary language
        for tag in value:
            if tag.lower() == lang:
                return {tag: value[tag]}
        for tag in value:
            if tag.lower().split("-")[0] == lang.split("-")[0]:
                return {tag: value[tag]}
    first = next(iter(value), None)
    return {first: value[first]} if first is not None else {}


def _canonical(node, languages):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "extensions":
                out[key] = value
            elif key in ("display", "name", "description") and isinstance(value, dict) and all(
                    isinstance(v, str) for v in value.values()):
                out[key] = _pick_language(value, languages)
            else:
                out[key] = _canonical(value, languages)
        return out
    if isinstance(node, list):
        return [_canonical(v, languages) for v in node]
    return node


def accept_languages(header: str) -> list[str]:
    langs = []
    for part in (header or "").split(","):
        tag, _, q = part.strip().partition(";q=")
        if tag and tag != "*":
            try:
                langs.append((float(q) if q else 1.0, tag.lower()))
            except ValueError:
                continue
    return [t for _, t in sorted(langs, key=lambda x: -x[0])]


def statement_out(st: dict, fmt: str, languages: list[str]) -> dict:
    """ids: agents, verbs and activities by identifier only; canonical: one language per language
    map, chosen by Accept-Language (the statement's own definitions: what the sender stated)."""
    if fmt == "ids":
        return _statement_ids(st)
    if fmt == "canonical":
        return _canonical(st, languages)
    return st


# -- multipart/mixed ------------------------------------------------------------------------------------

def _boundary(content_type: str) -> str:
    match = re.search(r'boundary=(?:"([^"]+)"|([^;\s]+))', content_type, re.IGNORECASE)
    if not match:
        raise DomainError("A multipart/mixed request needs a boundary.", field="Content-Type")
    return match.group(1) or match.group(2)


def multipart_parse(content_type: str, body: bytes) -> tuple[bytes, dict[str, tuple[str, bytes]]]:
    """Split a multipart/mixed statement request into the statement JSON and {sha2: (type, content)}.
    Each attachment part needs X-Experience-API-Hash matching its content's SHA-2, and binary
    transfer encoding."""
    delimiter = b"--" + _boundary(content_type).encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise DomainError("The multipart body has no parts.", field="body")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = chunk.partition(b"\n\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.strip():
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, content))
    if not parts:
        raise DomainError("The multipart body has no parts.", field="body")
    first_headers, statements = parts[0]
    if first_headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise DomainError("The first part must be the statements as application/json.", field="Content-Type")
    attachments = {}
    for headers, content in parts[1:]:
        sha2 = headers.get("x-experience-api-hash")
        if not sha2:
            raise DomainError("Each attachment part needs an X-Experience-API-Hash header.",
                              field="X-Experience-API-Hash")
        if headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise DomainError("Attachment parts must use Content-Transfer-Encoding: binary.",
                              field="Content-Transfer-Encoding")
        algo = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}.get(len(sha2))
        if algo is None or algo(content).hexdigest() != sha2.lower():
            raise DomainError("An attachment's content does not match its X-Experience-API-Hash.",
                              field="X-Experience-API-Hash")
        attachments[sha2.lower()] = (headers.get("content-type", "application/octet-stream"), content)
    return statements, attachments


def multipart_build(result: dict | list, attachments: list) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
           json.dumps(result).encode(), b"\r\n"]
    for att in attachments:
        out += [f"--{boundary}\r\nContent-Type: {att.content_type}\r\nContent-Transfer-Encoding: binary\r\n"
                f"X-Experience-API-Hash: {att.sha2}\r\n\r\n".encode(), bytes(att.content), b"\r\n"]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"
