"""Applicant links: the token (only its hash is stored), looking an invitation up by it, why a
link cannot be used, and the email that carries it."""

import hashlib
import hmac
import secrets

from django.urls import reverse
from django.utils import timezone

from core.mail import mail_on_commit

from ..models import Applicant, Invitation, TestTemplate


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link belongs to, or None. The lookup is by hash (indexed); the final
    comparison is constant-time so response timing says nothing about near misses."""
    if not token or len(token) > 100:
        return None
    wanted = token_hash(token)
    invitation = (
        Invitation.objects.select_related("template", "applicant").filter(token_hash=wanted).first()
    )
    if invitation is None or not hmac.compare_digest(invitation.token_hash, wanted):
        return None
    return invitation


def applicant_link(*, base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("recruitment_applicant:start", args=[token])


def send_link(*, applicant: Applicant, template: TestTemplate, link: str, expires_at) -> None:
    """Queue the email carrying the link, sent when the caller's transaction commits."""
    expires = timezone.localtime(expires_at).strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")
    body = (
        f"Dear {applicant.name},\n\n"
        f"As part of your application ({applicant.vacancy_reference}) we ask you to take a short ICT test: "
        f"{template.name}. It takes up to {template.time_limit_minutes} minutes"
        " (plus any extra time agreed with you).\n\n"
        f"Start the test here: {link}\n\n"
        f"The link works once and expires on {expires}. Please do not share it.\n"
        "If you need adjustments (for example extra time or larger text), reply to this email before you start.\n"
    )
    mail_on_commit(subject=f"Your ICT test for {applicant.vacancy_reference}", body=body, to=[applicant.email])


def link_problem(invitation: Invitation | None, *, now=None) -> str | None:
    """Why a link cannot be used, as a short code the page explains; None when it can."""
    now = now or timezone.now()
    if invitation is None:
        return "unknown"
    if invitation.applicant.purged_at:
        return "unknown"
    if invitation.state == Invitation.State.REVOKED:
        return "revoked"
    if invitation.state == Invitation.State.COMPLETED:
        return "used"
    if invitation.state == Invitation.State.ISSUED and invitation.expires_at <= now:
        return "expired"
    return None

