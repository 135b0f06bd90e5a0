import pytest
from django.urls import reverse

from skills_matrix.recruitment import services
from skills_matrix.recruitment.models import Invitation

pytestmark = pytest.mark.django_db


def test_hr_creates_a_template_and_invites_through_the_api(people, api_as, bank, mailoutbox):
    client = api_as(people["hr"])
    response = client.post(reverse("recruitment_api:templates"), {
        "name": "Adviser", "time_limit_minutes": 15,
        "areas": [{"area": bank["safe"].code, "question_count": 2, "pass_mark_percent": 50, "baseline_level": 2}],
    }, format="json")
    assert response.status_code == 201, response.json()
    template_id = response.json()["id"]
    assert response.json()["areas"][0]["area_name"] == "Safe online"

    response = client.post(reverse("recruitment_api:invitations"), {
        "template": template_id, "name": "Api Applicant", "email": "api@example.com", "vacancy_reference": "VAC-API",
        "extra_time_percent": 10,
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "/applicant/test/" in body["link"] and body["state"] == "issued"
    # The link is not retrievable afterwards.
    detail = client.get(reverse("recruitment_api:invitation-detail", args=[body["applicant_id"]])).json()
    assert "link" not in detail


def test_api_bad_input_names_the_field(people, api_as, template):
    response = api_as(people["hr"]).post(reverse("recruitment_api:invitations"), {
        "template": template.pk, "name": "X", "email": "nope", "vacancy_reference": "V",
    }, format="json")
    assert response.status_code == 400 and "email" in response.json()


def test_api_revoke_then_reissue(people, api_as, invite):
    invitation, _ = invite()
    client = api_as(people["hr"])
    assert client.post(reverse("recruitment_api:invitation-revoke", args=[invitation.applicant_id])).json()["state"] == "revoked"
    again = client.post(reverse("recruitment_api:invitation-revoke", args=[invitation.applicant_id]))
    assert again.status_code == 409
    response = client.post(reverse("recruitment_api:invitation-reissue", args=[invitation.applicant_id]), {}, format="json")
    assert response.status_code == 200 and response.json()["link"]
    assert Invitation.objects.get(pk=invitation.pk).state == Invitation.State.ISSUED


def test_api_results_by_vacancy(people, api_as, invite):
    invitation, _ = invite(vacancy="VAC-R")
    services.attempt_start(invitation=invitation)
    services.attempt_submit(invitation=invitation)
    invite(email="x@example.com", vacancy="VAC-R")  # not finished: no result
    results = api_as(people["hr"]).get(reverse("recruitment_api:results"), {"vacancy": "VAC-R"}).json()["results"]
    assert len(results) == 1 and results[0]["percent"] == 0 and len(results[0]["area_results"]) == 2


def test_recruitment_endpoints_generate_their_schema_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [m for m in [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache] if "recruitment" in m]
    GENERATOR_STATS.reset()
    assert problems == []
    assert "/api/recruitment/invitations/{id}/reissue/" in schema["paths"]
    # Nothing for applicants: their only way in is the link.
    assert not [p for p in schema["paths"] if "applicant/test" in p]
