"""Who may do what with self-service requests, payslips and payroll. Used by pages, the API and
services alike, so the rules exist once."""

import datetime as dt

from django.utils import timezone

from people import roles
from people.selectors import employee_for

from .models import Delegation, Request, RequestType

TEAM_ROLES = {RequestType.Team.HR: roles.HR, RequestType.Team.PAYROLL: roles.PAYROLL}


def teams_of(user) -> set[str]:
    """The processing teams a user belongs to."""
    return {team for team, role in TEAM_ROLES.items() if roles.has_role(user, role)}


def acting_for_ids(employee, on: dt.date | None = None) -> list[int]:
    """Managers the employee is acting manager for today (delegations are inclusive of both dates)."""
    if employee is None:
        return []
    on = on or timezone.localdate()
    return list(
        Delegation.objects.filter(delegate=employee, starts_on__lte=on, ends_on__gte=on)
        .values_list("manager_id", flat=True)
    )


def acting_managers_of(manager, on: dt.date | None = None) -> list:
    """Who is acting manager for `manager` today (still working here): they get what the manager
    gets to decide, and its reminders."""
    if manager is None:
        return []
    on = on or timezone.localdate()
    return [d.delegate for d in Delegation.objects.filter(
        manager=manager, starts_on__lte=on, ends_on__gte=on, delegate__is_active=True).select_related("delegate")]


def can_submit_on_behalf(user) -> bool:
    """Assisted digital: HR and digital champions key in requests for colleagues."""
    return roles.has_role(user, roles.HR, roles.DIGITAL_CHAMPION)


def is_own(user, request: Request) -> bool:
    me = employee_for(user)
    return me is not None and request.employee_id == me.pk


def can_edit(user, request: Request) -> bool:
    """The employee, or whoever keyed it in for them, while it is a draft or returned."""
    return request.status in {Request.Status.DRAFT, Request.Status.RETURNED} and (
        is_own(user, request) or request.submitted_by_id == user.pk
    )


def can_withdraw(user, request: Request) -> bool:
    return can_edit(user, request) or (request.status == Request.Status.SUBMITTED and (
        is_own(user, request) or request.submitted_by_id == user.pk))


def can_approve(user, request: Request) -> bool:
    """The request's current approver, their acting manager, or (for role levels) the role. Never
    the person the request is about, whoever they act for."""
    if request.status != Request.Status.SUBMITTED or is_own(user, request):
        return False
    if request.current_approver_id:
        if not request.type.managers_may_see:  # personal: never decided by a manager (routing agrees)
            return False
        me = employee_for(user)
        if me is None:
            return False
        return me.pk == request.current_approver_id or request.current_approver_id in acting_for_ids(me)
    if request.current_approver_role:
        return roles.has_role(user, request.current_approver_role)
    return False


def can_process(user, request: Request) -> bool:
    return (
        request.status == Request.Status.APPROVED
        and request.type.processing_team in teams_of(user)
        and not is_own(user, request)
    )


def can_verify_bank_details(user, request: Request) -> bool:
    """A second payroll officer: not the one who approved the change, not the employee."""
    if request.type.kind != RequestType.Kind.BANK_DETAILS or request.status != Request.Status.APPROVED:
        return False
    if not roles.has_role(user, roles.PAYROLL) or is_own(user, request):
        return False
    details = getattr(request, "bank_details", None)
    if details is None or details.verified_by_id:
        return False
    return not request.approvals.filter(decided_by=user).exists()


def can_use_payroll(user) -> bool:
    return roles.has_role(user, roles.PAYROLL)


def can_search_audit(user) -> bool:
    return roles.has_role(user, roles.HR)
