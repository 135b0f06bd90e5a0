"""Gap rules: latest validated level against the role profile's required level."""

import pytest

from people.models import AuditEntry
from skills_matrix import selectors, services
from skills_matrix.models import Evidence, RoleProfile

from .factories import (
    assign,
    make_area,
    make_campaign,
    make_profile,
    make_skill,
    set_levels,
    submitted_assessment,
)


@pytest.fixture
def framework(db):
    area = make_area("Office tools")
    return {"area": area, "word": make_skill(area, "Word"), "excel": make_skill(area, "Excel"), "teams": make_skill(area, "Teams")}


@pytest.fixture
def profile(framework):
    return make_profile({framework["word"]: 2, framework["excel"]: 3}, name="Officer")


def test_missing_assessment_counts_as_nothing_but_reports_not_assessed(people, framework, profile):
    assign(people["alice"], profile)
    gaps = selectors.gaps_for([people["alice"]])[people["alice"].pk]
    by_skill = {g.skill_id: g for g in gaps}
    assert by_skill[framework["word"].pk].current is None
    assert by_skill[framework["word"].pk].shortfall == 2
    assert by_skill[framework["excel"].pk].shortfall == 3


def test_met_requirements_are_not_gaps(people, framework, profile):
    assign(people["alice"], profile)
    set_levels(people["alice"], {framework["word"]: 2, framework["excel"]: 4})
    assert selectors.gaps_for([people["alice"]]) == {people["alice"].pk: []}
    full = selectors.gaps_for([people["alice"]], include_met=True)[people["alice"].pk]
    assert {g.skill_id: g.current for g in full} == {framework["word"].pk: 2, framework["excel"].pk: 4}


def test_unvalidated_self_assessment_does_not_close_a_gap(people, framework, profile):
    assign(people["alice"], profile)
    submitted_assessment(people["alice"], make_campaign(), {framework["word"]: 4, framework["excel"]: 4})
    gaps = {g.skill_id: g for g in selectors.gaps_for([people["alice"]])[people["alice"].pk]}
    assert gaps[framework["word"].pk].current is None
    assert gaps[framework["word"].pk].pending == 4
    assert gaps[framework["word"].pk].shortfall == 2


def test_changed_requirements_change_the_gaps_at_once(people, framework, profile, hr):
    assign(people["alice"], profile)
    set_levels(people["alice"], {framework["word"]: 2, framework["excel"]: 3})
    assert selectors.gaps_for([people["alice"]])[people["alice"].pk] == []
    services.requirement_set(actor=hr.user, profile=profile, skill=framework["teams"], level=2)
    services.requirement_set(actor=hr.user, profile=profile, skill=framework["excel"], level=4)
    gaps = {g.skill_id: g.shortfall for g in selectors.gaps_for([people["alice"]])[people["alice"].pk]}
    assert gaps == {framework["teams"].pk: 2, framework["excel"].pk: 1}


def test_retired_skill_drops_out_of_gaps_but_keeps_history(people, framework, profile, hr):
    assign(people["alice"], profile)
    services.skill_save(actor=hr.user, skill=framework["excel"], parent=framework["area"], name="Excel",
                        is_active=False)
    gaps = {g.skill_id for g in selectors.gaps_for([people["alice"]])[people["alice"].pk]}
    assert gaps == {framework["word"].pk}


def test_people_without_a_profile_use_the_default_profile(people):
    default = RoleProfile.objects.get(is_default=True)
    required = set(default.requirements.values_list("skill_id", flat=True))
    gaps = selectors.gaps_for([people["bob"]])[people["bob"].pk]
    assert {g.skill_id for g in gaps} == required


def test_gaps_for_accepts_a_queryset_and_ids(people, framework, profile):
    from people.models import Employee

    assign(people["alice"], profile)
    by_qs = selectors.gaps_for(Employee.objects.filter(pk=people["alice"].pk))
    by_ids = selectors.gaps_for([people["alice"].pk])
    assert by_qs == by_ids and len(by_qs[people["alice"].pk]) == 2


def test_gaps_for_uses_constant_queries(people, framework, profile, django_assert_num_queries):
    from people.models import Employee

    for e in people.values():
        assign(e, profile)
    # ids, requirements, default profile, assigned profiles, current levels, pending self-assessments
    with django_assert_num_queries(6):
        selectors.gaps_for(Employee.objects.all())


def test_evidence_waits_for_the_manager_then_raises_the_level(people, framework, profile):
    alice, manager = people["alice"], people["manager"]
    assign(alice, profile)
    ev = services.evidence_record(employee=alice, skill=framework["excel"], level=3, source="training", source_ref="course:12")
    assert ev.status == Evidence.Status.PENDING
    assert AuditEntry.objects.filter(action="skills.evidence_recorded", subject=alice).exists()
    # Recording the same completion again is harmless.
    again = services.evidence_record(employee=alice, skill=framework["excel"], level=3, source="training", source_ref="course:12")
    assert again.pk == ev.pk
    gaps = {g.skill_id for g in selectors.gaps_for([alice])[alice.pk]}
    assert framework["excel"].pk in gaps
    services.evidence_decide(actor=manager.user, evidence=ev, accept=True)
    gaps = {g.skill_id for g in selectors.gaps_for([alice])[alice.pk]}
    assert framework["excel"].pk not in gaps


def test_evidence_never_lowers_a_validated_level(people, framework):
    alice = people["alice"]
    set_levels(alice, {framework["word"]: 4})
    ev = services.evidence_record(employee=alice, skill=framework["word"], level=1, source="baseline_test", source_ref="t1")
    services.evidence_decide(actor=people["manager"].user, evidence=ev, accept=True)
    assert selectors.current_levels([alice])[alice.pk][framework["word"].pk] == 4


def test_evidence_rejects_bad_input(people, framework):
    from core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        services.evidence_record(employee=people["alice"], skill=framework["word"], level=7, source="training", source_ref="x")
    assert exc.value.field == "level"
    with pytest.raises(DomainError) as exc:
        services.evidence_record(employee=people["alice"], skill=framework["area"], level=2, source="training", source_ref="x")
    assert exc.value.field == "skill"
    assert not Evidence.objects.exists()


def test_only_the_manager_decides_evidence(people, framework):
    from django.core.exceptions import PermissionDenied

    ev = services.evidence_record(employee=people["alice"], skill=framework["word"], level=2, source="training", source_ref="x")
    for who in ("alice", "bob", "other_manager"):
        with pytest.raises(PermissionDenied):
            services.evidence_decide(actor=people[who].user, evidence=ev, accept=True)


def test_reporting_coverage_and_average_gap(people, framework, profile):
    from people.models import Employee

    team = Employee.objects.filter(pk__in=[people["alice"].pk, people["bob"].pk])
    for e in team:
        assign(e, profile)
    set_levels(people["alice"], {framework["word"]: 2, framework["excel"]: 3})  # no gap
    # bob: nothing validated -> 2 + 3 = 5 levels short; average (0 + 5) / 2
    assert selectors.average_gap(team) == 2.5
    campaign = make_campaign()
    submitted_assessment(people["bob"], campaign, {framework["word"]: 1})
    cov = selectors.assessment_coverage(team)
    assert cov == {"employees": 2, "completed": 1, "validated": 0, "completed_percent": 50.0, "validated_percent": 0.0}


def test_gaps_for_query_count_does_not_grow(people, framework, profile, django_assert_num_queries):
    from people.models import Employee
    from tests.factories import EmployeeFactory

    for i in range(40):
        e = EmployeeFactory(user=None, first_name="Extra", last_name=f"No{i}")
        assign(e, profile)
        set_levels(e, {framework["word"]: i % 5})
    # The same six queries at 53 people as at 13.
    with django_assert_num_queries(6):
        result = selectors.gaps_for(Employee.objects.all())
    assert len(result) == Employee.objects.count()


def test_two_validations_at_once_do_not_lose_levels(people, framework):
    set_levels(people["alice"], {framework["word"]: 1})
    ev = services.evidence_record(employee=people["alice"], skill=framework["excel"], level=2, source="training", source_ref="c1")
    services.evidence_decide(actor=people["manager"].user, evidence=ev, accept=True)
    assert selectors.current_levels([people["alice"]])[people["alice"].pk] == {framework["word"].pk: 1, framework["excel"].pk: 2}
