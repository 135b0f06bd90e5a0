"""Recruitment ICT baseline tests.

Personal data about an applicant lives only on `Applicant` (and the answers they gave) so that the
retention purge has one place to blank. Everything else (templates, attempts, per-area results) is
anonymous once the applicant is purged and keeps feeding the statistics.

Questions are versioned: an attempt points at the exact `QuestionVersion` it showed, and versions
never change after they are written, so editing a question can never change a past score.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from skills_matrix.models import Level, Skill


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    ORDERING = "ordering", "Put in order"
    PRACTICAL = "practical", "Practical task"  # a scenario (an email, a spreadsheet) and one right choice
    # A hands-on task: put each item (a file, an email) into one of the groups (folders, inbox
    # actions). `options` are the items, `groups` the folders, `correct` the group index per item.
    SORTING = "sorting", "Sort into folders"


class Difficulty(models.IntegerChoices):
    EASY = 1, "Easy"
    MEDIUM = 2, "Medium"
    HARD = 3, "Hard"


class Question(models.Model):
    """A question in the bank for one skill. Its wording lives in versions; `current` is what new
    attempts draw."""

    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="recruitment_questions")
    current = models.ForeignKey(
        "QuestionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["skill__tree_id", "skill__lft", "pk"]

    def __str__(self):
        return f"Question {self.pk}" + (f": {self.current.prompt[:60]}" if self.current_id else "")


class QuestionVersion(models.Model):
    """One immutable wording of a question. `options` is a list of strings; `correct` is a list of
    option indexes (for ordering questions: the indexes in the right order)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    prompt = models.TextField()
    scenario = models.TextField(blank=True, help_text="Material the question is about, e.g. an email.")
    options = models.JSONField(default=list)
    groups = models.JSONField(default=list, blank=True, help_text="Sorting tasks: the folders to sort into.")
    correct = models.JSONField(default=list)
    difficulty = models.PositiveSmallIntegerField(choices=Difficulty.choices, default=Difficulty.MEDIUM)
    explanation = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="recruitment_qv_unique_number")]

    def __str__(self):
        return f"Question {self.question_id} v{self.number}"

    def clean(self):
        opts = self.options if isinstance(self.options, list) else []
        if len(opts) < 2 or any(not str(o).strip() for o in opts):
            raise ValidationError({"options": "Give at least two options, none of them empty."})
        correct = self.correct if isinstance(self.correct, list) else []
        if self.kind == QuestionKind.SORTING:
            groups = self.groups if isinstance(self.groups, list) else []
            if len(groups) < 2 or any(not str(g).strip() for g in groups):
                raise ValidationError({"groups": "Give at least two folders to sort into, none of them empty."})
            if len(correct) != len(opts) or any(not isinstance(g, int) or not 0 <= g < len(groups) for g in correct):
                raise ValidationError({"correct": "Name the right folder for every item, by its folder number."})
            return
        if self.groups:
            raise ValidationError({"groups": "Only a sorting task has folders."})
        if not correct or any(not isinstance(i, int) or not 0 <= i < len(opts) for i in correct):
            raise ValidationError({"correct": "Name the right answer(s) by their option number."})
        if self.kind in (QuestionKind.SINGLE, QuestionKind.PRACTICAL) and len(correct) != 1:
            raise ValidationError({"correct": "A single-choice question has exactly one right answer."})
        if self.kind == QuestionKind.ORDERING and sorted(correct) != list(range(len(opts))):
            raise ValidationError({"correct": "An ordering question lists every option once, in the right order."})
        if len(set(correct)) != len(correct):
            raise ValidationError({"correct": "An option is named twice."})

    def save(self, *args, **kwargs):
        if self.pk is not None:
            # Past attempts point at this row; changing it would silently change their scores.
            raise ValidationError("A question version cannot be changed; add a new version instead.")
        super().save(*args, **kwargs)

    def is_correct(self, answer) -> bool:
        if not isinstance(answer, list):
            return False
        if self.kind == QuestionKind.MULTIPLE:
            return sorted(answer) == sorted(self.correct)
        # Sorting: the folder per item, item by item; ordering and single: the same list.
        return list(answer) == list(self.correct)


class TestTemplate(models.Model):
    """Which areas a role's applicants are tested on, how many questions from each, the time limit
    and the pass marks (the role's baseline)."""

    __test__ = False  # not a pytest class, despite the name

    name = models.CharField(max_length=200)
    role_profile = models.ForeignKey(
        "skills_matrix.RoleProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="recruitment_tests"
    )
    # For a role without a profile (yet), or a vacancy-specific title.
    role_name = models.CharField(max_length=200, blank=True)
    time_limit_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(480)])
    is_active = models.BooleanField(default=True)
    open_to_staff = models.BooleanField(
        default=False, help_text="Staff may take this test themselves; a result becomes skills evidence."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TemplateArea(models.Model):
    template = models.ForeignKey(TestTemplate, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    question_count = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(50)])
    pass_mark_percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)], default=60)
    baseline_level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.FOUNDATION)

    class Meta:
        ordering = ["area__tree_id", "area__lft"]
        constraints = [models.UniqueConstraint(fields=["template", "area"], name="recruitment_template_area_unique")]

    def __str__(self):
        return f"{self.template}: {self.area}"


class Applicant(models.Model):
    """The only personal data we hold about a job applicant. Purged after the retention period."""

    name = models.CharField(max_length=200)
    email = models.EmailField()
    vacancy_reference = models.CharField(max_length=64, db_index=True)
    employee_number = models.CharField(max_length=32, blank=True, help_text="Once hired, if known.")
    hired_at = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_to = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        # Deliberately no name: this string is copied into audit entries, which outlive the purge.
        return f"Applicant {self.pk}"

    @property
    def display_name(self) -> str:
        return self.name if not self.purged_at else f"Removed applicant {self.pk}"


class Invitation(models.Model):
    """The applicant's link. Only a hash of the token is stored; the link itself is shown to HR once
    and emailed to the applicant. States and their transitions live in `states.py`."""

    class State(models.TextChoices):
        ISSUED = "issued", "Invited"
        STARTED = "started", "In progress"
        COMPLETED = "completed", "Completed"
        REVOKED = "revoked", "Link revoked"

    applicant = models.OneToOneField(Applicant, on_delete=models.CASCADE, related_name="invitation")
    template = models.ForeignKey(TestTemplate, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ISSUED, db_index=True)
    expires_at = models.DateTimeField()
    extra_time_percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(200)], help_text="Reasonable adjustment: extra time, in per cent."
    )
    large_text = models.BooleanField(default=False, help_text="Reasonable adjustment: larger text.")
    issued_at = models.DateTimeField()
    issue_count = models.PositiveIntegerField(default=1)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Invitation {self.pk}"


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        TIMED_OUT = "timed_out", "Time ran out"
        STOPPED = "stopped", "Stopped by HR"

    # An applicant's attempt has an invitation; a member of staff's has an employee instead.
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="attempt"
    )
    employee = models.ForeignKey(
        "people.Employee", null=True, blank=True, on_delete=models.CASCADE, related_name="ict_test_attempts"
    )
    template = models.ForeignKey(TestTemplate, on_delete=models.PROTECT, related_name="attempts")
    vacancy_reference = models.CharField(max_length=64, db_index=True, blank=True)  # for anonymous statistics
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    question_count = models.PositiveIntegerField(default=0)
    correct_count = models.PositiveIntegerField(null=True, blank=True)
    percent = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    # The template's areas as they stood when the test started ([{"area", "question_count",
    # "pass_mark_percent", "baseline_level"}]): an edit to the template during the test cannot change
    # what it is marked against. Empty for attempts started before this was recorded.
    area_specs = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(invitation__isnull=False, employee__isnull=True)
                | models.Q(invitation__isnull=True, employee__isnull=False),
                name="recruitment_attempt_applicant_or_staff",
            )
        ]

    def __str__(self):
        return f"Attempt {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS


class AttemptQuestion(models.Model):
    """A question drawn for an attempt, pinned to the version shown, and the answer given."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField()
    area = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="attempt_questions")
    # The order the options are shown in to this candidate (option indexes), drawn at random when the
    # test starts and fixed for the attempt. Answers are stored as option indexes, never positions.
    option_order = models.JSONField(default=list, blank=True)
    answer = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    is_correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="recruitment_attempt_position_unique")
        ]

    def __str__(self):
        return f"Attempt {self.attempt_id} question {self.position}"

    def shown_options(self) -> list[tuple[int, str]]:
        """(option index, text) in the order this candidate sees them."""
        options = self.version.options
        order = self.option_order if sorted(self.option_order or []) == list(range(len(options))) else range(len(options))
        return [(i, options[i]) for i in order]


class AttemptAreaResult(models.Model):
    """The score in one area, with the pass mark and baseline that applied at the time."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="area_results")
    area = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    question_count = models.PositiveIntegerField()
    correct_count = models.PositiveIntegerField()
    percent = models.PositiveSmallIntegerField()
    pass_mark_percent = models.PositiveSmallIntegerField()
    baseline_level = models.PositiveSmallIntegerField(choices=Level.choices)
    passed = models.BooleanField()

    class Meta:
        ordering = ["attempt", "area__tree_id", "area__lft"]
        constraints = [models.UniqueConstraint(fields=["attempt", "area"], name="recruitment_area_result_unique")]

    def __str__(self):
        return f"Attempt {self.attempt_id}: {self.percent}% in area {self.area_id}"


class PurgeRecord(models.Model):
    """That personal data was removed, when, why and how much; never whose."""

    class Reason(models.TextChoices):
        RETENTION = "retention", "Retention period ended"
        REQUEST = "request", "Applicant's request"

    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applicant_count = models.PositiveIntegerField()
    applicant_ids = models.JSONField(default=list)
    cutoff = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Purge of {self.applicant_count} applicant(s) on {self.created_at:%Y-%m-%d}"
