"""Who may do what with skills. Used by views, the API and services alike."""

from django.db.models import Q, QuerySet

from people import roles
from people.models import Employee, OrgUnit
from people.selectors import (
    employee_for,
    employee_records_visible_to,
    led_units,
    manages,
    reports_of,
    units_within,
)


def can_manage_framework(user) -> bool:
    """HR owns the framework, role profiles and campaigns."""
    return roles.has_role(user, roles.HR, roles.INTRANET_ADMIN)


def matrix_people(user) -> QuerySet[Employee]:
    """Everyone whose skills a user may see in the gap matrix: HR and admins everyone; portfolio leads
    and heads their units and everything beneath; line managers their reports (whole chain). Never
    the user's own row unless HR: the matrix is a management view, people see theirs on "My skills"."""
    base = Employee.objects.filter(is_active=True)
    if roles.has_role(user, roles.HR, roles.INTRANET_ADMIN):
        return base
    me = employee_for(user)
    if me is None:
        return base.none()
    scope = Q(pk__in=reports_of(me).values("pk"))
    units = list(led_units(user))
    if units:
        scope |= Q(org_unit__in=units_within(units))
    return base.filter(scope).exclude(pk=me.pk)


def matrix_units(user) -> QuerySet[OrgUnit]:
    """The units a user may choose in the gap matrix: every active unit for HR and admins; for
    anyone else the units their visible people sit in, the units they lead and everything beneath,
    their own unit, and the units between their own and their people's (a head of service's
    department and its sections, though nobody may sit in them directly). Three queries."""
    if roles.has_role(user, roles.HR, roles.INTRANET_ADMIN):
        return OrgUnit.objects.filter(is_active=True)
    me = employee_for(user)
    if me is None:
        return OrgUnit.objects.none()
    sit = list(OrgUnit.objects.filter(pk__in=matrix_people(user).values("org_unit_id")))
    scope = Q(pk__in=[u.pk for u in sit]) | Q(pk__in=units_within(list(led_units(user))).values("pk"))
    own = me.org_unit
    if own is not None:
        scope |= Q(pk=own.pk)
        for u in sit:
            if u.tree_id == own.tree_id and own.lft <= u.lft <= own.rght:
                scope |= Q(tree_id=own.tree_id, lft__gte=own.lft, lft__lte=u.lft, rght__gte=u.rght)
    return OrgUnit.objects.filter(scope, is_active=True)


def can_compare_departments(user) -> bool:
    """The department x skill comparison: HR, admins and portfolio leads (directors)."""
    return roles.has_role(user, roles.HR, roles.INTRANET_ADMIN, roles.PORTFOLIO_LEAD)


def can_see_matrix(user) -> bool:
    return matrix_people(user).exists()


def skills_people_visible_to(user) -> QuerySet[Employee]:
    """Everyone whose skills records (assessments, evidence, the person page) a user may open:
    themselves and their chain of reports (as for any employee record), the people in the gap
    matrix they may see (units they lead), and for HR and admins everyone. Pages and the API fetch
    through this (via `selectors.assessments_visible_to` / `evidence_visible_to`), so anyone else's
    record is a 404."""
    return Employee.objects.filter(
        Q(pk__in=employee_records_visible_to(user).values("pk")) | Q(pk__in=matrix_people(user).values("pk"))
    )


def can_view_assessment(user, employee: Employee) -> bool:
    """An employee sees their own assessments; their managers and HR see them too."""
    return skills_people_visible_to(user).filter(pk=employee.pk).exists()


def can_validate(user, employee: Employee) -> bool:
    """Line managers (anywhere above in the chain) validate; HR may too when a manager is missing.
    Nobody validates their own assessment."""
    me = employee_for(user)
    if me is not None and me.pk == employee.pk:
        return False
    if roles.has_role(user, roles.HR):
        return True
    return manages(me, employee)
