"""A run from start to finish: the per-source lock, the SyncRun record, the one transaction, and
the order of the steps (entries in batches, then managers, leavers and roles)."""

import contextlib
import gc
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from people.audit import audit_record
from people.models import AuditEntry

from ..config import SourceConfig, config_problem
from ..models import SourceState, SyncRun
from ..signals import directory_sync_applied_on_commit
from ..sources import DirectoryMisconfigured, DirectoryUnavailable, Source, source_for
from .entries import EntryMatcher, HighWater, read_in_batches
from .leavers import leavers_deactivate_or_hold, missing_collect
from .managers import ManagerLinks
from .people_changes import EmployeeChanges
from .roles import role_grants_sync
from .run_state import DirectoryAudit, RunContext, RunLog, acting_user
from .units import OrgUnits

LOCK_TTL = timedelta(hours=3)
# What a run changes, as opposed to what it read or found wrong: a held run counts none of these.
CHANGE_COUNTS = {"created", "updated", "moved", "reactivated", "deactivated", "managers_changed", "units_created",
                 "roles_granted", "roles_removed", "rematched", "renamed", "accounts_updated"}


class _Steps:
    """One run's steps and the collaborators they share. Built inside the run's transaction."""

    def __init__(self, *, config: SourceConfig, source: Source, run: SyncRun, full: bool, since: str,
                 since_dc: str, dry_run: bool, actor):
        self.source, self.full = source, full
        self.log = RunLog()
        self.ctx = RunContext(
            config=config, run=run, dry_run=dry_run, log=self.log,
            audit=DirectoryAudit(actor=actor, note=f"Directory sync run {run.pk} ({config.name})"),
            today=timezone.localdate(), now=timezone.now(),
        )
        self.matcher = EntryMatcher(self.log, full=full)
        self.managers = ManagerLinks(self.ctx)
        self.high_water = HighWater(since=since, profile_name=source.profile.name)
        self.changes = EmployeeChanges(self.ctx, matcher=self.matcher, units=OrgUnits(self.log),
                                       managers=self.managers, high_water=self.high_water)
        self.since, self.since_dc = since, since_dc
        self.server = ""  # the server that issues this run's marks (AD: the domain controller)
        self.held = False

    def execute(self) -> None:
        with self.ctx.copies:  # leaving it waits for the last rows to be written
            self._execute()

    def _execute(self) -> None:
        config = self.ctx.config
        if problem := config_problem(config):
            raise DirectoryMisconfigured(problem)
        self.server = self.source.server_identity()
        if not self.full and self.server != self.since_dc:
            self._full_instead()
        start_marker = self.source.start_marker()
        read_in_batches(source=self.source, config=config, since=self.since, log=self.log,
                        apply=self.changes.apply_batch)
        self.changes.apply_deferred()
        if self.full and self.log.counts["read"] == 0:
            # An empty answer is far more likely a wrong filter or base DN than a council with no staff.
            raise DirectoryUnavailable("The directory returned no entries, so nothing was changed.")
        self.high_water.cap(start_marker)
        self.managers.apply()
        if self.full:
            missing_collect(self.ctx, self.matcher.seen_ids)
        self.held = leavers_deactivate_or_hold(self.ctx)
        # Incremental runs re-read the role groups when one changed after the mark, so someone
        # removed from a group loses the role within the hour, not at the nightly full run.
        if config.group_roles and (self.full or self.source.groups_changed_since(list(config.group_roles), self.since)):
            role_grants_sync(self.ctx, self.source)

    def _full_instead(self) -> None:
        """The mark was issued by another domain controller (or says not which): its USNs count on
        that DC only, so reading after it here could miss changes. Read everything and say why."""
        if self.since_dc:
            why = (f"The incremental mark was issued by domain controller {self.since_dc}, but "
                   f"{self.ctx.config.uri} answered from {self.server or 'a server that does not say which it is'}")
        else:
            why = f"The incremental mark does not say which domain controller issued it ({self.server} answered)"
        self.log.notice(f"{why}: USNs count per domain controller, so this run read the whole directory "
                        "(a full run) instead.")
        self.full, self.since = True, ""
        self.high_water.value = ""
        self.ctx.run.kind = SyncRun.Kind.FULL


@contextlib.contextmanager
def _cyclic_gc_paused():
    """A full run allocates millions of small objects and keeps hundreds of thousands alive until
    it ends (the manager links wanted, the ids seen, each batch's rows and audit entries), and
    Python's cyclic collector scans the live ones again and again as they grow: in a profile of the
    100,000-entry bench more than a tenth of the run. What the run builds is plain dicts, lists
    and tuples, freed by reference counting, so automatic collection is paused for the run and
    resumed after, as it was (also when the run fails)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _claim(state: SourceState, run: SyncRun) -> bool:
    now = timezone.now()
    return bool(
        SourceState.objects.filter(pk=state.pk)
        .filter(Q(locked_by__isnull=True) | Q(lock_expires_at__lt=now))
        .update(locked_by=run, lock_expires_at=now + LOCK_TTL)
    )


def _release(state: SourceState, run: SyncRun, **fields) -> None:
    SourceState.objects.filter(pk=state.pk, locked_by=run).update(locked_by=None, lock_expires_at=None, **fields)


def directory_sync(*, config: SourceConfig, full: bool = True, dry_run: bool = False, actor=None,
                   source: Source | None = None) -> SyncRun:
    """Run one sync of `config`. Returns the SyncRun; raises DirectoryUnavailable (after recording
    the failed run) when the directory cannot be read, so callers can retry. Everything the run
    changes is applied in one transaction, or nothing is. An applied run then sends
    `directory_sync_applied` after commit."""
    state, _ = SourceState.objects.get_or_create(name=config.name)
    incremental = not full and bool(state.high_water)
    run = SyncRun.objects.create(
        source=config.name, kind=SyncRun.Kind.INCREMENTAL if incremental else SyncRun.Kind.FULL,
        dry_run=dry_run, triggered_by=acting_user(actor),
    )
    if not _claim(state, run):
        run.status, run.finished_at = SyncRun.Status.SKIPPED, timezone.now()
        run.message = "Another run of this source was in progress, so this one did nothing."
        run.save(update_fields=["status", "finished_at", "message"])
        return run
    source = source or source_for(config)
    steps = None
    try:
        with transaction.atomic():
            steps = _Steps(config=config, source=source, run=run, full=not incremental,
                           since=state.high_water if incremental else "", since_dc=state.high_water_dc,
                           dry_run=dry_run, actor=actor)
            with _cyclic_gc_paused():
                steps.execute()
            if dry_run or steps.held:
                # A held run applies nothing: its leavers and re-matches wait for an admin, and the
                # rest of its changes for the next run (the high-water mark does not move).
                transaction.set_rollback(True)
            else:
                audit_record(actor=actor, action="directory_sync.applied", target=run,
                             changes={k: [None, v] for k, v in steps.log.counts.items() if v},
                             channel=AuditEntry.Channel.DIRECTORY, note=steps.held and "held" or "")
    except Exception as exc:
        run.status, run.finished_at = SyncRun.Status.FAILED, timezone.now()
        run.message = (str(exc) if isinstance(exc, DirectoryUnavailable)
                       else f"The run stopped with an error and changed nothing: {type(exc).__name__}: {exc}")
        # Nothing was applied, so no change is counted (the partial counts were rolled back); the
        # entries read before the failure are still worth showing.
        run.counts = {k: (v if k == "read" else 0) for k, v in steps.log.counts.items()} if steps else {}
        run.errors = steps.log.errors if steps else []
        run.held_deactivations, run.held_rematches = [], []
        run.save(update_fields=["kind", "status", "finished_at", "message", "counts", "errors", "held_deactivations",
                                "held_rematches"])
        _release(state, run)
        raise
    finally:
        source.close()
    _finish(run, steps, state, incremental=not steps.full, dry_run=dry_run)
    return run


def _finish(run: SyncRun, steps: _Steps, state: SourceState, *, incremental: bool, dry_run: bool) -> None:
    """Record what a run that got to the end did, free the lock and, for an applied run, move the
    high-water mark on and tell the listeners."""
    log = steps.log
    run.counts, run.errors, run.changes = log.counts, log.errors, log.changes
    run.finished_at = timezone.now()
    if log.notices:
        run.message = " ".join(filter(None, [run.message, *log.notices]))
    if dry_run:
        run.status = SyncRun.Status.DRY_RUN
        run.held_deactivations, run.held_rematches = [], []
        if steps.held:
            run.message = "Would be held: " + run.message
        _release(state, run)
    elif steps.held:
        run.status = SyncRun.Status.HELD
        # Counted as applied: nothing (the entries read and the problems found are still facts).
        # (Its re-matches are held with its leavers: confirming applies them, not the next run.)
        would = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in log.counts.items()
                          if v and k in CHANGE_COUNTS and k != "rematched")
        run.counts = {k: 0 if k in CHANGE_COUNTS else v for k, v in log.counts.items()}
        if would:
            run.message += f" Once confirmed, the next run would apply the rest: {would}."
        _release(state, run)
        audit_record(actor=run.triggered_by, action="directory_sync.held", target=run,
                     changes={"held_deactivations": [None, len(run.held_deactivations)],
                              "held_rematches": [None, len(run.held_rematches)]},
                     channel=AuditEntry.Channel.DIRECTORY)
    else:
        run.status = SyncRun.Status.APPLIED
        fields = {"high_water": steps.high_water.value, "high_water_dc": steps.server}
        if not incremental:
            fields["last_full_at"] = run.started_at
        _release(state, run, **fields)
    run.save()
    if run.status == SyncRun.Status.APPLIED:
        directory_sync_applied_on_commit(sender=SyncRun, run_id=run.pk, source=run.source, status=run.status)
