"""Signed statements (Data 2.6): the signature attachment is a JWS (compact serialisation) whose
payload is the statement as it was before the signature was added, signed with RS256/384/512.

When the JWS header carries an `x5c` certificate chain the signature is verified with the first
certificate's key; without one there is no key to verify against, so only the form is checked.
"""

import base64
import binascii
import json
import re

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from core.errors import DomainError

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = {"RS256", "RS384", "RS512"}
NOT_SIGNED = ("attachments", "authority", "stored", "version", "id")


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _bad(message):
    raise DomainError(message, field="attachments.signature")


def _verify(header: dict, signing_input: bytes, signature: bytes) -> None:
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        digest = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}[header["alg"]]()
        cert.public_key().verify(signature, signing_input, padding.PKCS1v15(), digest)
    except (InvalidSignature, ValueError, TypeError, IndexError, KeyError, binascii.Error):
        _bad("The signature does not verify with the certificate in x5c.")


def _durations_truncated(st: dict) -> dict:
    """xAPI 2.0 (4.2.7): durations compare only to hundredths of a second."""
    def cut(part):
        duration = part.get("result", {}).get("duration") if isinstance(part.get("result"), dict) else None
        if isinstance(duration, str):
            part = dict(part, result=dict(part["result"], duration=re.sub(
                r"(\d+)[.,](\d{1,2})\d*S$", lambda m: f"{m.group(1)}.{m.group(2).ljust(2, '0')}S", duration)))
        return part

    st = cut(st)
    if isinstance(st.get("object"), dict) and st["object"].get("objectType") == "SubStatement":
        st = dict(st, object=cut(st["object"]))
    return st


def signature_check(statement: dict, parts: dict[str, tuple[str, bytes]]) -> None:
    for item in statement.get("attachments", ()):
        if item["usageType"] != SIGNATURE:
            continue
        if item["contentType"].split(";")[0].strip().lower() != "application/octet-stream":
            _bad("A signature attachment's contentType must be application/octet-stream.")
        part = parts.get(item["sha2"].lower())
        if part is None:
            _bad("A signature attachment must be sent as a part.")
        try:
            header_b64, payload_b64, sig_b64 = part[1].decode("ascii").strip().split(".")
            header = json.loads(_b64(header_b64))
            payload = json.loads(_b64(payload_b64))
            signature = _b64(sig_b64)
        except (ValueError, UnicodeDecodeError, binascii.Error):
            _bad("The signature is not a JWS with a JSON payload.")
        if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
            _bad("The signature must use RS256, RS384 or RS512.")
        if not isinstance(payload, dict):
            _bad("The signature's payload must be the statement.")
        if "x5c" in header:
            _verify(header, f"{header_b64}.{payload_b64}".encode(), signature)
        signed = _durations_truncated({k: v for k, v in payload.items() if k not in NOT_SIGNED})
        sent = _durations_truncated({k: v for k, v in statement.items() if k not in NOT_SIGNED})
        if signed != sent or ("id" in payload and payload["id"].lower() != statement.get("id", "").lower()):
            _bad("The signed payload differs from the statement.")
