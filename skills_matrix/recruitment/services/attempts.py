"""Taking the test: starting the clock and drawing questions, answers, submitting, time running
out, and finishing an attempt (scored at once).

Concurrency: every change to an attempt (answer, submit, time-out, stop) first locks the attempt row
(`select_for_update`) and re-checks its state, so two browser tabs or a late answer racing a submit
are serialised and the loser sees the finished state instead of writing.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people.audit import audit_record
from people.models import Employee
from skills_matrix.models import Skill
from skills_matrix.services import evidence_record

from .. import states
from ..models import (
    Attempt,
    AttemptQuestion,
    Invitation,
    QuestionKind,
    QuestionVersion,
    TestTemplate,
)
from .bank import bank_shortfalls, drawable_questions
from .links import link_problem
from .scoring import score, skill_levels_from

STAFF_EVIDENCE_SOURCE = "baseline_test"  # one of skills_matrix.services.EVIDENCE_SOURCES


def staff_evidence_record(attempt: Attempt) -> int:
    """The levels a member of staff's result supports, as evidence for their manager to accept.
    Returns how many skills got evidence (the same attempt never records twice: source_ref)."""
    levels = skill_levels_from(attempt)
    for skill, level in levels:
        evidence_record(employee=attempt.employee, skill=skill, level=level, source=STAFF_EVIDENCE_SOURCE,
                        source_ref=f"ict-test-attempt:{attempt.pk}")
    return len(levels)


def time_allowed(template: TestTemplate, invitation: Invitation) -> timedelta:
    return timedelta(minutes=template.time_limit_minutes) * (1 + invitation.extra_time_percent / 100)


def _draw_questions(template: TestTemplate, rng: random.Random) -> tuple[list[tuple[Skill, int]], list[dict]]:
    """(area, version id) per question drawn, and the area specs the attempt is marked against.
    Refuses (DomainError naming the area) when the bank can no longer fill an area, rather than
    drawing fewer: an area nobody was tested on must never be passed."""
    specs = list(template.areas.select_related("area"))
    problems = bank_shortfalls(specs)
    if problems:
        raise DomainError("This test cannot start: " + " ".join(problems))
    drawn = []
    for spec in specs:
        candidates = list(drawable_questions(spec.area).order_by("pk").values_list("current_id", flat=True))
        drawn.extend((spec.area, version_id) for version_id in rng.sample(candidates, spec.question_count))
    snapshot = [
        {"area": s.area_id, "question_count": s.question_count, "pass_mark_percent": s.pass_mark_percent,
         "baseline_level": int(s.baseline_level)}
        for s in specs
    ]
    return drawn, snapshot


def _attempt_questions(attempt: Attempt, drawn, rng: random.Random) -> None:
    """Pins the drawn versions to the attempt, each with its own option order: candidates sitting
    side by side see the options in different orders, and a reload shows the same order again."""
    sizes = dict(QuestionVersion.objects.filter(pk__in=[v for _, v in drawn]).values_list("pk", "options"))
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt, position=i, area=area, version_id=version_id,
            option_order=rng.sample(range(len(sizes[version_id])), len(sizes[version_id])),
        )
        for i, (area, version_id) in enumerate(drawn, start=1)
    )


@transaction.atomic
def attempt_start(*, invitation: Invitation, now=None, rng: random.Random | None = None) -> Attempt:
    """Starts the clock. Idempotent: starting an already started test returns the same attempt
    (a double click, or a second tab, does not draw a second set of questions)."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().select_related("template", "applicant").get(pk=invitation.pk)
    if invitation.state == Invitation.State.STARTED:
        return invitation.attempt
    problem = link_problem(invitation, now=now)
    if problem:
        raise DomainError(f"This link cannot be used ({problem}).")
    rng = rng or random.SystemRandom()
    drawn, snapshot = _draw_questions(invitation.template, rng)
    states.invitation_move(invitation, Invitation.State.STARTED)
    invitation.save(update_fields=["state"])
    attempt = Attempt.objects.create(
        invitation=invitation, template=invitation.template,
        vacancy_reference=invitation.applicant.vacancy_reference, started_at=now,
        deadline=now + time_allowed(invitation.template, invitation), question_count=len(drawn),
        area_specs=snapshot,
    )
    _attempt_questions(attempt, drawn, rng)
    audit_record(actor=None, action="recruitment.test_started", target=attempt)
    return attempt


@transaction.atomic
def staff_attempt_start(*, employee, template: TestTemplate, now=None, rng: random.Random | None = None) -> Attempt:
    """A member of staff starts a test open to staff. Idempotent while one is under way: a double
    click or a second tab returns the attempt already started (for any test)."""
    now = now or timezone.now()
    Employee.objects.select_for_update().filter(pk=employee.pk).first()  # one start at a time per person
    running = Attempt.objects.filter(employee=employee, state=Attempt.State.IN_PROGRESS).first()
    if running is not None and not attempt_close_if_overdue(attempt=running, now=now):
        return running
    template = TestTemplate.objects.get(pk=template.pk)
    if not template.is_active or not template.open_to_staff:
        raise DomainError("This test is not open to staff.")
    rng = rng or random.SystemRandom()
    drawn, snapshot = _draw_questions(template, rng)
    attempt = Attempt.objects.create(
        employee=employee, template=template, started_at=now,
        deadline=now + timedelta(minutes=template.time_limit_minutes), question_count=len(drawn),
        area_specs=snapshot,
    )
    _attempt_questions(attempt, drawn, rng)
    audit_record(actor=None, action="recruitment.staff_test_started", target=attempt, subject=employee)
    return attempt


def answer_clean(version: QuestionVersion, raw) -> list[int]:
    """The stored form of an answer, or DomainError naming the problem."""
    n = len(version.options)
    if version.kind == QuestionKind.SORTING:
        return _sorting_clean(version, raw)
    if not isinstance(raw, list) or any(not isinstance(i, int) or not 0 <= i < n for i in raw):
        raise DomainError("Choose an answer from the options given.", field="answer")
    if version.kind in (QuestionKind.SINGLE, QuestionKind.PRACTICAL) and len(raw) != 1:
        raise DomainError("Choose one answer.", field="answer")
    if version.kind == QuestionKind.MULTIPLE and (not raw or len(set(raw)) != len(raw)):
        raise DomainError("Choose at least one answer.", field="answer")
    if version.kind == QuestionKind.ORDERING and sorted(raw) != list(range(n)):
        raise DomainError("Give each item a different position.", field="answer")
    return sorted(raw) if version.kind == QuestionKind.MULTIPLE else list(raw)


def _sorting_clean(version: QuestionVersion, raw) -> list[int]:
    """A sorting task's answer: the folder chosen for each item, item by item."""
    folders = len(version.groups)
    if not isinstance(raw, list) or len(raw) != len(version.options):
        raise DomainError("Choose a folder for every item.", field="answer")
    if any(not isinstance(g, int) or not 0 <= g < folders for g in raw):
        raise DomainError("Choose a folder from the folders given.", field="answer")
    return list(raw)


class AnswerOutcome:
    SAVED = "saved"
    LATE = "late"  # received after the deadline: not counted, the attempt is now closed
    CLOSED = "closed"  # the attempt had already finished (submitted in another tab, timed out)


def _locked(invitation: Invitation | None, attempt: Attempt | None) -> Attempt | None:
    """The attempt row, locked: an applicant's by their invitation, a member of staff's by itself."""
    if invitation is not None:
        return Attempt.objects.select_for_update().filter(invitation_id=invitation.pk).first()
    return Attempt.objects.select_for_update().filter(pk=attempt.pk).first()


@transaction.atomic
def answer_save(*, invitation: Invitation | None = None, attempt: Attempt | None = None, position: int, answer,
                now=None) -> str:
    """Saves (or replaces) the answer to one question. Safe to repeat: the same POST twice stores the
    same answer. Holds the attempt row lock until commit."""
    now = now or timezone.now()
    attempt = _locked(invitation, attempt)
    if attempt is None:
        raise DomainError("This test has not been started.")
    if not attempt.is_open:
        return AnswerOutcome.CLOSED
    if now > attempt.deadline:
        attempt_finish(attempt, Attempt.State.TIMED_OUT, now)
        return AnswerOutcome.LATE
    aq = AttemptQuestion.objects.select_related("version").filter(attempt=attempt, position=position).first()
    if aq is None:
        raise DomainError("There is no such question in this test.")
    aq.answer = answer_clean(aq.version, answer)
    aq.answered_at = now
    aq.save(update_fields=["answer", "answered_at"])
    return AnswerOutcome.SAVED


@transaction.atomic
def attempt_submit(*, invitation: Invitation | None = None, attempt: Attempt | None = None,
                   now=None) -> tuple[Attempt, bool]:
    """Finishes the test. Returns (attempt, submitted_now). A second submit (another tab, a resent
    form) finds the attempt already finished and changes nothing."""
    now = now or timezone.now()
    attempt = _locked(invitation, attempt)
    if attempt is None:
        raise DomainError("This test has not been started.")
    if not attempt.is_open:
        return attempt, False
    state = Attempt.State.TIMED_OUT if now > attempt.deadline else Attempt.State.SUBMITTED
    attempt_finish(attempt, state, now)
    return attempt, state == Attempt.State.SUBMITTED


def attempt_close_if_overdue(*, attempt: Attempt, now=None) -> bool:
    now = now or timezone.now()
    if not attempt.is_open or now <= attempt.deadline:
        return False
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_open:
            return False
        attempt_finish(locked, Attempt.State.TIMED_OUT, now)
    attempt.refresh_from_db()
    return True


def attempts_close_overdue(*, now=None) -> int:
    """For the scheduled task: applicants (and staff) who walk away are scored when their time is up."""
    now = now or timezone.now()
    closed = 0
    for attempt in Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lt=now):
        closed += attempt_close_if_overdue(attempt=attempt, now=now)
    return closed


def attempt_finish(attempt: Attempt, state: str, now, *, move_invitation: bool = True) -> None:
    """Caller holds the attempt row lock inside a transaction. A member of staff's result becomes
    skills evidence (waiting for their manager) in the same transaction."""
    states.attempt_move(attempt, state)
    attempt.completed_at = now
    score(attempt)
    attempt.save(update_fields=["state", "completed_at", "correct_count", "percent", "passed"])
    if attempt.employee_id is not None:
        staff_evidence_record(attempt)
        audit_record(actor=None, action=f"recruitment.staff_test_{state}", target=attempt,
                     subject=attempt.employee)
        return
    if move_invitation and attempt.invitation_id:
        invitation = Invitation.objects.select_for_update().get(pk=attempt.invitation_id)
        if invitation.state == Invitation.State.STARTED:
            states.invitation_move(invitation, Invitation.State.COMPLETED)
            invitation.save(update_fields=["state"])
    audit_record(actor=None, action=f"recruitment.test_{state}", target=attempt)
