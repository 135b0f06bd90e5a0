"""The API keeps the pages' rules: scoping (404 for others' ids), 403 for decisions that are not
yours, 409 for transitions the state machine forbids, 400 naming the bad field."""

from decimal import Decimal

import pytest
from django.urls import reverse

from self_service.models import Payslip, Request

pytestmark = pytest.mark.django_db
S = Request.Status


def _url(name, *args):
    return reverse(f"self_service_api:{name}", args=args)


def test_anonymous_is_refused(client):
    for name in ("types", "requests", "approval-queue", "processing-queue", "payslips", "leave-balance"):
        assert client.get(_url(name)).status_code == 401


def test_create_submit_and_approve_through_the_api(people, api_as):
    alice = api_as(people["alice"])
    resp = alice.post(_url("requests"), {"type": "overtime", "data": {"date": "2027-02-01", "hours": "3",
                                                                      "reason": "Flooding"}, "submit": True},
                      format="json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    assert resp.json()["status"] == "submitted" and resp.json()["current_approver"] == people["manager"].pk
    manager = api_as(people["manager"])
    assert [r["id"] for r in manager.get(_url("approval-queue")).json()["results"]] == [pk]
    assert alice.post(_url("request-transition", pk, "approve")).status_code == 403  # own request
    resp = manager.post(_url("request-transition", pk, "approve"), {"comment": "Thanks"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    assert manager.post(_url("request-transition", pk, "approve")).status_code == 409
    assert alice.post(_url("request-transition", pk, "withdraw")).status_code == 409
    assert alice.post(_url("request-transition", pk, "explode")).status_code == 404


def test_bad_data_is_a_400_naming_the_field(people, api_as):
    resp = api_as(people["alice"]).post(_url("requests"), {"type": "overtime", "data": {"date": "soon",
                                                           "hours": "2", "reason": "x"}}, format="json")
    assert resp.status_code == 400 and "date" in resp.json()
    assert not Request.objects.exists()


@pytest.mark.parametrize(("who", "visible"), [("alice", True), ("manager", True), ("head", True), ("payroll", True),
                                              ("bob", False), ("other_manager", False), ("hr", False),
                                              ("dave", False), ("admin", False)])
def test_request_detail_and_list_are_scoped(people, api_as, overtime_for, who, visible):
    r = overtime_for(people["alice"])
    client = api_as(people[who])
    assert client.get(_url("request", r.pk)).status_code == (200 if visible else 404)
    ids = [x["id"] for x in client.get(_url("requests")).json()["results"]]
    assert (r.pk in ids) is visible
    # acting on a guessed id is a 404 for those who cannot see it
    expected = 404 if not visible else None
    if expected:
        assert client.post(_url("request-transition", r.pk, "approve")).status_code == 404
        assert client.post(_url("request-comments", r.pk), {"body": "hello"}).status_code == 404


def test_patch_only_own_draft(people, api_as, overtime_for):
    r = overtime_for(people["alice"], submit=False)
    body = {"data": {"date": "2027-02-01", "hours": "4", "reason": "Storm"}}
    assert api_as(people["manager"]).patch(_url("request", r.pk), body, format="json").status_code == 404  # draft
    resp = api_as(people["alice"]).patch(_url("request", r.pk), body, format="json")
    assert resp.status_code == 200 and resp.json()["data"]["hours"] == "4"


def test_bulk_approve_reports_each_failure(people, api_as, overtime_for):
    mine = [overtime_for(people["alice"]).pk, overtime_for(people["bob"]).pk]
    not_mine = overtime_for(people["dave"]).pk
    resp = api_as(people["manager"]).post(_url("bulk-approve"), {"ids": [*mine, not_mine]}, format="json")
    assert sorted(resp.json()["approved"]) == sorted(mine)
    assert list(resp.json()["failed"]) == [str(not_mine)]
    assert Request.objects.get(pk=not_mine).status == S.SUBMITTED


def test_processing_queue_is_per_team(people, api_as, overtime_for):
    r = overtime_for(people["alice"])
    api_as(people["manager"]).post(_url("request-transition", r.pk, "approve"))
    assert [x["id"] for x in api_as(people["payroll"]).get(_url("processing-queue")).json()["results"]] == [r.pk]
    assert api_as(people["hr"]).get(_url("processing-queue")).json()["results"] == []
    assert api_as(people["manager"]).get(_url("processing-queue")).json()["results"] == []


def test_payslips_only_own(people, api_as, period):
    slip = Payslip.objects.create(employee=people["alice"], period=period, tax_code="1257L", gross_pay=Decimal("10"),
                                  income_tax=0, national_insurance=0, pension=0, other_deductions=0, net_pay=Decimal("10"))
    assert [p["id"] for p in api_as(people["alice"]).get(_url("payslips")).json()["results"]] == [slip.pk]
    assert api_as(people["bob"]).get(_url("payslips")).json()["results"] == []
    assert api_as(people["bob"]).get(_url("payslip-pdf", slip.pk)).status_code == 404
    assert api_as(people["payroll"]).get(_url("payslip-pdf", slip.pk)).status_code == 404
    assert api_as(people["alice"]).get(_url("payslip-pdf", slip.pk)).content.startswith(b"%PDF")


def test_bank_details_api_masks_and_checks_password(people, api_as, password):
    client = api_as(people["bob"])
    body = {"account_name": "B Smith", "sort_code": "309430", "account_number": "00733445", "password": "bad"}
    resp = client.post(_url("bank-details"), body, format="json")
    assert resp.status_code == 400 and "password" in resp.json()
    resp = client.post(_url("bank-details"), {**body, "password": password}, format="json")
    assert resp.status_code == 201 and "00733445" not in resp.content.decode()
    assert resp.json()["data"]["account_number"] == "••••3445"


def test_leave_balance(people, api_as):
    resp = api_as(people["alice"]).get(_url("leave-balance") + "?year=2027")
    assert Decimal(resp.json()["entitlement"]) == 27 == Decimal(resp.json()["remaining"])


@pytest.mark.parametrize("year", ["x", "20.27", "-1", "99999", "²⁰²⁷"])
def test_leave_balance_names_a_bad_year_instead_of_failing(people, api_as, year):
    resp = api_as(people["alice"]).get(_url("leave-balance"), {"year": year})
    assert resp.status_code == 400
    assert "year" in resp.json()


LIST_ENDPOINTS = ["types", "requests", "approval-queue", "processing-queue", "payslips", "leave-balance"]


@pytest.mark.parametrize("who", ["alice", "manager", "hr", "payroll", "champion", "admin"])
def test_every_list_endpoint_answers_each_role_with_only_their_rows(people, api_as, overtime_for, who):
    r = overtime_for(people["dave"])
    client = api_as(people[who])
    for name in LIST_ENDPOINTS:
        resp = client.get(_url(name))
        assert resp.status_code == 200, name
        if name in ("requests", "approval-queue", "processing-queue"):
            ids = [x["id"] for x in resp.json()["results"]]
            # dave's overtime is decided by other_manager; only payroll (which processes overtime)
            # sees it, and only in the requests list (it is not approved yet, so not in its queue)
            assert (r.pk in ids) is (who == "payroll" and name == "requests"), (name, who)
