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
    current_levels_raw,
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

    @property
    def key(self) -> str:
        """The skill id as CurrentSkills stores it (JSON object keys are strings)."""
        return str(self.skill_id)


@dataclass(slots=True)
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

    def shown(self) -> tuple[str, str, str]:
        """(css, symbol, label) from one shortfall: what the heat map shows of the cell, for a page's
        1,500 cells at once (skills_matrix_tags.heat_cells) as for one (the properties below)."""
        said = "not assessed" if self.current is None else f"level {self.current}"
        if self.required is None:
            return "app-heat--none", "", f"{said}, not required"
        shortfall = max(0, self.required - (self.current or 0))
        if shortfall:
            css, symbol, state = f"app-heat--gap{min(shortfall, 3)}", f"{SYMBOL_SHORT}{shortfall}", f"{shortfall} below"
        else:
            css, symbol, state = "app-heat--met", SYMBOL_MET, "meets requirement"
        pending = "" if self.pending is None else f"; self-assessed {self.pending}, awaiting validation"
        return css, symbol, f"{said}, needs {self.required}: {state}{pending}"

    @property
    def css(self) -> str:
        return self.shown()[0]

    @property
    def symbol(self) -> str:
        return self.shown()[1]

    @property
    def label(self) -> str:
        """Words for screen readers and the table view: colour and symbols are never the only signal."""
        return self.shown()[2]


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
    required: dict  # {skill_id: level}, shared between people with the same profile: do not change
    levels: dict  # {"skill_id": level} as stored in CurrentSkills
    pending: dict  # {skill_id: self-assessed level awaiting validation}
    cells: list = field(default_factory=list)  # filled for the rows shown

    def current_level(self, skill_id: int) -> int | None:
        return self.levels.get(str(skill_id))

    @property
    def current(self) -> dict:
        return {int(k): v for k, v in self.levels.items()}

    def fill_cells(self, columns: list[Column]) -> None:
        required, levels, pending = self.required, self.levels, self.pending
        self.cells = [
            Cell(required.get(c.skill_id), levels.get(c.key), pending.get(c.skill_id), c) for c in columns
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
    pending_read: bool = True  # False: rows' pending is {} until fill() reads it for the rows shown

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
        """Give `rows` (the page's) their cells; with pending_read False, first read those rows'
        pending self-assessments (one query for the rows shown, not for everyone in the matrix)."""
        if not self.pending_read:
            pending = pending_levels([r.employee_id for r in rows])
            for row in rows:
                row.pending = pending.get(row.employee_id, {})
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
    with_pending: bool = True,
) -> Matrix:
    """The matrix for `people` (already scoped to what the viewer may see, and filtered by unit or work
    style by the caller). `profile` keeps people measured against that profile; `area` keeps one
    skill area. Columns are the skills anyone shown is required to have (or every skill with
    only_required=False). Seven queries whatever the size (six with with_pending=False: the
    pending self-assessments are then read by Matrix.fill for the rows a page shows, and exports,
    which do not show them, never read them).

    The people are read first, and every later read asks for those ids only (index lookups of the
    team's profiles, levels and pending self-assessments, and the requirements of the profiles
    they are measured against), so a team's matrix costs what the team costs, not what the council
    costs, and the viewer's scope (a recursive chain of reports) is not run again in each query."""
    people = people.filter(is_active=True)
    rows_raw = list(
        people.order_by("last_name", "first_name", "id").values_list(
            "pk", "first_name", "preferred_name", "last_name", "job_title", "org_unit__name", "work_style"
        )
    )
    ids = [r[0] for r in rows_raw]
    columns = matrix_columns(area=area)
    profile_names, default_id = {}, None
    for pk, name, is_default in RoleProfile.objects.filter(is_active=True).order_by().values_list("pk", "name", "is_default"):
        profile_names[pk] = name
        default_id = pk if is_default else default_id
    assigned = assigned_profiles(ids)
    reqs = requirements_by_profile({default_id, *assigned.values()})
    current = current_levels_raw(ids)
    pending = pending_levels(ids) if with_pending else {}

    # Hot loop over people × required skills: plain lists indexed by column and string keys as stored
    # in the JSON (no per-cell conversions or attribute writes), so 2,000 × 60 stays well under 100 ms.
    col_index = {c.skill_id: i for i, c in enumerate(columns)}
    needed_by_profile = {
        pid: {sid: lv for sid, lv in req.items() if sid in col_index} for pid, req in reqs.items()
    }
    plan_by_profile = {
        pid: [(str(sid), col_index[sid], lv) for sid, lv in needed.items()] for pid, needed in needed_by_profile.items()
    }
    n = len(columns)
    people_required, people_short, total_short = [0] * n, [0] * n, [0] * n
    styles = dict(Employee.WorkStyle.choices)
    rows: list[Row] = []
    empty: dict = {}
    for pk, first, preferred, last, title, unit_name, style in rows_raw:
        profile_id = assigned.get(pk, default_id)
        if profile is not None and profile_id != profile.pk:
            continue
        have = current.get(pk, empty)
        short_sum = gaps = 0
        for key, idx, required in plan_by_profile.get(profile_id, ()):
            people_required[idx] += 1
            shortfall = required - (have.get(key) or 0)
            if shortfall > 0:
                gaps += 1
                short_sum += shortfall
                people_short[idx] += 1
                total_short[idx] += shortfall
        rows.append(Row(
            employee_id=pk, name=f"{preferred or first} {last}".strip(), job_title=title, unit_name=unit_name or "",
            profile_name=profile_names.get(profile_id, "None"), work_style=styles.get(style, style),
            total_shortfall=short_sum, gaps=gaps, required=needed_by_profile.get(profile_id, empty),
            levels=have, pending=pending.get(pk, empty),
        ))
    totals = {c.skill_id: SkillTotal(c, people_required[i], people_short[i], total_short[i]) for i, c in enumerate(columns)}
    used = {c.skill_id for c in columns if totals[c.skill_id].people_required}
    if only_required:
        columns = [c for c in columns if c.skill_id in used]
    return Matrix(columns=columns, rows=rows, skill_totals=[totals[c.skill_id] for c in columns], pending_read=with_pending)
