"""HR-only: every HR page and API endpoint, for each role. Applicants reach nothing but their link."""

import pytest
from django.urls import reverse

from skills_matrix.recruitment import services

pytestmark = pytest.mark.django_db

ROLES = ["hr", "manager", "alice", "payroll", "champion", "admin", "director"]
ALLOWED = {"hr"}


@pytest.fixture
def finished(invite):
    invitation, _ = invite()
    services.attempt_start(invitation=invitation)
    services.attempt_submit(invitation=invitation)
    return invitation


def pages(invitation, question):
    a = invitation.applicant_id
    t = invitation.template_id
    return [
        ("get", reverse("recruitment:index")),
        ("get", reverse("recruitment:invite")),
        ("get", reverse("recruitment:applicant", args=[a])),
        ("get", reverse("recruitment:result-pdf", args=[a])),
        ("get", reverse("recruitment:export", args=[a, "json"])),
        ("get", reverse("recruitment:export", args=[a, "csv"])),
        ("get", reverse("recruitment:vacancy", args=["VAC-1"])),
        ("get", reverse("recruitment:templates")),
        ("get", reverse("recruitment:template-new")),
        ("get", reverse("recruitment:template-edit", args=[t])),
        ("post", reverse("recruitment:template-retire", args=[t])),
        ("post", reverse("recruitment:template-restore", args=[t])),
        ("post", reverse("recruitment:question-retire", args=[question.pk])),
        ("post", reverse("recruitment:question-restore", args=[question.pk])),
        ("get", reverse("recruitment:questions")),
        ("get", reverse("recruitment:question-new")),
        ("get", reverse("recruitment:question-edit", args=[question.pk])),
        ("get", reverse("recruitment:statistics")),
        ("post", reverse("recruitment:adjustments", args=[a])),
        ("post", reverse("recruitment:hired", args=[a])),
        ("post", reverse("recruitment:revoke", args=[a])),
        ("post", reverse("recruitment:erase", args=[a])),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_hr_pages_are_for_hr_only(role, people, login, finished, bank):
    client = login(people[role])
    for method, path in pages(finished, bank["q_safe"][0]):
        if role in ALLOWED and method == "post":
            continue  # HR's actions are covered by their own tests; here only refusals matter
        response = getattr(client, method)(path)
        expected = {200} if role in ALLOWED else {403}
        assert response.status_code in expected, (role, path, response.status_code)


def test_hr_pages_need_a_sign_in(client, finished):
    response = client.get(reverse("recruitment:index"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def api_endpoints(invitation):
    a = invitation.applicant_id
    return [
        ("get", reverse("recruitment_api:templates")),
        ("get", reverse("recruitment_api:template-detail", args=[invitation.template_id])),
        ("get", reverse("recruitment_api:invitations")),
        ("get", reverse("recruitment_api:invitation-detail", args=[a])),
        ("get", reverse("recruitment_api:results")),
        ("get", reverse("recruitment_api:result-detail", args=[invitation.attempt.pk])),
        ("post", reverse("recruitment_api:invitations")),
        ("post", reverse("recruitment_api:templates")),
        ("post", reverse("recruitment_api:invitation-revoke", args=[a])),
        ("post", reverse("recruitment_api:invitation-reissue", args=[a])),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_hr_api_is_for_hr_only(role, people, api_as, finished):
    client = api_as(people[role])
    for method, path in api_endpoints(finished):
        response = getattr(client, method)(path, {}, format="json") if method == "post" else client.get(path)
        if role in ALLOWED:
            assert response.status_code in {200, 400, 409}, (path, response.status_code)
        else:
            assert response.status_code == 403, (role, path, response.status_code)


def test_api_refuses_anonymous_callers(client, finished):
    for method, path in api_endpoints(finished):
        assert getattr(client, method)(path).status_code == 401


def test_nav_item_is_shown_to_hr_only(people, login):
    assert "Recruitment tests" in login(people["hr"]).get(reverse("home")).content.decode()
    assert "Recruitment tests" not in login(people["alice"]).get(reverse("home")).content.decode()
