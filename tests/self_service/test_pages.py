"""Pages: who may open what (role × page × own/other's record), the main journeys, and query counts
that do not grow with the data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from self_service import services
from self_service.models import Payslip, Request

from .conftest import MONDAY

pytestmark = pytest.mark.django_db
S = Request.Status


@pytest.fixture
def records(people, overtime_for, period):
    """alice's submitted overtime (manager decides), dave's (other_manager decides), and a payslip each."""
    slip = lambda e: Payslip.objects.create(  # noqa: E731
        employee=e, period=period, tax_code="1257L", gross_pay=Decimal("2000"), income_tax=Decimal("200"),
        national_insurance=Decimal("100"), pension=Decimal("100"), other_deductions=Decimal("0"),
        net_pay=Decimal("1600"))
    return {"alice_req": overtime_for(people["alice"]), "dave_req": overtime_for(people["dave"]),
            "alice_slip": slip(people["alice"]), "dave_slip": slip(people["dave"])}


# Pages anyone signed in may open (their own view of them).
OPEN_PAGES = ["my_requests", "choose_type", "approvals", "delegations", "payslips", "my_history"]
ROLE_PAGES = {  # page -> roles allowed (others get 403)
    "processing": {"hr", "payroll", "payroll2"},
    "payroll_import": {"payroll", "payroll2"},
    "payroll_export": {"payroll", "payroll2"},
    "audit": {"hr"},
    "request_types": {"hr"},
    "request_type_add": {"hr"},
}
ROLES = ["alice", "manager", "head", "other_manager", "hr", "payroll", "champion", "admin"]


@pytest.mark.parametrize("who", ROLES)
def test_page_access_by_role(people, login, who):
    client = login(people[who])
    for name in OPEN_PAGES:
        assert client.get(reverse(f"self_service:{name}")).status_code == 200, name
    for name, allowed in ROLE_PAGES.items():
        expected = 200 if who in allowed else 403
        assert client.get(reverse(f"self_service:{name}")).status_code == expected, (name, who)


def test_pages_need_sign_in(client, records):
    for url in [reverse("self_service:my_requests"), reverse("self_service:detail", args=[records["alice_req"].pk]),
                reverse("self_service:payslip_pdf", args=[records["alice_slip"].pk])]:
        assert client.get(url).status_code == 302


# (who, request key, expected status): own, line manager chain, processing team, strangers.
DETAIL_TABLE = [
    ("alice", "alice_req", 200), ("manager", "alice_req", 200), ("head", "alice_req", 200),
    ("director", "alice_req", 200), ("payroll", "alice_req", 200),
    ("bob", "alice_req", 404), ("carol", "alice_req", 404), ("other_manager", "alice_req", 404),
    ("hr", "alice_req", 404),  # overtime is processed by payroll, not HR
    ("champion", "alice_req", 404), ("admin", "alice_req", 404),
    ("dave", "dave_req", 200), ("other_manager", "dave_req", 200), ("manager", "dave_req", 404),
    ("alice", "dave_req", 404),
]


@pytest.mark.parametrize(("who", "key", "status"), DETAIL_TABLE)
def test_request_detail_is_scoped(people, records, login, who, key, status):
    client = login(people[who])
    assert client.get(reverse("self_service:detail", args=[records[key].pk])).status_code == status


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 404), ("manager", 404), ("payroll", 404),
                                             ("hr", 404)])
def test_payslip_pdf_only_for_its_owner(people, records, login, who, status):
    resp = login(people[who]).get(reverse("self_service:payslip_pdf", args=[records["alice_slip"].pk]))
    assert resp.status_code == status
    if status == 200:
        assert resp["Content-Type"] == "application/pdf" and resp.content.startswith(b"%PDF")


def test_payslips_list_shows_only_my_own(people, records, login):
    body = login(people["alice"]).get(reverse("self_service:payslips")).content.decode()
    assert reverse("self_service:payslip_pdf", args=[records["alice_slip"].pk]) in body
    assert reverse("self_service:payslip_pdf", args=[records["dave_slip"].pk]) not in body


def test_guessed_ids_of_others_cannot_be_acted_on(people, records, login):
    r = records["dave_req"]
    client = login(people["manager"])
    for action in ("approve", "reject", "withdraw"):
        assert client.post(reverse("self_service:transition", args=[r.pk, action]), {"comment": "x"}).status_code == 404
    assert client.post(reverse("self_service:comment", args=[r.pk]), {"body": "hi"}).status_code == 404
    r.refresh_from_db()
    assert r.status == S.SUBMITTED and not r.comments.exists()


def test_leave_journey_employee_submits_manager_bulk_approves(people, login):
    alice_client = login(people["alice"])
    resp = alice_client.post(reverse("self_service:new_request", args=["annual-leave"]), {
        "start_date": MONDAY.isoformat(), "end_date": (MONDAY + dt.timedelta(days=1)).isoformat(), "submit": "1"})
    req = Request.objects.get(employee=people["alice"])
    assert resp.status_code == 302 and req.status == S.SUBMITTED and req.days == 2

    manager_client = login(people["manager"])
    queue = manager_client.get(reverse("self_service:approvals"))
    assert req.reference in queue.content.decode()
    # A tampered selection ("²" counts as a digit but is no number) is ignored, not a 500.
    resp = manager_client.post(reverse("self_service:approvals"), {"selected": ["²"]}, follow=True)
    assert resp.status_code == 200 and "Select the requests" in resp.content.decode()
    resp = manager_client.post(reverse("self_service:approvals"), {"selected": [req.pk]}, follow=True)
    assert "1 request approved." in resp.content.decode()

    page = login(people["alice"]).get(reverse("self_service:detail", args=[req.pk])).content.decode()
    assert "Approved" in page


def test_leave_form_shows_clear_errors(people, login):
    resp = login(people["alice"]).post(reverse("self_service:new_request", args=["annual-leave"]), {
        "start_date": "2027-03-06", "end_date": "2027-03-07", "submit": "1"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "govuk-error-summary" in body
    assert "weekend or a bank holiday" in body
    assert not Request.objects.exists()


def test_illegal_transition_shows_a_clear_message(people, records, login):
    r = records["alice_req"]
    client = login(people["manager"])
    client.post(reverse("self_service:transition", args=[r.pk, "approve"]))
    resp = client.post(reverse("self_service:transition", args=[r.pk, "approve"]), follow=True)
    assert "You cannot approve this request because it is approved." in resp.content.decode()


def test_self_approval_through_the_page_is_refused(people, login, rtype):
    hr = people["hr"]
    r = services.request_create(actor=hr.user, request_type=rtype("personal-contact"), employee=hr,
                                data={"personal_phone": "07700 900123"}, submit=True)
    resp = login(hr).post(reverse("self_service:transition", args=[r.pk, "approve"]))
    assert resp.status_code == 403
    assert Request.objects.get(pk=r.pk).status == S.SUBMITTED


def test_champion_keys_in_a_paper_form_for_a_colleague(people, login):
    resp = login(people["champion"]).post(reverse("self_service:new_request", args=["emergency-contacts"]), {
        "contact_name": "Pat Jones", "relationship": "Partner", "contact_phone": "01632 960001",
        "behalf-employee": people["carol"].pk, "behalf-channel": "paper", "submit": "1"})
    assert resp.status_code == 302
    r = Request.objects.get()
    assert (r.employee, r.channel, r.submitted_by) == (people["carol"], "paper", people["champion"].user)


def test_bank_details_page_never_shows_the_full_number(people, login, password):
    client = login(people["bob"])
    resp = client.post(reverse("self_service:bank_details_new"), {
        "account_name": "B Smith", "sort_code": "309430", "account_number": "00733445", "password": password},
        follow=True)
    body = resp.content.decode()
    assert "••••3445" in body and "00733445" not in body and "309430" not in body
    r = Request.objects.get()
    for who in ("payroll", "payroll2"):
        page = login(people[who]).get(reverse("self_service:detail", args=[r.pk])).content.decode()
        assert "00733445" not in page
    # a line manager does not see bank details at all
    assert login(people["manager"]).get(reverse("self_service:detail", args=[r.pk])).status_code == 404
    history = login(people["bob"]).get(reverse("self_service:my_history")).content.decode()
    assert "••••3445" in history and "00733445" not in history


def test_bank_details_wrong_password_is_an_error_on_the_field(people, login):
    resp = login(people["bob"]).post(reverse("self_service:bank_details_new"), {
        "account_name": "B Smith", "sort_code": "309430", "account_number": "00733445", "password": "nope"})
    assert "The password is not correct." in resp.content.decode()
    assert not Request.objects.exists()


def test_attachment_limits_and_download_scope(people, login, rtype, settings):
    alice = people["alice"]
    r = services.request_create(actor=alice.user, request_type=rtype("mileage-expenses"), employee=alice,
                                data={"date": "2027-01-05", "claim_type": "Expenses", "amount": "12.50",
                                      "description": "Parking"})
    client = login(alice)
    url = reverse("self_service:attachment_upload", args=[r.pk])
    resp = client.post(url, {"file": SimpleUploadedFile("virus.exe", b"MZ....")}, follow=True)
    assert "must be a PDF, JPG, PNG" in resp.content.decode()
    resp = client.post(url, {"file": SimpleUploadedFile("fake.pdf", b"not a pdf")}, follow=True)
    assert "not a real PDF" in resp.content.decode()
    settings.SELF_SERVICE_ATTACHMENT_MAX_MB = 1
    resp = client.post(url, {"file": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 1024 * 1024)}, follow=True)
    assert "smaller than 1 MB" in resp.content.decode()
    # receipts are required before submitting
    resp = client.post(reverse("self_service:transition", args=[r.pk, "submit"]), follow=True)
    assert "Attach your receipts" in resp.content.decode()
    client.post(url, {"file": SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt")})
    att = r.attachments.get()
    assert client.post(reverse("self_service:transition", args=[r.pk, "submit"])).status_code == 302
    assert login(people["manager"]).get(reverse("self_service:attachment_download", args=[att.pk])).status_code == 200
    assert login(people["dave"]).get(reverse("self_service:attachment_download", args=[att.pk])).status_code == 404
    # The stored path cannot be guessed from the request id and the upload time.
    stored = att.file.name.rsplit("/", 1)[-1]
    assert len(stored) >= 32 and not stored[:8].isdigit() and "receipt" not in stored


def test_payroll_import_page_lists_row_errors(people, login, period):
    from django.core.files.uploadedfile import SimpleUploadedFile as F

    csv_text = ("employee_number,tax_code,gross_pay,income_tax,national_insurance,pension,other_deductions,net_pay\n"
                "NOPE,1257L,1,0,0,0,0,1\n")
    resp = login(people["payroll"]).post(reverse("self_service:payroll_import"),
                                         {"period": period.pk, "file": F("p.csv", csv_text.encode())})
    assert "Row 2, column employee_number: no employee has the number NOPE." in resp.content.decode()


def test_delegation_page_names_an_acting_manager(people, login):
    today = dt.date.today()
    resp = login(people["manager"]).post(reverse("self_service:delegations"), {
        "delegate": people["bob"].pk, "starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=5)).isoformat()})
    assert resp.status_code == 302
    assert people["manager"].delegations_given.get().delegate == people["bob"]


def test_home_shows_approvals_waiting(people, records, login):
    body = login(people["manager"]).get(reverse("home")).content.decode()
    assert "1 request waiting for your approval" in body


# --- query counts -----------------------------------------------------------------------------------

def _bulk_requests(people, n, rtype, employees, approver=None, code="overtime"):
    t = rtype(code)
    Request.objects.bulk_create([
        Request(type=t, employee=employees[i % len(employees)], submitted_by=employees[i % len(employees)].user,
                status=S.SUBMITTED, approval_level=1, current_approver=approver or employees[i % len(employees)].line_manager,
                summary="x", data={"hours": "1"})
        for i in range(n)
    ])


@pytest.mark.parametrize("n", [5, 40])
def test_approval_queue_query_count_does_not_grow(people, login, rtype, django_assert_num_queries, n):
    _bulk_requests(people, n, rtype, [people["alice"], people["bob"]])
    client = login(people["manager"])
    # session, user, the filter form's type choices, employee, delegations (acting for), groups (role
    # queues), then count + one page of requests with type/employee/team/approver joined in.
    with django_assert_num_queries(8):
        resp = client.get(reverse("self_service:approvals"))
    assert resp.status_code == 200 and resp.content.decode().count('name="selected"') == min(n, 25)


@pytest.mark.parametrize("n", [5, 40])
def test_my_requests_query_count_does_not_grow(people, login, rtype, django_assert_num_queries, n):
    _bulk_requests(people, n, rtype, [people["alice"]])
    client = login(people["alice"])
    # session, user, employee, count of requests, leave entitlement, leave balance sums, groups (roles,
    # for the HR/payroll links), then one page of requests with type/employee/team/approver joined in.
    with django_assert_num_queries(8):
        assert client.get(reverse("self_service:my_requests")).status_code == 200


@pytest.mark.parametrize("n", [5, 40])
@pytest.mark.parametrize(("who", "code"), [("payroll", "overtime"), ("hr", "home-address")])
def test_processing_queue_query_count_does_not_grow(people, login, rtype, django_assert_num_queries, n, who, code):
    _bulk_requests(people, n, rtype, [people["alice"], people["dave"]], code=code)
    Request.objects.update(status=S.APPROVED)
    client = login(people[who])
    # session, user, groups (teams), type choices, employee, count + one page of requests joined with
    # type/employee/team/approver/bank details/pay period.
    with django_assert_num_queries(7):
        resp = client.get(reverse("self_service:processing"))
    # the rows are really there (an empty queue would pin a constant count too)
    body = resp.content.decode()
    assert resp.status_code == 200 and f"{n} approved requests" in body
    assert body.count('<tr class="govuk-table__row">') == 1 + min(n, 25)  # header row + one page


def test_hr_configures_a_request_type_and_bad_json_is_explained(people, login, rtype):
    client = login(people["hr"])
    url = reverse("self_service:request_type_edit", args=["overtime"])
    base = {"name": "Overtime claim", "description": "", "processing_team": "payroll", "affects_payroll": "on",
            "attachments_allowed": "on", "is_active": "on", "order": 40,
            "fields": '[{"name": "hours", "label": "Hours", "type": "decimal"}]'}
    resp = client.post(url, {**base, "approval_chain": '[{"approver": "the boss"}]'})
    assert "Level 1: “approver” must be one of" in resp.content.decode()
    resp = client.post(url, {**base, "approval_chain": '[{"approver": "line_manager"}, {"approver": "head_of_service",'
                                                       ' "when": {"field": "hours", "over": 4}}]'})
    assert resp.status_code == 302
    t = rtype("overtime")
    assert t.approval_chain[1]["when"]["over"] == 4 and [f["name"] for f in t.fields] == ["hours"]
    assert client.post(reverse("self_service:request_type_add"), {**base, "name": "Lease car",
                                                                  "approval_chain": "[]"}).status_code == 302
    assert rtype("lease-car").processing_team == "payroll"
    assert login(people["payroll"]).post(url, {**base, "approval_chain": "[]"}).status_code == 403


def test_other_guessed_ids_edit_rate_attach_delegation_export(people, records, login, overtime_for, period):
    draft = overtime_for(people["alice"], submit=False)
    bob = login(people["bob"])
    assert bob.get(reverse("self_service:edit", args=[draft.pk])).status_code == 404
    assert bob.post(reverse("self_service:rate", args=[draft.pk]), {"rating": 5}).status_code == 404
    assert bob.post(reverse("self_service:attachment_upload", args=[draft.pk]),
                    {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}).status_code == 404
    # the line manager may see the submitted request but not change it
    assert login(people["manager"]).get(reverse("self_service:edit", args=[records["alice_req"].pk])).status_code == 403
    d = services.delegation_create(actor=people["manager"].user, manager=people["manager"], delegate=people["bob"],
                                   starts_on=dt.date.today(), ends_on=dt.date.today())
    assert login(people["other_manager"]).post(reverse("self_service:delegation_end", args=[d.pk])).status_code == 404
    export = services.payroll_export(actor=people["payroll"].user, period=period)
    for who, code in (("hr", 403), ("alice", 403), ("payroll2", 200)):
        assert login(people[who]).get(reverse("self_service:payroll_export_download", args=[export.pk])).status_code == code
    from people.models import AuditEntry

    assert AuditEntry.objects.get(action="payroll.export_downloaded").actor == people["payroll2"].user


def test_site_search_finds_only_requests_i_may_see(people, records):
    from self_service.search import request_results

    ref = records["alice_req"].reference
    assert [r.title for r in request_results(people["manager"].user, ref, 5)] == [f"Overtime claim {ref}"]
    assert request_results(people["bob"].user, ref, 5) == []
    assert len(request_results(people["payroll"].user, "overtime", 5)) == 2


def test_hr_deciding_a_payroll_request_returns_to_the_queue(people, login, overtime_for):
    r = overtime_for(people["other_manager"])  # no line manager: HR decides, payroll processes
    client = login(people["hr"])
    assert client.get(reverse("self_service:detail", args=[r.pk])).status_code == 200
    resp = client.post(reverse("self_service:transition", args=[r.pk, "approve"]))
    assert resp.status_code == 302 and resp["Location"] == reverse("self_service:approvals")


def test_hr_marks_an_hr_request_processed_on_its_page(people, login, rtype):
    r = services.request_create(actor=people["bob"].user, request_type=rtype("emergency-contacts"),
                                employee=people["bob"], submit=True,
                                data={"contact_name": "Sam", "relationship": "Friend", "contact_phone": "01632 960003"})
    client = login(people["hr"])
    client.post(reverse("self_service:transition", args=[r.pk, "approve"]))
    page = client.get(reverse("self_service:detail", args=[r.pk])).content.decode()
    assert "Mark as processed" in page
    client.post(reverse("self_service:transition", args=[r.pk, "process"]), {"comment": "Updated in iTrent"})
    r.refresh_from_db()
    assert r.status == S.PROCESSED and r.comments.filter(body="Updated in iTrent").exists()
    # the employee can now rate it, once
    bob = login(people["bob"])
    assert "how satisfied" in bob.get(reverse("self_service:detail", args=[r.pk])).content.decode()
    bob.post(reverse("self_service:rate", args=[r.pk]), {"rating": 5})
    assert Request.objects.get(pk=r.pk).rating == 5


def test_an_account_with_no_employee_record_is_told_so(db, client):
    """Pages that need my own record refuse with 403 and say why; the API answers 404 (as before
    people.selectors.my_employee was the one helper for it)."""
    from people import roles
    from tests.factories import UserFactory

    user = UserFactory(username="contractor", roles=[roles.EMPLOYEE])
    client.force_login(user)
    for name in ("my_requests", "bank_details_new", "delegations", "my_history"):
        resp = client.get(reverse(f"self_service:{name}"))
        assert resp.status_code == 403 and "not linked to an employee record" in resp.content.decode(), name
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    assert api.get(reverse("self_service_api:leave-balance")).status_code == 404
    resp = api.post(reverse("self_service_api:bank-details"), {"account_name": "X", "sort_code": "309430",
                                                              "account_number": "00733445", "password": "x"},
                    format="json")
    assert resp.status_code == 404
    resp = api.post(reverse("self_service_api:requests"), {"type": "overtime", "data": {}}, format="json")
    assert resp.status_code == 404
