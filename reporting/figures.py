"""Adoption figures. Each figure is a small provider: `compute(ctx) -> {unit_id: value}` for every
unit in `ctx.units` over `ctx.period`.

Where the numbers come from:
- People figures (headcount, champions per 100 staff, active users) and news reach are computed
  here with ONE grouped query each: counts per org unit in the database, then rolled up each
  reported unit's subtree with MPTT ranges in Python. The query count does not depend on staff
  numbers or on the number of units.
- Skills, training, self-service and recruitment figures are read ONLY through those apps'
  `selectors.py`, for every reported unit at once (`each_unit`: one grouped query per family,
  rolled up each unit's subtree), so they too cost a fixed few queries whatever the number of
  units or staff: the refresh reports on hundreds of units.
- Every figure is for the requested period: counts of events (sign-ins, reads, courses, requests,
  help) fall within it; states (staff, champions, skills analyses, gaps, overdue training) are as
  at its last day, so "last month" and the monthly PDF never show today's figure. Staff on a day
  are people.selectors.staff_on (started by then, not yet left), in the unit they are in now.
- Those selectors are plain imports: a renamed or removed selector fails at import (and so in the
  tests), never quietly at run time. A provider whose selector raises while computing is logged
  and shown as "Not available yet" instead of a made-up number; the other figures still show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q

from news.selectors import readers_by_unit
from people.models import Employee, OrgUnit, SignIn
from people.selectors import staff_on, subtree_sums
from self_service.selectors import request_kpis, requests_by_channel
from skills_matrix.recruitment.selectors import statistics as recruitment_statistics
from skills_matrix.selectors import assessment_coverage, gaps_for
from training.selectors import champion_figures, mandatory_compliance_by_unit, training_figures

from .periods import Period

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    section: str
    fmt: str  # int | pct | per100 | gbp | rating | levels | pp
    source: str
    description: str
    compute: Callable
    council_only: bool = False  # one council-wide value (e.g. applicants belong to no unit)
    # Too costly to compute on every page view for a large council (it walks every person's skill
    # requirements): pages show the latest recorded snapshot, which the nightly task refreshes.
    recorded: bool = False


@dataclass
class FigureResult:
    definition: FigureDef
    values: dict = field(default_factory=dict)  # unit_id -> float | None
    available: bool = True
    note: str = ""

    @property
    def key(self):
        return self.definition.key


class Context:
    """What every provider needs, plus a memo so figures sharing one selector call share it."""

    def __init__(self, units: list[OrgUnit], period: Period):
        self.units = list(units)
        self.period = period
        self._memo: dict = {}

    def memo(self, key, fn):
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]


def _ratio(n, d, scale=100.0):
    return round(scale * n / d, 1) if d else None


# --- people and intranet use (ours) --------------------------------------------------------------


def _people_counts(ctx: Context) -> dict[int, dict[str, int]]:
    def fetch():
        lo, hi = ctx.period.start_dt, ctx.period.end_dt
        # Signed in during the period: a recorded sign-in in it, or (for sign-ins from before
        # SignIn rows were kept) a last login in it. A later last login says nothing either way.
        signed_in = Q(Exists(SignIn.objects.filter(user_id=OuterRef("user_id"), at__gte=lo, at__lt=hi))) | Q(
            user__last_login__gte=lo, user__last_login__lt=hi
        )
        rows = list(
            staff_on(ctx.period.end).filter(org_unit__isnull=False)
            .values(tree_id=F("org_unit__tree_id"), lft=F("org_unit__lft"))
            .annotate(
                staff=Count("id"),
                # The champion flag has no history: today's champions among the period's staff.
                champions=Count("id", filter=Q(is_digital_champion=True)),
                active=Count("id", filter=signed_in),
            )
            .order_by()
        )
        return subtree_sums(ctx.units, rows, ["staff", "champions", "active"])

    return ctx.memo("people", fetch)


def headcount(ctx):
    return {pk: c["staff"] for pk, c in _people_counts(ctx).items()}


def champions_per_100(ctx):
    return {pk: _ratio(c["champions"], c["staff"]) for pk, c in _people_counts(ctx).items()}


def active_users_pct(ctx):
    return {pk: _ratio(c["active"], c["staff"]) for pk, c in _people_counts(ctx).items()}


def news_reach_pct(ctx):
    rows = readers_by_unit(ctx.period.start_dt, ctx.period.end_dt)
    readers = subtree_sums(ctx.units, rows, ["readers"])
    staff = _people_counts(ctx)
    return {pk: _ratio(readers[pk]["readers"], staff[pk]["staff"]) for pk in readers}


# --- skills (skills_matrix.selectors) --------------------------------------------------------------


def _staff_in(unit: OrgUnit, day=None):
    """Everyone in the unit's subtree (employed on `day` when given), as a range join (cheaper for
    the planner than IN (subtree))."""
    return (staff_on(day) if day else Employee.objects).filter(
        org_unit__tree_id=unit.tree_id, org_unit__lft__gte=unit.lft, org_unit__lft__lte=unit.rght
    )


def _scope_units(unit: OrgUnit):
    """For selectors taking `units`: None means the whole council, which they count without a subquery."""
    return None if unit.parent_id is None else [unit]


def skills_analysis_pct(ctx):
    """assessment_coverage over each unit's staff on the period's last day (`_staff_in(u, end)`),
    for every unit from one grouped call."""
    coverage = assessment_coverage(staff_on(ctx.period.end), as_of=ctx.period.end_dt, each_unit=ctx.units)
    return {u.pk: coverage[u.pk]["completed_percent"] for u in ctx.units}


def average_gap(ctx):
    """Mean total shortfall per active person (as skills_matrix.selectors.average_gap defines it),
    from ONE call to its `gaps_for` over everyone in the reported units, rolled up each unit's
    subtree here: the snapshot job reports on hundreds of units, and calling `average_gap` once per
    unit would walk each person's requirements once per level of the tree above them."""
    in_any = Q(pk__in=[])
    for u in ctx.units:
        in_any |= Q(org_unit__tree_id=u.tree_id, org_unit__lft__gte=u.lft, org_unit__lft__lte=u.rght)
    staff = list(
        staff_on(ctx.period.end).filter(in_any).values_list("pk", "org_unit__tree_id", "org_unit__lft")
    )
    gaps = gaps_for([pk for pk, _, _ in staff])
    per_unit: dict[tuple, dict] = {}
    for pk, tree_id, lft in staff:
        row = per_unit.setdefault((tree_id, lft), {"tree_id": tree_id, "lft": lft, "people": 0, "shortfall": 0})
        row["people"] += 1
        row["shortfall"] += sum(g.shortfall for g in gaps.get(pk, []))
    totals = subtree_sums(ctx.units, list(per_unit.values()), ["people", "shortfall"])
    return {pk: round(t["shortfall"] / t["people"], 2) if t["people"] else 0.0 for pk, t in totals.items()}


# --- training (training.selectors) -----------------------------------------------------------------


def _training(ctx) -> dict[int, dict]:
    """training_figures over each unit's staff (`_staff_in`: everyone whose org unit is in its
    subtree, leavers too), for every unit from one grouped call."""
    return ctx.memo(
        "training",
        lambda: training_figures(Employee.objects.all(), ctx.period.start, ctx.period.end, each_unit=ctx.units),
    )


def training_assigned(ctx):
    return {pk: s.get("assigned") for pk, s in _training(ctx).items()}


def training_completed(ctx):
    return {pk: s.get("completed") for pk, s in _training(ctx).items()}


def training_overdue(ctx):
    return {pk: s.get("overdue") for pk, s in _training(ctx).items()}


def champion_help_given(ctx):
    """Help logged by the active champions serving each unit or a unit beneath it, for every unit from one call."""
    figures = champion_figures(ctx.units, ctx.period.start, ctx.period.end, each_unit=True)
    return {u.pk: figures[u.pk]["help_count"] for u in ctx.units}


# --- self-service (self_service.selectors) -----------------------------------------------------------


def _each_scope(ctx, by_unit: dict) -> dict:
    """From a selector's `each_unit` answer, each unit's value for its `_scope_units` scope: the
    whole council's (None) for a unit at the top of a tree."""
    return {u.pk: by_unit[None if _scope_units(u) is None else u.pk] for u in ctx.units}


def _channels(ctx, period: Period | None = None) -> dict[int, dict[str, int]]:
    period = period or ctx.period
    return ctx.memo(
        ("channels", period.key),
        lambda: _each_scope(ctx, requests_by_channel(units=ctx.units, start=period.start, end=period.end,
                                                     each_unit=True)),
    )


def _kpis(ctx) -> dict[int, dict]:
    return ctx.memo(
        "kpis",
        lambda: _each_scope(ctx, request_kpis(units=ctx.units, start=ctx.period.start, end=ctx.period.end,
                                              each_unit=True)),
    )


def requests_online(ctx):
    return {pk: c.get("online", 0) for pk, c in _channels(ctx).items()}


def requests_assisted(ctx):
    return {pk: c.get("assisted", 0) for pk, c in _channels(ctx).items()}


def requests_paper(ctx):
    return {pk: c.get("paper", 0) for pk, c in _channels(ctx).items()}


def _take_up(counts: dict[str, int]):
    total = sum(counts.values())
    return _ratio(counts.get("online", 0), total)


def digital_take_up(ctx):
    return {pk: _take_up(c) for pk, c in _channels(ctx).items()}


def channel_shift(ctx):
    """Change in digital take-up against the equally long period before, in percentage points."""
    now, before = _channels(ctx), _channels(ctx, ctx.period.previous())
    out = {}
    for pk in now:
        a, b = _take_up(now[pk]), _take_up(before[pk])
        out[pk] = round(a - b, 1) if a is not None and b is not None else None
    return out


def completion_rate(ctx):
    return {pk: (round(100 * k["completion_rate"], 1) if k.get("completion_rate") is not None else None)
            for pk, k in _kpis(ctx).items()}


def satisfaction(ctx):
    return {pk: k.get("satisfaction") for pk, k in _kpis(ctx).items()}


def cost_per_transaction(ctx):
    from .models import ChannelCost

    costs = ctx.memo("costs", ChannelCost.current)
    out = {}
    for pk, c in _channels(ctx).items():
        total = sum(c.values())
        out[pk] = round(float(sum(costs.get(ch, 0) * n for ch, n in c.items()) / total), 2) if total else None
    return out


def mandatory_compliance_pct(ctx):
    """Share of the mandatory courses the unit's staff must hold that were in date on the period's
    last day (training.selectors.mandatory_compliance, for every unit in one pass)."""
    end, units = ctx.period.end, list(ctx.units)
    if not units:
        return {}
    in_any = Q()
    for u in units:
        in_any |= Q(org_unit__tree_id=u.tree_id, org_unit__lft__gte=u.lft, org_unit__lft__lte=u.rght)
    return mandatory_compliance_by_unit(units, staff_on(end).filter(in_any), as_of=end)


# --- recruitment (skills_matrix.recruitment.selectors) ---------------------------------------------


def recruitment_pass_rate(ctx):
    """Council-wide: applicants belong to no unit. Pass rate over every area attempted, weighted
    by attempts (the selector keeps only anonymous scores, so it covers all time)."""
    rows = recruitment_statistics()
    attempts = sum(r["attempts"] for r in rows)
    passed = sum(r["attempts"] * r["pass_rate"] / 100 for r in rows)
    return {None: round(100 * passed / attempts, 1) if attempts else None}


FIGURES: list[FigureDef] = [
    FigureDef("headcount", "Staff", "People and intranet use", "int", "People",
              "Staff in the unit and everything beneath it on the period's last day.", headcount),
    FigureDef("active_users_pct", "Active intranet users", "People and intranet use", "pct", "People",
              "Share of staff who signed in at least once in the period.", active_users_pct),
    FigureDef("news_reach_pct", "News reach", "People and intranet use", "pct", "News",
              "Share of staff who opened at least one news article in the period.", news_reach_pct),
    FigureDef("champions_per_100", "Digital champions per 100 staff", "People and intranet use", "per100", "People",
              "Staff marked as digital champions, per 100 staff.", champions_per_100),
    FigureDef("champion_help_given", "Help given by champions", "People and intranet use", "int", "Training",
              "Times digital champions recorded helping a colleague in the period.", champion_help_given),
    FigureDef("skills_analysis_pct", "Completed skills analysis", "Skills", "pct", "Skills matrix",
              "Share of staff who had submitted a skills self-assessment by the period's last day.", skills_analysis_pct),
    FigureDef("average_gap", "Average skills gap", "Skills", "levels", "Skills matrix",
              "Mean total shortfall per person against their role's required levels (lower is better), "
              "as recorded for the period's last month (recorded nightly, and closed on the 1st).",
              average_gap, recorded=True),
    FigureDef("training_assigned", "Training assigned", "Training", "int", "Training",
              "Courses assigned in the period.", training_assigned),
    FigureDef("training_completed", "Training completed", "Training", "int", "Training",
              "Courses completed in the period.", training_completed),
    FigureDef("training_overdue", "Training overdue", "Training", "int", "Training",
              "Assigned courses past their due date and not done by the period's last day.", training_overdue),
    FigureDef("mandatory_compliance_pct", "Mandatory training in date", "Training", "pct", "Training",
              "Share of the mandatory courses staff must hold that were in date on the period's last day.",
              mandatory_compliance_pct),
    FigureDef("requests_online", "Requests made online", "Self-service", "int", "Self-service",
              "HR and payroll requests submitted online in the period.", requests_online),
    FigureDef("requests_assisted", "Requests made with help", "Self-service", "int", "Self-service",
              "Requests keyed in by HR or a digital champion for the member of staff.", requests_assisted),
    FigureDef("requests_paper", "Requests made on paper", "Self-service", "int", "Self-service",
              "Paper forms keyed in.", requests_paper),
    FigureDef("digital_take_up", "Digital take-up", "Self-service", "pct", "Self-service",
              "GOV.UK KPI: share of requests made online.", digital_take_up),
    FigureDef("channel_shift", "Channel shift", "Self-service", "pp", "Self-service",
              "Change in digital take-up against the period before, in percentage points.", channel_shift),
    FigureDef("completion_rate", "Completion rate", "Self-service", "pct", "Self-service",
              "GOV.UK KPI: share of submitted requests that were completed (processed).", completion_rate),
    FigureDef("satisfaction", "User satisfaction", "Self-service", "rating", "Self-service",
              "GOV.UK KPI: mean rating (1 to 5) given when a request closed.", satisfaction),
    FigureDef("cost_per_transaction", "Cost per transaction", "Self-service", "gbp", "Self-service",
              "GOV.UK KPI: channel mix priced at the configured cost per contact for each channel.",
              cost_per_transaction),
    FigureDef("recruitment_pass_rate", "Recruitment baseline pass rate", "Recruitment", "pct", "Recruitment",
              "Applicants' baseline ICT test pass rate across all areas, council-wide, all time.",
              recruitment_pass_rate, council_only=True),
]
FIGURES_BY_KEY = {f.key: f for f in FIGURES}
TREND_FIGURES = ["skills_analysis_pct", "average_gap", "digital_take_up", "active_users_pct"]


def _recorded_values(ctx: Context, d: FigureDef) -> FigureResult:
    """The period's snapshot of a recorded figure for each unit: the latest month recorded within
    the period, so last month's report shows last month's figure, not today's (one query for all
    of them). Nothing recorded in the period shows as no data, not as another month's figure."""
    from .models import FigureSnapshot

    rows = ctx.memo(
        "recorded",
        lambda: list(
            FigureSnapshot.objects.filter(
                unit_code__in=[u.code for u in ctx.units], figure__in=[f.key for f in FIGURES if f.recorded],
                month__gte=ctx.period.start.replace(day=1), month__lte=ctx.period.end,
            )
            .order_by("unit_code", "figure", "-month")
            .values_list("unit_code", "figure", "value", "month")
        ),
    )
    # Newest month first within each (unit, figure): keep the first row seen. Done here rather than
    # with DISTINCT ON so the demo's SQLite gives the same answer (a few rows per unit a month).
    latest: dict = {}
    for code, fig, value, taken in rows:
        latest.setdefault((code, fig), (value, taken))
    values, months = {}, []
    for u in ctx.units:
        value, month = latest.get((u.code, d.key), (None, None))
        values[u.pk] = value
        if month:
            months.append(month)
    note = (f"As recorded for {max(months):%B %Y}" if months
            else "Not recorded yet for this period: the nightly snapshot adds it.")
    return FigureResult(d, values, note=note)


def compute_figures(
    units: list[OrgUnit], period: Period, keys: list[str] | None = None, *, live: bool = False
) -> list[FigureResult]:
    """`live=True` (the snapshot job) computes every figure from source; pages pass False so
    recorded figures come from the latest snapshot."""
    ctx = Context(units, period)
    results = []
    for d in FIGURES:
        if keys and d.key not in keys:
            continue
        if d.recorded and not live:
            results.append(_recorded_values(ctx, d))
            continue
        try:
            values = d.compute(ctx)
        except Exception as exc:  # noqa: BLE001 - one app's failing selector must not hide the rest
            log.exception("reporting: figure %s failed", d.key)
            results.append(FigureResult(d, {}, available=False, note=f"{d.source} figures failed: {exc}"))
            continue
        results.append(FigureResult(d, values))
    return results


def format_value(value, fmt: str) -> str:
    if value is None:
        return "No data"
    if fmt == "int":
        return f"{int(value):,}"
    if fmt == "pct":
        return f"{value:.1f}%"
    if fmt == "per100":
        return f"{value:.1f}"
    if fmt == "gbp":
        return f"£{value:,.2f}"
    if fmt == "rating":
        return f"{value:.2f} out of 5"
    if fmt == "levels":
        return f"{value:.2f} levels"
    if fmt == "pp":
        return f"{value:+.1f} points"
    return str(value)
