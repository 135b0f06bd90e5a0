"""What the people pages show: directory search, profile, organisation browser and the home page."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from people import services
from people.models import Employee, OrgUnit

pytestmark = pytest.mark.django_db


def names(response):
    return {p.display_name for p in response.context["page"].object_list}


def usernames(people, *keys):
    return {people[k].display_name for k in keys}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "social worker"}, {"alice", "bob"}),              # job title, two words
        ({"q": "SOCIAL WORKER"}, {"alice", "bob"}),              # case does not matter
        ({"q": "highways"}, {"other_manager", "dave"}),          # team (org unit) name or job title
        ({"q": "social work"}, {"head", "champion", "alice", "bob"}),  # department name or job title
        ({"unit": "place"}, {"other_manager", "dave"}),          # a portfolio and everything beneath it
        ({"q": "worker", "unit": "social"}, {"alice", "bob", "carol"}),
        ({"q": "inspector", "unit": "social"}, set()),
    ],
)
def test_directory_search(people, org, login, params, expected):
    if "unit" in params:
        params = {**params, "unit": org[params["unit"]].pk}
    response = login(people["alice"]).get(reverse("people:directory"), params)
    assert response.status_code == 200
    assert names(response) == usernames(people, *expected)


def test_directory_search_by_name_and_preferred_name(people, login):
    services.employee_update_own_details(user=people["bob"].user, employee=people["bob"], data={"preferred_name": "Bobby"})
    client = login(people["alice"])
    assert names(client.get(reverse("people:directory"), {"q": "bobby"})) == {f"Bobby {people['bob'].last_name}"}
    last = people["dave"].last_name
    assert people["dave"].display_name in names(client.get(reverse("people:directory"), {"q": last}))


def test_directory_leaves_out_leavers(people, login):
    services.employee_deactivate(actor=None, employee=people["dave"])
    response = login(people["alice"]).get(reverse("people:directory"), {"q": "inspector"})
    assert names(response) == set()
    assert "Nobody matches your search" in response.text


def test_directory_is_paginated_and_keeps_the_search_in_page_links(people, org, login):
    Employee.objects.bulk_create(
        [Employee(first_name=f"Pat{i}", last_name=f"Carer{i:03d}", job_title="Care Worker", org_unit=org["team_b"],
                  search_text=f"pat{i} carer{i:03d} care worker") for i in range(60)]
    )
    client = login(people["alice"])
    first = client.get(reverse("people:directory"), {"q": "care"})
    assert first.context["page"].paginator.count == 60
    assert len(first.context["page"].object_list) == 25
    assert 'href="?q=care&amp;page=2"' in first.text
    assert "1 of 3" in first.text
    last = client.get(reverse("people:directory"), {"q": "care", "page": 3})
    assert len(last.context["page"].object_list) == 10
    # A page number out of range or not a number shows a page rather than an error.
    assert client.get(reverse("people:directory"), {"q": "care", "page": 99}).context["page"].number == 3
    assert client.get(reverse("people:directory"), {"q": "care", "page": "x"}).context["page"].number == 1


def test_directory_rejects_a_search_that_is_too_long_with_a_message(people, login):
    response = login(people["alice"]).get(reverse("people:directory"), {"q": "x" * 101})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_q"' in response.text


def test_directory_escapes_what_people_type(people, login):
    response = login(people["alice"]).get(reverse("people:directory"), {"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in response.text


def test_initials_are_escaped(people, login):
    Employee.objects.filter(pk=people["dave"].pk).update(first_name="<b", last_name="<i")
    response = login(people["alice"]).get(reverse("people:profile", args=[people["dave"].pk]))
    assert "&lt;&lt;" in response.text
    assert "<<" not in response.text


def test_profile_shows_contact_details_team_manager_and_reports(people, login):
    manager = people["manager"]
    response = login(people["dave"]).get(reverse("people:profile", args=[manager.pk]))
    html = response.text
    assert manager.job_title in html
    assert reverse("people:org_unit", args=["team-a"]) in html  # team, and breadcrumbs up the tree
    assert reverse("people:org_unit", args=["adults"]) in html
    assert reverse("people:profile", args=[people["head"].pk]) in html  # line manager
    assert "Direct reports" in html
    assert escape(people["alice"].display_name) in html and escape(people["bob"].display_name) in html


def test_profile_history_reads_in_words(people, login):
    alice = people["alice"]
    services.employee_update_own_details(user=alice.user, employee=alice, data={"work_style": "mobile"})
    response = login(people["manager"]).get(reverse("people:profile", args=[alice.pk]))
    assert "Details updated" in response.text
    assert "How they work: Static" in response.text
    assert "Mobile" in response.text
    assert "employee.details_updated" not in response.text


def test_unknown_profile_is_a_404(people, login):
    assert login(people["alice"]).get(reverse("people:profile", args=[999999])).status_code == 404


def test_org_tree_shows_portfolios_and_departments_with_staff_rolled_up(people, org, login):
    response = login(people["alice"]).get(reverse("people:org_tree"))
    html = response.text
    assert response.status_code == 200
    for code in ("council", "adults", "social-work", "place", "highways"):
        assert reverse("people:org_unit", args=[code]) in html
    # Teams are listed on their department's page, not in the tree.
    assert reverse("people:org_unit", args=["team-a"]) not in html
    nodes = {n.code: n.staff_count for n in response.context["nodes"]}
    # Social Work: head and champion directly, manager, alice, bob in Team A and carol in Team B.
    assert nodes["social-work"] == 6
    assert nodes["adults"] == 7  # + the director
    assert nodes["council"] == 13
    assert "6 staff" in html


def test_org_tree_leaves_out_an_inactive_unit_and_its_subtree(people, org, login):
    OrgUnit.objects.filter(pk=org["place"].pk).update(is_active=False)
    response = login(people["alice"]).get(reverse("people:org_tree"))
    assert response.status_code == 200
    assert "Highways" not in response.text


def test_org_unit_page_lists_sub_units_and_people(people, org, login):
    response = login(people["alice"]).get(reverse("people:org_unit", args=["social-work"]))
    html = response.text
    assert response.status_code == 200
    assert "Team A" in html and "Team B" in html
    assert names(response) == usernames(people, "head", "champion")
    team = login(people["alice"]).get(reverse("people:org_unit", args=["team-a"]))
    assert names(team) == usernames(people, "manager", "alice", "bob")
    assert login(people["alice"]).get(reverse("people:org_unit", args=["nope"])).status_code == 404


def test_home_shows_my_tasks(people, login):
    # Alice has no phone number yet: the people app asks her to add one.
    response = login(people["alice"]).get(reverse("home"))
    assert response.status_code == 200
    assert "My tasks" in response.text
    assert "Add a phone number so colleagues can reach you" in response.text
    assert reverse("people:my_details") in response.text
    services.employee_update_own_details(user=people["alice"].user, employee=people["alice"], data={"work_phone": "01632 960 010"})
    response = login(people["alice"]).get(reverse("home"))
    assert "Add a phone number" not in response.text
