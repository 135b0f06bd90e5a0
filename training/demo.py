"""Demo training data: a catalogue mapped to the skills framework, sessions (some full, with waiting
lists), assignments, completions, digital champions and the help they logged. Deterministic for a
given rng and bulk-created, so it stays fast at 20,000 staff."""

import datetime as dt

import holidays
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from people.models import Employee, OrgUnit
from skills_matrix import selectors as skills_selectors

from .elearning.sample import sample_package
from .models import (
    Assignment,
    AutoAssignmentRule,
    Booking,
    Champion,
    Completion,
    ContentProvider,
    Course,
    CourseSkill,
    HelpLog,
    HelpRequest,
    MandatoryCourse,
    QuizQuestion,
    Session,
)
from .services import package_upload

K = Course.Kind
DEMO_PROVIDER_KEY = "demo-lms"
DEMO_PROVIDER_SECRET = "demo-xapi-secret-change-me"  # noqa: S105 - demo data only, printed in the README

# (code, title, kind, minutes, requires approval, number of skills to map, level)
COURSES = [
    ("cyber-basics", "Staying safe online", K.ELEARNING, 30, False, 2, 2),
    ("phishing-spot", "Spotting phishing emails", K.ELEARNING, 20, False, 1, 2),
    ("data-protection", "Data protection and UK GDPR", K.ELEARNING, 45, False, 1, 2),
    ("m365-essentials", "Microsoft 365 essentials", K.CLASSROOM, 180, False, 2, 1),
    ("excel-working", "Excel for everyday work", K.CLASSROOM, 180, True, 1, 2),
    ("excel-advanced", "Excel: formulas and pivot tables", K.CLASSROOM, 240, True, 1, 3),
    ("teams-meetings", "Running good Teams meetings", K.WEBINAR, 60, False, 1, 2),
    ("accessible-docs", "Writing accessible documents", K.WEBINAR, 90, False, 1, 3),
    ("digital-inclusion", "Helping residents online", K.CLASSROOM, 180, False, 1, 2),
    ("ai-at-work", "Using AI tools safely at work", K.WEBINAR, 60, False, 1, 1),
    ("champion-dropin", "Digital champion drop-in", K.DROP_IN, 60, False, 1, 1),
    ("mobile-working", "Working well on a phone or tablet", K.ELEARNING, 25, False, 1, 1),
]

# E-learning played in the intranet from the project's own packages (code, title, standard).
PLAYED_COURSES = [("spot-scams", "Spot scams and phishing", "scorm2004"),
                  ("spot-scams-cmi5", "Spot scams and phishing (cmi5)", "cmi5")]

QUIZ = [
    ("An email asks you to confirm your password urgently. What do you do?",
     ["Reply with it", "Report it as phishing", "Forward it to a colleague"], 1),
    ("Where should you save work documents?", ["My desktop", "A USB stick", "SharePoint or OneDrive"], 2),
    ("Which password is strongest?", ["Password1", "three-random-words-7", "Council2026"], 1),
]


@transaction.atomic
def seed(*, rng, staff_count: int, stdout) -> None:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    today = timezone.localdate()
    skills = list(skills_selectors.skills_taking_evidence())
    staff = list(Employee.objects.filter(is_active=True).order_by("pk").values_list("pk", "org_unit_id", "line_manager_id"))
    staff_ids = [s[0] for s in staff]

    provider = ContentProvider.objects.create(
        name="Council learning platform (demo)", key_id=DEMO_PROVIDER_KEY, key_hash=make_password(DEMO_PROVIDER_SECRET)
    )
    courses = Course.objects.bulk_create([
        Course(code=code, title=title, kind=kind, duration_minutes=minutes, requires_approval=approval,
               summary=f"{title}: practical, short and designed for council staff.",
               audience="All staff" if kind != K.CLASSROOM else "Staff who use this at work",
               launch_url=f"https://learning.council.example/courses/{code}" if kind == K.ELEARNING else "",
               activity_iri=f"https://learning.council.example/courses/{code}" if kind == K.ELEARNING else None,
               content_provider=provider if kind == K.ELEARNING else None,
               cancellation_cutoff_hours=48 if kind == K.CLASSROOM else 4)
        for code, title, kind, minutes, approval, _n, _lv in COURSES
    ])
    by_code = {c.code: c for c in courses}
    by_code["excel-advanced"].prerequisites.add(by_code["excel-working"])
    links = []
    if skills:
        for i, (code, *_rest, n_skills, level) in enumerate(COURSES):
            for j in range(n_skills):
                links.append(CourseSkill(course=by_code[code], skill=skills[(i * 3 + j) % len(skills)], level=level))
    CourseSkill.objects.bulk_create(links, ignore_conflicts=True)
    QuizQuestion.objects.bulk_create(
        [QuizQuestion(course=by_code["cyber-basics"], text=t, options=o, correct_option=c, sort_order=n)
         for n, (t, o, c) in enumerate(QUIZ)]
    )

    # Champions: everyone the people seeder marked as a champion, serving their department.
    unit_dept = _departments()
    champion_rows = list(Employee.objects.filter(is_active=True, is_digital_champion=True).values_list("pk", "org_unit_id"))
    champions = Champion.objects.bulk_create([
        Champion(employee_id=pk, unit_id=unit_dept.get(unit_id, unit_id),
                 availability=rng.choice(["Mondays and Wednesdays, 10am to 12pm", "Tuesday afternoons",
                                          "Most mornings – message me first", "Thursdays, all day"]))
        for pk, unit_id in champion_rows if unit_id
    ])
    for c in champions:
        if skills:
            c.skills.set(rng.sample(skills, min(3, len(skills))))

    # Sessions: three dates for each course that has sessions; the first of each is small and full.
    sessions = []
    hosts = [c.employee_id for c in champions] or staff_ids[:1]
    for course in courses:
        if not course.has_sessions:
            continue
        for k in range(3):
            day = _working_day(today + dt.timedelta(days=3 + 7 * k + rng.randint(0, 4)))
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.choice([9, 10, 13, 14]), rng.choice([0, 30]))))
            sessions.append(Session(
                course=course, starts_at=start, ends_at=start + dt.timedelta(minutes=course.duration_minutes),
                venue="" if course.kind == K.WEBINAR else rng.choice(["Civic Centre, room 2.14", "Town Hall annexe",
                                                                      "Library learning suite"]),
                online_url="https://teams.example/meet/" + course.code if course.kind == K.WEBINAR else "",
                capacity=6 if k == 0 else 20, host_id=rng.choice(hosts) if course.kind == K.DROP_IN else None,
            ))
    sessions = Session.objects.bulk_create(sessions)
    bookings = []
    pool = staff_ids[:]
    rng.shuffle(pool)
    cursor = 0
    for s in sessions:
        wanted = s.capacity + 3 if s.capacity == 6 else rng.randint(2, 12)
        people = pool[cursor:cursor + wanted]
        cursor = (cursor + wanted) % max(len(pool) - 30, 1)
        for n, pk in enumerate(people):
            full = n >= s.capacity
            bookings.append(Booking(
                session=s, employee_id=pk,
                status=Booking.Status.WAITLISTED if full else Booking.Status.CONFIRMED,
                queued_at=now - dt.timedelta(minutes=60 - n) if full else None,
            ))
    Booking.objects.bulk_create(bookings, ignore_conflicts=True)

    # Assignments and completions for a sample of staff (about a quarter), some overdue.
    sample = rng.sample(staff_ids, min(len(staff_ids), max(staff_count // 4, 1)))
    mandatory = [by_code["cyber-basics"], by_code["data-protection"], by_code["phishing-spot"]]
    assignments, completions = [], []
    for pk in sample:
        for course in mandatory:
            roll = rng.random()
            if roll < 0.5:
                completions.append(Completion(employee_id=pk, course=course, source=Completion.Source.XAPI,
                                              completed_at=now - dt.timedelta(days=rng.randint(1, 300)),
                                              score_scaled=round(rng.uniform(0.7, 1.0), 2)))
                assignments.append(Assignment(employee_id=pk, course=course, source=Assignment.Source.HR,
                                              due_on=today - dt.timedelta(days=rng.randint(1, 200)),
                                              status=Assignment.Status.COMPLETED, completed_at=now))
            elif roll < 0.8:
                assignments.append(Assignment(employee_id=pk, course=course, source=Assignment.Source.HR,
                                              due_on=today + dt.timedelta(days=rng.randint(-30, 60))))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    Completion.objects.bulk_create(completions, batch_size=2000)
    AutoAssignmentRule.objects.create(name="Close skills gaps across the council", due_in_days=90)
    # Statutory: everyone renews data protection every year (the nightly run assigns the renewals).
    MandatoryCourse.objects.create(course=by_code["data-protection"], validity_months=12)

    # Help requests and the help champions logged.
    topics = ["Setting up two-step sign-in", "Sharing a file in Teams", "Booking a room in Outlook",
              "Scanning to email", "Using the payslip page", "Joining a Teams call from a phone"]
    requests_, logs = [], []
    champion_units = {c.employee_id: c.unit_id for c in champions}
    for n, (champion_pk, unit_id) in enumerate(champion_units.items()):
        colleague = rng.choice(staff_ids)
        for _ in range(rng.randint(1, 6)):
            logs.append(HelpLog(champion_id=champion_pk, colleague_id=rng.choice(staff_ids), topic=rng.choice(topics),
                                skill=rng.choice(skills) if skills else None, minutes=rng.choice([10, 15, 20, 30, 45]),
                                channel=rng.choice(HelpLog.Channel.values),
                                given_on=today - dt.timedelta(days=rng.randint(0, 120))))
        if n % 2 == 0 and colleague != champion_pk:
            requests_.append(HelpRequest(requester_id=colleague, routed_unit_id=unit_id, topic=rng.choice(topics),
                                         details="Could someone show me how, please?"))
    HelpLog.objects.bulk_create(logs, batch_size=2000)
    HelpRequest.objects.bulk_create(requests_)
    _named_accounts(by_code, sessions, now=now, today=today)
    _elearning_packages(skills, today=today)
    stdout.write(
        f"  training: {len(courses)} courses, {len(sessions)} sessions, {len(bookings)} bookings, "
        f"{len(assignments)} assignments, {len(completions)} completions, {len(champions)} champions, "
        f"{len(logs)} help logs"
    )


def _elearning_packages(skills: list, *, today) -> None:
    """The project's own module, "Spot scams and phishing", played in the intranet: SCORM 2004 and
    cmi5 versions (training.elearning.sample), uploaded as the learning team would, and assigned to
    `employee` so "My learning" has one to play."""
    admin = Employee.objects.filter(user__username="admin").select_related("user").first()
    if admin is None:
        return
    for code, title, standard in PLAYED_COURSES:
        course = Course.objects.create(code=code, title=title, kind=K.ELEARNING, duration_minutes=10,
                                       summary="Essential Digital Skills: recognise scam emails, texts and calls, "
                                               "and know what to do.", audience="All staff")
        if skills:
            CourseSkill.objects.create(course=course, skill=skills[0], level=2)
        package_upload(actor=admin.user, course=course,
                       upload=SimpleUploadedFile(f"{code}.zip", sample_package(standard)))
    emp = Employee.objects.filter(user__username="employee").first()
    if emp is not None:
        Assignment.objects.create(employee=emp, course=Course.objects.get(code="spot-scams"),
                                  source=Assignment.Source.HR, due_on=today + dt.timedelta(days=14))


_BANK_HOLIDAYS = holidays.UK(subdiv="ENG")


def _working_day(day: dt.date) -> dt.date:
    """The same day, or the next one that is not a weekend or an England bank holiday."""
    while day.weekday() >= 5 or day in _BANK_HOLIDAYS:
        day += dt.timedelta(days=1)
    return day


def _departments() -> dict[int, int]:
    """{unit id: id of the department it sits in (itself for departments and above)}."""
    units = list(OrgUnit.objects.order_by("tree_id", "lft").values_list("pk", "kind", "tree_id", "lft", "rght"))
    depts = [u for u in units if u[1] == OrgUnit.Kind.DEPARTMENT]
    out = {}
    for pk, _kind, tree, lft, rght in units:
        dept = next((d[0] for d in depts if d[2] == tree and d[3] <= lft and rght <= d[4]), pk)
        out[pk] = dept
    return out


def _named_accounts(by_code: dict, sessions: list, *, now, today) -> None:
    """Give the demo sign-ins something to see: `employee` has courses due (one overdue), a place, a
    place waiting for `manager`'s approval, a waiting-list place and a certificate; `champion` has a
    colleague waiting for help."""
    emp = Employee.objects.filter(user__username="employee").first()
    if emp is not None:
        Booking.objects.filter(employee=emp).delete()
        Assignment.objects.filter(employee=emp).delete()
        Completion.objects.filter(employee=emp).delete()
        Assignment.objects.bulk_create([
            Assignment(employee=emp, course=by_code["cyber-basics"], source=Assignment.Source.HR,
                       due_on=today + dt.timedelta(days=10)),
            Assignment(employee=emp, course=by_code["data-protection"], source=Assignment.Source.HR,
                       due_on=today - dt.timedelta(days=5)),
        ])
        Completion.objects.create(employee=emp, course=by_code["phishing-spot"], source=Completion.Source.XAPI,
                                  completed_at=now - dt.timedelta(days=30), score_scaled=0.9)
        by_course: dict[str, list[Session]] = {}
        for s in sorted(sessions, key=lambda s: s.starts_at):
            by_course.setdefault(s.course.code, []).append(s)
        wanted = [("m365-essentials", 1, Booking.Status.CONFIRMED), ("excel-working", 1, Booking.Status.PENDING),
                  ("teams-meetings", 0, Booking.Status.WAITLISTED)]
        taken: list[Session] = []
        for code, index, status in wanted:
            options = by_course.get(code, [])
            # Skip a date that clashes with one already booked, as the booking service would.
            choice = next((s for s in options[index:] + options[:index]
                           if all(s.ends_at <= t.starts_at or s.starts_at >= t.ends_at for t in taken)), None)
            if choice is None:
                continue
            taken.append(choice)
            Booking.objects.create(session=choice, employee=emp, status=status,
                                   queued_at=now if status == Booking.Status.WAITLISTED else None)
    champ = Champion.objects.filter(employee__user__username="champion").select_related("unit").first()
    if champ is not None:
        colleague = (Employee.objects.filter(is_active=True, org_unit__tree_id=champ.unit.tree_id,
                                             org_unit__lft__gte=champ.unit.lft, org_unit__lft__lte=champ.unit.rght)
                     .exclude(pk=champ.employee_id).order_by("pk").first())
        if colleague is not None:
            HelpRequest.objects.create(requester=colleague, routed_unit=champ.unit,
                                       topic="Setting up two-step sign-in on a new phone",
                                       details="My phone was replaced and I cannot sign in to email.")
