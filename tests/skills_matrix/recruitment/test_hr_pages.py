"""HR journeys through the pages: invite, see the result, compare candidates, manage the bank."""

import pytest
from django.urls import reverse

from skills_matrix.models import Level
from skills_matrix.recruitment import services
from skills_matrix.recruitment.models import Applicant, Invitation, Question, TestTemplate

pytestmark = pytest.mark.django_db


def finish(invitation, right=True):
    attempt = services.attempt_start(invitation=invitation)
    for aq in attempt.questions.select_related("version"):
        v = aq.version
        answer = v.correct if right else [next(i for i in range(len(v.options)) if i not in v.correct)]
        services.answer_save(invitation=invitation, position=aq.position, answer=answer)
    services.attempt_submit(invitation=invitation)


def test_hr_invites_an_applicant_and_sees_the_link_once(people, login, template, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    client = login(people["hr"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recruitment:invite"), {
            "template": template.pk, "name": "Ada Lovelace", "email": "ada@example.com",
            "vacancy_reference": "VAC-9", "expires_in_days": 7, "extra_time_percent": 25, "large_text": "on",
        })
    applicant = Applicant.objects.get(email="ada@example.com")
    assert response["Location"] == reverse("recruitment:applicant", args=[applicant.pk])
    page = client.get(response["Location"]).content.decode()
    assert "This link is shown only now" in page and "/applicant/test/" in page
    assert "25% extra time" in page and "larger text" in page
    assert "This link is shown only now" not in client.get(response["Location"]).content.decode()
    assert len(mailoutbox) == 1 and "/applicant/test/" in mailoutbox[0].body
    assert applicant.invitation.extra_time_percent == 25 and applicant.invitation.large_text


def test_invite_with_bad_input_names_the_fields(people, login, template):
    response = login(people["hr"]).post(reverse("recruitment:invite"), {
        "template": template.pk, "name": "", "email": "not-an-email", "vacancy_reference": "V",
        "expires_in_days": 0, "extra_time_percent": 500,
    })
    body = response.content.decode()
    assert response.status_code == 200
    for message in ("Enter the applicant", "Enter an email address", "at least 1 day", "at most 200%"):
        assert message in body
    assert not Applicant.objects.exists()


def test_hr_sees_the_score_and_downloads_the_pdf(people, login, invite):
    invitation, _ = invite(name="Pat Candidate")
    finish(invitation)
    client = login(people["hr"])
    page = client.get(reverse("recruitment:applicant", args=[invitation.applicant_id])).content.decode()
    assert "Overall 100%" in page and "Meets the baseline" in page
    pdf = client.get(reverse("recruitment:result-pdf", args=[invitation.applicant_id]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_vacancy_comparison_ranks_candidates(people, login, invite):
    strong, _ = invite(name="Strong Candidate", email="s@example.com", vacancy="VAC-7")
    weak, _ = invite(name="Weak Candidate", email="w@example.com", vacancy="VAC-7")
    invite(name="Other Vacancy", email="o@example.com", vacancy="VAC-8")
    finish(weak, right=False)
    finish(strong)
    body = login(people["hr"]).get(reverse("recruitment:vacancy", args=["VAC-7"])).content.decode()
    assert body.index("Strong Candidate") < body.index("Weak Candidate")
    assert "Other Vacancy" not in body and "Safe online" in body and "Spreadsheets" in body


def test_hr_revokes_and_reissues_a_link(people, login, invite):
    invitation, _ = invite()
    client = login(people["hr"])
    client.post(reverse("recruitment:revoke", args=[invitation.applicant_id]))
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    response = client.post(reverse("recruitment:reissue", args=[invitation.applicant_id]), {"expires_in_days": 3})
    page = client.get(response["Location"]).content.decode()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ISSUED and invitation.issue_count == 2
    assert "This link is shown only now" in page


def test_revoking_a_finished_test_is_refused_with_a_message(people, login, invite):
    invitation, _ = invite()
    finish(invitation)
    client = login(people["hr"])
    response = client.post(reverse("recruitment:revoke", args=[invitation.applicant_id]), follow=True)
    assert "completed this test" in response.content.decode()


def test_hr_creates_a_template_from_the_page(people, login, bank):
    client = login(people["hr"])
    response = client.post(reverse("recruitment:template-new"), {
        "name": "Finance officer", "role_name": "Finance officer", "time_limit_minutes": 25,
        f"count_{bank['sheets'].pk}": 2, f"pass_{bank['sheets'].pk}": 80, f"level_{bank['sheets'].pk}": Level.WORKING,
        f"count_{bank['safe'].pk}": 0,
    })
    assert response.status_code == 302
    template = TestTemplate.objects.get(name="Finance officer")
    area = template.areas.get()
    assert (area.area, area.question_count, area.pass_mark_percent, area.baseline_level) == (
        bank["sheets"], 2, 80, Level.WORKING)


def test_template_without_any_area_is_refused(people, login, bank):
    response = login(people["hr"]).post(reverse("recruitment:template-new"),
                                        {"name": "Empty", "time_limit_minutes": 10})
    assert "Ask at least one question" in response.content.decode()


def test_hr_edits_a_question_which_adds_a_version(people, login, bank):
    q = bank["q_safe"][0]
    client = login(people["hr"])
    response = client.post(reverse("recruitment:question-edit", args=[q.pk]), {
        "skill": q.skill_id, "kind": "single", "prompt": "Reworded", "options": "Yes\nNo", "correct": "2",
        "difficulty": 2,
    })
    assert response.status_code == 302
    q = Question.objects.select_related("current").get(pk=q.pk)
    assert (q.current.number, q.current.prompt, q.current.correct) == (2, "Reworded", [1])
    assert q.versions.count() == 2


def test_hr_adds_a_question_with_a_clear_error_for_a_bad_answer_number(people, login, bank):
    response = login(people["hr"]).post(reverse("recruitment:question-new"), {
        "skill": bank["phishing"].pk, "kind": "single", "prompt": "Q", "options": "a\nb", "correct": "x",
        "difficulty": 1,
    })
    assert "Enter option numbers" in response.content.decode()


@pytest.mark.parametrize("size", [3, 12])
def test_applicant_list_query_count_does_not_grow(people, login, invite, django_assert_num_queries, size):
    for i in range(size):
        invitation, _ = invite(email=f"a{i}@example.com")
        if i % 2:
            finish(invitation)
    client = login(people["hr"])
    client.get(reverse("recruitment:index"))  # warm the session and role caches
    # session + user (2), the HR role check (1), the count and the page of applicants with their
    # invitation, template and attempt joined (2), the nav's role lookup is cached on the user.
    with django_assert_num_queries(5):
        response = client.get(reverse("recruitment:index"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 8])
def test_vacancy_comparison_query_count_does_not_grow(people, login, invite, django_assert_num_queries, size):
    for i in range(size):
        invitation, _ = invite(email=f"c{i}@example.com", vacancy="VAC-Q")
        finish(invitation, right=bool(i % 2))
    client = login(people["hr"])
    client.get(reverse("recruitment:vacancy", args=["VAC-Q"]))
    # session + user (2), role check (1), attempts with applicant and template (1), their area results
    # with areas (1).
    with django_assert_num_queries(5):
        client.get(reverse("recruitment:vacancy", args=["VAC-Q"]))


def test_pdf_copes_with_markup_in_names(people, login, invite):
    invitation, _ = invite(name="Jo <b>O'Neil</b> & Co")
    finish(invitation)
    pdf = login(people["hr"]).get(reverse("recruitment:result-pdf", args=[invitation.applicant_id]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_template_for_a_role_profile(people, login, bank):
    from skills_matrix.models import RoleProfile

    profile = RoleProfile.objects.create(code="rt-adviser", name="Customer adviser")
    response = login(people["hr"]).post(reverse("recruitment:template-new"), {
        "name": "Adviser test", "role_profile": profile.pk, "time_limit_minutes": 15,
        f"count_{bank['safe'].pk}": 1, f"pass_{bank['safe'].pk}": 50, f"level_{bank['safe'].pk}": Level.FOUNDATION,
    })
    assert response.status_code == 302
    assert TestTemplate.objects.get(name="Adviser test").role_profile == profile


def test_hr_changes_adjustments_before_the_test_starts_only(people, login, invite):
    invitation, token = invite()
    client = login(people["hr"])
    client.post(reverse("recruitment:adjustments", args=[invitation.applicant_id]),
                {"extra_time_percent": 50, "large_text": "on"})
    invitation.refresh_from_db()
    assert (invitation.extra_time_percent, invitation.large_text) == (50, True)
    attempt = services.attempt_start(invitation=invitation)
    assert (attempt.deadline - attempt.started_at).total_seconds() == 15 * 60  # 10 minutes + 50%
    response = client.post(reverse("recruitment:adjustments", args=[invitation.applicant_id]),
                           {"extra_time_percent": 100}, follow=True)
    assert "can no longer change" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.extra_time_percent == 50
