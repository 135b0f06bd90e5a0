"""Training: the course catalogue, dated sessions and their bookings, assignments, completions
(from attendance, the in-intranet quiz or xAPI statements), and digital champions.

Workflows live in `services/` (one module per workflow); the booking state machine is `BOOKING` in
`training/states.py`. Models only hold data and invariants.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from people.models import Employee, OrgUnit
from skills_matrix.models import Level, Skill


class Course(models.Model):
    class Kind(models.TextChoices):
        ELEARNING = "elearning", "E-learning module"
        CLASSROOM = "classroom", "Classroom session"
        WEBINAR = "webinar", "Webinar"
        DROP_IN = "dropin", "Digital champion drop-in"

    code = models.SlugField(max_length=64, unique=True, help_text="Stable short code, e.g. cyber-basics.")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    launch_url = models.URLField(blank=True, help_text="Where an e-learning module starts.")
    duration_minutes = models.PositiveIntegerField(default=60)
    audience = models.CharField(max_length=200, blank=True, help_text="Who the course is for.")
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="leads_to")
    requires_approval = models.BooleanField(
        default=False, help_text="A line manager must approve each booking before a place is given."
    )
    cancellation_cutoff_hours = models.PositiveIntegerField(
        default=48, help_text="Learners cannot cancel their own place this close to the start."
    )
    # xAPI: the activity IRI authoring tools put in `object.id`, and which provider may report it.
    activity_iri = models.URLField(max_length=500, blank=True, null=True, unique=True)
    content_provider = models.ForeignKey(
        "training.ContentProvider", null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Percent needed to pass the quiz.")
    quiz_question_count = models.PositiveSmallIntegerField(
        default=0, help_text="Questions drawn at random for each attempt (0: every question).")
    quiz_max_attempts = models.PositiveSmallIntegerField(
        default=3, help_text="Attempts allowed per assignment, or in all without one (0: no limit).")
    quiz_cooldown_minutes = models.PositiveIntegerField(default=30, help_text="Wait after a failed attempt.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="course_pass_mark_percent"),
        ]

    def __str__(self):
        return self.title

    @property
    def has_sessions(self) -> bool:
        return self.kind != self.Kind.ELEARNING


class CourseSkill(models.Model):
    """The course develops `skill` up to `level` (what the skills matrix counts as evidence)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        ordering = ["skill__name"]
        constraints = [models.UniqueConstraint(fields=["course", "skill"], name="courseskill_once")]

    def __str__(self):
        return f"{self.course} → {self.skill} ({self.get_level_display()})"


class QuizQuestion(models.Model):
    """A multiple-choice question of a course's end-of-course quiz."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quiz_questions")
    text = models.CharField(max_length=500)
    options = models.JSONField(help_text="List of answer texts.")
    correct_option = models.PositiveSmallIntegerField(help_text="Index into options, from 0.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.text


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    online_url = models.URLField(blank=True)
    capacity = models.PositiveIntegerField()
    host = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_sessions",
        help_text="Trainer or champion running the session; may take the register.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    # iCalendar SEQUENCE: raised on every change learners must see, so calendars replace the invite.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.course.title}, {self.starts_at:%d %b %Y %H:%M}"

    @property
    def ical_uid(self) -> str:
        return f"training-session-{self.pk}@intranet.council"


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for manager approval"
        CONFIRMED = "confirmed", "Place confirmed"
        WAITLISTED = "waitlisted", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"
        REJECTED = "rejected", "Not approved"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "Did not attend"

    ACTIVE = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)
    HOLDS_PLACE = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="training_bookings")
    status = models.CharField(max_length=16, choices=Status.choices)
    # The waiting list is served in the order people joined it.
    queued_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Sent: the mail server accepted the reminder. Queued: handed to the mail task, which may still
    # be retrying; the hourly run leaves it alone until the retries are over (core.mail).
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__starts_at", "id"]
        constraints = [
            # A person holds at most one live booking per session, whatever the race.
            models.UniqueConstraint(
                fields=["session", "employee"],
                condition=Q(status__in=["pending", "confirmed", "waitlisted", "attended", "no_show"]),
                name="booking_one_live_per_person",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"])]

    def __str__(self):
        return f"{self.employee} on {self.session}"


class Assignment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "To do"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        MANAGER = "manager", "Assigned by a manager"
        HR = "hr", "Assigned by HR or learning"
        GAP = "gap", "From a skills gap"
        MANDATORY = "mandatory", "Mandatory training"
        RENEWAL = "renewal", "Renewal of mandatory training"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="assignments")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="training_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    gap_skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # Each set when the mail server accepted that email (core.mail's on_sent), not when queued.
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    overdue_told_at = models.DateTimeField(null=True, blank=True, help_text="When the learner was told it is overdue.")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "employee"], condition=Q(status="open"), name="assignment_one_open_per_course"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["employee", "status"])]

    def __str__(self):
        return f"{self.course} for {self.employee}"


class Completion(models.Model):
    class Source(models.TextChoices):
        ATTENDANCE = "attendance", "Attended a session"
        QUIZ = "quiz", "Passed the quiz"
        XAPI = "xapi", "Reported by e-learning"
        MANUAL = "manual", "Recorded by learning"
        ELEARNING = "elearning", "Finished the e-learning"

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="training_completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    source = models.CharField(max_length=16, choices=Source.choices)
    completed_at = models.DateTimeField(db_index=True)
    score_scaled = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    score_raw = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    booking = models.OneToOneField(Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="completion")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [models.Index(fields=["employee", "course"])]

    def __str__(self):
        return f"{self.employee} completed {self.course}"

    @property
    def certificate_number(self) -> str:
        return f"TRN-{self.pk:07d}"


class ContentProvider(models.Model):
    """An e-learning host allowed to post xAPI statements. It authenticates with HTTP Basic:
    username = `key_id`, password = the secret shown once when the key is issued (stored hashed)."""

    name = models.CharField(max_length=200)
    key_id = models.SlugField(max_length=64, unique=True)
    key_hash = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class XapiStatement(models.Model):
    """Every accepted statement, so a replay (same id) answers as before and changes nothing."""

    statement_id = models.UUIDField(unique=True)
    provider = models.ForeignKey(ContentProvider, on_delete=models.PROTECT, related_name="statements")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=16)
    success = models.BooleanField(null=True)
    score_scaled = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    score_raw = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    completion = models.ForeignKey(Completion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.statement_id)


class Champion(models.Model):
    """A digital champion: serves a department (and the teams beneath it)."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="champion_profile")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="champions")
    skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    availability = models.CharField(max_length=300, blank=True, help_text="e.g. Tuesdays and Thursdays, 10am to 12pm.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["employee__last_name", "employee__first_name"]

    def __str__(self):
        return str(self.employee)


class HelpRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a champion"
        TAKEN = "taken", "A champion is helping"
        RESOLVED = "resolved", "Resolved"

    requester = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="help_requests")
    # The nearest unit above the requester that has active champions (set when asked).
    routed_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(max_length=200)
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    details = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    champion = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="help_requests_taken"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["routed_unit", "status"])]

    def __str__(self):
        return self.topic


class HelpLog(models.Model):
    class Channel(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        CHAT = "chat", "Chat or email"
        DROP_IN = "dropin", "Drop-in session"

    champion = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="help_given")
    colleague = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    help_request = models.ForeignKey(HelpRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="logs")
    topic = models.CharField(max_length=200)
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    given_on = models.DateField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(minutes__gte=1) & Q(minutes__lte=600), name="helplog_minutes")]

    def __str__(self):
        return f"{self.topic} ({self.minutes} min)"


class AutoAssignmentRule(models.Model):
    """Turns skills gaps into assignments for everyone in `unit` (and beneath; all staff if empty)."""

    name = models.CharField(max_length=200)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_in_days = models.PositiveIntegerField(default=60)
    is_active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class MandatoryCourse(models.Model):
    """A course staff must hold: everyone matching every condition given (a unit and everything
    beneath it, a role profile, a work style; none given means all staff). With a validity period
    it must be renewed: a completion counts for `validity_months`, and a renewal is assigned
    `renew_days_before` days before it runs out (services.mandatory)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="mandatory_rules")
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role_profile = models.ForeignKey(
        "skills_matrix.RoleProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    work_style = models.CharField(max_length=16, blank=True, choices=Employee.WorkStyle.choices)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How long a completion counts, e.g. 12. Empty: once is enough."
    )
    renew_days_before = models.PositiveSmallIntegerField(default=30)
    due_in_days = models.PositiveSmallIntegerField(default=30, help_text="Time given to someone who never did it.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["course__title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(validity_months__isnull=True) | Q(validity_months__gte=1),
                                   name="mandatory_validity_positive"),
        ]

    def __str__(self):
        return f"{self.course} (mandatory)"


class ContentOpened(models.Model):
    """A learner opened the course's e-learning content (through the course page's start button):
    its quiz can be taken only after that."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    first_opened_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employee", "course"], name="content_opened_once")]

    def __str__(self):
        return f"{self.employee} opened {self.course}"


class QuizAttempt(models.Model):
    """One go at a course's quiz: the questions drawn for it and each one's option order are fixed
    when it starts (a reload shows the same ones), and it is marked once. Attempts count against
    the course's limit per assignment (`assignment`), or in all when there was none."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="quiz_attempts")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quiz_attempts")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # [{"question": id, "order": [option index, ... in the order shown]}]
    drawn = models.JSONField()
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    correct = models.PositiveSmallIntegerField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    completion = models.ForeignKey(Completion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "course"], condition=Q(submitted_at__isnull=True),
                                    name="quiz_attempt_one_open"),
        ]

    def __str__(self):
        return f"{self.employee} on {self.course} quiz ({self.started_at:%Y-%m-%d %H:%M})"
from .elearning.models import ElearningAttempt, ElearningPackage  # noqa: E402,F401  (training models kept in their own file)
