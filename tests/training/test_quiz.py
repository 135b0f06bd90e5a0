"""The quiz means something: the content first, a limited number of attempts with a cool-down,
questions drawn and options shuffled per attempt, and one completion per assignment (a repeat pass
records no new completion, certificate or evidence)."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from core.errors import DomainError
from skills_matrix.models import Evidence, Level
from training import services
from training.models import Assignment, Completion, QuizAttempt, QuizQuestion
from training.services import quiz as quiz_module

from .conftest import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_course(skills):
    course = make_course("cyber", kind="elearning", pass_mark=100, skill_levels=[(skills["email"], Level.WORKING)])
    course.quiz_max_attempts, course.quiz_cooldown_minutes = 2, 30
    course.save(update_fields=["quiz_max_attempts", "quiz_cooldown_minutes"])
    for n in range(4):
        QuizQuestion.objects.create(course=course, text=f"Q{n}", options=["a", "b", "c", "d", "e", "f"],
                                    correct_option=n, sort_order=n)
    return course


def _opened(people, course, who="bob"):
    services.content_opened_record(actor=people[who].user, employee=people[who], course=course)


def _take(people, course, *, right=True, who="bob", now=None):
    e = people[who]
    attempt = services.quiz_start(actor=e.user, employee=e, course=course, now=now)
    questions = QuizQuestion.objects.filter(pk__in=[d["question"] for d in attempt.drawn])
    answers = {q.pk: (q.correct_option if right else (q.correct_option + 1) % 6) for q in questions}
    return services.quiz_submit(actor=e.user, employee=e, course=course, answers=answers)


def test_the_content_must_be_opened_first(people, quiz_course):
    with pytest.raises(DomainError, match="Open the course content first"):
        services.quiz_start(actor=people["bob"].user, employee=people["bob"], course=quiz_course)
    _opened(people, quiz_course)
    assert services.quiz_start(actor=people["bob"].user, employee=people["bob"], course=quiz_course)


def test_questions_are_drawn_and_options_shuffled_per_attempt(people, quiz_course, monkeypatch):
    monkeypatch.setattr(quiz_module, "_draw", random.Random(7))
    quiz_course.quiz_question_count = 2
    quiz_course.save(update_fields=["quiz_question_count"])
    _opened(people, quiz_course)
    bob = people["bob"]
    attempt = services.quiz_start(actor=bob.user, employee=bob, course=quiz_course)
    assert len(attempt.drawn) == 2
    assert all(sorted(d["order"]) == list(range(6)) for d in attempt.drawn)
    assert any(d["order"] != list(range(6)) for d in attempt.drawn)
    # a reload shows the same attempt, not a fresh draw
    assert services.quiz_start(actor=bob.user, employee=bob, course=quiz_course).pk == attempt.pk
    # only the drawn questions are marked: answering all four right still scores 2 of 2
    answers = {q.pk: q.correct_option for q in quiz_course.quiz_questions.all()}
    result = services.quiz_submit(actor=bob.user, employee=bob, course=quiz_course, answers=answers)
    assert (result.correct, result.total, result.passed) == (2, 2, True)
    # and the page lists them in the drawn order with the options as shuffled
    from training.selectors import attempt_questions

    shown = attempt_questions(QuizAttempt.objects.get(pk=attempt.pk))
    assert [q.pk for q in shown] == [d["question"] for d in attempt.drawn]
    assert [i for i, _ in shown[0].choices] == attempt.drawn[0]["order"]


def test_attempt_limit_and_cool_down(people, quiz_course):
    _opened(people, quiz_course)
    assert not _take(people, quiz_course, right=False).passed
    with pytest.raises(DomainError, match="You can try the quiz again from"):
        services.quiz_start(actor=people["bob"].user, employee=people["bob"], course=quiz_course)
    later = timezone.now() + dt.timedelta(minutes=31)
    assert not _take(people, quiz_course, right=False, now=later).passed
    with pytest.raises(DomainError, match="You have used all 2 attempts"):
        services.quiz_start(actor=people["bob"].user, employee=people["bob"], course=quiz_course,
                            now=later + dt.timedelta(days=1))
    # a new assignment of the course is a new set of attempts
    Assignment.objects.create(course=quiz_course, employee=people["bob"], source="manager",
                              due_on=timezone.localdate() + dt.timedelta(days=10))
    assert _take(people, quiz_course, now=later + dt.timedelta(days=1)).passed


def test_a_repeat_pass_records_nothing_new(people, quiz_course):
    quiz_course.quiz_max_attempts = 0
    quiz_course.save(update_fields=["quiz_max_attempts"])
    _opened(people, quiz_course)
    first = _take(people, quiz_course)
    assert first.passed and not first.repeat and first.completion is not None
    evidence = Evidence.objects.filter(employee=people["bob"]).count()
    assert evidence == 1
    again = _take(people, quiz_course)
    assert again.passed and again.repeat and again.completion == first.completion  # the same certificate
    assert Completion.objects.filter(employee=people["bob"], course=quiz_course).count() == 1
    assert Evidence.objects.filter(employee=people["bob"]).count() == evidence


def test_one_completion_per_assignment(people, quiz_course):
    quiz_course.quiz_max_attempts = 0
    quiz_course.save(update_fields=["quiz_max_attempts"])
    _opened(people, quiz_course)
    due = timezone.localdate() + dt.timedelta(days=10)
    first = Assignment.objects.create(course=quiz_course, employee=people["bob"], source="manager", due_on=due)
    assert not _take(people, quiz_course).repeat
    first.refresh_from_db()
    assert first.status == Assignment.Status.COMPLETED
    assert _take(people, quiz_course).repeat  # its assignment is done: nothing new
    Assignment.objects.create(course=quiz_course, employee=people["bob"], source="hr", due_on=due)  # renewal
    assert not _take(people, quiz_course).repeat
    assert Completion.objects.filter(employee=people["bob"], course=quiz_course).count() == 2


def test_only_the_learner_opens_their_content_or_takes_their_quiz(people, quiz_course):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.content_opened_record(actor=people["alice"].user, employee=people["bob"], course=quiz_course)
    with pytest.raises(PermissionDenied):
        services.quiz_start(actor=people["alice"].user, employee=people["bob"], course=quiz_course)
