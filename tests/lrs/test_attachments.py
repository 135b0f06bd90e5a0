"""Attachments (Data 2.4.11, Communication 2.1.2/2.1.3): multipart/mixed in, SHA-2 matching,
multipart out with attachments=true; signed statements (Data 2.6)."""

import base64
import hashlib
import json

from lrs.models import Attachment, Statement

from .conftest import statement

BOUNDARY = "xapi-boundary-1"


def attachment_meta(content: bytes, **extra):
    meta = {"usageType": "http://example.org/usage/notes", "display": {"en-GB": "Notes"},
            "contentType": "text/plain", "length": len(content), "sha2": hashlib.sha256(content).hexdigest()}
    meta.update(extra)
    return meta


def multipart(statements, parts):
    out = [f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{json.dumps(statements)}\r\n".encode()]
    for content, headers in parts:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        out.append(f"--{BOUNDARY}\r\n{head}\r\n".encode() + content + b"\r\n")
    out.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(out)


def part_headers(content, **extra):
    return {"Content-Type": "text/plain", "Content-Transfer-Encoding": "binary",
            "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(), **extra}


def post_multipart(xapi, body):
    return xapi.post("statements", body, content_type=f"multipart/mixed; boundary={BOUNDARY}")


def test_attachment_round_trip(xapi):
    content = b"here is a simple attachment\x00\xff"
    st = statement(attachments=[attachment_meta(content)])
    response = post_multipart(xapi, multipart(st, [(content, part_headers(content))]))
    assert response.status_code == 200, response.content
    [sid] = response.json()
    assert Attachment.objects.get().content == content
    plain = xapi.get("statements", {"statementId": sid})
    assert plain["Content-Type"].startswith("application/json")
    full = xapi.get("statements", {"statementId": sid, "attachments": "true"})
    assert full["Content-Type"].startswith("multipart/mixed; boundary=")
    assert content in full.content and hashlib.sha256(content).hexdigest().encode() in full.content


def test_attachment_without_its_part_or_with_a_wrong_hash_is_refused(xapi):
    content = b"notes"
    st = statement(attachments=[attachment_meta(content)])
    assert xapi.post("statements", st).status_code == 400  # no part, no fileUrl
    wrong = part_headers(content, **{"X-Experience-API-Hash": hashlib.sha256(b"other").hexdigest()})
    assert post_multipart(xapi, multipart(st, [(content, wrong)])).status_code == 400
    base64ed = part_headers(content, **{"Content-Transfer-Encoding": "base64"})
    assert post_multipart(xapi, multipart(st, [(content, base64ed)])).status_code == 400
    assert not Statement.objects.exists()


def test_attachment_with_file_url_needs_no_part(xapi):
    st = statement(attachments=[attachment_meta(b"x", fileUrl="https://files.example.org/x.txt")])
    assert xapi.post("statements", st).status_code == 200


def _jws(payload: dict, alg="RS256") -> bytes:
    def enc(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=")

    return enc({"alg": alg}) + b"." + enc(payload) + b"." + base64.urlsafe_b64encode(b"sig").rstrip(b"=")


def _signed(xapi, payload, alg="RS256", content_type="application/octet-stream"):
    st = statement(id="5c9c3f47-7b0a-4c4f-9d3b-6f0f5a1b2c3d")
    signature = _jws(payload if payload is not None else st, alg)
    meta = attachment_meta(signature, usageType="http://adlnet.gov/expapi/attachments/signature",
                           contentType=content_type)
    body = multipart(dict(st, attachments=[meta]),
                     [(signature, part_headers(signature, **{"Content-Type": "application/octet-stream"}))])
    return post_multipart(xapi, body)


def test_signed_statements(xapi):
    assert _signed(xapi, None, alg="HS256").status_code == 400
    assert _signed(xapi, None, content_type="text/plain").status_code == 400
    assert _signed(xapi, statement(verb={"id": "http://x.org/other"})).status_code == 400
    assert _signed(xapi, None).status_code == 200


def test_query_with_attachments_returns_every_statements_parts(xapi):
    first, second = b"first attachment", b"second attachment"
    for content in (first, second):
        st = statement(attachments=[attachment_meta(content)])
        assert post_multipart(xapi, multipart(st, [(content, part_headers(content))])).status_code == 200
    response = xapi.get("statements", {"attachments": "true"})
    assert response["Content-Type"].startswith("multipart/mixed")
    boundary = response["Content-Type"].split("boundary=")[1]
    parts = response.content.split(f"--{boundary}".encode())
    assert b'"statements"' in parts[1] and first in response.content and second in response.content
