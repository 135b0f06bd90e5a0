"""Leavers: who has left (a disabled entry, or on a full run an active employee the directory no
longer lists), the threshold above which a run holds them for an admin, their deactivation, and
the admin's confirmation of a held run."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError, IllegalTransition
from people.audit import audit_bulk, audit_record
from people.models import AuditEntry, Employee

from ..config import SourceConfig
from ..models import SyncRun
from ..profiles import dn_key
from ..signals import directory_sync_applied_on_commit
from .entries import BATCH_SIZE
from .run_state import RunContext, RunLog, acting_user, employee_names, setting


def _in_scope(config: SourceConfig):
    qs = Employee.objects.filter(is_active=True, directory_id__isnull=False)
    if config.base_dn:
        qs = qs.filter(directory_dn__iendswith=dn_key(config.base_dn))
    return qs


def missing_collect(ctx: RunContext, seen_ids: set[str]) -> None:
    """Full runs only: an active employee the directory no longer lists has left."""
    for pk, did in _in_scope(ctx.config).values_list("pk", "directory_id").iterator(chunk_size=5000):
        if did not in seen_ids:
            ctx.pending_deactivations.append(pk)


def leavers_deactivate_or_hold(ctx: RunContext) -> bool:
    """Deactivate the run's leavers, or, above the configured limits, hold them on the run for an
    admin to confirm (returns True). The limits catch a wrong filter or base DN before it switches
    off half the council."""
    pending = ctx.pending_deactivations
    if not pending:
        return False
    active = _in_scope(ctx.config).count() or 1
    max_count = setting("LDAP_DEACTIVATION_MAX_COUNT", 50)
    max_percent = setting("LDAP_DEACTIVATION_MAX_PERCENT", 10)
    percent = len(pending) * 100 / active
    if len(pending) > max_count or percent > max_percent:
        ctx.run.held_deactivations = pending
        ctx.run.message = (
            f"{len(pending)} leavers ({percent:.1f}% of {active} active staff) is above the limit of "
            f"{max_count} or {max_percent}%. No one was deactivated: an intranet admin must confirm."
        )
        shown = pending[: ctx.log.limit]
        names = employee_names(shown)
        for pk in shown:
            ctx.log.change("deactivate (held)", names.get(pk, str(pk)), "", {"is_active": [True, False]})
        return True
    deactivate_employees(pks=pending, actor=ctx.actor, note=ctx.audit.note, log=ctx.log, today=ctx.today)
    return False


def deactivate_employees(*, pks: list[int], actor, note: str, log: RunLog | None = None, today=None) -> int:
    """people.services.employee_deactivate in bulk: mark leavers inactive (never delete), switch off
    their sign-in, one audit entry each. The caller holds the transaction."""
    today = today or timezone.localdate()
    ct = ContentType.objects.get_for_model(Employee)
    done = 0
    for i in range(0, len(pks), BATCH_SIZE):
        chunk = list(Employee.objects.select_for_update().filter(pk__in=pks[i:i + BATCH_SIZE], is_active=True)
                     .values_list("pk", "first_name", "last_name", "preferred_name", "user_id"))
        if not chunk:
            continue
        ids = [row[0] for row in chunk]
        Employee.objects.filter(pk__in=ids).update(is_active=False, left_on=today, updated_at=timezone.now())
        users = [row[4] for row in chunk if row[4]]
        if users:
            get_user_model().objects.filter(pk__in=users).update(is_active=False)
        audits = []
        for pk, first, last, pref, _user in chunk:
            name = Employee.name_from(first, last, pref)
            audits.append(AuditEntry(
                actor=acting_user(actor), action="employee.deactivated",
                content_type=ct, object_id=str(pk), target_repr=name[:300], subject_id=pk,
                changes={"is_active": [True, False]}, channel=AuditEntry.Channel.DIRECTORY, note=note,
            ))
            if log is not None:
                log.change("deactivate", name, "", {"is_active": [True, False]})
        audit_bulk(audits)
        done += len(chunk)
    if log is not None:
        log.counts["deactivated"] += done
    return done


@transaction.atomic
def held_run_confirm(*, run_id: int, actor) -> SyncRun:
    """An admin has checked a held run's leavers: deactivate those still active."""
    run = SyncRun.objects.select_for_update().filter(pk=run_id).first()
    if run is None:
        raise DomainError(f"There is no sync run {run_id}.", field="run", status_code=404)
    if run.status != SyncRun.Status.HELD:
        raise IllegalTransition(f"Run {run.pk} is {run.get_status_display().lower()}, not held, so there is "
                                "nothing to confirm.")
    later = (SyncRun.objects.filter(source=run.source, kind=SyncRun.Kind.FULL, dry_run=False, pk__gt=run.pk,
                                    status__in=[SyncRun.Status.APPLIED, SyncRun.Status.HELD])
             .order_by("-pk").first())
    if later is not None:
        raise IllegalTransition(f"Run {run.pk} was overtaken by full run {later.pk}, which read the directory "
                                f"again. Check that run instead.")
    # Anyone a later (incremental) run has touched was evidently still in the directory: leave them.
    cutoff = run.finished_at or timezone.now()
    pks = list(Employee.objects.filter(pk__in=run.held_deactivations, updated_at__lte=cutoff)
               .values_list("pk", flat=True))
    log = RunLog()
    note = f"Directory sync run {run.pk} ({run.source}): held leavers confirmed"
    done = deactivate_employees(pks=pks, actor=actor, note=note, log=log)
    run.status = SyncRun.Status.CONFIRMED
    run.confirmed_by = acting_user(actor)
    run.confirmed_at = timezone.now()
    run.counts = {**run.counts, "deactivated": run.counts.get("deactivated", 0) + done}
    run.changes = [c for c in run.changes if c["action"] != "deactivate (held)"] + log.changes
    run.save(update_fields=["status", "confirmed_by", "confirmed_at", "counts", "changes"])
    audit_record(actor=actor, action="directory_sync.held_confirmed", target=run,
                 changes={"status": [SyncRun.Status.HELD, SyncRun.Status.CONFIRMED], "deactivated": [0, done]},
                 channel=AuditEntry.Channel.DIRECTORY)
    directory_sync_applied_on_commit(sender=SyncRun, run_id=run.pk, source=run.source, status=run.status)
    return run
