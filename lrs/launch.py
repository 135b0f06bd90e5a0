"""Per-launch credentials for cmi5 sessions (cmi5 section 8.2): the LMS asks for a token when it
launches an AU; the AU sends it as `Authorization: Basic <auth-token>`. The token acts for the
issuing provider, but only as the launched learner and only in the launch's registration."""

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError

from . import validation
from .credentials import Principal
from .identity import agent_keys
from .models import LaunchToken

KEY_PREFIX = "launch-"
DEFAULT_TTL = dt.timedelta(hours=8)


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def launch_token_issue(*, issuer: Principal, actor: dict, registration: str, activity_iri: str,
                       ttl: dt.timedelta = DEFAULT_TTL) -> str:
    """Returns the auth-token (base64 of key:secret, as HTTP Basic expects)."""
    validation.agent(actor, "actor")
    validation.uuid_value(registration, "registration")
    validation.iri(activity_iri, "activityId")
    key_id, secret = KEY_PREFIX + secrets.token_hex(8), secrets.token_urlsafe(32)
    LaunchToken.objects.create(key_id=key_id, secret_sha256=_sha(secret), issuer_key=issuer.key,
                               issuer_name=issuer.name, authority=issuer.authority, actor=actor,
                               registration=registration, activity_iri=activity_iri, expires=timezone.now() + ttl)
    return base64.b64encode(f"{key_id}:{secret}".encode()).decode()


def launch_tokens_revoke(*, registration: str) -> int:
    """End every token of a registration (the session was abandoned or terminated)."""
    return LaunchToken.objects.filter(registration=registration).delete()[0]


def launch_principal(key_id: str, secret: str) -> Principal | None:
    """The key checker lrs registers for itself."""
    if not key_id.startswith(KEY_PREFIX):
        return None
    token = LaunchToken.objects.filter(key_id=key_id, expires__gt=timezone.now()).first()
    if token is None or not hmac.compare_digest(token.secret_sha256, _sha(secret)):
        return None
    return Principal(key=token.issuer_key, name=token.issuer_name, authority=token.authority,
                     actor_keys=tuple(agent_keys(token.actor)), registration=str(token.registration))


def confine_statements(principal: Principal, statements: list[dict]) -> None:
    """A launch token writes statements about its own learner in its own registration only."""
    if not principal.actor_keys:
        return
    for n, st in enumerate(statements):
        actor = st.get("actor") if isinstance(st, dict) else None
        if not isinstance(actor, dict) or not set(agent_keys(actor)) & set(principal.actor_keys):
            raise DomainError("This launch may only send statements about its learner.", field=f"[{n}].actor",
                              status_code=403)
        registration = (st.get("context") or {}).get("registration") if isinstance(st.get("context"), dict) else None
        if registration is not None and str(registration).lower() != principal.registration:
            raise DomainError("This launch may only send statements in its registration.",
                              field=f"[{n}].context.registration", status_code=403)


def confine_agent(principal: Principal, agent: dict | None) -> None:
    if principal.actor_keys and (agent is None or not set(agent_keys(agent)) & set(principal.actor_keys)):
        raise DomainError("This launch may only use its learner's documents.", field="agent", status_code=403)
