"""What one run shares between its steps: the log of what it did, the audit entries it writes, and
the small per-entry state (ids, DN keys, pks) the later steps need."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from people.models import AuditEntry, Employee, OrgUnit

from ..bulkcopy import CopyBehind
from ..config import SourceConfig
from ..models import SyncRun


def setting(name: str, default):
    return getattr(settings, name, default)


def acting_user(actor):
    """The user to record, or None for the scheduler and the command line."""
    return actor if getattr(actor, "is_authenticated", False) else None


class RunLog:
    """Counts (exact) and details (capped) of what a run did or, in a dry run, would do."""

    def __init__(self):
        self.counts = dict.fromkeys(
            ["read", "created", "updated", "moved", "renamed", "reactivated", "deactivated", "unchanged", "skipped",
             "managers_changed", "manager_errors", "units_created", "roles_granted", "roles_removed",
             "role_groups_missing", "rematched", "accounts_updated", "account_errors"], 0
        )
        self.notices: list[str] = []  # sentences for the run's message (and the command's output)
        self.errors: list[dict] = []
        self.changes: list[dict] = []
        self._per_action: dict[str, int] = {}
        self.limit = setting("LDAP_SYNC_DETAIL_LIMIT", 1000)

    def error(self, reason: str, *, dn: str = "", directory_id: str = "", kind: str = "skipped"):
        """A problem with an entry, counted under `kind`: "skipped" (the entry was not synced),
        "manager_errors" (a warning: the entry was synced, its manager link not changed) or
        "role_groups_missing"."""
        self.counts[kind] += 1
        if len(self.errors) < self.limit:
            self.errors.append({"dn": dn, "directory_id": directory_id, "reason": reason, "kind": kind})

    def warning(self, reason: str, *, dn: str = "", directory_id="") -> None:
        """A manager reference that cannot be followed: the entry itself is synced."""
        self.error(reason, dn=dn, directory_id=directory_id, kind="manager_errors")

    def notice(self, sentence: str) -> None:
        self.notices.append(sentence)

    def change(self, action: str, name: str, directory_id: str = "", changes: dict | None = None):
        # Capped per kind of change, so a first sync's thousands of updates cannot hide its few
        # new units, new starters or leavers.
        seen = self._per_action[action] = self._per_action.get(action, 0) + 1
        if seen <= self.limit:
            self.changes.append({"action": action, "name": name, "directory_id": directory_id,
                                 "changes": changes or {}})

    def unit_created(self, key: str, unit: OrgUnit):
        self.counts["units_created"] += 1
        parent = "holding unit" if unit.parent.kind == OrgUnit.Kind.HOLDING else unit.parent.name
        self.change("unit", unit.name, changes={"directory_key": [None, key], "parent": [None, parent]})


class DirectoryAudit:
    """Audit entries about employees on the "directory" channel, as objects (for audit_bulk) or as
    plain rows (for COPY)."""

    def __init__(self, *, actor, note: str):
        self.actor = acting_user(actor)
        self.note = note
        self.ct = ContentType.objects.get_for_model(Employee)

    def entry(self, pk: int, name: str, action: str, changes: dict) -> AuditEntry:
        return AuditEntry(
            actor=self.actor, action=action, content_type=self.ct, object_id=str(pk), target_repr=name[:300],
            subject_id=pk, changes=changes, channel=AuditEntry.Channel.DIRECTORY, note=self.note,
        )

    def row(self, pk: int, name: str, action: str, changes: dict) -> dict:
        return {"actor_id": self.actor.pk if self.actor else None, "action": action, "content_type_id": self.ct.pk,
                "object_id": str(pk), "target_repr": name[:300], "subject_id": pk, "changes": changes,
                "channel": AuditEntry.Channel.DIRECTORY, "note": self.note}


@dataclass
class RunContext:
    """One run's settings and shared state. Per-entry state is kept for the whole run, so it holds
    small values only (ids, DN keys, pks), never model instances."""

    config: SourceConfig
    run: SyncRun
    dry_run: bool
    log: RunLog
    audit: DirectoryAudit
    today: date
    now: datetime
    dn_to_pk: dict[str, int] = field(default_factory=dict)  # every entry read, by normalised DN
    created_pks: set[int] = field(default_factory=set)
    pending_deactivations: list[int] = field(default_factory=list)
    # Active records re-matched by employee number to a new stable id (their old entry gone).
    pending_rematches: list[dict] = field(default_factory=list)
    # New starters' rows are written from a second thread while the next batch is parsed.
    copies: CopyBehind = field(default_factory=CopyBehind)

    @property
    def actor(self):
        return self.audit.actor


def employee_names(pks) -> dict[int, str]:
    """pk -> display name, a few thousand per query."""
    pks = [p for p in pks if p]
    out = {}
    for i in range(0, len(pks), 5000):
        for pk, first, last, pref in Employee.objects.filter(pk__in=pks[i:i + 5000]).values_list(
            "pk", "first_name", "last_name", "preferred_name"
        ):
            out[pk] = Employee.name_from(first, last, pref)
    return out
