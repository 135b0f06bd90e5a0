"""`manage.py seed_demo`: a deterministic, realistic demo council, then every app's demo data.

The same --seed and --staff always give the same council (names, posts, managers, champions), so
screenshots, bug reports and benchmarks are reproducible. Everything is bulk-created: one password
hash shared by every account, users and employees in a handful of INSERTs, the org tree's MPTT
columns computed here rather than by per-node saves. That keeps 20,000 staff to seconds.
"""

import random
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.demo import demo_seeders
from people import roles
from people.models import Employee, OrgUnit

from . import _demo_council as council

DEFAULT_STAFF = 3000
DEFAULT_SEED = 2026
# Each department needs a head and at least one team with a manager and a couple of staff.
MIN_STAFF = 200
# The named line manager's team is made big enough to have team leaders (indirect reports).
MANAGER_TEAM_MIN = 8
LEAVER_SHARE = 0.01
LATEST_START = date(2026, 9, 30)


@dataclass
class Unit:
    code: str
    name: str
    kind: str
    parent: "Unit | None" = None
    children: list["Unit"] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    department: "Unit | None" = None
    portfolio: "Unit | None" = None
    obj: OrgUnit | None = None
    head_post: "Post | None" = None


@dataclass
class Post:
    tier: int  # 0 director, 1 head of service, 2 team manager, 3 team leader, 4 staff
    unit: Unit
    title: str
    grade: str
    manager: "Post | None" = None
    roles: set[str] = field(default_factory=set)
    demo_username: str = ""
    is_champion: bool = False
    is_active: bool = True
    is_staff_user: bool = False
    employee: Employee | None = None


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


class Command(BaseCommand):
    help = "Build a deterministic demo council (org tree, staff, managers, roles), then each app's demo data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--staff", type=int, default=DEFAULT_STAFF, help=f"Staff to create (default {DEFAULT_STAFF})."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed: same seed, same council."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has people in it."
        )

    def handle(self, *args, staff: int, seed: int, if_empty: bool, **options):
        existing = Employee.objects.count()
        if existing or OrgUnit.objects.exists():
            if if_empty:
                self.stdout.write(f"The database already has {existing:,} employees; leaving it as it is.")
                return
            raise CommandError(
                f"The database already has {existing:,} employees and an org tree. seed_demo builds a council "
                "from empty: use --if-empty to skip, or start from a fresh database."
            )
        if staff < MIN_STAFF:
            raise CommandError(
                f"--staff must be at least {MIN_STAFF} (every department needs a head and a team)."
            )

        started = time.perf_counter()
        with transaction.atomic():
            summary = build_council(rng=random.Random(seed), staff=staff)
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {council.COUNCIL_NAME}: {summary['units']} org units, {summary['employees']:,} staff "
                f"({summary['champions']} digital champions) in {time.perf_counter() - started:.1f} s."
            )
        )
        self._run_app_seeders(seed=seed, staff=staff, verbosity=options.get("verbosity", 1))
        analyze_tables()
        self.stdout.write(f"Demo accounts share the password: {council.DEMO_PASSWORD}")

    def _run_app_seeders(self, *, seed: int, staff: int, verbosity: int) -> None:
        failed = []
        for seeder in demo_seeders():
            started = time.perf_counter()
            try:
                # Each app's data lands whole or not at all, so one broken seeder cannot leave
                # another app's half-written records behind.
                with transaction.atomic():
                    seeder.fn(rng=random.Random(seed), staff_count=staff, stdout=self.stdout)
            except Exception as exc:  # noqa: BLE001 - report the seeder and carry on with the others
                failed.append(seeder.name)
                self.stderr.write(
                    self.style.ERROR(
                        f"Demo data for {seeder.name!r} failed and was rolled back: {type(exc).__name__}: {exc}"
                    )
                )
                if verbosity > 1:
                    import traceback

                    self.stderr.write(traceback.format_exc())
            else:
                self.stdout.write(
                    f"Demo data for {seeder.name!r} added in {time.perf_counter() - started:.1f} s."
                )
        if failed:
            self.stderr.write(
                self.style.WARNING(f"The council is usable, but without demo data from: {', '.join(failed)}.")
            )


def build_council(*, rng: random.Random, staff: int) -> dict:
    root, teams = _plan_units(staff)
    _create_units(root)
    posts = _plan_posts(rng, root, teams, staff)
    _assign_named_accounts(rng, root, posts)
    _create_people(rng, posts)
    _set_unit_heads(root)
    return {
        "units": OrgUnit.objects.count(),
        "employees": len(posts),
        "champions": sum(p.is_champion for p in posts),
    }


# --- the org tree -------------------------------------------------------------------------------


def _plan_units(staff: int) -> tuple[Unit, list[Unit]]:
    root = Unit(council.COUNCIL_CODE, council.COUNCIL_NAME, OrgUnit.Kind.COUNCIL)
    departments = sum(len(depts) for _, _, depts in council.PORTFOLIOS)
    # A small council (a test) gets fewer teams per department so every team still has staff.
    spare = staff - len(council.PORTFOLIOS) - departments
    teams_per_department = max(1, spare // 5 // departments)
    teams = []
    for p_code, p_name, depts in council.PORTFOLIOS:
        portfolio = Unit(p_code, p_name, OrgUnit.Kind.PORTFOLIO, parent=root)
        portfolio.portfolio = portfolio
        root.children.append(portfolio)
        for d_code, d_name, team_names, titles in depts:
            dept = Unit(d_code, d_name, OrgUnit.Kind.DEPARTMENT, parent=portfolio, titles=titles)
            dept.department, dept.portfolio = dept, portfolio
            portfolio.children.append(dept)
            for t_name in team_names[:teams_per_department]:
                team = Unit(
                    f"{d_code}-{_ascii(t_name)[:40]}", t_name, OrgUnit.Kind.TEAM, parent=dept, titles=titles
                )
                team.department, team.portfolio = dept, portfolio
                dept.children.append(team)
                teams.append(team)
    return root, teams


def _create_units(root: Unit) -> None:
    """Insert the tree a level at a time (parents need ids), with lft/rght computed here: the same
    numbering MPTT would give, children ordered by name as OrgUnit's order_insertion_by says."""
    tree_id = (OrgUnit.objects.order_by("-tree_id").values_list("tree_id", flat=True).first() or 0) + 1
    counter = 0
    levels: list[list[tuple[Unit, OrgUnit]]] = []

    def number(unit: Unit, level: int) -> None:
        nonlocal counter
        counter += 1
        lft = counter
        for child in sorted(unit.children, key=lambda u: u.name):
            number(child, level + 1)
        counter += 1
        unit.obj = OrgUnit(
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            directory_key=unit.name,
            tree_id=tree_id,
            lft=lft,
            rght=counter,
            level=level,
        )
        while len(levels) <= level:
            levels.append([])
        levels[level].append((unit, unit.obj))

    number(root, 0)
    for level in levels:
        for unit, obj in level:
            obj.parent = unit.parent.obj if unit.parent else None
        OrgUnit.objects.bulk_create([obj for _, obj in level])


def _set_unit_heads(root: Unit) -> None:
    changed = []

    def walk(unit: Unit) -> None:
        if unit.head_post is not None:
            unit.obj.head = unit.head_post.employee
            changed.append(unit.obj)
        for child in unit.children:
            walk(child)

    walk(root)
    OrgUnit.objects.bulk_update(changed, ["head"])


# --- posts: who works where, for whom -------------------------------------------------------------


def _plan_posts(rng: random.Random, root: Unit, teams: list[Unit], staff: int) -> list[Post]:
    posts: list[Post] = []
    for portfolio in root.children:
        title = "Chief Executive" if portfolio.code == "ceo" else f"Director of {portfolio.name}"
        director = Post(0, portfolio, title, council.DIRECTOR_GRADE, roles={roles.PORTFOLIO_LEAD})
        portfolio.head_post = director
        posts.append(director)
        if portfolio.code == "ceo":
            root.head_post = director
        for dept in portfolio.children:
            head = Post(1, dept, f"Head of {dept.name}", council.HEAD_GRADE, manager=director)
            dept.head_post = head
            posts.append(head)
            for team in dept.children:
                manager = Post(2, team, "Team Manager", rng.choice(council.MANAGER_GRADES), manager=head)
                team.head_post = manager
                posts.append(manager)

    # Share the remaining staff between teams, unevenly as real teams are, at least two each.
    remaining = staff - len(posts)
    weights = [rng.uniform(0.5, 1.5) for _ in teams]
    sizes = [2] * len(teams)
    spare = remaining - 2 * len(teams)
    total_weight = sum(weights)
    for i, w in enumerate(weights):
        sizes[i] += int(spare * w / total_weight)
    for i in range(remaining - sum(sizes)):
        sizes[i % len(teams)] += 1
    named_team = next(t for t in teams if t.department.code == council.MANAGER_DEPARTMENT)
    named_index = teams.index(named_team)
    while sizes[named_index] < MANAGER_TEAM_MIN:
        donor = max((i for i in range(len(sizes)) if i != named_index), key=lambda i: sizes[i])
        if sizes[donor] <= 2:
            break
        sizes[donor] -= 1
        sizes[named_index] += 1

    for team, size in zip(teams, sizes, strict=True):
        manager = team.head_post
        # Bigger teams have team leaders between the manager and staff: one per eight or so.
        leader_count = size // 8 if size >= 8 else (1 if size >= 4 else 0)
        leaders = [
            Post(3, team, "Team Leader", rng.choice(council.LEADER_GRADES), manager=manager)
            for _ in range(leader_count)
        ]
        posts.extend(leaders)
        for i in range(size - leader_count):
            boss = leaders[i % leader_count] if leaders else manager
            posts.append(
                Post(4, team, rng.choice(team.titles), rng.choice(council.STAFF_GRADES), manager=boss)
            )

    for post in posts:
        dept = post.unit.department
        if dept is not None and dept.code in council.DEPARTMENT_ROLES:
            post.roles.add(council.DEPARTMENT_ROLES[dept.code])
        if post.unit.name in council.TEAM_ROLES:
            post.roles.add(council.TEAM_ROLES[post.unit.name])
    return posts


def _staff_in(posts: list[Post], dept_code: str, tier: int = 4) -> list[Post]:
    return [p for p in posts if p.tier == tier and p.unit.department and p.unit.department.code == dept_code]


def _assign_named_accounts(rng: random.Random, root: Unit, posts: list[Post]) -> None:
    director = next(p for p in posts if p.tier == 0 and p.unit.code == council.DIRECTOR_PORTFOLIO)
    director.demo_username = "director"

    manager = next(p for p in _staff_in(posts, council.MANAGER_DEPARTMENT, tier=2))
    manager.demo_username = "manager"
    employee = next(
        p for p in posts if p.tier == 4 and p.manager is not None and p.manager.manager is manager
    )
    employee.demo_username, employee.title = "employee", "Care Coordinator"

    hr = next(p for p in _staff_in(posts, council.HR_DEPARTMENT) if p.unit.name == "HR Advisory")
    hr.demo_username, hr.title = "hr", "HR Adviser"
    payroll_staff = [p for p in _staff_in(posts, council.PAYROLL_DEPARTMENT) if p.unit.name == "Payroll"]
    for post, username in zip(payroll_staff[:2], ["payroll", "payroll2"], strict=True):
        post.demo_username, post.title = username, "Payroll Officer"

    admin = _staff_in(posts, council.ADMIN_DEPARTMENT)[0]
    admin.demo_username, admin.title = "admin", "Intranet Administrator"
    admin.roles.add(roles.INTRANET_ADMIN)
    admin.is_staff_user = True

    # About two digital champions per department, chosen from staff who hold no named account.
    by_department: dict[str, list[Post]] = {}
    for p in posts:
        if p.tier == 4 and not p.demo_username:
            by_department.setdefault(p.unit.department.code, []).append(p)
    for candidates in by_department.values():
        for p in rng.sample(candidates, min(2, len(candidates))):
            p.is_champion = True
            p.roles.add(roles.DIGITAL_CHAMPION)
    champion = next(p for p in by_department[council.CHAMPION_DEPARTMENT] if p.is_champion)
    champion.demo_username = "champion"

    # A few leavers, so the directory and reports have someone to leave out.
    ordinary = [p for p in posts if p.tier == 4 and not p.demo_username and not p.is_champion]
    for p in rng.sample(ordinary, int(len(posts) * LEAVER_SHARE)):
        p.is_active = False


# --- users and employees ------------------------------------------------------------------------


def _work_style(rng: random.Random, post: Post) -> str:
    if post.tier <= 2:
        return rng.choice([Employee.WorkStyle.AGILE, Employee.WorkStyle.FLEXIBLE])
    for style, words in council.WORK_STYLE_BY_WORD.items():
        if any(w in post.title for w in words):
            return style if rng.random() < 0.7 else Employee.WorkStyle.FLEXIBLE
    return rng.choice(list(Employee.WorkStyle.values))


def _start_date(rng: random.Random, tier: int) -> date:
    # Senior staff tend to have been around longer.
    earliest = date(1992, 1, 1) if tier <= 2 else date(2001, 1, 1)
    return earliest + timedelta(days=rng.randrange((LATEST_START - earliest).days))


def _create_people(rng: random.Random, posts: list[Post]) -> None:
    User = get_user_model()
    password = make_password(council.DEMO_PASSWORD)  # hashed once: PBKDF2 per user would take minutes
    taken: set[str] = set()
    users = []
    for number, post in enumerate(posts, start=1):
        first, last = rng.choice(council.FIRST_NAMES), rng.choice(council.LAST_NAMES)
        preferred = council.PREFERRED_NAMES.get(first, "") if rng.random() < 0.4 else ""
        login = f"{_ascii(first)}.{_ascii(last)}"
        if login in taken:
            login = f"{login}{number}"
        taken.add(login)
        username = post.demo_username or login
        users.append(
            User(
                username=username,
                email=f"{login}@{council.EMAIL_DOMAIN}",
                first_name=first,
                last_name=last,
                password=password,
                is_active=post.is_active,
                is_staff=post.is_staff_user,
            )
        )
        phone = f"01632 960{rng.randrange(1000):03d}"  # Ofcom's range reserved for drama: never real
        mobile = f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.6 else ""
        leaver = not post.is_active
        start = _start_date(rng, post.tier)
        post.employee = Employee(
            employee_number=f"{100000 + number}",
            directory_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            first_name=first,
            last_name=last,
            preferred_name=preferred,
            email=f"{login}@{council.EMAIL_DOMAIN}",
            job_title=post.title,
            grade=post.grade,
            org_unit=post.unit.obj,
            work_style=_work_style(rng, post),
            location=rng.choice(council.LOCATIONS),
            work_phone=phone,
            mobile_phone=mobile,
            start_date=start,
            is_active=not leaver,
            left_on=start + timedelta(days=rng.randrange(30, 2000)) if leaver else None,
            is_digital_champion=post.is_champion,
        )
        post.employee.search_text = post.employee.build_search_text()  # bulk_create skips save()
    User.objects.bulk_create(users, batch_size=2000)
    for post, user in zip(posts, users, strict=True):
        post.employee.user = user

    # Managers first, so every line_manager_id points at a row that already exists.
    for tier in range(5):
        tier_posts = [p for p in posts if p.tier == tier]
        for p in tier_posts:
            p.employee.line_manager = p.manager.employee if p.manager else None
        Employee.objects.bulk_create([p.employee for p in tier_posts], batch_size=2000)

    groups = {g.name: g.pk for g in Group.objects.filter(name__in=roles.ALL_ROLES)}
    for name in roles.ALL_ROLES:
        if name not in groups:
            groups[name] = Group.objects.create(name=name).pk
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [
            Membership(user_id=post.employee.user.pk, group_id=groups[name])
            for post in posts
            for name in sorted({roles.EMPLOYEE, *post.roles})
        ],
        batch_size=5000,
    )


def analyze_tables() -> None:
    """Give the query planner statistics for the tables just filled, and settle their GIN indexes.
    Autovacuum would, a minute or more later; until it does, PostgreSQL plans a freshly seeded
    20,000-person council as if its tables were nearly empty (the chain of a manager's reports read
    by scanning every employee, 15 ms where the index takes 0.5)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            # What autovacuum's VACUUM would also do, and cannot be done here inside a transaction:
            # merge the GIN indexes' pending lists (the directory's trigram index among them).
            # Until then every search reads the whole pending list: 20 ms in the database for a
            # surname at 20,000 staff, against 5 once merged.
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE am.amname = 'gin' AND n.nspname = current_schema()"
            )

