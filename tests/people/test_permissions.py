"""Who may see what about people, as tables: role × page/endpoint × own/other's record.

The fixture council (tests/conftest.py): director -> head -> manager -> (alice, bob); alice -> carol;
other_manager -> dave; champion reports to head; hr, payroll, payroll2 and admin report to nobody.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

EVERYONE = [
    "director", "head", "manager", "alice", "bob", "carol", "other_manager", "dave", "hr", "payroll", "payroll2",
    "champion", "admin",
]

# Whose full employee record (employment details and history) each viewer may open: their own, everyone
# beneath them in the line-management chain, or everyone for HR and intranet admins.
RECORDS_VISIBLE = {
    "director": {"director", "head", "manager", "alice", "bob", "carol", "champion"},
    "head": {"head", "manager", "alice", "bob", "carol", "champion"},
    "manager": {"manager", "alice", "bob", "carol"},
    "alice": {"alice", "carol"},
    "bob": {"bob"},
    "carol": {"carol"},
    "other_manager": {"other_manager", "dave"},
    "dave": {"dave"},
    "hr": set(EVERYONE),
    "admin": set(EVERYONE),
    "payroll": {"payroll"},
    "payroll2": {"payroll2"},
    "champion": {"champion"},
}

# A representative slice of the full table: self, direct report, indirect report, sideways,
# upwards, other portfolio; each role at least once.
PROFILE_CASES = [
    ("alice", "alice", True),       # own record
    ("alice", "bob", False),        # a peer
    ("alice", "carol", True),       # her own direct report
    ("alice", "manager", False),    # upwards: not her manager's record
    ("manager", "alice", True),     # direct report
    ("manager", "carol", True),     # indirect report (through alice)
    ("manager", "dave", False),     # someone in another portfolio
    ("head", "carol", True),        # two levels down
    ("director", "carol", True),    # three levels down
    ("director", "dave", False),    # another portfolio's staff
    ("other_manager", "dave", True),
    ("other_manager", "alice", False),
    ("carol", "alice", False),      # a report may not see their manager's record
    ("hr", "dave", True),
    ("hr", "director", True),
    ("admin", "carol", True),
    ("payroll", "alice", False),    # payroll sees pay through self_service, not the people record
    ("champion", "alice", False),
    ("dave", "dave", True),
]


def _all_cases():
    return [(viewer, subject, subject in RECORDS_VISIBLE[viewer]) for viewer in EVERYONE for subject in EVERYONE]


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("viewer", EVERYONE)
def test_every_member_of_staff_sees_the_directory(people, login, viewer):
    response = login(people[viewer]).get(reverse("people:directory"))
    assert response.status_code == 200
    assert f"{len(EVERYONE)} people" in response.text


@pytest.mark.parametrize(("viewer", "subject", "sees_record"), PROFILE_CASES)
def test_profile_card_for_all_employment_record_only_for_those_entitled(people, login, viewer, subject, sees_record):
    employee = people[subject]
    response = login(people[viewer]).get(reverse("people:profile", args=[employee.pk]))
    assert response.status_code == 200
    html = response.text
    # The directory card is for everyone.
    assert escape(employee.display_name) in html  # names like O'Sullivan are HTML-escaped
    assert "Contact" in html
    # The employment record and its history only for self, managers up the chain, HR and admins.
    assert ("Employment record" in html) is sees_record
    assert ("Changes to this record" in html) is sees_record
    assert (employee.employee_number in html) is sees_record
    assert ("Update my details" in html) is (viewer == subject)


# A leaver's own account is deactivated, so they are not a viewer here.
@pytest.mark.parametrize(("viewer", "subject", "sees_record"), [c for c in PROFILE_CASES if c[0] != c[1]])
def test_leavers_profile_only_for_those_with_a_right_to_the_record(people, login, viewer, subject, sees_record):
    from people import services

    employee = people[subject]
    services.employee_deactivate(actor=people["hr"].user, employee=employee)
    response = login(people[viewer]).get(reverse("people:profile", args=[employee.pk]))
    assert response.status_code == (200 if sees_record else 403)
    if sees_record:
        assert "Left" in response.text


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("people:directory"),
        reverse("people:directory") + "?q=smith",
        reverse("people:my_details"),
        reverse("people:org_tree"),
        "/people/organisation/adults/",
        "/people/1/",
    ],
)
def test_pages_send_visitors_who_are_not_signed_in_to_sign_in(client, org, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_sign_in_page_and_accessibility_statement_are_public(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("accessibility")).status_code == 200


# ---------------------------------------------------------------- API


@pytest.mark.parametrize("viewer", EVERYONE)
def test_api_directory_lists_all_active_staff_to_everyone(people, api_as, viewer):
    response = api_as(people[viewer]).get("/api/people/")
    assert response.status_code == 200
    assert response.json()["count"] == len(EVERYONE)
    # A directory entry never carries the employment record.
    entry = response.json()["results"][0]
    assert "grade" not in entry and "employee_number" not in entry


@pytest.mark.parametrize("viewer", EVERYONE)
def test_api_employee_records_list_is_scoped_to_the_viewer(people, api_as, viewer):
    response = api_as(people[viewer]).get("/api/employees/", {"page_size": 100})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {people[name].pk for name in RECORDS_VISIBLE[viewer]}
    assert response.json()["count"] == len(RECORDS_VISIBLE[viewer])


@pytest.mark.parametrize(("viewer", "subject", "allowed"), _all_cases())
def test_api_employee_record_detail_404_outside_scope(people, api_as, viewer, subject, allowed):
    response = api_as(people[viewer]).get(f"/api/employees/{people[subject].pk}/")
    # 404, not 403: the API does not confirm that a record it will not show exists.
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert response.json()["grade"] == people[subject].grade


@pytest.mark.parametrize("viewer", EVERYONE)
def test_api_me_returns_own_record(people, api_as, viewer):
    response = api_as(people[viewer]).get("/api/me/")
    assert response.status_code == 200
    assert response.json()["id"] == people[viewer].pk
    assert response.json()["employee_number"] == people[viewer].employee_number


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/people/"),
        ("get", "/api/people/1/"),
        ("get", "/api/employees/"),
        ("get", "/api/employees/1/"),
        ("get", "/api/me/"),
        ("patch", "/api/me/"),
        ("get", "/api/org-units/"),
        ("get", "/api/schema/"),
        ("get", "/api/docs/"),
    ],
)
def test_api_refuses_callers_who_are_not_signed_in(db, method, url):
    response = getattr(APIClient(), method)(url, {}, format="json")
    assert response.status_code == 401


def test_api_token_authentication(people):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=people["manager"].user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/employees/")
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {
        people[n].pk for n in RECORDS_VISIBLE["manager"]
    }
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/employees/").status_code == 401


def test_api_org_units_listed_in_tree_order(people, api_as):
    response = api_as(people["alice"]).get("/api/org-units/")
    assert response.status_code == 200
    codes = [u["code"] for u in response.json()]
    assert codes[0] == "council"
    assert codes.index("adults") < codes.index("social-work") < codes.index("team-a")


def test_api_directory_search_and_unit_filter(people, api_as):
    client = api_as(people["alice"])
    names = lambda r: {row["id"] for row in r.json()["results"]}  # noqa: E731
    assert names(client.get("/api/people/", {"q": "social worker"})) == {people["alice"].pk, people["bob"].pk}
    assert names(client.get("/api/people/", {"unit": "place"})) == {people["other_manager"].pk, people["dave"].pk}
    response = client.get("/api/people/", {"unit": "no-such-unit"})
    assert response.status_code == 400
    assert "unit" in response.json()


def test_api_directory_leaves_out_leavers_but_their_record_stays_for_hr(people, api_as):
    from people import services

    dave = people["dave"]
    services.employee_deactivate(actor=people["hr"].user, employee=dave)
    assert api_as(people["alice"]).get(f"/api/people/{dave.pk}/").status_code == 404
    assert dave.pk not in {r["id"] for r in api_as(people["alice"]).get("/api/people/").json()["results"]}
    record = api_as(people["hr"]).get(f"/api/employees/{dave.pk}/")
    assert record.status_code == 200
    assert record.json()["is_active"] is False
    # His former manager still sees the record of someone who left their team.
    assert api_as(people["other_manager"]).get(f"/api/employees/{dave.pk}/").status_code == 200
