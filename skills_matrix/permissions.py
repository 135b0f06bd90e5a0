"""Who may do what with skills. Used by views, the API and services alike."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.db import ids_in
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


def matrix_people_listed(user) -> QuerySet[Employee]:
    """matrix_people(user) with the scope read once, for a page that asks several questions of the
    same people (the gap matrix: its rows, levels, profiles, pending self-assessments and unit
    choices). For a manager or a lead the chain of reports and the led units' staff are read here in
    one query, as a UNION of two index reads, and the queryset returned filters on that list of ids,
    so each later query is an index lookup of the team instead of re-running the recursive chain
    (and, OR-ed with the units, a scan of the council). HR and admins get matrix_people as it is:
    everyone active is a cheaper filter than a list of the whole council."""
    if roles.has_role(user, roles.HR, roles.INTRANET_ADMIN):
        return matrix_people(user)
    me = employee_for(user)
    if me is None:
        return Employee.objects.none()
    chain = reports_of(me).values_list("pk", flat=True).order_by()
    # The led units and everything beneath them, as ids (one query): a literal list lets the staff
    # read below use the org-unit index, where an MPTT range subquery is misjudged into a full scan.
    led = OrgUnit.objects.filter(head=me, tree_id=OuterRef("tree_id"), lft__lte=OuterRef("lft"), rght__gte=OuterRef("rght"))
    unit_ids = list(OrgUnit.objects.filter(Exists(led)).values_list("pk", flat=True))
    if unit_ids:
        chain = chain.union(
            Employee.objects.filter(is_active=True, org_unit__in=unit_ids).values_list("pk", flat=True).order_by()
        )
    ids = [pk for pk in chain if pk != me.pk]
    return Employee.objects.filter(ids_in("pk", ids))


def matrix_units(user, *, people: QuerySet[Employee] | None = None) -> QuerySet[OrgUnit]:
    """The units a user may choose in the gap matrix: every active unit for HR and admins; for
    anyone else the units their visible people sit in, the units they lead and everything beneath,
    their own unit, and the units between their own and their people's (a head of service's
    department and its sections, though nobody may sit in them directly). Three queries.
    `people`: the user's matrix_people when the caller has it already (matrix_people_listed)."""
    if roles.has_role(user, roles.HR, roles.INTRANET_ADMIN):
        return OrgUnit.objects.filter(is_active=True)
    me = employee_for(user)
    if me is None:
        return OrgUnit.objects.none()
    people = matrix_people(user) if people is None else people
    sit = list(OrgUnit.objects.filter(pk__in=people.values("org_unit_id")))
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
