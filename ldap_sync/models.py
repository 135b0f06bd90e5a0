"""Directory sync records: one SourceState per configured source (high-water mark and the run lock)
and one SyncRun per run, kept as the audit of what the directory did to the staff list."""

from django.conf import settings
from django.db import models


class SourceState(models.Model):
    """What a source remembers between runs. The lock columns are claimed with one conditional UPDATE
    so two runs of the same source never overlap, on any database; the expiry frees a lock left by a
    worker that died mid-run."""

    name = models.SlugField(max_length=64, unique=True)
    high_water = models.CharField(
        max_length=64, blank=True, help_text="Highest uSNChanged / modifyTimestamp applied; incremental runs read after it."
    )
    # USNs count per domain controller: a mark means nothing to another DC behind the same LDAP_URI.
    high_water_dc = models.CharField(
        max_length=255, blank=True,
        help_text="The domain controller that issued high_water (AD: server name and invocationId); when another "
                  "one answers, the next run is a full run.",
    )
    last_full_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey("SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lock_expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class SyncRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        APPLIED = "applied", "Applied"
        DRY_RUN = "dry_run", "Dry run (nothing changed)"
        HELD = "held", "Held: leavers need confirming"
        CONFIRMED = "confirmed", "Held, then confirmed"
        FAILED = "failed", "Failed (nothing changed)"
        SKIPPED = "skipped", "Skipped (another run in progress)"

    source = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True)
    dry_run = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"read": n, "created": n, "updated": n, "moved": n, "deactivated": n, ...}
    counts = models.JSONField(default=dict, blank=True)
    # [{"dn": ..., "directory_id": ..., "reason": ...}], capped at LDAP_SYNC_DETAIL_LIMIT; counts["skipped"] is exact
    errors = models.JSONField(default=list, blank=True)
    # [{"action": "create|update|move|deactivate|reactivate|unit", "name": ..., "changes": {f: [before, after]}}]
    changes = models.JSONField(default=list, blank=True)
    # Held runs only: the leavers waiting for an admin, as [{"pk", "name", "employee_number",
    # "directory_id", "dn"}] (runs held before these were recorded hold employee ids only) ...
    held_deactivations = models.JSONField(default=list, blank=True)
    # ... and the active records re-matched by employee number to a new stable id, as [{"pk", "name",
    # "employee_number", "old_directory_id", "directory_id", "old_dn", "dn"}].
    held_rematches = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [("confirm_held_run", "Can confirm a held directory sync run")]

    def __str__(self):
        return f"{self.source} {self.get_kind_display().lower()} run {self.pk}"

    @property
    def error_count(self) -> int:
        return self.counts.get("skipped", 0) + self.counts.get("manager_errors", 0)

    @staticmethod
    def problem_kind(error: dict) -> str:
        """"skipped" (the entry was not synced), "warning" (a manager link not followed) or
        "not found" (a role group). Runs recorded before errors carried a kind are read by reason."""
        kind = error.get("kind") or ("role_groups_missing" if error["reason"].startswith("role group") else "skipped")
        return {"manager_errors": "warning", "role_groups_missing": "not found"}.get(kind, "skipped")

    def skipped_entries(self) -> list[dict]:
        return [e for e in self.errors if self.problem_kind(e) == "skipped"]

    def warnings(self) -> list[dict]:
        return [e for e in self.errors if self.problem_kind(e) != "skipped"]


class RoleGrant(models.Model):
    """A role the directory gives an employee through group membership. Kept by stable id so that
    an employee who signs in for the first time after the sync gets their roles straight away."""

    source = models.CharField(max_length=64)
    directory_id = models.CharField(max_length=128)
    role = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "directory_id", "role"], name="ldap_rolegrant_unique"),
        ]
        indexes = [models.Index(fields=["directory_id"])]

    def __str__(self):
        return f"{self.directory_id}: {self.role}"
