"""E-learning packages played inside the intranet (SCORM 1.2, SCORM 2004 3rd/4th edition, cmi5) and
each learner's attempts at them. Imported by training/models.py, so they are training's models
(app label `training`); they name training's own models by string to keep the files acyclic.

A package is one uploaded version of a course's content: a new upload is a new version and becomes
the current one; an attempt keeps the version it started on to the end."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from people.models import Employee


class ElearningPackage(models.Model):
    class Standard(models.TextChoices):
        SCORM12 = "scorm12", "SCORM 1.2"
        SCORM2004 = "scorm2004", "SCORM 2004"
        CMI5 = "cmi5", "cmi5"

    course = models.ForeignKey("training.Course", on_delete=models.PROTECT, related_name="packages")
    version = models.PositiveIntegerField()
    standard = models.CharField(max_length=16, choices=Standard.choices)
    edition = models.CharField(max_length=40, blank=True, help_text="e.g. 2004 4th Edition, from the manifest.")
    title = models.CharField(max_length=300)
    # Relative to the package root, as the manifest names it (may carry a query string).
    launch_path = models.CharField(max_length=1000)
    # Where the files live in the "private" storage: under <storage_prefix>/.
    storage_prefix = models.CharField(max_length=100, unique=True)
    # {path in the package: name in storage}: only these are ever served.
    files = models.JSONField(help_text="Every file in the package and where it is stored.")
    total_bytes = models.BigIntegerField()
    # cmi5: the AU's id (its activity IRI), moveOn and masteryScore from cmi5.xml.
    activity_iri = models.CharField(max_length=500, blank=True)
    move_on = models.CharField(max_length=40, blank=True)
    mastery_score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    is_current = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["course", "version"], name="elearning_package_version_once"),
            models.UniqueConstraint(fields=["course"], condition=Q(is_current=True),
                                    name="elearning_package_one_current"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version}, {self.get_standard_display()})"


class ElearningAttempt(models.Model):
    """One learner's go at a package version, resumed across sessions until it is finished
    (completed or passed) or the learner starts again. The runtime state is what the SCO last
    committed; `commit_sequence` is the highest commit taken, so a replayed or late commit is ignored."""

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="elearning_attempts")
    course = models.ForeignKey("training.Course", on_delete=models.PROTECT, related_name="elearning_attempts")
    package = models.ForeignKey(ElearningPackage, on_delete=models.PROTECT, related_name="attempts")
    assignment = models.ForeignKey("training.Assignment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    registration = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # SCORM 1.2 cmi.core.lesson_status as sent; SCORM 2004 and cmi5 keep the two statuses apart.
    lesson_status = models.CharField(max_length=16, blank=True)
    completion_status = models.CharField(max_length=16, default="not attempted")
    success_status = models.CharField(max_length=16, default="unknown")
    score_raw = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_min = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_max = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    score_scaled = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    # Seconds in earlier sessions, and in the current one as last reported (cmi session_time).
    total_seconds = models.PositiveIntegerField(default=0)
    session_seconds = models.PositiveIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)
    location = models.CharField(max_length=1000, blank=True)
    suspend_data = models.TextField(blank=True)
    exit = models.CharField(max_length=16, blank=True)
    commit_sequence = models.PositiveIntegerField(default=0)
    # Changed at every launch: the player's commit URL carries it, so only the latest page commits.
    commit_key = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    last_commit_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="Completed or passed.")
    completion = models.ForeignKey("training.Completion", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "course"], condition=Q(finished_at__isnull=True),
                                    name="elearning_attempt_one_open"),
        ]
        indexes = [models.Index(fields=["course", "employee"])]

    def __str__(self):
        return f"{self.employee} on {self.package}"

    @property
    def time_seconds(self) -> int:
        return self.total_seconds + self.session_seconds

    @property
    def status_label(self) -> str:
        if self.finished_at:
            return "Passed" if self.success_status == "passed" else "Completed"
        if self.success_status == "failed":
            return "Not passed yet"
        return "In progress" if self.sessions else "Not started"
