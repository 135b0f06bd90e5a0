"""Edits in the Django admin leave audit entries with before and after, as service writes do
(issue 11 item 5): employees, org units, request types, pay periods, leave entitlements, delegations."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from people.admin_audit import AuditedAdmin
from people.models import AuditEntry, Employee, OrgUnit
from self_service.models import Delegation, LeaveEntitlement, PayPeriod, RequestType

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, people):
    user = people["admin"].user
    user.is_superuser = True  # model permissions; the site itself also asks for the Intranet admin role
    user.save(update_fields=["is_superuser"])
    client.force_login(user)
    return client


def _entry(action, obj):
    return AuditEntry.objects.get(action=action, object_id=str(obj.pk))


READ_ONLY = {"AuditEntry"}  # the audit log itself: nobody adds, changes or deletes entries


def test_every_admin_of_people_and_self_service_records_is_audited_or_read_only():
    unaudited = [
        model.__name__ for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"people", "self_service"} and not isinstance(model_admin, AuditedAdmin)
    ]
    assert sorted(unaudited) == sorted(READ_ONLY)


def test_a_pay_period_added_changed_and_deleted_in_the_admin_is_audited(admin_client, people):
    url = reverse("admin:self_service_payperiod_add")
    data = {"code": "2027-01", "name": "January 2027", "starts_on": "2027-01-01", "ends_on": "2027-01-31",
            "cutoff_on": "2027-01-15", "pay_date": "2027-01-28"}
    assert admin_client.post(url, data).status_code == 302
    period = PayPeriod.objects.get(code="2027-01")
    added = _entry("payperiod.admin_added", period)
    assert added.actor == people["admin"].user and added.changes["cutoff_on"] == [None, "2027-01-15"]

    change = reverse("admin:self_service_payperiod_change", args=[period.pk])
    assert admin_client.post(change, {**data, "cutoff_on": "2027-01-18"}).status_code == 302
    assert _entry("payperiod.admin_changed", period).changes == {"cutoff_on": ["2027-01-15", "2027-01-18"]}

    delete = reverse("admin:self_service_payperiod_delete", args=[period.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert _entry("payperiod.admin_deleted", period).changes["code"] == ["2027-01", None]


def test_an_employee_changed_in_the_admin_is_audited_against_them(admin_client, people, rf):
    alice = people["alice"]
    model_admin = admin.site._registry[Employee]
    request = rf.post("/admin/")
    request.user = people["admin"].user
    alice.job_title = "Senior Social Worker"
    alice.line_manager = people["head"]
    model_admin.save_model(request, alice, form=None, change=True)
    entry = _entry("employee.admin_changed", alice)
    assert entry.subject == alice
    assert entry.changes["job_title"] == ["Social Worker", "Senior Social Worker"]
    assert entry.changes["line_manager"] == [str(people["manager"]), str(people["head"])]
    # in the employee's own history
    assert AuditEntry.objects.filter(subject=alice, action="employee.admin_changed").exists()


@pytest.mark.parametrize("what", ["org unit", "request type", "leave entitlement", "delegation"])
def test_the_other_records_changed_in_the_admin_are_audited(people, org, rf, what):
    request = rf.post("/admin/")
    request.user = people["admin"].user
    if what == "org unit":
        obj = OrgUnit.objects.create(code="team-c", name="Team C", kind=OrgUnit.Kind.TEAM, parent=org["social"])
        field, value = "name", "Team Alpha"
    elif what == "request type":
        obj, field, value = RequestType.objects.get(code="overtime"), "reminder_working_days", 2
    elif what == "leave entitlement":
        obj = LeaveEntitlement.objects.create(employee=people["alice"], year=2027)
        field, value = "carried_over", Decimal("3.0")
    else:
        obj = Delegation.objects.create(manager=people["manager"], delegate=people["bob"], starts_on=dt.date(2027, 1, 1),
                                        ends_on=dt.date(2027, 1, 8), created_by=people["manager"].user)
        field, value = "ends_on", dt.date(2027, 1, 15)
    setattr(obj, field, value)
    model_admin = admin.site._registry[type(obj)]
    model_admin.save_model(request, obj, form=None, change=True)
    entry = _entry(f"{obj._meta.model_name}.admin_changed", obj)
    assert list(entry.changes) == [field]
    assert entry.changes[field][1] == (value if isinstance(value, int) else str(value))
    if what in ("leave entitlement", "delegation"):
        assert entry.subject in (people["alice"], people["manager"])
    model_admin.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))
    assert _entry(f"{obj._meta.model_name}.admin_deleted", obj).actor == people["admin"].user


def test_moving_a_unit_by_dragging_in_the_admin_tree_is_audited(admin_client, org):
    url = reverse("admin:people_orgunit_changelist")
    resp = admin_client.post(url, {"cmd": "move_node", "cut_item": org["team_b"].pk, "pasted_on": org["highways"].pk,
                                   "position": "last-child"})
    assert resp.status_code == 200
    assert OrgUnit.objects.get(pk=org["team_b"].pk).parent_id == org["highways"].pk
    assert _entry("orgunit.admin_moved", org["team_b"]).changes == {"parent": ["Social Work", "Highways"]}
