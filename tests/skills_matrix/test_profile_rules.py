"""Role profiles by rule (issue 14.8): rules from job title, grade, work style and unit; the changes
previewed before they are applied in bulk (audited); applied again after a restructure, by the
directory sync's signal or HR's button; profiles set by hand are left alone."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from core.errors import DomainError
from ldap_sync.signals import directory_sync_applied_on_commit
from people.models import AuditEntry, Employee
from skills_matrix import profile_rules, services
from skills_matrix.models import EmployeeRoleProfile, RoleProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles(db):
    return {
        "social": RoleProfile.objects.create(code="t-social-worker", name="Social worker"),
        "manager": RoleProfile.objects.create(code="t-team-manager", name="Team manager"),
        "field": RoleProfile.objects.create(code="t-field", name="Field worker"),
    }


def profile_of(employee):
    row = EmployeeRoleProfile.objects.filter(employee=employee).select_related("profile").first()
    return row.profile.code if row else None


def test_rules_are_previewed_then_applied_in_bulk_and_audited(people, login, org, profiles):
    hr = login(people["hr"])
    hr.post(reverse("skills_matrix:profile_rules"), {"profile": profiles["social"].pk,
                                                     "job_title_contains": "social worker", "priority": 100})
    hr.post(reverse("skills_matrix:profile_rules"), {"profile": profiles["manager"].pk, "job_title_contains": "manager",
                                                     "unit": org["adults"].pk, "priority": 10})
    page = hr.get(reverse("skills_matrix:profile_rules")).content.decode()
    # alice and bob are social workers; the manager (Team A, in Adults) is a team manager; the
    # Highways manager is outside Adults. Nothing has changed yet: it is a preview.
    assert "3 people's role profile would change" in page
    assert escape(people["other_manager"].display_name) not in page[page.index('id="preview"'):]
    assert EmployeeRoleProfile.objects.count() == 0
    fingerprint = profile_rules.changes_fingerprint(profile_rules.profile_changes())
    response = hr.post(reverse("skills_matrix:profile_rules_apply"), {"fingerprint": fingerprint}, follow=True)
    assert "3 role profiles changed." in response.content.decode()
    assert [profile_of(people[k]) for k in ("alice", "bob", "manager", "other_manager")] == [
        "t-social-worker", "t-social-worker", "t-team-manager", None]
    entry = AuditEntry.objects.get(action="skills.role_profile_assigned", subject=people["alice"])
    assert entry.changes == {"role_profile": [None, "Social worker"]} and "job title contains" in entry.note
    assert "Everyone already has the profile" in hr.get(reverse("skills_matrix:profile_rules")).content.decode()


def test_applying_a_stale_preview_is_refused(people, profiles):
    profile_rules.profile_rule_create(actor=people["hr"].user, profile=profiles["social"],
                                      job_title_contains="social worker")
    seen = profile_rules.changes_fingerprint(profile_rules.profile_changes())
    Employee.objects.filter(pk=people["carol"].pk).update(job_title="Social Worker")  # the directory moved on
    with pytest.raises(DomainError, match="no longer the ones you previewed"):
        profile_rules.profile_rules_apply(actor=people["hr"].user, fingerprint=seen)
    assert EmployeeRoleProfile.objects.count() == 0


def test_rules_by_grade_and_work_style_and_priority(people, profiles):
    Employee.objects.update(grade="PO2", work_style=Employee.WorkStyle.STATIC)
    Employee.objects.filter(pk=people["dave"].pk).update(grade="SO1", work_style=Employee.WorkStyle.MOBILE)
    Employee.objects.filter(pk=people["bob"].pk).update(grade="so1")
    profile_rules.profile_rule_create(actor=None, profile=profiles["field"], work_style=Employee.WorkStyle.MOBILE,
                                      priority=5)
    profile_rules.profile_rule_create(actor=None, profile=profiles["social"], grade="SO1", priority=50)
    assert profile_rules.profile_rules_apply(actor=None) == 2
    assert profile_of(people["dave"]) == "t-field"  # both match; the lower priority number wins
    assert profile_of(people["bob"]) == "t-social-worker"  # grades compare without case


def test_a_rule_needs_a_condition_and_hr(people, profiles):
    with pytest.raises(DomainError, match="at least one condition"):
        profile_rules.profile_rule_create(actor=people["hr"].user, profile=profiles["social"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        profile_rules.profile_rule_create(actor=people["manager"].user, profile=profiles["social"], grade="SO1")


@pytest.mark.parametrize("role", ["manager", "alice", "director", "champion"])
def test_rule_pages_are_hr_only(people, login, role, profiles):
    client = login(people[role])
    assert client.get(reverse("skills_matrix:profile_rules")).status_code == 403
    assert client.post(reverse("skills_matrix:profile_rules_apply"), {"fingerprint": "x"}).status_code == 403


def test_after_a_restructure_the_directory_sync_re_applies_the_rules(people, org, profiles,
                                                                     django_capture_on_commit_callbacks):
    profile_rules.profile_rule_create(actor=None, profile=profiles["manager"], job_title_contains="manager",
                                      unit=org["adults"])
    profile_rules.profile_rules_apply(actor=None)
    assert profile_of(people["manager"]) == "t-team-manager" and profile_of(people["other_manager"]) is None
    # A restructure: Highways moves under Adults and the team manager becomes a practitioner.
    highways = org["highways"]
    highways.parent = org["adults"]
    highways.save()
    Employee.objects.filter(pk=people["manager"].pk).update(job_title="Senior Practitioner")
    with django_capture_on_commit_callbacks(execute=True):
        directory_sync_applied_on_commit(sender=None, run_id=1, source="test", status="applied")
    assert profile_of(people["other_manager"]) == "t-team-manager"
    assert profile_of(people["manager"]) is None  # no rule matches: back to the default profile
    assert AuditEntry.objects.filter(action="skills.role_profile_assigned", actor=None,
                                     channel=AuditEntry.Channel.SYSTEM).count() == 3  # 1 + the 2 moves


def test_a_profile_set_by_hand_is_left_alone(people, profiles):
    services.role_profile_assign(actor=people["hr"].user, employee=people["alice"], profile=profiles["field"])
    profile_rules.profile_rule_create(actor=None, profile=profiles["social"], job_title_contains="social worker")
    profile_rules.profile_rules_apply(actor=None)
    assert profile_of(people["alice"]) == "t-field" and profile_of(people["bob"]) == "t-social-worker"


@pytest.mark.parametrize("n", [2, 10])
def test_rules_page_query_count_is_constant(people, login, org, profiles, django_assert_num_queries, n):
    from tests.factories import EmployeeFactory, UserFactory

    for i in range(n):
        EmployeeFactory(user=UserFactory(username=f"sw{n}-{i}"), org_unit=org["team_a"], job_title="Social Worker")
    profile_rules.profile_rule_create(actor=None, profile=profiles["social"], job_title_contains="social worker",
                                      unit=org["social"])
    client = login(people["hr"])
    # Session, user, roles + the rules list + the preview: active rules, current profiles, the rules'
    # columns of every person, the changed people with their units + the form's choices (role
    # profiles, units).
    with django_assert_num_queries(10):
        response = client.get(reverse("skills_matrix:profile_rules"))
    assert f"{n + 2} people's role profile would change" in response.content.decode()
