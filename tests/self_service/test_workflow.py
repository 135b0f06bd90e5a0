"""The request state machine: every allowed transition, every illegal one, and who may decide."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import IllegalTransition
from people.models import AuditEntry
from self_service import services, workflow
from self_service.models import Approval, Channel, Delegation, Request

S = Request.Status
pytestmark = pytest.mark.django_db


def _in_status(status, people, overtime_for):
    """A request by alice (line manager: manager) brought to `status` through the services."""
    alice, manager, payroll = people["alice"], people["manager"], people["payroll"]
    r = overtime_for(alice, submit=False)
    if status == S.DRAFT:
        return r
    if status == S.WITHDRAWN:
        return services.request_withdraw(actor=alice.user, request=r)
    r = services.request_submit(actor=alice.user, request=r)
    if status == S.SUBMITTED:
        return r
    if status == S.RETURNED:
        return services.request_return(actor=manager.user, request=r, comment="Which road?")
    if status == S.REJECTED:
        return services.request_reject(actor=manager.user, request=r, comment="Not agreed in advance")
    r = services.request_approve(actor=manager.user, request=r)
    if status == S.APPROVED:
        return r
    assert status == S.PROCESSED
    from self_service.models import PayPeriod

    today = timezone.localdate()
    p = PayPeriod.objects.create(code="X", name="X", starts_on=today, ends_on=today, cutoff_on=today, pay_date=today)
    services.payroll_export(actor=payroll.user, period=p)
    r.refresh_from_db()
    return r


def _do(action, r, people):
    alice, manager, hr = people["alice"], people["manager"], people["hr"]
    if action == "submit":
        return services.request_submit(actor=alice.user, request=r)
    if action == "approve":
        return services.request_approve(actor=manager.user, request=r)
    if action == "reject":
        return services.request_reject(actor=manager.user, request=r, comment="no")
    if action == "return":
        return services.request_return(actor=manager.user, request=r, comment="fix")
    if action == "withdraw":
        return services.request_withdraw(actor=alice.user, request=r)
    if action == "process":
        return services.request_process(actor=hr.user, request=r)
    raise AssertionError(action)


ALL = [(status, action) for status in S.values for action in workflow.TRANSITIONS]


@pytest.mark.parametrize(("status", "action"), ALL)
def test_every_transition_is_allowed_or_refused_as_the_state_machine_says(status, action, people, overtime_for):
    r = _in_status(status, people, overtime_for)
    assert r.status == status
    froms, to = workflow.TRANSITIONS[action]
    if status not in froms:
        with pytest.raises(IllegalTransition):
            _do(action, r, people)
        r.refresh_from_db()
        assert r.status == status  # nothing half-changed
        return
    if action == "process":
        # overtime affects payroll, so only the export processes it (tested in test_payroll)
        return
    r = _do(action, r, people)
    r.refresh_from_db()
    assert r.status == to
    assert AuditEntry.objects.filter(object_id=str(r.pk), action=f"request.{to}", subject=people["alice"]).exists()


def test_hr_processes_an_approved_hr_request(people, rtype):
    alice, hr = people["alice"], people["hr"]
    r = services.request_create(actor=alice.user, request_type=rtype("home-address"), employee=alice,
                                data={"address": "1 High St", "postcode": "AB1 2CD", "effective_date": "2027-01-01"},
                                submit=True)
    # no approval chain: the processing team (HR) decides
    assert r.current_approver is None and r.current_approver_role == "HR"
    r = services.request_approve(actor=hr.user, request=r)
    r = services.request_process(actor=hr.user, request=r, comment="Updated in the HR system")
    assert r.status == S.PROCESSED and r.processed_by == hr.user
    with pytest.raises(PermissionDenied):
        services.request_process(actor=people["payroll"].user, request=_approved_address(people, rtype))


def _approved_address(people, rtype):
    r = services.request_create(actor=people["bob"].user, request_type=rtype("home-address"), employee=people["bob"],
                                data={"address": "2 High St", "postcode": "AB1 2CD", "effective_date": "2027-01-01"},
                                submit=True)
    return services.request_approve(actor=people["hr"].user, request=r)


def test_nobody_approves_their_own_request_even_as_hr_or_acting_manager(people, rtype, overtime_for):
    hr = people["hr"]
    own = services.request_create(actor=hr.user, request_type=rtype("home-address"), employee=hr,
                                  data={"address": "x", "postcode": "AB1 2CD", "effective_date": "2027-01-01"},
                                  submit=True)
    with pytest.raises(PermissionDenied, match="your own"):
        services.request_approve(actor=hr.user, request=own)
    # alice acts for her manager but still cannot approve her own overtime
    today = timezone.localdate()
    Delegation.objects.create(manager=people["manager"], delegate=people["alice"], starts_on=today, ends_on=today,
                              created_by=people["manager"].user)
    r = overtime_for(people["alice"])
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=people["alice"].user, request=r)
    assert services.request_approve(actor=people["manager"].user, request=r).status == S.APPROVED


def test_only_the_current_approver_decides(people, overtime_for):
    r = overtime_for(people["alice"])
    for who in ("bob", "other_manager", "hr", "payroll", "head"):
        with pytest.raises(PermissionDenied):
            services.request_approve(actor=people[who].user, request=r)
    assert Request.objects.get(pk=r.pk).status == S.SUBMITTED


def test_acting_manager_approves_while_the_delegation_lasts(people, overtime_for):
    today = timezone.localdate()
    d = Delegation.objects.create(manager=people["manager"], delegate=people["other_manager"],
                                  starts_on=today - dt.timedelta(days=1), ends_on=today, created_by=people["manager"].user)
    r = overtime_for(people["bob"])
    r = services.request_approve(actor=people["other_manager"].user, request=r, comment="Approved while away")
    assert r.status == S.APPROVED
    approval = Approval.objects.get(request=r)
    assert approval.acting_for == people["manager"]
    assert "acting for" in AuditEntry.objects.get(action="request.approved", object_id=str(r.pk)).note
    # once the delegation has ended it gives no rights
    d.ends_on = today - dt.timedelta(days=1)
    d.save()
    r2 = overtime_for(people["bob"])
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=people["other_manager"].user, request=r2)


def test_overtime_over_threshold_needs_head_of_service_too(people, overtime_for):
    r = overtime_for(people["alice"], hours="12")
    assert r.current_approver == people["manager"]
    r = services.request_approve(actor=people["manager"].user, request=r)
    assert r.status == S.SUBMITTED and r.approval_level == 2 and r.current_approver == people["head"]
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=people["manager"].user, request=r)
    r = services.request_approve(actor=people["head"].user, request=r)
    assert r.status == S.APPROVED
    small = overtime_for(people["alice"], hours="3")
    assert services.request_approve(actor=people["manager"].user, request=small).status == S.APPROVED


def test_reject_and_return_need_a_reason(people, overtime_for):
    r = overtime_for(people["alice"])
    with pytest.raises(ValidationError) as exc:
        services.request_reject(actor=people["manager"].user, request=r, comment="  ")
    assert "comment" in exc.value.message_dict


def test_returned_request_can_be_changed_and_resubmitted(people, overtime_for):
    r = overtime_for(people["alice"])
    r = services.request_return(actor=people["manager"].user, request=r, comment="Add the road name")
    r = services.request_update(actor=people["alice"].user, request=r,
                                data={"date": "2027-02-01", "hours": "2", "reason": "Gritting the A34"})
    entry = AuditEntry.objects.get(action="request.updated", object_id=str(r.pk))
    assert entry.changes["reason"] == ["Winter gritting", "Gritting the A34"]
    r = services.request_submit(actor=people["alice"].user, request=r)
    assert r.status == S.SUBMITTED and r.current_approver == people["manager"]


def test_assisted_digital_records_the_channel(people, rtype):
    champion, carol = people["champion"], people["carol"]
    r = services.request_create(actor=champion.user, request_type=rtype("emergency-contacts"), employee=carol,
                                data={"contact_name": "Pat", "relationship": "Sister", "contact_phone": "01234 567890"},
                                channel=Channel.ASSISTED, submit=True)
    assert r.channel == Channel.ASSISTED and r.submitted_by == champion.user and r.employee == carol
    assert set(AuditEntry.objects.filter(object_id=str(r.pk)).values_list("channel", flat=True)) == {"assisted"}
    with pytest.raises(ValidationError):  # someone else's request must say assisted or paper
        services.request_create(actor=champion.user, request_type=rtype("emergency-contacts"), employee=carol,
                                data={"contact_name": "Pat", "relationship": "Sister", "contact_phone": "01234 567890"})
    with pytest.raises(PermissionDenied):  # ordinary staff cannot
        services.request_create(actor=people["bob"].user, request_type=rtype("emergency-contacts"), employee=carol,
                                data={"contact_name": "Pat", "relationship": "Sister", "contact_phone": "01234 567890"},
                                channel=Channel.PAPER)


def test_bad_field_values_name_the_field(people, rtype):
    with pytest.raises(ValidationError) as exc:
        services.request_create(actor=people["alice"].user, request_type=rtype("overtime"), employee=people["alice"],
                                data={"date": "yesterday", "hours": "-1", "reason": ""})
    assert set(exc.value.message_dict) == {"date", "hours", "reason"}
    assert not Request.objects.exists()


def test_flexible_working_tracks_the_statutory_deadline(people, rtype):
    r = services.request_create(actor=people["bob"].user, request_type=rtype("flexible-working"), employee=people["bob"],
                                data={"current_pattern": "5 days", "requested_pattern": "4 days",
                                      "effective_date": "2027-04-01"}, submit=True)
    assert r.decision_due == timezone.localdate() + dt.timedelta(days=61)


def test_employee_without_a_manager_goes_to_hr(people, overtime_for):
    r = overtime_for(people["other_manager"])
    assert r.current_approver is None and r.current_approver_role == "HR"
    assert services.request_approve(actor=people["hr"].user, request=r).status == S.APPROVED


def test_request_data_rules_are_the_same_for_the_page_form_and_the_service(rtype):
    """One set of field rules (validation.py): the form a page posts and the service an API body
    reaches agree on what is wrong, and the service also refuses keys the type does not have."""
    from self_service.forms import RequestDataForm
    from self_service.validation import request_data_clean

    overtime = rtype("overtime")
    bad = {"date": "yesterday", "hours": "-1", "reason": ""}
    form = RequestDataForm(overtime, data=bad)
    assert not form.is_valid()
    with pytest.raises(ValidationError) as exc:
        request_data_clean(overtime, bad)
    assert exc.value.message_dict == {k: list(v) for k, v in form.errors.items()}
    good = {"date": "2027-02-01", "hours": "2.5", "reason": "Gritting"}
    form = RequestDataForm(overtime, data=good)
    assert form.is_valid() and form.json_data() == request_data_clean(overtime, good) == {
        "date": "2027-02-01", "hours": "2.5", "reason": "Gritting"}
    with pytest.raises(ValidationError) as exc:
        request_data_clean(overtime, {**good, "bonus": "1000"})
    assert exc.value.message_dict == {"bonus": ["This is not a field of this request type."]}
