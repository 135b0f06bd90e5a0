"""The end-of-course quiz: starting an attempt (the rules on who may, and what it draws) and
marking it. A pass completes the course once per assignment (or once in all without one): a repeat
pass raises no new completion, certificate or skills evidence."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people.audit import audit_record
from people.models import Employee
from people.selectors import employee_for

from ..models import Assignment, Completion, ContentOpened, Course, QuizAttempt
from ..selectors import attempt_questions
from .completions import completion_record

_draw = random.SystemRandom()  # not guessable from the outside: the draw is part of the test


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    percent: int
    passed: bool
    completion: Completion | None
    repeat: bool = False  # passed again after the course was already completed: nothing new recorded


def _locked_learner(actor, employee: Employee) -> Employee:
    me = employee_for(actor)
    if me is None or me.pk != employee.pk:
        raise PermissionDenied("You can only take a quiz yourself.")
    # One learner's starts and submits run one at a time (two tabs cannot both start or both mark).
    return Employee.objects.select_for_update().get(pk=employee.pk)


@transaction.atomic
def content_opened_record(*, actor, employee: Employee, course: Course) -> None:
    """The learner opened the course's e-learning (the course page's start button)."""
    if employee_for(actor) is None or employee_for(actor).pk != employee.pk:
        raise PermissionDenied("Only the learner opens their course.")
    ContentOpened.objects.get_or_create(employee=employee, course=course,
                                        defaults={"first_opened_at": timezone.now()})


def _open_assignment(employee: Employee, course: Course) -> Assignment | None:
    return Assignment.objects.filter(employee=employee, course=course, status=Assignment.Status.OPEN).first()


@transaction.atomic
def quiz_start(*, actor, employee: Employee, course: Course, now: dt.datetime | None = None) -> QuizAttempt:
    """The learner's attempt in progress, or a new one when the rules allow: the content opened
    first (for e-learning with a launch link), attempts left under the course's limit for this
    assignment (or in all, without one), and the cool-down after a failed attempt over. A new
    attempt draws `quiz_question_count` questions at random and shuffles each one's options."""
    _locked_learner(actor, employee)
    now = now or timezone.now()
    current = QuizAttempt.objects.filter(employee=employee, course=course, submitted_at__isnull=True).first()
    if current is not None:
        return current
    questions = list(course.quiz_questions.all())
    if not questions:
        raise DomainError("This course has no quiz.")
    if course.launch_url and not ContentOpened.objects.filter(employee=employee, course=course).exists():
        raise DomainError("Open the course content first: the quiz is about what it covers.")
    assignment = _open_assignment(employee, course)
    done = QuizAttempt.objects.filter(employee=employee, course=course, assignment=assignment,
                                      submitted_at__isnull=False)
    if course.quiz_max_attempts and done.count() >= course.quiz_max_attempts:
        raise DomainError(f"You have used all {course.quiz_max_attempts} attempts at this quiz. Ask your line "
                          "manager or the learning team if you need another.")
    last = done.order_by("-submitted_at").first()
    if last is not None and not last.passed and course.quiz_cooldown_minutes:
        ready = last.submitted_at + dt.timedelta(minutes=course.quiz_cooldown_minutes)
        if now < ready:
            raise DomainError(f"You can try the quiz again from {timezone.localtime(ready):%H:%M on %-d %B}.")
    count = course.quiz_question_count
    drawn = _draw.sample(questions, count) if 0 < count < len(questions) else _draw.sample(questions, len(questions))
    return QuizAttempt.objects.create(
        employee=employee, course=course, assignment=assignment, started_at=now,
        drawn=[{"question": q.pk, "order": _draw.sample(range(len(q.options)), len(q.options))} for q in drawn],
    )


@transaction.atomic
def quiz_submit(*, actor, employee: Employee, course: Course, answers: dict[int, int]) -> QuizResult:
    """Mark the learner's attempt in progress: `answers` maps question id to the chosen option's
    index (into the question's options, whatever order they were shown in). Only the questions
    drawn for the attempt count. A pass completes the course only if it is not done already under
    the same assignment (or, without one, at all)."""
    _locked_learner(actor, employee)
    attempt = QuizAttempt.objects.filter(employee=employee, course=course, submitted_at__isnull=True).first()
    if attempt is None:
        raise DomainError("Start the quiz first.")
    questions = attempt_questions(attempt)
    if not questions:
        raise DomainError("This course has no quiz.")
    correct = sum(1 for q in questions if answers.get(q.pk) == q.correct_option)
    percent = round(100 * correct / len(questions))
    passed = percent >= course.pass_mark
    completion, repeat = None, False
    if passed:
        if attempt.assignment_id:
            repeat = not Assignment.objects.filter(pk=attempt.assignment_id, status=Assignment.Status.OPEN).exists()
        else:
            repeat = Completion.objects.filter(employee=employee, course=course).exists()
        if repeat:
            completion = Completion.objects.filter(employee=employee, course=course).first()
            audit_record(actor=actor, action="quiz.passed_again", target=course, subject=employee, note=f"{percent}%")
        else:
            completion = completion_record(
                actor=actor, employee=employee, course=course, source=Completion.Source.QUIZ,
                score_scaled=Decimal(correct) / Decimal(len(questions)), score_raw=Decimal(correct),
            )
    else:
        audit_record(actor=actor, action="quiz.failed", target=course, subject=employee, note=f"{percent}%")
    attempt.submitted_at, attempt.correct, attempt.percent, attempt.passed = timezone.now(), correct, percent, passed
    attempt.completion = completion
    attempt.save(update_fields=["submitted_at", "correct", "percent", "passed", "completion"])
    return QuizResult(correct, len(questions), percent, passed, completion, repeat)
