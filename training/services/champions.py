"""Digital champions: their profiles, help requests routed to them, and the help they log."""

import datetime as dt

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people import roles
from people.audit import audit_record
from people.models import Employee, OrgUnit
from people.selectors import employee_for, my_employee

from .. import notifications, permissions
from ..models import Champion, HelpLog, HelpRequest
from ._after_commit import notify_after_commit


@transaction.atomic
def champion_save(*, actor, employee: Employee, unit: OrgUnit, skills, availability: str,
                  is_active: bool = True) -> Champion:
    """Learning staff appoint champions; champions keep their own skills and availability current."""
    me = employee_for(actor)
    existing = Champion.objects.filter(employee=employee).first()
    own = me is not None and me.pk == employee.pk and existing is not None
    if not (permissions.is_learning_staff(actor) or own):
        raise PermissionDenied("Only learning staff appoint digital champions.")
    if own and not permissions.is_learning_staff(actor) and (unit.pk != existing.unit_id or not is_active):
        raise PermissionDenied("Ask learning staff to change the area you cover.")
    champion, _ = Champion.objects.update_or_create(
        employee=employee, defaults={"unit": unit, "availability": availability, "is_active": is_active}
    )
    champion.skills.set(skills)
    if employee.is_digital_champion != is_active:
        employee.is_digital_champion = is_active
        employee.save(update_fields=["is_digital_champion"])
    if employee.user_id:
        # Keep the directory flag and the role group (what other apps check) in step with the profile.
        group, _ = Group.objects.get_or_create(name=roles.DIGITAL_CHAMPION)
        (employee.user.groups.add if is_active else employee.user.groups.remove)(group)
    audit_record(actor=actor, action="champion.saved", target=champion, subject=employee)
    return champion


def champion_unit_for(employee: Employee) -> OrgUnit | None:
    """The nearest unit at or above the employee's own that has an active champion (not themselves)."""
    if employee.org_unit_id is None:
        return None
    chain = list(employee.org_unit.get_ancestors(ascending=True, include_self=True))
    served = set(
        Champion.objects.filter(is_active=True, unit__in=chain).exclude(employee=employee)
        .values_list("unit_id", flat=True)
    )
    return next((u for u in chain if u.pk in served), None)


@transaction.atomic
def help_request_create(*, actor, topic: str, details: str = "", skill=None) -> HelpRequest:
    """Ask a champion: routed to the champions of the requester's own unit, or the nearest unit
    above it that has any, and emailed to them."""
    me = my_employee(actor)
    if not topic.strip():
        raise DomainError("Say what you need help with.", field="topic")
    unit = champion_unit_for(me)
    if unit is None:
        raise DomainError("There are no digital champions for your area yet. Contact the IT service desk.",
                          field="topic")
    req = HelpRequest.objects.create(requester=me, routed_unit=unit, topic=topic.strip(), details=details,
                                     skill=skill)
    audit_record(actor=actor, action="help_request.created", target=req, subject=me)
    emails = list(
        Champion.objects.filter(unit=unit, is_active=True).exclude(employee=me)
        .values_list("employee__email", flat=True)
    )
    notify_after_commit(notifications.help_requested, req.pk, emails)
    return req


def _champion_may_serve(champion_employee: Employee, req: HelpRequest) -> bool:
    profile = Champion.objects.filter(employee=champion_employee, is_active=True).select_related("unit").first()
    if profile is None:
        return False
    # A champion serves their own unit and anything beneath it.
    u, r = profile.unit, req.routed_unit
    return u.tree_id == r.tree_id and u.lft <= r.lft and r.rght <= u.rght


@transaction.atomic
def help_request_take(*, actor, help_request: HelpRequest) -> HelpRequest:
    me = employee_for(actor)
    req = HelpRequest.objects.select_for_update(of=("self",)).select_related("routed_unit").get(pk=help_request.pk)
    if me is None or not _champion_may_serve(me, req):
        raise PermissionDenied("Only champions for this area can take this request.")
    if req.status != HelpRequest.Status.OPEN:
        raise DomainError("Another champion has already taken this request.")
    req.status = HelpRequest.Status.TAKEN
    req.champion = me
    req.save(update_fields=["status", "champion", "updated_at"])
    audit_record(actor=actor, action="help_request.taken", target=req, subject=req.requester)
    return req


@transaction.atomic
def help_log_record(*, actor, topic: str, minutes: int, channel: str, given_on: dt.date | None = None,
                    skill=None, colleague: Employee | None = None,
                    help_request: HelpRequest | None = None) -> HelpLog:
    """A champion logs help given; logging against a request resolves it."""
    me = employee_for(actor)
    if me is None or not Champion.objects.filter(employee=me, is_active=True).exists():
        raise PermissionDenied("Only digital champions log help.")
    if not 1 <= int(minutes) <= 600:
        raise DomainError("Minutes must be between 1 and 600.", field="minutes")
    if channel not in HelpLog.Channel.values:
        raise DomainError("Choose how you helped.", field="channel")
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise DomainError("The date cannot be in the future.", field="given_on")
    if help_request is not None:
        help_request = HelpRequest.objects.select_for_update(of=("self",)).select_related("routed_unit").get(pk=help_request.pk)
        if not _champion_may_serve(me, help_request):
            raise PermissionDenied("This request is for another area's champions.")
        if help_request.status == HelpRequest.Status.RESOLVED:
            raise DomainError("This request is already resolved.")
        colleague = help_request.requester
        help_request.status = HelpRequest.Status.RESOLVED
        help_request.champion = me
        help_request.save(update_fields=["status", "champion", "updated_at"])
        audit_record(actor=actor, action="help_request.resolved", target=help_request, subject=colleague)
    log = HelpLog.objects.create(champion=me, colleague=colleague, help_request=help_request, topic=topic,
                                 skill=skill, minutes=minutes, channel=channel, given_on=given_on)
    audit_record(actor=actor, action="help_log.recorded", target=log, subject=colleague)
    return log
