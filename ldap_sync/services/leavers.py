"""Leavers: who has left (a disabled entry, or on a full run an active employee the directory no
longer lists), the threshold above which a run holds them for an admin, their deactivation, and
the admin's confirmation of a held run."""

from django.contrib.auth import get_user_model
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
from .roles import leaver_roles_revoke
from .run_state import DirectoryAudit, RunContext, RunLog, acting_user, setting


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
    """Deactivate the run's leavers, or, when they or the run's re-matches are above the configured
    limits, hold the run for an admin to confirm (returns True; the caller then applies nothing of
    the run). The limits catch a wrong filter or base DN before it switches off half the council,
    and a rebuilt directory (every stable id new) before it re-links everyone unseen."""
    pending, rematches = ctx.pending_deactivations, ctx.pending_rematches
    if not pending and not rematches:
        return False
    active = _in_scope(ctx.config).count() or 1
    max_count = setting("LDAP_DEACTIVATION_MAX_COUNT", 50)
    max_percent = setting("LDAP_DEACTIVATION_MAX_PERCENT", 10)

    def over(n: int) -> bool:
        return n > max_count or n * 100 / active > max_percent

    if over(len(pending)) or over(len(rematches)):
        ctx.run.held_deactivations = held_people(pending)
        ctx.run.held_rematches = list(rematches)
        limit = f"above the limit of {max_count} or {max_percent}% of {active} active staff"
        ctx.run.message = " ".join(filter(None, [
            over(len(pending)) and f"{len(pending)} leavers ({len(pending) * 100 / active:.1f}%) is {limit}.",
            over(len(rematches)) and (
                f"{len(rematches)} active staff re-matched by employee number to new directory entries "
                f"({len(rematches) * 100 / active:.1f}%) is {limit}: the directory may have been rebuilt."),
            "Nothing from this run was applied: an intranet admin must check the people listed and confirm.",
        ]))
        for person in ctx.run.held_deactivations[: ctx.log.limit]:
            ctx.log.change("deactivate (held)", person["name"], person["directory_id"] or "",
                           {"is_active": [True, False]})
        return True
    deactivate_employees(pks=pending, actor=ctx.actor, note=ctx.audit.note, log=ctx.log, today=ctx.today)
    return False


def held_people(pks: list[int]) -> list[dict]:
    """What the admin checks a held leaver against the directory by: name, employee number,
    directory id and DN, as recorded when the run was held."""
    out = []
    for i in range(0, len(pks), 5000):
        rows = Employee.objects.filter(pk__in=pks[i:i + 5000]).values_list(
            "pk", "first_name", "last_name", "preferred_name", "employee_number", "directory_id", "directory_dn")
        by_pk = {row[0]: row for row in rows}
        for pk in pks[i:i + 5000]:
            if pk in by_pk:
                _pk, first, last, pref, number, did, dn = by_pk[pk]
                out.append({"pk": pk, "name": Employee.name_from(first, last, pref), "employee_number": number,
                            "directory_id": did, "dn": dn})
    return out


def held_list(run: SyncRun) -> list[dict]:
    """The run's held leavers as held_people records them (runs held before that recorded ids only)."""
    items = run.held_deactivations or []
    ids = [i for i in items if isinstance(i, int)]
    return [*(i for i in items if isinstance(i, dict)), *(held_people(ids) if ids else [])]


def deactivate_employees(*, pks: list[int], actor, note: str, log: RunLog | None = None, today=None) -> int:
    """people.services.employee_deactivate in bulk: mark leavers inactive (never delete), switch off
    their sign-in and the roles the directory gave them, one audit entry each. The caller holds the
    transaction."""
    today = today or timezone.localdate()
    audit = DirectoryAudit(actor=actor, note=note)
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
            audits.append(audit.entry(pk, name, "employee.deactivated", {"is_active": [True, False]}))
            if log is not None:
                log.change("deactivate", name, "", {"is_active": [True, False]})
        audit_bulk(audits)
        leaver_roles_revoke(employee_pks=ids, audit_entry=audit.entry, log=log)
        done += len(chunk)
    if log is not None:
        log.counts["deactivated"] += done
    return done


@transaction.atomic
def held_run_confirm(*, run_id: int, actor) -> SyncRun:
    """An admin has checked a held run's lists: deactivate the listed leavers still active and
    re-match the listed records (held_rematches) to their new stable ids. Nothing else of the run
    was applied when it was held; the next run applies it."""
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
    # Exactly the listed people, less anyone a later (incremental) run has touched, who was
    # evidently still in the directory; the run's message says who was left and why.
    cutoff = run.finished_at or timezone.now()
    listed = held_list(run)
    pks = list(Employee.objects.filter(pk__in=[p["pk"] for p in listed], updated_at__lte=cutoff, is_active=True)
               .values_list("pk", flat=True))
    log = RunLog()
    note = f"Directory sync run {run.pk} ({run.source}): held changes confirmed"
    rematched, rematch_left = rematches_apply(run.held_rematches, actor=actor, note=note, log=log, cutoff=cutoff)
    done = deactivate_employees(pks=pks, actor=actor, note=note, log=log)
    chosen = set(pks)
    left = [p["name"] for p in listed if p["pk"] not in chosen]
    run.status = SyncRun.Status.CONFIRMED
    run.confirmed_by = acting_user(actor)
    run.confirmed_at = timezone.now()
    run.counts = {**run.counts, "deactivated": run.counts.get("deactivated", 0) + done,
                  "rematched": run.counts.get("rematched", 0) + rematched}
    run.changes = [c for c in run.changes if c["action"] != "deactivate (held)"] + log.changes
    said = []
    if listed:
        said.append(f"Confirmed: {done} of {len(listed)} listed leavers deactivated"
                    + (f"; left active, as already inactive or changed since the run: {', '.join(left)}." if left
                       else "."))
    if run.held_rematches:
        said.append(f"{rematched} of {len(run.held_rematches)} listed records re-matched to their new directory "
                    "entries" + (f"; not re-matched, as changed since the run: {', '.join(rematch_left)}."
                                 if rematch_left else "."))
    said.append("The next run applies the rest of the directory's changes.")
    run.message = " ".join([run.message, *said]).strip()
    run.save(update_fields=["status", "confirmed_by", "confirmed_at", "counts", "changes", "message"])
    audit_record(actor=actor, action="directory_sync.held_confirmed", target=run,
                 changes={"status": [SyncRun.Status.HELD, SyncRun.Status.CONFIRMED], "deactivated": [0, done],
                          "rematched": [0, rematched]},
                 channel=AuditEntry.Channel.DIRECTORY)
    directory_sync_applied_on_commit(sender=SyncRun, run_id=run.pk, source=run.source, status=run.status)
    return run


def rematches_apply(items: list[dict], *, actor, note: str, log: RunLog, cutoff) -> tuple[int, list[str]]:
    """Give each listed record its new stable id, if it still has the old one and no record has
    taken the new one; one audit entry each. Returns (how many, the names left as they were)."""
    if not items:
        return 0, []
    taken = set(Employee.objects.filter(directory_id__in=[i["directory_id"] for i in items])
                .values_list("directory_id", flat=True))
    current = dict(Employee.objects.filter(pk__in=[i["pk"] for i in items], updated_at__lte=cutoff)
                   .values_list("pk", "directory_id"))
    audit = DirectoryAudit(actor=actor, note=note)
    now, done, left, audits = timezone.now(), [], [], []
    for item in items:
        if current.get(item["pk"]) != item["old_directory_id"] or item["directory_id"] in taken:
            left.append(item["name"])
            continue
        done.append(Employee(pk=item["pk"], directory_id=item["directory_id"], updated_at=now))
        taken.add(item["directory_id"])
        change = {"directory_id": [item["old_directory_id"], item["directory_id"]]}
        audits.append(audit.entry(item["pk"], item["name"], "employee.rematched", change))
        log.change("rematched", item["name"], item["directory_id"], change)
    Employee.objects.bulk_update(done, ["directory_id", "updated_at"], batch_size=BATCH_SIZE)
    audit_bulk(audits)
    return len(done), left
