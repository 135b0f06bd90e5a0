"""Scoring against the role's baseline, and question versions that keep past scores fixed."""

import pytest
from django.core.exceptions import ValidationError

from skills_matrix.recruitment import services
from skills_matrix.recruitment.models import Attempt, QuestionKind, QuestionVersion

from .conftest import make_skill

pytestmark = pytest.mark.django_db


def take(invitation, *, right_positions: set[int]):
    attempt = services.attempt_start(invitation=invitation)
    for aq in attempt.questions.select_related("version"):
        v = aq.version
        answer = v.correct if aq.position in right_positions else [next(i for i in range(len(v.options)) if i not in v.correct)]
        services.answer_save(invitation=invitation, position=aq.position, answer=answer)
    attempt, _ = services.attempt_submit(invitation=invitation)
    return attempt


def test_scores_per_area_against_the_baseline_and_overall_pass(invite, bank):
    invitation, _ = invite()
    # Questions are drawn area by area: positions 1-2 are "Safe online" (pass mark 50%),
    # 3-4 "Spreadsheets" (pass mark 100%).
    attempt = take(invitation, right_positions={1, 3, 4})
    results = {r.area_id: r for r in attempt.area_results.all()}
    assert results[bank["safe"].pk].percent == 50 and results[bank["safe"].pk].passed
    assert results[bank["sheets"].pk].percent == 100 and results[bank["sheets"].pk].passed
    assert attempt.percent == 75 and attempt.passed is True


def test_one_area_below_its_pass_mark_fails_overall(invite, bank):
    invitation, _ = invite()
    attempt = take(invitation, right_positions={1, 2, 3})
    assert attempt.area_results.get(area=bank["sheets"]).passed is False
    assert attempt.passed is False


def test_editing_a_question_does_not_change_past_scores(invite, bank):
    invitation, _ = invite()
    attempt = take(invitation, right_positions={1, 2, 3, 4})
    assert attempt.percent == 100
    # HR rewrites every question so that a different option is right.
    for q in bank["q_safe"] + bank["q_sheets"]:
        services.question_edit(actor=None, question=q, kind=QuestionKind.SINGLE, prompt=q.current.prompt + " (v2)",
                               options=["Right", "Wrong", "Also wrong"], correct=[2])
    attempt.refresh_from_db()
    assert attempt.percent == 100 and attempt.passed
    # Even re-marking from scratch uses the versions the applicant saw.
    shown = {aq.version.number for aq in attempt.questions.select_related("version")}
    assert shown == {1}
    assert all(aq.version.is_correct(aq.answer) for aq in attempt.questions.select_related("version"))
    # And a new applicant now gets version 2.
    other, _ = invite(email="other@example.com")
    new_attempt = services.attempt_start(invitation=other)
    assert {aq.version.number for aq in new_attempt.questions.select_related("version")} == {2}


def test_question_versions_cannot_be_changed_in_place(bank):
    version = bank["q_safe"][0].current
    version.correct = [1]
    with pytest.raises(ValidationError, match="cannot be changed"):
        version.save()
    assert QuestionVersion.objects.get(pk=version.pk).correct == [0]


def test_template_area_changes_after_the_test_do_not_change_the_result(invite, template, bank):
    invitation, _ = invite()
    attempt = take(invitation, right_positions={1, 3, 4})
    template.areas.filter(area=bank["safe"]).update(pass_mark_percent=100)
    result = Attempt.objects.get(pk=attempt.pk).area_results.get(area=bank["safe"])
    assert result.passed and result.pass_mark_percent == 50


@pytest.mark.parametrize("kind, correct, answer, right", [
    (QuestionKind.MULTIPLE, [0, 2], [2, 0], True),
    (QuestionKind.MULTIPLE, [0, 2], [0], False),
    (QuestionKind.ORDERING, [2, 0, 1], [2, 0, 1], True),
    (QuestionKind.ORDERING, [2, 0, 1], [0, 1, 2], False),
    (QuestionKind.PRACTICAL, [1], [1], True),
])
def test_marking_each_kind_of_question(bank, kind, correct, answer, right):
    q = services.question_create(actor=None, skill=bank["phishing"], kind=kind, prompt="Q", options=["a", "b", "c"],
                                 correct=correct)
    assert q.current.is_correct(services.answer_clean(q.current, answer)) is right


@pytest.mark.parametrize("kind, options, correct, field", [
    (QuestionKind.SINGLE, ["only one"], [0], "options"),
    (QuestionKind.SINGLE, ["a", "b"], [0, 1], "correct"),
    (QuestionKind.SINGLE, ["a", "b"], [5], "correct"),
    (QuestionKind.ORDERING, ["a", "b", "c"], [0, 1], "correct"),
])
def test_bad_questions_are_refused_naming_the_field(bank, kind, options, correct, field):
    with pytest.raises(ValidationError) as exc:
        services.question_create(actor=None, skill=bank["phishing"], kind=kind, prompt="Q", options=options,
                                 correct=correct)
    assert field in exc.value.message_dict


def test_questions_belong_to_skills_not_areas(bank):
    with pytest.raises(ValidationError):
        services.question_create(actor=None, skill=bank["safe"], kind=QuestionKind.SINGLE, prompt="Q",
                                 options=["a", "b"], correct=[0])


def test_retired_questions_and_skills_are_not_drawn(invite, bank):
    for q in bank["q_safe"]:
        services.question_set_active(actor=None, question=q, is_active=False)
    spare = make_skill(bank["safe"], "Spare skill")
    fresh = [services.question_create(actor=None, skill=spare, kind=QuestionKind.SINGLE, prompt=f"Fresh {n}",
                                      options=["a", "b"], correct=[0]) for n in (1, 2)]
    invitation, _ = invite()
    attempt = services.attempt_start(invitation=invitation)
    drawn = {aq.version.question_id for aq in attempt.questions.select_related("version")}
    assert {q.pk for q in fresh} <= drawn and not drawn & {q.pk for q in bank["q_safe"]}
    assert attempt.question_count == 4


def test_ordering_answer_form_gives_each_item_a_position(client, invite, bank):
    from skills_matrix.recruitment.forms import AnswerForm

    q = services.question_create(actor=None, skill=bank["phishing"], kind=QuestionKind.ORDERING, prompt="Order",
                                 options=["first", "second", "third"], correct=[0, 1, 2])
    form = AnswerForm({"position_0": "2", "position_1": "3", "position_2": "1"}, version=q.current)
    assert form.is_valid() and form.answer() == [2, 0, 1]
    clash = AnswerForm({"position_0": "1", "position_1": "1", "position_2": "2"}, version=q.current)
    assert not clash.is_valid() and "different position" in str(clash.errors)
