"""HR places and edits org units: above all those directory sync left in the holding unit."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import resolve_url
from django.urls import reverse

from people import selectors, services
from people.models import AuditEntry, Employee, OrgUnit

from .test_query_counts import add_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(org, people):
    """What directory sync leaves behind: a holding unit under the council with a new team in it."""
    holding = OrgUnit.objects.create(
        code="directory-holding", name="New from the directory (to be placed by HR)",
        kind=OrgUnit.Kind.HOLDING, parent=org["council"],
    )
    team = OrgUnit.objects.create(code="climate", name="Climate Emergency Unit", kind=OrgUnit.Kind.TEAM, parent=holding)
    add_staff(team, 3, prefix="climate")
    return {"holding": holding, "team": team}


def tree_rows():
    return list(OrgUnit.objects.order_by("pk").values_list("pk", "parent_id", "tree_id", "lft", "rght", "level"))


def assert_tree_valid():
    """A rebuild from parent links alone gives the very same MPTT numbers: the tree is consistent."""
    before = tree_rows()
    OrgUnit.objects.rebuild()
    assert tree_rows() == before


# ---------------------------------------------------------------- permissions

PAGE_ACCESS = [
    ("alice", 403),     # employee
    ("manager", 403),   # line manager
    ("director", 403),  # portfolio lead: reads the tree, does not reshape it
    ("payroll", 403),
    ("hr", 200),
    ("admin", 200),
]


@pytest.mark.parametrize(("who", "status"), PAGE_ACCESS)
@pytest.mark.parametrize("page", ["manage", "edit"])
def test_who_may_open_the_org_pages(people, held, login, who, status, page):
    url = reverse("people:org_unit_manage") if page == "manage" else reverse("people:org_unit_edit", args=["climate"])
    assert login(people[who]).get(url).status_code == status


@pytest.mark.parametrize("page", ["manage", "edit"])
def test_anonymous_visitors_are_sent_to_sign_in(client, held, page):
    url = reverse("people:org_unit_manage") if page == "manage" else reverse("people:org_unit_edit", args=["climate"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_an_employee_cannot_post_a_move(people, org, held, login):
    response = login(people["manager"]).post(
        reverse("people:org_unit_edit", args=["climate"]),
        {"name": "Climate", "kind": "team", "parent": org["highways"].pk, "head": ""},
    )
    assert response.status_code == 403
    assert OrgUnit.objects.get(code="climate").parent_id == held["holding"].pk


def test_the_service_refuses_anyone_but_hr_or_admin(people, org, held):
    with pytest.raises(PermissionDenied):
        services.org_unit_update(actor=people["director"].user, unit=held["team"], parent=org["highways"])


@pytest.mark.parametrize(("who", "shown"), [("alice", False), ("manager", False), ("hr", True), ("admin", True)])
def test_edit_link_on_the_unit_page_only_for_hr_and_admin(people, org, login, who, shown):
    body = login(people[who]).get(reverse("people:org_unit", args=["social-work"])).content.decode()
    assert ("Edit this unit" in body) is shown


# ---------------------------------------------------------------- moving units


def test_hr_places_a_held_team_under_a_department(people, org, held, login):
    client = login(people["hr"])
    page = client.get(reverse("people:org_unit_manage")).content.decode()
    assert "Climate Emergency Unit" in page
    response = client.post(
        reverse("people:org_unit_edit", args=["climate"]),
        {"name": "Climate Emergency Unit", "kind": "team", "parent": org["highways"].pk, "head": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "Climate Emergency Unit has been updated." in response.content.decode()
    team = OrgUnit.objects.get(code="climate")
    assert team.parent_id == org["highways"].pk
    assert_tree_valid()
    highways = OrgUnit.objects.get(code="highways")
    within = selectors.units_within([highways])
    assert team in within
    assert Employee.objects.filter(org_unit__in=within, first_name__startswith="Climate").count() == 3
    # And the held unit is no longer in the Place portfolio's neighbours' subtrees.
    assert team not in selectors.units_within([OrgUnit.objects.get(code="adults")])
    assert not OrgUnit.objects.filter(parent__kind=OrgUnit.Kind.HOLDING).exists()


def test_moving_a_department_carries_its_teams(people, org):
    services.org_unit_update(actor=people["hr"].user, unit=org["social"], parent=org["place"])
    assert_tree_valid()
    place = OrgUnit.objects.get(code="place")
    assert {u.code for u in selectors.units_within([place])} == {"place", "highways", "social-work", "team-a", "team-b"}
    assert selectors.directory_search(unit=place).filter(pk=people["carol"].pk).exists()


def test_a_unit_cannot_move_under_its_own_descendant(people, org):
    before = tree_rows()
    with pytest.raises(ValidationError) as exc:
        services.org_unit_update(actor=people["hr"].user, unit=org["adults"], parent=org["social"])
    assert "parent" in exc.value.message_dict
    assert "inside itself" in exc.value.message_dict["parent"][0]
    assert tree_rows() == before
    assert not AuditEntry.objects.filter(action="org_unit.updated").exists()


def test_the_edit_page_refuses_a_move_inside_the_unit_naming_the_parent_field(people, org, login):
    before = tree_rows()
    response = login(people["hr"]).post(
        reverse("people:org_unit_edit", args=["adults"]),
        {"name": "Adults and Health", "kind": "portfolio", "parent": org["social"].pk, "head": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="#id_parent"' in body  # the error summary points at the parent field
    assert "cannot sit within itself" in body
    assert tree_rows() == before


def test_the_council_cannot_be_moved(people, org, held):
    with pytest.raises(ValidationError) as exc:
        services.org_unit_update(actor=people["admin"].user, unit=org["council"], parent=held["holding"])
    assert "parent" in exc.value.message_dict


def test_a_team_cannot_hold_a_department(people, org, login):
    response = login(people["hr"]).post(
        reverse("people:org_unit_edit", args=["highways"]),
        {"name": "Highways", "kind": "department", "parent": org["social"].pk, "head": ""},
    )
    assert "cannot sit within a department" in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        services.org_unit_update(actor=people["hr"].user, unit=org["social"], kind=OrgUnit.Kind.TEAM)
    assert "kind" in exc.value.message_dict  # it still holds Team A and Team B
    assert OrgUnit.objects.get(code="highways").parent_id == org["place"].pk


def test_a_holding_unit_may_hold_any_kind(people, org, held):
    services.org_unit_update(actor=people["hr"].user, unit=org["place"], parent=held["holding"])
    assert OrgUnit.objects.get(code="place").parent_id == held["holding"].pk
    assert_tree_valid()


def test_update_writes_an_audit_entry_with_before_and_after(people, org, held):
    services.org_unit_update(
        actor=people["hr"].user, unit=held["team"], parent=org["highways"], name="Climate Team", head=people["dave"]
    )
    entry = AuditEntry.objects.get(action="org_unit.updated")
    assert entry.actor == people["hr"].user
    assert entry.subject is None
    assert entry.changes["parent"] == ["directory-holding", "highways"]
    assert entry.changes["name"] == ["Climate Emergency Unit", "Climate Team"]
    assert entry.changes["head"][0] is None
    assert people["dave"].display_name in entry.changes["head"][1]
    assert "kind" not in entry.changes  # unchanged


def test_nothing_changed_writes_no_audit(people, org):
    services.org_unit_update(actor=people["hr"].user, unit=org["highways"], name="Highways")
    assert not AuditEntry.objects.filter(action="org_unit.updated").exists()


def test_head_can_be_chosen_and_cleared_on_the_page(people, org, login):
    client = login(people["hr"])
    url = reverse("people:org_unit_edit", args=["highways"])
    data = {"name": "Highways", "kind": "department", "parent": org["place"].pk, "head": people["other_manager"].pk}
    assert client.post(url, data).status_code == 302
    assert OrgUnit.objects.get(code="highways").head == people["other_manager"]
    assert client.post(url, {**data, "head": ""}).status_code == 302
    assert OrgUnit.objects.get(code="highways").head is None


def test_a_large_unit_takes_the_head_by_employee_number(people, org, login):
    add_staff(org["highways"], 160, prefix="big")
    client = login(people["hr"])
    url = reverse("people:org_unit_edit", args=["highways"])
    # 160 people would make a select nobody can use: HR types the employee number instead.
    assert '<input type="text" name="head"' in client.get(url).content.decode()
    data = {"name": "Highways", "kind": "department", "parent": org["place"].pk, "head": "NOPE"}
    assert "Enter the employee number" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "head": people["dave"].employee_number}).status_code == 302
    assert OrgUnit.objects.get(code="highways").head == people["dave"]


# ---------------------------------------------------------------- home task


def test_hr_home_shows_how_many_teams_wait_to_be_placed(people, org, held, login):
    OrgUnit.objects.create(code="net-zero", name="Net Zero", kind=OrgUnit.Kind.TEAM, parent=held["holding"])
    body = login(people["hr"]).get(reverse("home")).content.decode()
    assert "2 teams waiting to be placed" in body
    assert reverse("people:org_unit_manage") in body
    assert "waiting to be placed" not in login(people["alice"]).get(reverse("home")).content.decode()


def test_no_task_when_nothing_waits(people, org, login):
    assert "waiting to be placed" not in login(people["hr"]).get(reverse("home")).content.decode()


# ---------------------------------------------------------------- query counts


@pytest.mark.parametrize("extra_units", [5, 50])
def test_manage_page_queries_do_not_grow_with_units(people, org, held, login, django_assert_num_queries, extra_units):
    for i in range(extra_units):
        unit = OrgUnit.objects.create(code=f"held-{i}", name=f"Held {i}", kind=OrgUnit.Kind.TEAM, parent=held["holding"])
        add_staff(unit, 2, prefix=f"h{i}x")
    client = login(people["hr"])
    # session, user, groups (role check and navigation), the waiting units with parent and staff
    # counts (one GROUP BY), then the COUNT and the page of all units, again with parent and counts.
    with django_assert_num_queries(6):
        response = client.get(reverse("people:org_unit_manage"))
    assert response.status_code == 200
    assert len(response.context["waiting"]) == extra_units + 1
    assert "Held 0" in response.content.decode()


def test_manage_page_search_finds_units_by_name(people, org, held, login):
    response = login(people["hr"]).get(reverse("people:org_unit_manage"), {"q": "highw"})
    assert [u.code for u in response.context["page"].object_list] == ["highways"]
