"""Reads about people, already scoped to what a user may see. Every app asks here who may see whom."""

from bisect import bisect_left, bisect_right
from itertools import accumulate

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from . import roles
from .models import Employee, OrgUnit, search_fold


def employee_for(user) -> Employee | None:
    """The signed-in user's employee record (cached on the user for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_employee_cache"):
        user._employee_cache = Employee.objects.filter(user=user).select_related("org_unit").first()
    return user._employee_cache


def staff_on(day) -> QuerySet[Employee]:
    """Everyone employed on `day`: started by then (or with no start date recorded) and not yet
    left (a leaver with no leaving date counts as gone). For figures about a past period, which
    must not count people who joined after it or leave out people who left since."""
    return Employee.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=day),
        Q(left_on__isnull=True, is_active=True) | Q(left_on__gt=day),
    )


NOT_LINKED = "Your account is not linked to an employee record. Contact HR."


def my_employee(user, *, missing=None) -> Employee:
    """The signed-in user's own employee record, or an error a person can act on.

    Pages get 403 (PermissionDenied) by default; the API passes `missing=NotFound` (or Http404) so
    a JSON client reads 404. One helper for every "my record or refuse" check."""
    me = employee_for(user)
    if me is None:
        raise (missing or PermissionDenied)(NOT_LINKED)
    return me


def _report_ids_sql(indirect: bool) -> str:
    # One recursive query on both PostgreSQL and SQLite. UNION (not UNION ALL) drops rows already
    # seen, so a manager loop in bad directory data terminates instead of recursing for ever.
    if not indirect:
        return "SELECT id FROM people_employee WHERE line_manager_id = %s"
    return (
        "WITH RECURSIVE chain(id) AS ("
        " SELECT id FROM people_employee WHERE line_manager_id = %s"
        " UNION SELECT e.id FROM people_employee e JOIN chain c ON e.line_manager_id = c.id"
        ") SELECT id FROM chain"
    )


def reports_of(manager: Employee, *, indirect: bool = True, include_inactive: bool = False) -> QuerySet[Employee]:
    """A manager's reports, direct only or the whole chain beneath them, as one lazy queryset."""
    chain = RawSQL(_report_ids_sql(indirect), [manager.pk])  # noqa: S611 - constant SQL, bound parameter
    qs = Employee.objects.filter(id__in=chain).exclude(pk=manager.pk)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs


def is_line_manager(employee: Employee | None) -> bool:
    return bool(employee) and Employee.objects.filter(line_manager=employee, is_active=True).exists()


def manages(manager: Employee | None, employee: Employee) -> bool:
    """True when `employee` sits anywhere beneath `manager` in the line-management chain."""
    if manager is None or manager.pk == employee.pk:
        return False
    return reports_of(manager, indirect=True, include_inactive=True).filter(pk=employee.pk).exists()


def led_units(user) -> QuerySet[OrgUnit]:
    """Units (with their subtrees) a portfolio lead or head of service is responsible for."""
    me = employee_for(user)
    if me is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(head=me)


def units_within(units) -> QuerySet[OrgUnit]:
    """The given units and all their descendants, in one query (MPTT ranges)."""
    q = Q(pk__in=[])
    for u in units:
        q |= Q(tree_id=u.tree_id, lft__gte=u.lft, rght__lte=u.rght)
    return OrgUnit.objects.filter(q)


def subtree_sums(units, rows: list[dict], fields: list[str]) -> dict[int, dict[str, int]]:
    """Sum rows counted per org unit ({tree_id, lft, <fields>}; None counts as 0, rows of no unit
    have tree_id None and count for none) over each unit's subtree (MPTT ranges): {unit.pk: sums}.
    The rows are sorted once and each unit is a range lookup, so hundreds of units are cheap."""
    trees: dict[int, list[dict]] = {}
    for r in rows:
        if r["tree_id"] is not None:
            trees.setdefault(r["tree_id"], []).append(r)
    ranges = {}
    for tree_id, tree_rows in trees.items():
        tree_rows.sort(key=lambda r: r["lft"])
        ranges[tree_id] = ([r["lft"] for r in tree_rows],
                           {f: list(accumulate((r[f] or 0 for r in tree_rows), initial=0)) for f in fields})
    out = {}
    for u in units:
        if u.tree_id not in ranges:
            out[u.pk] = dict.fromkeys(fields, 0)
            continue
        lfts, sums = ranges[u.tree_id]
        lo, hi = bisect_left(lfts, u.lft), bisect_right(lfts, u.rght)
        out[u.pk] = {f: sums[f][hi] - sums[f][lo] for f in fields}
    return out


def directory_queryset() -> QuerySet[Employee]:
    """The staff directory: active people, with what a directory card shows."""
    return Employee.objects.filter(is_active=True).select_related("org_unit")


def search_words(query: str, *, limit: int = 6) -> list[str]:
    """The words of a search as `Employee.search_text` stores them (search_fold): each must match."""
    return [w for w in (search_fold(word) for word in query.split()[:limit]) if w]


def _units_named(words: list[str]) -> dict[str, list[int]]:
    """For each (folded) word, the ids of the org units whose folded name contains it. One small
    query (a council has hundreds of units), so the people query gets plain id lists: PostgreSQL
    then ORs the org-unit index with the trigram index on search_text, and estimates the matches
    well enough to sort them rather than walk every name in order."""
    if not words:
        return {}
    units = [(pk, search_fold(name)) for pk, name in OrgUnit.objects.order_by().values_list("pk", "name")]
    return {w: [pk for pk, name in units if w in name] for w in words}


def directory_search(*, query: str = "", unit: OrgUnit | None = None) -> QuerySet[Employee]:
    """Active people with every word of `query` in their name, preferred name, job title or email
    (folded: accents and apostrophes do not matter, nor case) or their unit's name; partial words
    match ("obri" finds O'Brien). On PostgreSQL each word is answered by the trigram index. Two
    queries when there are words: the units, then the people (lazy)."""
    qs = directory_queryset()
    words = search_words(query)
    units = _units_named(words)
    for word in words:
        qs = qs.filter(Q(search_text__contains=word) | Q(org_unit_id__in=units[word]))
    if unit is not None:
        qs = qs.filter(org_unit__in=units_within([unit]))
    return qs


def employee_records_visible_to(user) -> QuerySet[Employee]:
    """Full employee records (employment details, history) a user may open.

    HR and intranet admins: everyone. Others: themselves and everyone beneath them in the
    line-management chain. Directory cards (name, title, team, work contact) are public to staff and
    come from `directory_queryset` instead.
    """
    if roles.has_role(user, roles.HR, roles.INTRANET_ADMIN):
        return Employee.objects.all()
    me = employee_for(user)
    if me is None:
        return Employee.objects.none()
    return Employee.objects.filter(Q(pk=me.pk) | Q(id__in=RawSQL(_report_ids_sql(True), [me.pk])))  # noqa: S611 - constant SQL, bound parameter


def can_view_record(user, employee: Employee) -> bool:
    if roles.has_role(user, roles.HR, roles.INTRANET_ADMIN):
        return True
    me = employee_for(user)
    return me is not None and (me.pk == employee.pk or manages(me, employee))


def org_tree() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(is_active=True).select_related("head")


def units_waiting_to_be_placed() -> QuerySet[OrgUnit]:
    """Active units directory sync could not map, parked directly under a holding unit until HR
    places them."""
    return OrgUnit.objects.filter(is_active=True, parent__kind=OrgUnit.Kind.HOLDING)


def org_tree_for_browsing() -> list[OrgUnit]:
    """Active council, portfolios and departments in tree order, each with `staff_count`: active staff
    in the unit and everything beneath it (teams included). Two queries, whatever the tree's size.

    Teams are left out (they are listed on their department's page). recursetree needs every shown
    node's parent shown too, so the subtree of an inactive unit is left out rather than orphaned.
    """
    direct = dict(
        Employee.objects.filter(is_active=True, org_unit__isnull=False)
        .values("org_unit").annotate(n=Count("id")).values_list("org_unit", "n")
    )
    units = list(org_tree().order_by("tree_id", "lft"))
    by_pk = {u.pk: u for u in units}
    for u in units:
        u.staff_count = direct.get(u.pk, 0)
    # In (tree_id, lft) order every unit comes after its parent, so one reverse pass adds each
    # total to its parent and a portfolio counts everyone beneath it.
    for u in reversed(units):
        if u.parent_id in by_pk:
            by_pk[u.parent_id].staff_count += u.staff_count
    shown: set[int] = set()
    nodes = []
    for u in units:
        if u.kind != OrgUnit.Kind.TEAM and (u.parent_id is None or u.parent_id in shown):
            shown.add(u.pk)
            nodes.append(u)
    return nodes
