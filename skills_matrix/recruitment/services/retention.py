"""Retention: applicants' personal data is removed after the retention period (or on request),
keeping anonymous scores for statistics; subject access exports are recorded."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from people.audit import audit_record

from ..models import Applicant, Attempt, AttemptQuestion, Invitation, PurgeRecord
from .attempts import attempt_finish


def retention_days() -> int:
    return int(getattr(settings, "RECRUITMENT_RETENTION_DAYS", 180))


@transaction.atomic
def applicants_purge(
    *, reason: str = PurgeRecord.Reason.RETENTION, actor=None, applicant_ids: list[int] | None = None, now=None,
) -> PurgeRecord | None:
    """Removes applicants' personal data (name, email, employee number, the answers they gave, the
    link to their staff record) and records the purge. Scores per area, pass/fail, dates and the
    vacancy reference stay, anonymous, for statistics."""
    now = now or timezone.now()
    qs = Applicant.objects.select_for_update().filter(purged_at__isnull=True)
    cutoff = None
    if reason == PurgeRecord.Reason.RETENTION:
        cutoff = now - timedelta(days=retention_days())
        qs = qs.filter(created_at__lt=cutoff)
    else:
        qs = qs.filter(pk__in=applicant_ids or [])
    ids = sorted(qs.values_list("pk", flat=True))
    if not ids:
        return None
    # Finish anything still open first so the statistics are complete and no link stays live.
    for attempt in Attempt.objects.select_for_update().filter(invitation__applicant_id__in=ids, state=Attempt.State.IN_PROGRESS):
        attempt_finish(attempt, Attempt.State.STOPPED, now, move_invitation=False)
    Invitation.objects.filter(applicant_id__in=ids).exclude(state=Invitation.State.COMPLETED).update(
        state=Invitation.State.REVOKED, revoked_at=now
    )
    AttemptQuestion.objects.filter(attempt__invitation__applicant_id__in=ids).update(answer=None)
    Applicant.objects.filter(pk__in=ids).update(
        name="", email="", employee_number="", handed_over_to=None, purged_at=now
    )
    record = PurgeRecord.objects.create(
        reason=reason, actor=actor if getattr(actor, "pk", None) else None, applicant_count=len(ids),
        applicant_ids=ids, cutoff=cutoff,
    )
    audit_record(
        actor=actor, action="recruitment.applicants_purged", target=record,
        changes={"applicant_count": [None, len(ids)]}, note=PurgeRecord.Reason(reason).label,
    )
    return record


@transaction.atomic
def applicant_export_recorded(*, actor, applicant: Applicant, fmt: str) -> None:
    """A subject access export is itself recorded (who took a copy of whose data, when)."""
    audit_record(actor=actor, action="recruitment.applicant_exported", target=applicant, note=fmt)
