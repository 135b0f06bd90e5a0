"""Who decides a request at each level of its type's approval chain, and telling them."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from people import roles
from people.models import Employee, OrgUnit

from .. import notify, permissions
from ..models import Request


def _level_applies(level: dict, data: dict) -> bool:
    cond = level.get("when")
    if not cond:
        return True
    try:
        return Decimal(str(data.get(cond["field"]) or 0)) > Decimal(str(cond["over"]))
    except (InvalidOperation, KeyError):
        return True  # a mis-configured condition errs towards more approval, not less


def levels_for(request: Request) -> list[dict]:
    chain = request.type.approval_chain or [{"approver": request.type.processing_team}]
    return [lvl for lvl in chain if _level_applies(lvl, request.data)]


def _head_of_service(employee: Employee) -> Employee | None:
    """The head of the employee's department (nearest unit led by someone else), else their
    manager's manager."""
    if employee.org_unit_id:
        units = employee.org_unit.get_ancestors(ascending=True, include_self=True).filter(
            kind=OrgUnit.Kind.DEPARTMENT, head__isnull=False,
        ).exclude(head=employee).select_related("head")
        for unit in units:
            if unit.head.is_active:
                return unit.head
    manager = employee.line_manager
    return manager.line_manager if manager and manager.line_manager_id != employee.pk else None


def _resolve(level: dict, request: Request) -> tuple[Employee | None, str]:
    kind = level.get("approver", "line_manager")
    if kind in permissions.TEAM_ROLES:
        return None, permissions.TEAM_ROLES[kind]
    if not request.type.managers_may_see:
        # A personal type never goes to the employee's managers (RequestType.clean refuses such a
        # chain; this holds for one saved around it): its processing team decides.
        return None, permissions.TEAM_ROLES[request.type.processing_team]
    emp = request.employee
    person = emp.line_manager if kind == "line_manager" else _head_of_service(emp)
    if person is None or not person.is_active or person.pk == emp.pk:
        return None, roles.HR  # nobody recorded to decide: HR decides, never the employee
    return person, ""


def route_to_level(request: Request, level_index: int, previous: Employee | None = None) -> bool:
    """Point the request at the approver of level `level_index` (1-based), skipping a level whose
    approver already decided. False when no levels remain."""
    levels = levels_for(request)
    while level_index <= len(levels):
        person, role = _resolve(levels[level_index - 1], request)
        if person is not None and previous is not None and person.pk == previous.pk:
            level_index += 1
            continue
        request.approval_level = level_index
        request.current_approver, request.current_approver_role = person, role
        request.awaiting_since = timezone.now()
        request.reminded_at = request.reminder_queued_at = request.escalated_at = None
        return True
    return False


def approver_notify(request: Request) -> None:
    if request.current_approver_id:
        notify.waiting_for_approval(request, request.current_approver)
    elif request.current_approver_role:
        notify.waiting_for_role(request, request.current_approver_role)
