"""Reads for self-service, already scoped to the user asking."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, F, FilteredRelation, Q, QuerySet, Sum
from django.utils import timezone

from people import roles
from people.models import AuditEntry, Employee, search_fold
from people.selectors import employee_for, reports_of, subtree_sums

from .models import WEEKDAY_FIELDS, LeaveEntitlement, PayPeriod, Payslip, Request, RequestType, WorkingPattern
from .permissions import acting_for_ids, teams_of
from .workdays import MONDAY_TO_FRIDAY

S = Request.Status
MANAGERS_MAY_SEE = Q(type__visibility=RequestType.Visibility.LINE_MANAGEMENT)
LIST_RELATED = ("type", "employee", "employee__org_unit", "current_approver")


def request_types_available() -> QuerySet[RequestType]:
    return RequestType.objects.filter(is_active=True)


def my_requests(user) -> QuerySet[Request]:
    me = employee_for(user)
    if me is None:
        return Request.objects.none()
    return Request.objects.filter(employee=me).select_related(*LIST_RELATED)


def requests_visible_to(user) -> QuerySet[Request]:
    """Every request the user may open: their own (and those they keyed in), what their processing
    team handles or waits for their team's decision, and, for types their managers may see
    (`RequestType.visibility`), their reports' (direct, indirect, and those of a manager they are
    acting for) and what waits for their own decision. Drafts stay private to their authors.

    The one rule for who sees a request: pages, the API, attachment downloads, comments and site
    search all read through here."""
    if not getattr(user, "is_authenticated", False):
        return Request.objects.none()
    me = employee_for(user)
    own = Q(submitted_by=user)
    if me is not None:
        own |= Q(employee=me)
    others = Q(type__processing_team__in=teams_of(user))
    user_roles = [r for r in (roles.HR, roles.PAYROLL) if roles.has_role(user, r)]
    if user_roles:
        others |= Q(current_approver_role__in=user_roles)
    if me is not None:
        acting = acting_for_ids(me)
        line = Q(current_approver_id__in=[me.pk, *acting]) | Q(employee__in=reports_of(me, include_inactive=True))
        for manager_id in acting:
            line |= Q(employee__in=reports_of(Employee(pk=manager_id), include_inactive=True))
        # The type says whether managers see it at all: personal requests (home address, contacts,
        # a change of name, bank details) are the processing team's only.
        others |= line & MANAGERS_MAY_SEE
    return Request.objects.filter(own | (others & ~Q(status=S.DRAFT))).select_related(*LIST_RELATED)


def approval_queue(user, *, type_code: str = "", employee_query: str = "", overdue_only: bool = False):
    """Requests waiting for this user's decision: as line manager or head of service, as acting
    manager, or as a member of a role queue. Never their own."""
    me = employee_for(user)
    waiting_for = Q(pk__in=[])
    if me is not None:
        waiting_for |= Q(current_approver_id__in=[me.pk, *acting_for_ids(me)]) & MANAGERS_MAY_SEE
    user_roles = [r for r in (roles.HR, roles.PAYROLL) if roles.has_role(user, r)]
    if user_roles:
        waiting_for |= Q(current_approver_id__isnull=True, current_approver_role__in=user_roles)
    qs = Request.objects.filter(waiting_for, status=S.SUBMITTED)
    if me is not None:
        qs = qs.exclude(employee=me)
    if type_code:
        qs = qs.filter(type__code=type_code)
    for word in employee_query.lower().split()[:4]:
        qs = qs.filter(employee__search_text__contains=search_fold(word))
    if overdue_only:
        qs = qs.filter(Q(escalated_at__isnull=False) | Q(decision_due__lte=timezone.localdate()))
    return qs.select_related(*LIST_RELATED).order_by("awaiting_since", "id")


def processing_queue(user, *, type_code: str = "") -> QuerySet[Request]:
    """Approved requests for the user's processing team(s), oldest decision first."""
    me = employee_for(user)
    qs = Request.objects.filter(status=S.APPROVED, type__processing_team__in=teams_of(user))
    if me is not None:
        qs = qs.exclude(employee=me)
    if type_code:
        qs = qs.filter(type__code=type_code)
    return qs.select_related(*LIST_RELATED, "bank_details", "pay_period").order_by("decided_at", "id")


def approval_count(user) -> int:
    return approval_queue(user).count()


# --- annual leave -------------------------------------------------------------------------------

LEAVE_TAKEN = (S.APPROVED, S.PROCESSED)
LEAVE_PENDING = (S.SUBMITTED, S.RETURNED)


def working_weekdays(employee: Employee) -> frozenset[int]:
    """The weekdays (`date.weekday()` numbers) the employee works: their pattern, else Monday to Friday."""
    pattern = WorkingPattern.objects.filter(employee=employee).first()
    return pattern.weekdays if pattern else MONDAY_TO_FRIDAY


def entitlement_for(employee: Employee, year: int) -> LeaveEntitlement:
    """The stored entitlement, or the council default (unsaved) when HR has not set one, pro-rated by
    the employee's working pattern (days worked ÷ 5). One query: the entitlement and the pattern are
    read together from the employee row."""
    ent_fields = ("id", "full_time_days", "fte", "carried_over")
    row = (
        Employee.objects.filter(pk=employee.pk)
        .annotate(ent=FilteredRelation("leave_entitlements", condition=Q(leave_entitlements__year=year)))
        .values(*(f"ent__{f}" for f in ent_fields), "working_pattern__id",
                *(f"working_pattern__{f}" for f in WEEKDAY_FIELDS))
        .first()
    ) or {}
    if row.get("ent__id") is not None:
        return LeaveEntitlement(employee=employee, year=year, **{f: row[f"ent__{f}"] for f in ent_fields})
    default = LeaveEntitlement(
        employee=employee, year=year, full_time_days=Decimal(str(settings.SELF_SERVICE_DEFAULT_LEAVE_DAYS))
    )
    if row.get("working_pattern__id") is not None:
        days = WorkingPattern.weekdays_from(row[f"working_pattern__{f}"] for f in WEEKDAY_FIELDS)
        default.fte = WorkingPattern.fte_for(days)
    return default


def leave_balance(employee: Employee, year: int, *, exclude_request_id: int | None = None) -> dict:
    """Entitlement, days taken (approved), days booked (waiting for a decision) and what remains."""
    ent = entitlement_for(employee, year)
    qs = Request.objects.filter(employee=employee, type__kind=RequestType.Kind.ANNUAL_LEAVE, start_date__year=year)
    if exclude_request_id:
        qs = qs.exclude(pk=exclude_request_id)
    sums = qs.aggregate(
        taken=Sum("days", filter=Q(status__in=LEAVE_TAKEN), default=Decimal("0")),
        pending=Sum("days", filter=Q(status__in=LEAVE_PENDING), default=Decimal("0")),
    )
    total = ent.total_days
    return {
        "year": year, "entitlement": total, "taken": sums["taken"], "pending": sums["pending"],
        "remaining": total - sums["taken"] - sums["pending"], "fte": ent.fte,
    }


def overlapping_leave(employee: Employee, start: dt.date, end: dt.date, *, exclude_request_id=None):
    qs = Request.objects.filter(
        employee=employee, type__kind=RequestType.Kind.ANNUAL_LEAVE,
        status__in=(*LEAVE_TAKEN, *LEAVE_PENDING), start_date__lte=end, end_date__gte=start,
    )
    if exclude_request_id:
        qs = qs.exclude(pk=exclude_request_id)
    return qs


# --- payroll ------------------------------------------------------------------------------------

def my_payslips(user) -> QuerySet[Payslip]:
    me = employee_for(user)
    if me is None:
        return Payslip.objects.none()
    return Payslip.objects.filter(employee=me).select_related("period")


def period_for_approval(day: dt.date) -> PayPeriod | None:
    """The first open period whose cut-off is on or after the day a change was approved."""
    return PayPeriod.objects.filter(cutoff_on__gte=day, closed_at__isnull=True).order_by("cutoff_on").first()


def export_candidates(period: PayPeriod) -> QuerySet[Request]:
    """Approved payroll-affecting changes approved on or before the period's cut-off and not yet
    exported. Later approvals wait for the next period."""
    cutoff_end = timezone.make_aware(dt.datetime.combine(period.cutoff_on + dt.timedelta(days=1), dt.time.min))
    return (
        Request.objects.filter(status=S.APPROVED, type__affects_payroll=True, exported_in__isnull=True,
                               decided_at__lt=cutoff_end)
        .select_related("type", "employee", "bank_details")
        .order_by("employee__employee_number", "decided_at", "id")
    )


# --- audit --------------------------------------------------------------------------------------

def my_history(user) -> QuerySet[AuditEntry]:
    me = employee_for(user)
    if me is None:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(subject=me).select_related("actor", "subject")


def audit_search(*, query: str = "", action: str = "", channel: str = "", start=None, end=None):
    """HR's audit search over every entry: by the person concerned, action, channel and dates."""
    qs = AuditEntry.objects.select_related("actor", "subject")
    for word in query.lower().split()[:4]:
        qs = qs.filter(Q(subject__search_text__contains=search_fold(word)) | Q(subject__employee_number__iexact=word)
                       | Q(target_repr__icontains=word))
    if action:
        qs = qs.filter(action__startswith=action)
    if channel:
        qs = qs.filter(channel=channel)
    if start:
        qs = qs.filter(created_at__date__gte=start)
    if end:
        qs = qs.filter(created_at__date__lte=end)
    return qs


# --- reporting (read by reporting) -------------------------------------------------------

def _in_units(qs, units):
    if units is None:
        return qs
    from people.selectors import units_within

    return qs.filter(employee__org_unit__in=units_within(units))


CHANNELS = ("online", "assisted", "paper")


def _submitted_between(start: dt.date | None, end: dt.date | None) -> QuerySet[Request]:
    qs = Request.objects.exclude(status=S.DRAFT).exclude(submitted_at__isnull=True)
    if start:
        qs = qs.filter(submitted_at__date__gte=start)
    if end:
        qs = qs.filter(submitted_at__date__lte=end)
    return qs


def _each_unit(qs: QuerySet[Request], units, counts: dict) -> dict:
    """`counts` (name -> aggregate) per unit of `units` over its subtree, and under None for the
    whole council (requests of staff in no unit too), from one query grouped by org unit."""
    rows = list(
        qs.values(tree_id=F("employee__org_unit__tree_id"), lft=F("employee__org_unit__lft"))
        .annotate(**counts).order_by()
    )
    out = subtree_sums(units, rows, list(counts))
    out[None] = {f: sum(r[f] or 0 for r in rows) for f in counts}
    return out


def requests_by_channel(units=None, start: dt.date | None = None, end: dt.date | None = None, *,
                        each_unit: bool = False) -> dict:
    """Submitted requests (drafts excluded) by channel, for requests first submitted in [start, end].
    `units`: org units whose subtrees count, or None for the whole council.

    With `each_unit`: {unit.pk: the counts for that unit's subtree} for every unit of `units`, and
    {None: the whole council's}, from one grouped query however many units there are."""
    qs = _submitted_between(start, end)
    if each_unit:
        return _each_unit(qs, units, {c: Count("id", filter=Q(channel=c)) for c in CHANNELS})
    counts = dict(_in_units(qs, units).values_list("channel").annotate(n=Count("id")).values_list("channel", "n"))
    return {c: counts.get(c, 0) for c in CHANNELS}


def _kpis(agg: dict) -> dict:
    n = agg["submitted"] or 0
    return {
        **agg,
        "completion_rate": round(agg["processed"] / n, 3) if n else None,
        "online_share": round(agg["online"] / n, 3) if n else None,
        "satisfaction": round(agg["mean_rating"], 2) if agg["mean_rating"] is not None else None,
    }


def request_kpis(units=None, start: dt.date | None = None, end: dt.date | None = None, *,
                 each_unit: bool = False) -> dict:
    """Submitted, completed (processed) and decided counts, completion rate, online share and the
    mean satisfaction rating (1-5) given on closed requests.

    With `each_unit`: {unit.pk: those for that unit's subtree} for every unit of `units`, and
    {None: the whole council's}, from one grouped query. The mean rating is then the sum of the
    ratings over their number worked out here, which can differ from the database's AVG in the
    last binary digit only: the satisfaction figure (two decimals) is the same."""
    counts = {
        "submitted": Count("id"),
        "processed": Count("id", filter=Q(status=S.PROCESSED)),
        "rejected": Count("id", filter=Q(status=S.REJECTED)),
        "withdrawn": Count("id", filter=Q(status=S.WITHDRAWN)),
        "online": Count("id", filter=Q(channel="online")),
        "rated": Count("rating"),
    }
    qs = _submitted_between(start, end)
    if each_unit:
        out = {}
        for pk, agg in _each_unit(qs, units, {**counts, "rating_sum": Sum("rating")}).items():
            total = agg.pop("rating_sum")
            out[pk] = _kpis({**agg, "mean_rating": total / agg["rated"] if agg["rated"] else None})
        return out
    return _kpis(_in_units(qs, units).aggregate(**counts, mean_rating=Avg("rating")))
