"""The gap matrix: people × skills, current level against required level.

Built from a handful of flat queries (people, skills, requirements, profiles, current levels, pending
self-assessments) and computed in Python, so the number of queries is the same for a team of five
and a department of two thousand. Only the rows on the current page get per-cell objects; totals,
rankings and exports run over everyone.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from people.models import Employee

from .models import RoleProfile, Skill
from .selectors import (
    assigned_profiles,
    current_levels,
    default_profile,
    pending_levels,
    requirements_by_profile,
)

SYMBOL_MET = "✓"
SYMBOL_SHORT = "▼"
SYMBOL_NOT_ASSESSED = "?"


@dataclass(frozen=True)
class Column:
    skill_id: int
    code: str
    name: str
    area_id: int
    area_name: str


@dataclass(frozen=True)
class Cell:
    required: int | None
    current: int | None
    pending: int | None
    column: Column | None = None

    @property
    def shortfall(self) -> int:
        if self.required is None:
            return 0
        return max(0, self.required - (self.current or 0))

    @property
    def css(self) -> str:
        if self.required is None:
            return "app-heat--none"
        return "app-heat--met" if not self.shortfall else f"app-heat--gap{min(self.shortfall, 3)}"

    @property
    def symbol(self) -> str:
        if self.required is None:
            return ""
        return SYMBOL_MET if not self.shortfall else f"{SYMBOL_SHORT}{self.shortfall}"

    @property
    def label(self) -> str:
        """Words for screen readers and the table view: colour and symbols are never the only signal."""
        current = "not assessed" if self.current is None else f"level {self.current}"
        if self.required is None:
            return f"{current}, not required"
        state = "meets requirement" if not self.shortfall else f"{self.shortfall} below"
        pending = f"; self-assessed {self.pending}, awaiting validation" if self.pending is not None else ""
        return f"{current}, needs {self.required}: {state}{pending}"


@dataclass
class Row:
    employee_id: int
    name: str
    job_title: str
    unit_name: str
    profile_name: str
    work_style: str
    total_shortfall: int
    gaps: int
    required: dict  # {skill_id: level}
    current: dict
    pending: dict
    cells: list = field(default_factory=list)  # filled for the rows shown

    def fill_cells(self, columns: list[Column]) -> None:
        self.cells = [
            Cell(self.required.get(c.skill_id), self.current.get(c.skill_id), self.pending.get(c.skill_id), c)
            for c in columns
        ]


@dataclass
class SkillTotal:
    column: Column
    people_required: int = 0
    people_short: int = 0
    total_shortfall: int = 0


@dataclass
class Matrix:
    columns: list[Column]
    rows: list[Row]
    skill_totals: list[SkillTotal]

    @property
    def ranked_skills(self) -> list[SkillTotal]:
        """Skills by how many people fall short, then by total levels short."""
        return sorted(
            (t for t in self.skill_totals if t.people_short),
            key=lambda t: (-t.people_short, -t.total_shortfall, t.column.name),
        )

    @property
    def people_with_gaps(self) -> int:
        return sum(1 for r in self.rows if r.gaps)

    def fill(self, rows: list[Row]) -> list[Row]:
        for row in rows:
            row.fill_cells(self.columns)
        return rows


def matrix_columns(*, area: Skill | None = None) -> list[Column]:
    """Active skills in framework order with their area names (one query)."""
    qs = Skill.objects.filter(kind=Skill.Kind.SKILL, is_active=True, parent__isnull=False)
    if area is not None:
        qs = qs.filter(parent=area)
    rows = qs.order_by("tree_id", "lft").values_list("pk", "code", "name", "parent_id", "parent__name")
    return [Column(*r) for r in rows]


def gap_matrix(
    people: QuerySet[Employee],
    *,
    profile: RoleProfile | None = None,
    area: Skill | None = None,
    only_required: bool = True,
) -> Matrix:
    """The matrix for `people` (already scoped to what the viewer may see, and filtered by unit or work
    style by the caller). `profile` keeps people measured against that profile; `area` keeps one
    skill area. Columns are the skills anyone shown is required to have (or every skill with
    only_required=False). Seven queries whatever the size."""
    people = people.filter(is_active=True)
    rows_raw = list(
        people.order_by("last_name", "first_name", "id").values_list(
            "pk", "first_name", "preferred_name", "last_name", "job_title", "org_unit__name", "work_style"
        )
    )
    ids_subquery = people.values("pk")
    columns = matrix_columns(area=area)
    reqs = requirements_by_profile()
    default = default_profile()
    default_id = default.pk if default else None
    assigned = assigned_profiles(ids_subquery)
    current = current_levels(ids_subquery)
    pending = pending_levels(ids_subquery)
    profile_names = dict(RoleProfile.objects.values_list("pk", "name"))

    column_ids = {c.skill_id for c in columns}
    totals = {c.skill_id: SkillTotal(c) for c in columns}
    styles = dict(Employee.WorkStyle.choices)
    rows: list[Row] = []
    used: set[int] = set()
    for pk, first, preferred, last, title, unit_name, style in rows_raw:
        profile_id = assigned.get(pk, default_id)
        if profile is not None and profile_id != profile.pk:
            continue
        needed = {s: lv for s, lv in reqs.get(profile_id, {}).items() if s in column_ids}
        have = current.get(pk, {})
        short_total = gaps = 0
        for skill_id, required in needed.items():
            shortfall = max(0, required - (have.get(skill_id) or 0))
            t = totals[skill_id]
            t.people_required += 1
            if shortfall:
                gaps += 1
                short_total += shortfall
                t.people_short += 1
                t.total_shortfall += shortfall
        used.update(needed)
        rows.append(Row(
            employee_id=pk, name=f"{preferred or first} {last}".strip(), job_title=title, unit_name=unit_name or "",
            profile_name=profile_names.get(profile_id, "None"), work_style=styles.get(style, style),
            total_shortfall=short_total, gaps=gaps, required=needed, current=have, pending=pending.get(pk, {}),
        ))
    if only_required:
        columns = [c for c in columns if c.skill_id in used]
    return Matrix(columns=columns, rows=rows, skill_totals=[totals[c.skill_id] for c in columns])
