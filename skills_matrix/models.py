"""Skills framework (shared contract: training and recruitment depend on `Skill` and `Level`).

The framework is a tree of areas and skills. Skills are never deleted once used: retire them
(`is_active=False`) so past assessments, requirements and evidence keep their meaning.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from mptt.models import MPTTModel, TreeForeignKey

from people.models import Employee, OrgUnit


class Level(models.IntegerChoices):
    NONE = 0, "0 – None"
    FOUNDATION = 1, "1 – Foundation"
    WORKING = 2, "2 – Working"
    CONFIDENT = 3, "3 – Confident"
    EXPERT = 4, "4 – Expert (can teach others)"


class Skill(MPTTModel):
    """A node of the framework: an area (e.g. "Being safe and legal online") or a skill beneath it."""

    class Kind(models.TextChoices):
        AREA = "area", "Area"
        SKILL = "skill", "Skill"

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SKILL)
    parent = TreeForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class MPTTMeta:
        order_insertion_by = ["sort_order", "name"]

    def __str__(self):
        return self.name


class SkillDescriptor(models.Model):
    """What a level of a skill looks like in practice ("can join a Teams meeting from a phone").

    The current wording only: assessments copy the wording they were made against, so HR may reword
    descriptors without changing what a past assessment meant."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="descriptors")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    text = models.TextField()

    class Meta:
        ordering = ["skill_id", "level"]
        constraints = [models.UniqueConstraint(fields=["skill", "level"], name="descriptor_one_per_level")]

    def __str__(self):
        return f"{self.skill} at {self.get_level_display()}"


class FrameworkVersion(models.Model):
    """One published edit of the framework. Assessments record the version they were made against."""

    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"Framework version {self.number}"


class RoleProfile(models.Model):
    """What a kind of role needs: a job family at a grade band and work style, with required levels."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    job_family = models.CharField(max_length=100, blank=True)
    grade = models.CharField(max_length=32, blank=True, help_text="Grade or grade band, e.g. SO1–SO2.")
    work_style = models.CharField(
        max_length=16, choices=Employee.WorkStyle.choices, blank=True, help_text="Blank: any work style."
    )
    description = models.TextField(blank=True)
    is_default = models.BooleanField(
        default=False, help_text="Applies to everyone who has not been given a profile of their own."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_role_profile")
        ]

    def __str__(self):
        return self.name


class RoleRequirement(models.Model):
    profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="requirements")
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        ordering = ["profile_id", "skill__lft"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="requirement_one_per_skill"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=4), name="requirement_level_range"),
        ]

    def __str__(self):
        return f"{self.profile}: {self.skill} at {self.level}"


class EmployeeRoleProfile(models.Model):
    """An employee's role profile. People without one are measured against the default profile."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, related_name="skills_role")
    profile = models.ForeignKey(RoleProfile, on_delete=models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField(auto_now=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The rule that gave it, when a rule did: re-applying the rules may change or remove it. Empty
    # for a profile HR set by hand, which the rules leave alone.
    rule = models.ForeignKey("RoleProfileRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"{self.employee}: {self.profile}"


class RoleProfileRule(models.Model):
    """Gives a role profile to everyone matching every condition set, from what the directory
    supplies: words in the job title, the grade, the work style, a unit and everything beneath it.
    Where several rules match, the lowest `priority` wins (then the oldest). Previewed, then applied
    in bulk (skills_matrix.profile_rules), and re-applied after each directory sync."""

    profile = models.ForeignKey(RoleProfile, on_delete=models.PROTECT, related_name="rules")
    job_title_contains = models.CharField(max_length=100, blank=True)
    grade = models.CharField(max_length=32, blank=True)
    work_style = models.CharField(max_length=16, choices=Employee.WorkStyle.choices, blank=True)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self):
        return f"Rule {self.pk}: {self.profile}"

    def describe(self) -> str:
        parts = []
        if self.job_title_contains:
            parts.append(f"job title contains “{self.job_title_contains}”")
        if self.grade:
            parts.append(f"grade {self.grade}")
        if self.work_style:
            parts.append(f"{self.get_work_style_display().lower()} workers")
        if self.unit_id:
            parts.append(f"in {self.unit.name}")
        return ", ".join(parts) or "everyone"


class Campaign(models.Model):
    """A skills analysis round ("2027 skills analysis") for the council or one part of it."""

    name = models.CharField(max_length=200)
    org_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="skills_campaigns",
        help_text="Blank: the whole council. Otherwise this unit and everything beneath it.",
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    reminder_every_days = models.PositiveSmallIntegerField(default=7)
    last_reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_closes_after_opening")
        ]

    def __str__(self):
        return self.name

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on


class CampaignReminder(models.Model):
    """When a person was last reminded about a campaign: written only once the mail server has
    accepted the reminder (core.mail's on_sent), so a reminder that never went is sent again by the
    next daily run rather than waiting a whole reminder interval."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "employee"], name="campaign_reminder_once")]

    def __str__(self):
        return f"{self.employee_id} reminded about {self.campaign_id} at {self.sent_at:%Y-%m-%d %H:%M}"


class Assessment(models.Model):
    """One employee's assessment in one campaign. Never overwritten by a later one: history is the
    list of assessments, and the current level of a skill is the latest validated one."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Waiting for manager validation"
        VALIDATED = "validated", "Validated"

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="skill_assessments")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    framework_version = models.ForeignKey(FrameworkVersion, null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["employee", "campaign"], name="assessment_one_per_campaign")]
        indexes = [models.Index(fields=["employee", "status"])]

    def __str__(self):
        return f"{self.employee} – {self.campaign}"


class Rating(models.Model):
    """One skill in one assessment: the employee's own level and the manager's validated level.

    `skill_name` and `descriptor` are copies taken when the level was chosen, so a later edit of the
    framework never changes what was assessed."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    self_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    validated_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    adjust_reason = models.TextField(blank=True)
    skill_name = models.CharField(max_length=200)
    descriptor = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment_id", "skill__lft"]
        constraints = [models.UniqueConstraint(fields=["assessment", "skill"], name="rating_one_per_skill")]

    def __str__(self):
        return f"{self.skill_name}: {self.self_level}"


class Evidence(models.Model):
    """A level shown outside an assessment (a completed course, a baseline test, a recruitment test).

    Counts towards the current level only once the employee's manager accepts it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for manager validation"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Not accepted"

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="skill_evidence")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    source = models.CharField(max_length=32, help_text="training, baseline_test, recruitment, …")
    source_ref = models.CharField(max_length=128, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "skill", "source", "source_ref"], name="evidence_once_per_source"
            )
        ]

    def __str__(self):
        return f"{self.employee}: {self.skill} at {self.level} ({self.source})"


class CurrentSkills(models.Model):
    """Each employee's current validated levels, one row per person ({skill_id: level}).

    Derived data, kept by the services that validate assessments and accept evidence (and rebuilt by
    `current_skills_rebuild`). One row per person lets the gap matrix for thousands of people read
    every level in a single flat query."""

    employee = models.OneToOneField(Employee, on_delete=models.CASCADE, primary_key=True, related_name="current_skills")
    levels = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "current skills"

    def __str__(self):
        return f"Current skills of {self.employee}"
