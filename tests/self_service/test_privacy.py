"""Who may see each type of request: every shipped request type × role (the employee, their line
manager, their manager's manager, the director, HR, payroll, a digital champion) × the request page,
the API, its attachment and site search. Personal requests (home address, personal contact,
emergency contacts, a change of name, bank details) are never seen by the employee's managers.

The expected answers are written out here, not read from the rule."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from self_service import services
from self_service.models import Request, RequestType
from self_service.search import request_results
from self_service.shipped_types import SHIPPED_TYPES

from .conftest import MONDAY

pytestmark = pytest.mark.django_db

ROLES = {"employee": "alice", "manager": "manager", "manager's manager": "head", "director": "director",
         "HR": "hr", "payroll": "payroll", "champion": "champion"}
PERSONAL = {"home-address", "personal-contact", "emergency-contacts", "name-change", "bank-details"}
HR_TYPES = {"annual-leave", "home-address", "personal-contact", "emergency-contacts", "name-change",
            "flexible-working", "digital-request"}
PAYROLL_TYPES = {"bank-details", "overtime", "mileage-expenses", "working-hours"}
DATA = {
    "annual-leave": {"start_date": MONDAY.isoformat(), "end_date": MONDAY.isoformat()},
    "home-address": {"address": "1 High Street", "postcode": "AB1 2CD", "effective_date": "2027-01-04"},
    "personal-contact": {"personal_phone": "07700 900123", "personal_email": "alice@home.example"},
    "emergency-contacts": {"contact_name": "Pat Jones", "relationship": "Partner", "contact_phone": "01632 960001"},
    "name-change": {"new_first_name": "Alice", "new_last_name": "Jones", "effective_date": "2027-01-04"},
    "overtime": {"date": "2027-02-01", "hours": "2", "reason": "Winter gritting"},
    "mileage-expenses": {"date": "2027-02-01", "claim_type": "Mileage", "miles": "12", "amount": "5.40",
                         "description": "Home visit"},
    "flexible-working": {"current_pattern": "5 days", "requested_pattern": "4 days", "effective_date": "2027-04-01"},
    "working-hours": {"current_hours": "37", "new_hours": "30", "effective_date": "2027-04-01"},
    "digital-request": {"item_kind": "Device", "item": "Tablet", "business_need": "Visits", "amount": "300"},
}


def expected(code: str, role: str) -> bool:
    if role == "employee":
        return True
    if role in ("manager", "manager's manager", "director"):
        return code not in PERSONAL
    if role == "HR":
        return code in HR_TYPES
    if role == "payroll":
        return code in PAYROLL_TYPES
    return False  # a champion who did not key it in


def _alice_request(people, password, code):
    alice = people["alice"]
    if code == "bank-details":
        return services.bank_details_request_submit(actor=alice.user, employee=alice, password=password,
                                                    account_name="A Smith", sort_code="309430",
                                                    account_number="00733445"), None
    rtype = RequestType.objects.get(code=code)
    r = services.request_create(actor=alice.user, request_type=rtype, employee=alice, data=DATA[code])
    att = None
    if rtype.attachments_allowed:
        att = services.attachment_add(actor=alice.user, request=r,
                                      upload=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 certificate"))
    return services.request_submit(actor=alice.user, request=r), att


def test_the_table_covers_every_shipped_type():
    assert {t["code"] for t in SHIPPED_TYPES} == set(DATA) | {"bank-details"} == HR_TYPES | PAYROLL_TYPES


@pytest.mark.parametrize("code", [t["code"] for t in SHIPPED_TYPES])
def test_who_may_see_each_type_on_the_page_api_attachment_and_search(people, password, client, api_as, code):
    r, att = _alice_request(people, password, code)
    assert r.status == Request.Status.SUBMITTED
    if code in PERSONAL:
        assert r.current_approver_id is None  # never routed to a manager
    wrong = []
    for role, who in ROLES.items():
        want = expected(code, role)
        client.force_login(people[who].user)
        api = api_as(people[who])
        got = {
            "page": client.get(reverse("self_service:detail", args=[r.pk])).status_code == 200,
            "API": api.get(reverse("self_service_api:request", args=[r.pk])).status_code == 200,
            "API list": r.pk in [x["id"] for x in api.get(reverse("self_service_api:requests")).json()["results"]],
            "search": any(res.url.endswith(f"/requests/{r.pk}/") for res in request_results(people[who].user,
                                                                                             r.reference, 10)),
        }
        if att is not None:
            resp = client.get(reverse("self_service:attachment_download", args=[att.pk]))
            got["attachment"] = resp.status_code == 200
        wrong += [f"{role} {where}: {'sees' if seen else 'refused'}" for where, seen in got.items() if seen != want]
    assert wrong == []


def test_a_champion_still_sees_a_personal_request_they_keyed_in(people, rtype):
    r = services.request_create(actor=people["champion"].user, request_type=rtype("home-address"),
                                employee=people["alice"], data=DATA["home-address"], channel="assisted", submit=True)
    assert r.current_approver_role == "HR" and r.current_approver_id is None
    from self_service import selectors

    assert selectors.requests_visible_to(people["champion"].user).filter(pk=r.pk).exists()
    assert not selectors.requests_visible_to(people["manager"].user).filter(pk=r.pk).exists()


@pytest.mark.parametrize("code", sorted(PERSONAL))
@pytest.mark.parametrize("approver", ["line_manager", "head_of_service"])
def test_the_type_editor_cannot_chain_a_personal_type_to_a_manager(people, rtype, code, approver):
    with pytest.raises(ValidationError) as exc:
        services.request_type_save(actor=people["hr"].user, request_type=rtype(code),
                                   data={"approval_chain": [{"approver": approver}]})
    assert "cannot go to the line manager or head of service" in str(exc.value) or "payroll only" in str(exc.value)
    with pytest.raises(ValidationError):  # nor make it visible to managers
        services.request_type_save(actor=people["hr"].user, request_type=rtype("bank-details"),
                                   data={"visibility": RequestType.Visibility.LINE_MANAGEMENT})
    assert rtype(code).approval_chain in ([], [{"approver": "payroll"}])


def test_the_type_editor_page_explains_why(people, client, rtype):
    client.force_login(people["hr"].user)
    t = rtype("bank-details")
    form = {"name": t.name, "description": t.description, "fields": "[]", "processing_team": "payroll",
            "approval_chain": '[{"approver": "line_manager"}]', "visibility": "processing_team", "order": 30,
            "is_active": "on", "affects_payroll": "on"}
    body = client.post(reverse("self_service:request_type_edit", args=[t.code]), form).content.decode()
    assert "approved by payroll only" in body
    assert rtype("bank-details").approval_chain == [{"approver": "payroll"}]


def test_a_personal_type_saved_around_the_editor_still_goes_to_its_team(people, rtype):
    RequestType.objects.filter(code="emergency-contacts").update(approval_chain=[{"approver": "line_manager"}])
    r = services.request_create(actor=people["alice"].user, request_type=rtype("emergency-contacts"),
                                employee=people["alice"], data=DATA["emergency-contacts"], submit=True)
    assert (r.current_approver_id, r.current_approver_role) == (None, "HR")
    from self_service import selectors

    assert not selectors.approval_queue(people["manager"].user).filter(pk=r.pk).exists()
