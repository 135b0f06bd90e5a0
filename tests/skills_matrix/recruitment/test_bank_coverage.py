"""No pass on an untested area (issue 14.1): a test the bank cannot fill is refused when created,
issued or started; an area without answers fails; options are shuffled per candidate and marked by
which option was chosen; HR retires questions and edits or retires templates (audited)."""

import random

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import DomainError
from people.models import AuditEntry
from skills_matrix.models import Level
from skills_matrix.recruitment import services
from skills_matrix.recruitment.models import Applicant, AttemptQuestion, QuestionKind, TestTemplate

from .conftest import single

pytestmark = pytest.mark.django_db


def spec(area, count, pass_mark=60):
    return services.AreaSpec(area=area, question_count=count, pass_mark_percent=pass_mark,
                             baseline_level=Level.FOUNDATION)


def test_a_template_the_bank_cannot_fill_is_refused_naming_the_area_and_the_shortfall(bank):
    with pytest.raises(ValidationError) as exc:
        services.template_create(actor=None, name="Too many", time_limit_minutes=10,
                                 areas=[spec(bank["safe"], 2), spec(bank["sheets"], 5)])
    message = " ".join(exc.value.message_dict["areas"])
    assert "“Spreadsheets” needs 5 questions but the bank has 2 in use for it (3 short)" in message
    assert "Safe online" not in message
    assert not TestTemplate.objects.filter(name="Too many").exists()


def test_the_create_page_shows_the_shortfall_and_creates_nothing(people, login, bank):
    response = login(people["hr"]).post(reverse("recruitment:template-new"), {
        "name": "Too many", "time_limit_minutes": 10, f"count_{bank['sheets'].pk}": 3,
        f"pass_{bank['sheets'].pk}": 60, f"level_{bank['sheets'].pk}": Level.FOUNDATION,
    })
    assert response.status_code == 200
    assert "“Spreadsheets” needs 3 questions but the bank has 2 in use for it (1 short)" in response.content.decode()
    assert not TestTemplate.objects.filter(name="Too many").exists()


def test_a_test_left_short_by_a_retired_question_cannot_be_issued(people, login, template, bank):
    client = login(people["hr"])
    response = client.post(reverse("recruitment:question-retire", args=[bank["q_sheets"][0].pk]), follow=True)
    assert "“Adviser baseline” cannot be issued until the bank is topped up" in response.content.decode()
    response = client.post(reverse("recruitment:invite"), {
        "template": template.pk, "name": "Ada", "email": "ada@example.com", "vacancy_reference": "V-1",
        "expires_in_days": 7,
    })
    body = response.content.decode()
    assert response.status_code == 200
    assert "“Spreadsheets” needs 2 questions but the bank has 1 in use for it (1 short)" in body
    assert not Applicant.objects.exists()
    assert AuditEntry.objects.filter(action="recruitment.question_retired").count() == 1


def test_a_link_issued_before_the_bank_ran_short_does_not_start_a_shrunken_test(client, invite, bank):
    invitation, token = invite()
    services.question_set_active(actor=None, question=bank["q_safe"][0], is_active=False)
    with pytest.raises(DomainError, match="“Safe online” needs 2 questions but the bank has 1"):
        services.attempt_start(invitation=invitation)
    response = client.post(reverse("recruitment_applicant:start", args=[token]))
    assert response.status_code == 409 and "The test cannot start" in response.content.decode()
    with pytest.raises(DomainError, match="cannot be issued yet"):
        services.invitation_reissue(actor=None, invitation=invitation, base_url="http://testserver/")


def test_an_area_without_answers_fails_even_with_a_pass_mark_of_nothing(invite, bank):
    lenient = services.template_create(actor=None, name="Lenient", time_limit_minutes=10,
                                       areas=[spec(bank["safe"], 2, 50), spec(bank["sheets"], 2, 0)])
    invitation, _ = invite(template=lenient)
    attempt = services.attempt_start(invitation=invitation)
    for aq in attempt.questions.select_related("version").filter(area=bank["safe"]):
        services.answer_save(invitation=invitation, position=aq.position, answer=aq.version.correct)
    attempt, _ = services.attempt_submit(invitation=invitation)
    result = attempt.area_results.get(area=bank["sheets"])
    assert result.percent == 0 and result.passed is False
    assert attempt.passed is False


def test_an_area_with_no_questions_drawn_gets_a_failing_result(invite, bank):
    """An attempt whose draw missed an area (as the old short draw did) fails that area."""
    invitation, _ = invite()
    attempt = services.attempt_start(invitation=invitation)
    AttemptQuestion.objects.filter(attempt=attempt, area=bank["sheets"]).delete()
    for aq in attempt.questions.select_related("version"):
        services.answer_save(invitation=invitation, position=aq.position, answer=aq.version.correct)
    attempt, _ = services.attempt_submit(invitation=invitation)
    sheets = attempt.area_results.get(area=bank["sheets"])
    assert sheets.question_count == 0 and sheets.passed is False
    assert attempt.passed is False


def test_options_are_shuffled_per_candidate_fixed_for_the_attempt_and_marked_by_identity(client, invite, bank):
    options = ["Report it to IT", "Click the link", "Reply with a password", "Forward it", "Delete it", "Ignore it"]
    for q in bank["q_safe"] + bank["q_sheets"]:
        services.question_edit(actor=None, question=q, kind=QuestionKind.SINGLE, prompt=q.current.prompt,
                               options=options, correct=[0])
    first, token = invite()
    second, _ = invite(email="other@example.com")
    a1 = services.attempt_start(invitation=first, rng=random.Random(1))
    a2 = services.attempt_start(invitation=second, rng=random.Random(2))
    orders1 = [aq.option_order for aq in a1.questions.all()]
    orders2 = [aq.option_order for aq in a2.questions.all()]
    assert all(sorted(o) == list(range(6)) for o in orders1 + orders2)
    assert orders1 != orders2 and any(o != list(range(6)) for o in orders1)

    aq = a1.questions.get(position=1)
    url = reverse("recruitment_applicant:question", args=[token, 1])
    page = client.get(url).content.decode()
    shown = [page.index(options[i]) for i in aq.option_order]
    assert shown == sorted(shown)  # in this candidate's order
    again = client.get(url).content.decode()
    again_shown = [again.index(options[i]) for i in aq.option_order]
    assert again_shown == sorted(again_shown)  # the same order again on a reload
    # The right option sits wherever the shuffle put it; choosing it by its value scores it right.
    client.post(url, {"answer": "0"})
    aq.refresh_from_db()
    assert aq.answer == [0]
    services.attempt_submit(invitation=first)
    aq.refresh_from_db()
    assert aq.is_correct is True


def test_hr_edits_a_template_for_new_tests_only_audited(people, login, invite, template, bank):
    started, _ = invite()
    attempt = services.attempt_start(invitation=started)
    client = login(people["hr"])
    assert "Adviser baseline" in client.get(reverse("recruitment:template-edit", args=[template.pk])).content.decode()
    response = client.post(reverse("recruitment:template-edit", args=[template.pk]), {
        "name": "Adviser baseline 2027", "time_limit_minutes": 15, "open_to_staff": "on",
        f"count_{bank['safe'].pk}": 1, f"pass_{bank['safe'].pk}": 100, f"level_{bank['safe'].pk}": Level.WORKING,
    })
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Adviser baseline 2027" and template.time_limit_minutes == 15 and template.open_to_staff
    assert list(template.areas.values_list("area_id", "question_count")) == [(bank["safe"].pk, 1)]
    entry = AuditEntry.objects.get(action="recruitment.template_edited")
    assert entry.changes["name"] == ["Adviser baseline", "Adviser baseline 2027"] and "areas" in entry.changes
    # The test under way is still marked on both areas it started with.
    for aq in attempt.questions.select_related("version"):
        services.answer_save(invitation=started, position=aq.position, answer=aq.version.correct)
    attempt, _ = services.attempt_submit(invitation=started)
    assert {r.area_id: r.pass_mark_percent for r in attempt.area_results.all()} == {
        bank["safe"].pk: 50, bank["sheets"].pk: 100}
    new, _ = invite(email="new@example.com")
    assert services.attempt_start(invitation=new).question_count == 1


def test_hr_retires_and_restores_a_template_audited(people, login, template):
    client = login(people["hr"])
    client.post(reverse("recruitment:template-retire", args=[template.pk]))
    template.refresh_from_db()
    assert not template.is_active
    assert "Retired" in client.get(reverse("recruitment:templates")).content.decode()
    with pytest.raises(ValidationError, match="no longer in use"):
        services.invitation_create(actor=None, template=template, name="A", email="a@example.com",
                                   vacancy_reference="V", base_url="http://testserver/")
    client.post(reverse("recruitment:template-restore", args=[template.pk]))
    template.refresh_from_db()
    assert template.is_active
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="recruitment.template_r").order_by("pk")] == [
        "recruitment.template_retired", "recruitment.template_restored"]


def test_restoring_a_question_fills_the_bank_again(template, bank, invite):
    services.question_set_active(actor=None, question=bank["q_safe"][1], is_active=False)
    assert services.template_shortfalls(template)
    services.question_set_active(actor=None, question=bank["q_safe"][1], is_active=True)
    assert services.template_shortfalls(template) == []
    single(bank["phishing"])  # a third question changes nothing
    invitation, _ = invite()
    assert services.attempt_start(invitation=invitation).question_count == 4
