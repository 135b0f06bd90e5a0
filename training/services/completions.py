"""Completions (attendance, the quiz, xAPI) and the skills evidence each one raises. The quiz
itself is services.quiz."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from people.audit import audit_record
from people.models import AuditEntry, Employee
from skills_matrix import selectors as skills_selectors
from skills_matrix import services as skills_services

from ..models import Assignment, Booking, Completion, Course


@transaction.atomic
def completion_record(*, actor, employee: Employee, course: Course, source: str, completed_at=None,
                      score_scaled: Decimal | None = None, score_raw: Decimal | None = None,
                      booking: Booking | None = None) -> Completion:
    """Record that `employee` completed `course`: closes their open assignment for it and raises
    evidence (pending manager validation) for each skill the course maps to."""
    completion = Completion.objects.create(
        employee=employee, course=course, source=source, completed_at=completed_at or timezone.now(),
        score_scaled=score_scaled, score_raw=score_raw, booking=booking,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Assignment.objects.filter(employee=employee, course=course, status=Assignment.Status.OPEN).update(
        status=Assignment.Status.COMPLETED, completed_at=completion.completed_at
    )
    audit_record(actor=actor, action="completion.recorded", target=completion, subject=employee,
                 channel=AuditEntry.Channel.API if source == Completion.Source.XAPI else AuditEntry.Channel.ONLINE,
                 note=Completion.Source(source).label)
    _raise_evidence(completion, actor=actor)
    return completion


def _raise_evidence(completion: Completion, *, actor) -> None:
    # Retired skills and areas cannot take evidence; the mapping may still name them historically.
    links = completion.course.skill_links.filter(skill__in=skills_selectors.skills_taking_evidence())
    for link in links.select_related("skill"):
        skills_services.evidence_record(
            employee=completion.employee, skill=link.skill, level=link.level, source="training",
            source_ref=f"training.completion:{completion.pk}", actor=actor,
        )
