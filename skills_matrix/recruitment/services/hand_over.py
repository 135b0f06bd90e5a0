"""Hiring and hand-over: a hired applicant's results become starting evidence in their skills
profile once they appear in the staff directory (matched by employee number, then email)."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import DomainError
from people.audit import audit_record
from people.models import Employee
from skills_matrix.services import evidence_record

from ..models import Applicant, Attempt
from .scoring import skill_levels_from

EVIDENCE_SOURCE = "recruitment"  # one of skills_matrix.services.EVIDENCE_SOURCES

@transaction.atomic
def applicant_mark_hired(*, actor, applicant: Applicant, employee_number: str = "") -> Applicant:
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if applicant.purged_at:
        raise DomainError("This applicant's details have been removed.")
    attempt = Attempt.objects.filter(invitation__applicant=applicant).first()
    if attempt is None or attempt.is_open:
        raise DomainError("Only an applicant who has finished the test can be marked as hired.")
    applicant.hired_at = applicant.hired_at or timezone.now()
    applicant.employee_number = (employee_number or applicant.employee_number).strip()
    applicant.save(update_fields=["hired_at", "employee_number"])
    audit_record(actor=actor, action="recruitment.applicant_hired", target=applicant)
    employee = _employee_matching(applicant)
    if employee is not None:
        applicant_hand_over(applicant=applicant, employee=employee, actor=actor)
    return applicant


def _employee_matching(applicant: Applicant):
    qs = Employee.objects.filter(is_active=True)
    if applicant.employee_number:
        found = qs.filter(employee_number=applicant.employee_number).first()
        if found:
            return found
    if applicant.email:
        return qs.filter(email__iexact=applicant.email).order_by("pk").first()
    return None




@transaction.atomic
def applicant_hand_over(*, applicant: Applicant, employee, actor=None) -> int:
    """The hired applicant's results become starting evidence in their skills profile. Runs once per
    applicant (`handed_over_at`); returns how many skills got evidence."""
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if applicant.handed_over_at or applicant.purged_at:
        return 0
    attempt = Attempt.objects.filter(invitation__applicant=applicant).exclude(state=Attempt.State.IN_PROGRESS).first()
    if attempt is None:
        return 0
    levels = skill_levels_from(attempt)
    for skill, level in levels:
        evidence_record(
            employee=employee, skill=skill, level=level, source=EVIDENCE_SOURCE,
            source_ref=f"recruitment-attempt:{attempt.pk}", actor=actor,
        )
    applicant.handed_over_at = timezone.now()
    applicant.handed_over_to = employee
    applicant.save(update_fields=["handed_over_at", "handed_over_to"])
    audit_record(
        actor=actor, action="recruitment.results_handed_over", target=applicant, subject=employee,
        changes={"skills": [None, len(levels)]},
    )
    return len(levels)


def hand_over_hired(*, employee=None) -> int:
    """Matches hired applicants not yet handed over with the directory (employee number first, then
    email) and hands their results over. Run after each directory sync and hourly."""
    pending = Applicant.objects.filter(hired_at__isnull=False, handed_over_at__isnull=True, purged_at__isnull=True)
    if employee is not None:
        match = Q(email__iexact=employee.email) if employee.email else Q(pk__in=[])
        if employee.employee_number:
            match |= Q(employee_number=employee.employee_number)
        pending = pending.filter(match)
    done = 0
    for applicant in pending:
        found = employee or _employee_matching(applicant)
        if found is not None:
            applicant_hand_over(applicant=applicant, employee=found)
            done += 1
    return done

