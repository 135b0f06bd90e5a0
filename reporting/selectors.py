"""Which units a reader reports on, and recorded trends. Scoping is in permissions.py."""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from people import roles
from people.models import OrgUnit
from people.selectors import led_units

from . import permissions
from .models import FigureSnapshot


@dataclass
class Scope:
    focus: OrgUnit | None  # the unit whose total is shown first (None: several led units side by side)
    rows: list[OrgUnit]  # what it breaks down into: portfolios, departments or teams
    breadcrumbs: list[OrgUnit]

    @property
    def units(self) -> list[OrgUnit]:
        return ([self.focus] if self.focus else []) + self.rows


class OutOfScope(Exception):  # noqa: N818
    pass


def children_of(unit: OrgUnit) -> list[OrgUnit]:
    """The rows a unit breaks down into on the dashboard and in its PDF: its active sub-units,
    leaving out holding units (directory sync's parking place, not part of the structure)."""
    return list(OrgUnit.objects.filter(parent=unit, is_active=True).exclude(kind=OrgUnit.Kind.HOLDING).order_by("name"))


def scope_for(user, unit_id: int | None = None) -> Scope:
    """The focus unit and its breakdown. Without a unit: HR and admins compare every portfolio
    under the council; a portfolio lead sees the unit(s) they head. Raises OutOfScope when the
    unit is not theirs to see (views turn that into 404, so other portfolios are not revealed)."""
    everything = permissions.sees_everything(user)
    if unit_id is not None:
        unit = OrgUnit.objects.filter(pk=unit_id).first()
        if unit is None or not (everything or permissions.can_view_unit(user, unit)):
            raise OutOfScope
        ancestors = list(unit.get_ancestors())
        if not everything:
            visible = {u.pk for u in permissions.units_visible_to(user).filter(pk__in=[a.pk for a in ancestors])}
            ancestors = [a for a in ancestors if a.pk in visible]
        return Scope(unit, children_of(unit), ancestors)
    if everything:
        root = OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("tree_id").first()
        portfolios = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.PORTFOLIO, is_active=True).order_by("name"))
        return Scope(root, portfolios, [])
    if not roles.has_role(user, roles.PORTFOLIO_LEAD):
        raise OutOfScope
    led = list(led_units(user).order_by("name"))
    if not led:
        raise OutOfScope
    if len(led) == 1:
        return Scope(led[0], children_of(led[0]), [])
    return Scope(None, led, [])


def trend_for(unit: OrgUnit, figures: list[str], *, months: int = 12, today: dt.date | None = None) -> dict:
    """{"months": [date...], figure: [value or None per month]} from recorded snapshots (one query)."""
    today = today or dt.date.today()
    first = today.replace(day=1) - relativedelta(months=months - 1)  # up to and including this month
    month_list = [first + relativedelta(months=i) for i in range(months)]
    rows = FigureSnapshot.objects.filter(unit_code=unit.code, figure__in=figures, month__gte=first).values_list(
        "month", "figure", "value"
    )
    by = {(m, f): v for m, f, v in rows}
    out = {"months": month_list}
    for f in figures:
        out[f] = [by.get((m, f)) for m in month_list]
    return out
