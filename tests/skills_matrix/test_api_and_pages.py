"""API endpoints, HR pages, home tasks, navigation and demo data."""

import random

import pytest
from django.urls import reverse

from core.dashboard import tasks_for
from people.models import AuditEntry, Employee
from skills_matrix import selectors, services
from skills_matrix.models import (
    Assessment,
    Campaign,
    CurrentSkills,
    EmployeeRoleProfile,
    FrameworkVersion,
    RoleProfile,
    Skill,
)

from .factories import (
    assign,
    make_area,
    make_campaign,
    make_profile,
    make_skill,
    only_test_skills_active,
    submitted_assessment,
)


@pytest.fixture
def framework(db):
    area = make_area("Office tools")
    word, excel = make_skill(area, "Word"), make_skill(area, "Excel")
    only_test_skills_active(area)
    return {"area": area, "word": word, "excel": excel}


def test_api_denies_anonymous(db, client):
    for url in ("/api/skills/framework/", "/api/skills/profiles/", "/api/skills/assessments/", "/api/skills/matrix/"):
        assert client.get(url).status_code == 401, url


def test_api_framework_and_profiles(people, framework, api_as):
    body = api_as(people["bob"]).get("/api/skills/framework/").json()
    area = next(a for a in body if a["name"] == "Office tools")
    assert [s["name"] for s in area["skills"]] == ["Excel", "Word"]  # framework order: sort order, then name
    assert [d["level"] for d in area["skills"][0]["descriptors"]] == [0, 1, 2, 3, 4]
    profiles = api_as(people["hr"]).get("/api/skills/profiles/").json()["results"]
    assert any(p["is_default"] for p in profiles)


@pytest.mark.parametrize("who, status", [("bob", 403), ("manager", 403), ("director", 403), ("hr", 200),
                                         ("admin", 200)])
def test_api_role_profiles_are_hr_only_as_on_the_page(people, framework, api_as, login, who, status):
    from django.urls import reverse

    assert api_as(people[who]).get("/api/skills/profiles/").status_code == status
    assert login(people[who]).get(reverse("skills_matrix:profiles")).status_code == status


def test_api_requirements_are_hr_only(people, framework, api_as):
    profile = make_profile({framework["word"]: 1})
    url = f"/api/skills/profiles/{profile.pk}/requirements/"
    assert api_as(people["manager"]).post(url, {"skill": framework["excel"].pk, "level": 3}, format="json").status_code == 403
    response = api_as(people["hr"]).post(url, {"skill": framework["excel"].pk, "level": 3}, format="json")
    assert response.status_code == 200
    assert {r["skill"]: r["level"] for r in response.json()["requirements"]} == {framework["word"].pk: 1, framework["excel"].pk: 3}
    bad = api_as(people["hr"]).post(url, {"skill": framework["excel"].pk, "level": 9}, format="json")
    assert bad.status_code == 400 and "level" in bad.json()


def test_api_self_assessment_round_trip(people, framework, api_as):
    alice, manager = people["alice"], people["manager"]
    campaign = make_campaign()
    a = Assessment.objects.create(employee=alice, campaign=campaign)
    me = api_as(alice)
    response = me.post(f"/api/skills/assessments/{a.pk}/levels/", {"levels": {str(framework["word"].pk): 2}}, format="json")
    assert response.status_code == 200
    response = me.post(f"/api/skills/assessments/{a.pk}/submit/")
    assert response.status_code == 400 and "1 still to answer" in response.json()["detail"]
    me.post(f"/api/skills/assessments/{a.pk}/levels/", {"levels": {str(framework["excel"].pk): 3}}, format="json")
    assert me.post(f"/api/skills/assessments/{a.pk}/submit/").json()["status"] == "submitted"
    # Someone else cannot change, validate or even find it: fetched through a scoped selector, it is a 404.
    assert api_as(people["bob"]).post(f"/api/skills/assessments/{a.pk}/validate/", {}, format="json").status_code == 404
    assert api_as(people["bob"]).get(f"/api/skills/assessments/{a.pk}/").status_code == 404
    assert api_as(people["bob"]).post(f"/api/skills/assessments/{a.pk}/submit/").status_code == 404
    response = api_as(manager).post(
        f"/api/skills/assessments/{a.pk}/validate/",
        {"adjustments": [{"skill": framework["excel"].pk, "level": 2, "reason": "Seen at work"}]}, format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "validated"
    assert selectors.current_levels([alice])[alice.pk] == {framework["word"].pk: 2, framework["excel"].pk: 2}
    # Validating twice is a conflict, not a 500.
    again = api_as(manager).post(f"/api/skills/assessments/{a.pk}/validate/", {}, format="json")
    assert again.status_code == 409
    assert [x["id"] for x in me.get("/api/skills/assessments/").json()["results"]] == [a.pk]
    assert api_as(people["bob"]).get("/api/skills/assessments/").json()["results"] == []


def test_api_closed_campaign_rejects_with_message(people, framework, api_as):
    a = Assessment.objects.create(employee=people["alice"], campaign=make_campaign(open_=False))
    response = api_as(people["alice"]).post(
        f"/api/skills/assessments/{a.pk}/levels/", {"levels": {str(framework["word"].pk): 2}}, format="json"
    )
    assert response.status_code == 400 and "closed on" in response.json()["detail"]


@pytest.mark.parametrize("url_name,args", [
    ("skills_matrix:profiles", []), ("skills_matrix:campaigns", []), ("skills_matrix:skill_new", []),
])
def test_hr_pages_are_hr_only(people, login, url_name, args):
    url = reverse(url_name, args=args)
    for who, status in {"hr": 200, "admin": 200, "manager": 403, "alice": 403, "director": 403}.items():
        assert login(people[who]).get(url).status_code == status, (url, who)


def test_hr_edits_a_skill_which_starts_a_new_framework_version(people, framework, login):
    before = FrameworkVersion.objects.count()
    client = login(people["hr"])
    url = reverse("skills_matrix:skill_edit", args=[framework["word"].pk])
    response = client.post(url, {"name": "", "code": framework["word"].code, "parent": framework["area"].pk})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    response = client.post(url, {"name": "Word processing", "parent": framework["area"].pk, "is_active": "on",
                                 "descriptor_2": "Writes letters with styles"})
    assert response.status_code == 302
    framework["word"].refresh_from_db()
    assert framework["word"].name == "Word processing"
    assert framework["word"].descriptors.get(level=2).text == "Writes letters with styles"
    assert FrameworkVersion.objects.count() == before + 1
    assert AuditEntry.objects.filter(action="skills.framework_changed").exists()


def test_hr_sets_requirements_and_assigns_profiles(people, framework, login):
    profile = make_profile({}, name="Analyst")
    client = login(people["hr"])
    response = client.post(reverse("skills_matrix:profile_edit", args=[profile.pk]),
                           {f"skill_{framework['word'].pk}": "3", f"skill_{framework['excel'].pk}": ""})
    assert response.status_code == 302
    assert dict(profile.requirements.values_list("skill_id", "level")) == {framework["word"].pk: 3}
    response = client.post(reverse("skills_matrix:person", args=[people["bob"].pk]), {"profile": profile.pk})
    assert response.status_code == 302
    assert EmployeeRoleProfile.objects.get(employee=people["bob"]).profile == profile
    gaps = selectors.gaps_for([people["bob"]])[people["bob"].pk]
    assert [(g.skill_id, g.required) for g in gaps] == [(framework["word"].pk, 3)]


def test_hr_starts_a_campaign(people, org, login):
    client = login(people["hr"])
    response = client.post(reverse("skills_matrix:campaigns"), {
        "name": "2027 skills analysis", "org_unit": org["adults"].pk, "opens_on": "2027-01-04",
        "closes_on": "2027-01-01", "reminder_every_days": 7,
    })
    assert response.status_code == 200 and "on or after the opening date" in response.content.decode()
    response = client.post(reverse("skills_matrix:campaigns"), {
        "name": "2027 skills analysis", "org_unit": org["adults"].pk, "opens_on": "2027-01-04",
        "closes_on": "2027-02-26", "reminder_every_days": 7,
    })
    assert response.status_code == 302 and Campaign.objects.filter(name="2027 skills analysis").exists()


def test_home_tasks_for_employee_and_manager(people, framework):
    alice, manager = people["alice"], people["manager"]
    campaign = make_campaign()
    titles = [t.title for t in tasks_for(alice.user)]
    assert "Complete your skills self-assessment" in titles
    Assessment.objects.create(employee=alice, campaign=campaign, status=Assessment.Status.SUBMITTED)
    assert "Complete your skills self-assessment" not in [t.title for t in tasks_for(alice.user)]
    assert "1 assessment to validate" in [t.title for t in tasks_for(manager.user)]
    assert not any("to validate" in t.title for t in tasks_for(people["bob"].user))


def test_my_skills_page_and_nav(people, framework, login):
    assign(people["alice"], make_profile({framework["word"]: 2}, name="Case worker"))
    make_campaign()
    html = login(people["alice"]).get(reverse("skills_matrix:my_skills")).content.decode()
    assert "Case worker" in html and "Start your self-assessment" in html and "Not assessed" in html
    assert '>Skills<' in login(people["alice"]).get("/").content.decode()


def test_framework_page_lists_areas_for_everyone(people, login):
    html = login(people["bob"]).get(reverse("skills_matrix:framework")).content.decode()
    assert "Being safe and legal online" in html and "Spot scams and phishing" in html


def test_demo_seeder_is_fast_deterministic_and_realistic(people):
    from skills_matrix.demo import seed_skills

    seed_skills(rng=random.Random(1), staff_count=len(people), stdout=None)
    active = Employee.objects.filter(is_active=True).count()
    assert CurrentSkills.objects.count() >= active // 2  # most staff have a validated baseline
    assert Assessment.objects.filter(status=Assessment.Status.SUBMITTED).exists()
    assert all(c.levels for c in CurrentSkills.objects.all())
    # The demo manager's reports have sent theirs, so the manager sign-in has work to validate.
    assert RoleProfile.objects.filter(assignments__isnull=False).exists()
    first = sorted(CurrentSkills.objects.values_list("employee_id", "levels"))
    Assessment.objects.all().delete()
    Campaign.objects.all().delete()
    CurrentSkills.objects.all().delete()
    EmployeeRoleProfile.objects.all().delete()
    seed_skills(rng=random.Random(1), staff_count=len(people), stdout=None)
    assert sorted(CurrentSkills.objects.values_list("employee_id", "levels")) == first


def test_load_default_framework_command_is_idempotent(db):
    from django.core.management import call_command

    before = Skill.objects.count()
    call_command("load_default_framework")
    assert Skill.objects.count() == before


def test_manager_accepts_or_declines_evidence_on_the_page(people, framework, login):
    from skills_matrix import services
    from skills_matrix.models import Evidence

    alice = people["alice"]
    accepted = services.evidence_record(employee=alice, skill=framework["word"], level=3, source="training", source_ref="c1")
    declined = services.evidence_record(employee=alice, skill=framework["excel"], level=4, source="baseline_test", source_ref="t1")
    client = login(people["manager"])
    assert "Word at level 3" in client.get(reverse("skills_matrix:validation_queue")).content.decode()
    client.post(reverse("skills_matrix:evidence_decide", args=[accepted.pk]), {"decision": "accept"})
    response = client.post(reverse("skills_matrix:evidence_decide", args=[declined.pk]), {"decision": "reject"}, follow=True)
    assert "Give a reason" in response.content.decode()
    client.post(reverse("skills_matrix:evidence_decide", args=[declined.pk]), {"decision": "reject", "reason": "Test was shared"})
    assert Evidence.objects.get(pk=accepted.pk).status == Evidence.Status.ACCEPTED
    assert Evidence.objects.get(pk=declined.pk).status == Evidence.Status.REJECTED
    assert selectors.current_levels([alice])[alice.pk] == {framework["word"].pk: 3}
    # Someone who does not manage Alice cannot decide her evidence, nor find it (404).
    third = services.evidence_record(employee=alice, skill=framework["excel"], level=2, source="training", source_ref="c2")
    assert login(people["dave"]).post(reverse("skills_matrix:evidence_decide", args=[third.pk]), {"decision": "accept"}).status_code == 404


def test_requirements_page_saves_nothing_when_one_level_is_not_a_level(people, framework, login):
    profile = make_profile({}, name="Analyst")
    before = AuditEntry.objects.filter(action="skills.requirement_changed").count()
    response = login(people["hr"]).post(reverse("skills_matrix:profile_edit", args=[profile.pk]),
                                        {f"skill_{framework['word'].pk}": "3", f"skill_{framework['excel'].pk}": "abc"},
                                        follow=True)
    assert response.status_code == 200
    assert "Choose a level from the list" in response.content.decode()
    assert not profile.requirements.exists()
    assert AuditEntry.objects.filter(action="skills.requirement_changed").count() == before


def test_campaigns_page_figures_and_its_query_count_does_not_grow(people, org, framework, login, django_assert_num_queries):
    whole = make_campaign("Whole council")
    adults = make_campaign("Adults only", org_unit=org["adults"])
    submitted_assessment(people["alice"], whole, {framework["word"]: 2})
    client = login(people["hr"])
    client.get(reverse("skills_matrix:campaigns"))  # warm the session and user caches
    # session + user (2), groups for the HR check (1), campaigns with their counts (1), the active
    # headcount for council-wide campaigns (1), the form's list of units (1).
    with django_assert_num_queries(6):
        small = client.get(reverse("skills_matrix:campaigns"))
    figures = dict(small.context["rows"])
    assert figures[whole] == {"employees": Employee.objects.filter(is_active=True).count(), "completed": 1, "validated": 0}
    for campaign in (whole, adults):
        assert figures[campaign] == selectors.campaign_progress(campaign, services.campaign_people(campaign))
    assert 0 < figures[adults]["employees"] < figures[whole]["employees"]
    for i in range(5):
        make_campaign(f"Team A {i}", org_unit=org["team_a"])
    with django_assert_num_queries(6):
        large = client.get(reverse("skills_matrix:campaigns"))
    assert len(large.context["rows"]) == 7
