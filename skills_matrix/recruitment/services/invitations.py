"""Inviting applicants: a new invitation, revoking and re-issuing its link, and adjustments (extra
time, large text) until the test starts."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people.audit import audit_record

from .. import states
from ..models import Applicant, Attempt, Invitation, TestTemplate
from .attempts import attempt_finish
from .bank import template_shortfalls
from .links import applicant_link, new_token, send_link

DEFAULT_LINK_DAYS = 14

@transaction.atomic
def invitation_create(
    *, actor, template: TestTemplate, name: str, email: str, vacancy_reference: str, base_url: str,
    extra_time_percent: int = 0, large_text: bool = False, expires_in_days: int = DEFAULT_LINK_DAYS,
    send_email: bool = True,
) -> tuple[Invitation, str]:
    """Invites an applicant and emails them the link (after commit). Returns the invitation and the
    link, which is never stored and so can only be shown now."""
    if not template.is_active:
        raise ValidationError({"template": "This test is no longer in use; choose another."})
    problems = template_shortfalls(template)
    if problems:
        raise ValidationError({"template": [f"“{template.name}” cannot be issued yet.", *problems]})
    if not 1 <= expires_in_days <= 60:
        raise ValidationError({"expires_in_days": "The link must last between 1 and 60 days."})
    applicant = Applicant(
        name=(name or "").strip(), email=(email or "").strip(), vacancy_reference=(vacancy_reference or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    applicant.full_clean()
    applicant.save()
    token, hashed = new_token()
    now = timezone.now()
    invitation = Invitation(
        applicant=applicant, template=template, token_hash=hashed, expires_at=now + timedelta(days=expires_in_days),
        extra_time_percent=extra_time_percent, large_text=large_text, issued_at=now,
    )
    invitation.full_clean(exclude=["applicant"])
    invitation.save()
    audit_record(
        actor=actor, action="recruitment.applicant_invited", target=invitation,
        changes={"extra_time_percent": [None, extra_time_percent], "large_text": [None, large_text]},
    )
    link = applicant_link(base_url=base_url, token=token)
    if send_email:
        send_link(applicant=applicant, template=template, link=link, expires_at=invitation.expires_at)
    return invitation, link


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    """Kills the link. A test in progress is stopped (and scored on what was answered)."""
    # Lock order everywhere: attempt, then invitation (answer_save finishes a late attempt that way).
    attempt = Attempt.objects.select_for_update().filter(invitation_id=invitation.pk).first()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    was = invitation.state
    states.invitation_move(invitation, Invitation.State.REVOKED)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["state", "revoked_at"])
    if attempt is not None and attempt.is_open:
        attempt_finish(attempt, Attempt.State.STOPPED, timezone.now(), move_invitation=False)
    audit_record(actor=actor, action="recruitment.link_revoked", target=invitation, changes={"state": [was, "revoked"]})
    return invitation


@transaction.atomic
def invitation_reissue(
    *, actor, invitation: Invitation, base_url: str, expires_in_days: int = DEFAULT_LINK_DAYS,
    extra_time_percent: int | None = None, large_text: bool | None = None,
) -> tuple[Invitation, str]:
    """A new link for an applicant who has not started (lost email, expired or revoked link). The old
    link stops working because its hash is replaced."""
    if not 1 <= expires_in_days <= 60:
        raise ValidationError({"expires_in_days": "The link must last between 1 and 60 days."})
    invitation = Invitation.objects.select_for_update().select_related("applicant", "template").get(pk=invitation.pk)
    if invitation.applicant.purged_at:
        raise DomainError("This applicant's details have been removed.")
    problems = template_shortfalls(invitation.template)
    if problems:
        raise DomainError(f"“{invitation.template.name}” cannot be issued yet. " + " ".join(problems))
    was = invitation.state
    states.invitation_move(invitation, Invitation.State.ISSUED)
    token, hashed = new_token()
    now = timezone.now()
    invitation.token_hash = hashed
    invitation.issued_at = now
    invitation.expires_at = now + timedelta(days=expires_in_days)
    invitation.issue_count += 1
    invitation.revoked_at = None
    changes = {"state": [was, "issued"], "issue_count": [invitation.issue_count - 1, invitation.issue_count]}
    if extra_time_percent is not None and extra_time_percent != invitation.extra_time_percent:
        changes["extra_time_percent"] = [invitation.extra_time_percent, extra_time_percent]
        invitation.extra_time_percent = extra_time_percent
    if large_text is not None and large_text != invitation.large_text:
        changes["large_text"] = [invitation.large_text, large_text]
        invitation.large_text = large_text
    invitation.full_clean(exclude=["applicant", "template"])
    invitation.save()
    audit_record(actor=actor, action="recruitment.link_reissued", target=invitation, changes=changes)
    link = applicant_link(base_url=base_url, token=token)
    applicant, template = invitation.applicant, invitation.template
    send_link(applicant=applicant, template=template, link=link, expires_at=invitation.expires_at)
    return invitation, link


@transaction.atomic
def invitation_set_adjustments(*, actor, invitation: Invitation, extra_time_percent: int, large_text: bool) -> Invitation:
    """Adjustments can change until the test starts; after that the deadline is fixed."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state not in (Invitation.State.ISSUED, Invitation.State.REVOKED):
        raise DomainError("The test has started, so its adjustments can no longer change.")
    changes = {}
    if invitation.extra_time_percent != extra_time_percent:
        changes["extra_time_percent"] = [invitation.extra_time_percent, extra_time_percent]
    if invitation.large_text != large_text:
        changes["large_text"] = [invitation.large_text, large_text]
    invitation.extra_time_percent, invitation.large_text = extra_time_percent, large_text
    invitation.full_clean(exclude=["applicant", "template"])
    invitation.save(update_fields=["extra_time_percent", "large_text"])
    if changes:
        audit_record(actor=actor, action="recruitment.adjustments_changed", target=invitation, changes=changes)
    return invitation
