"""Who may call the LRS. The LRS keeps no keys of its own: apps above it register a checker in their
AppConfig.ready() (training registers its content-provider keys), as apps register with core.

A checker takes (key_id, secret) from HTTP Basic and returns a Principal or None. The principal's
`authority` becomes every stored statement's authority; `key` scopes what it may read back.
"""

import base64
import binascii
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    key: str  # stable, e.g. "training.provider:3"
    name: str
    authority: dict
    reads_all: bool = False  # learning staff tools may read every statement; providers their own
    # A launch token is confined to one learner (their IFI keys) and one registration.
    actor_keys: tuple[str, ...] = ()
    registration: str | None = None


_checkers: list[Callable[[str, str], Principal | None]] = []
# Key secrets are stored as slow password hashes; content sends many statements a minute, so a
# verified (key id, secret digest) is trusted for CACHE_SECONDS in this process. A key switched off
# stops working within that time.
CACHE_SECONDS = 60
_verified: dict[tuple[str, str], tuple[float, Principal]] = {}


def register_key_checker(checker: Callable[[str, str], Principal | None]) -> None:
    if checker not in _checkers:
        _checkers.append(checker)


def principal_from_basic(header: str) -> Principal | None:
    """The principal for an `Authorization: Basic …` header, or None (missing, malformed or wrong)."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    try:
        key_id, sep, secret = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not sep or not key_id:
        return None
    cache_key = (key_id, hashlib.sha256(secret.encode()).hexdigest())
    hit = _verified.get(cache_key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    for checker in _checkers:
        if (principal := checker(key_id, secret)) is not None:
            if len(_verified) > 1000:
                _verified.clear()
            _verified[cache_key] = (time.monotonic() + CACHE_SECONDS, principal)
            return principal
    return None


def forget_verified() -> None:
    """Drop the verified-credentials cache (tests; after a key is revoked)."""
    _verified.clear()
