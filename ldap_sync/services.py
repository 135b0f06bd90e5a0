"""Directory sync writes. One run = one transaction: a directory that fails mid-stream leaves the
staff list exactly as it was. Database work is batched (one read and at most three writes per
batch of entries, never per person), which is what keeps a 100,000-entry sync in seconds.

Callers: the `ldap_sync` management command, the Celery task and the admin pages. They pass a
SourceConfig (see config.py); `directory_sync` owns the per-source lock, the SyncRun record and the
audit entries (channel "directory").
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from core.errors import DomainError, IllegalTransition
from people.audit import audit_bulk, audit_record
from people.models import AuditEntry, Employee, OrgUnit

from .bulkcopy import insert_rows
from .config import SourceConfig
from .models import RoleGrant, SourceState, SyncRun
from .profiles import DirectoryEntry, EntryError, dn_key
from .sources import DirectoryUnavailable, Source, source_for

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
LOCK_TTL = timedelta(hours=3)
HOLDING_UNIT_CODE = "directory-holding"

# Employee columns the directory owns. Everything else (preferred name, work style, location, grade)
# is the employee's or HR's and a sync never touches it.
SYNCED_FIELDS = (
    "employee_number", "first_name", "last_name", "email", "job_title", "org_unit_id",
    "work_phone", "mobile_phone", "directory_dn",
)
_ROW_FIELDS = ("pk", "directory_id", *SYNCED_FIELDS, "is_active", "left_on", "photo", "photo_hash",
               "line_manager_id", "user_id", "preferred_name")
_UPDATE_FIELDS = [f.removesuffix("_id") if f == "org_unit_id" else f for f in SYNCED_FIELDS] + [
    "directory_id", "is_active", "left_on", "photo", "photo_hash", "search_text", "updated_at",
]


def _setting(name: str, default):
    return getattr(settings, name, default)


def _detail_limit() -> int:
    return _setting("LDAP_SYNC_DETAIL_LIMIT", 1000)


def _search_text(values: dict) -> str:
    return " ".join(
        p for p in [values["first_name"], values.get("preferred_name", ""), values["last_name"],
                    values["job_title"], values["email"]] if p
    ).lower()


def _display(first: str, last: str, preferred: str = "") -> str:
    return f"{preferred or first} {last}".strip()


def _rows_for(ids: list[str], numbers: list[str]):
    """Existing employees for a batch, by stable id or employee number. On PostgreSQL the lists go
    as two array parameters (= ANY) rather than 2,000 IN placeholders, which the driver would
    otherwise parse on every batch."""
    if connection.vendor != "postgresql":
        yield from Employee.objects.filter(Q(directory_id__in=ids) | Q(employee_number__in=numbers)).values(*_ROW_FIELDS)
        return
    columns = [Employee._meta.get_field(f.removesuffix("_id") if f.endswith("_id") and f != "directory_id" else f)
               .column if f != "pk" else Employee._meta.pk.column for f in _ROW_FIELDS]
    sql = (f"SELECT {', '.join(columns)} FROM {Employee._meta.db_table} "  # noqa: S608 - names from the model
           "WHERE directory_id = ANY(%s) OR employee_number = ANY(%s)")
    with connection.cursor() as cur:
        cur.execute(sql, [ids, numbers])
        for values in cur.fetchall():
            yield dict(zip(_ROW_FIELDS, values, strict=True))


class _Units:
    """Directory department / OU path -> org unit. A key the tree lacks gets a new unit under the
    holding unit for HR to place; the run lists each one."""

    def __init__(self, run_log):
        self.log = run_log
        self.by_key: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        self.names: dict[int, str] = {}
        for pk, key, name, code in OrgUnit.objects.values_list("pk", "directory_key", "name", "code"):
            self.names[pk] = name
            # Matched in this order: the unit's directory key, its code, then its name if unique.
            self.by_key.setdefault(code.lower(), pk)
            if key:
                self.by_key[key.lower()] = pk
            by_name.setdefault(name.lower(), []).append(pk)
        self.by_name = {k: v[0] for k, v in by_name.items() if len(v) == 1}
        self._holding: OrgUnit | None = None

    def holding(self) -> OrgUnit:
        if self._holding is None:
            self._holding = OrgUnit.objects.filter(code=HOLDING_UNIT_CODE).first()
            if self._holding is None:
                root = OrgUnit.objects.filter(parent=None).exclude(kind=OrgUnit.Kind.HOLDING).first()
                self._holding = OrgUnit.objects.create(
                    code=HOLDING_UNIT_CODE, name="New from the directory (to be placed by HR)",
                    kind=OrgUnit.Kind.HOLDING, parent=root,
                )
                self.names[self._holding.pk] = self._holding.name
        return self._holding

    def resolve(self, key: str) -> int | None:
        if not key:
            return None
        low = key.lower()
        if low in self.by_key:
            return self.by_key[low]
        leaf = low.rsplit("/", 1)[-1]
        if leaf in self.by_name:
            pk = self.by_key[low] = self.by_name[leaf]
            return pk
        name = key.rsplit("/", 1)[-1][:200]
        code = f"dir-{slugify(name)[:40]}-{hashlib.sha256(low.encode()).hexdigest()[:8]}"
        unit = OrgUnit.objects.create(
            code=code, name=name, kind=OrgUnit.Kind.TEAM, parent=self.holding(), directory_key=key[:255]
        )
        self.by_key[low] = unit.pk
        self.names[unit.pk] = unit.name
        self.log.unit_created(key, unit)
        return unit.pk


class _RunLog:
    """Counts (exact) and details (capped) of what a run did or, in a dry run, would do."""

    def __init__(self):
        self.counts = dict.fromkeys(
            ["read", "created", "updated", "moved", "reactivated", "deactivated", "unchanged", "skipped",
             "managers_changed", "manager_errors", "units_created", "roles_granted", "roles_removed"], 0
        )
        self.errors: list[dict] = []
        self.changes: list[dict] = []
        self._per_action: dict[str, int] = {}
        self.limit = _detail_limit()

    def error(self, reason: str, *, dn: str = "", directory_id: str = "", kind: str = "skipped"):
        self.counts[kind] += 1
        if len(self.errors) < self.limit:
            self.errors.append({"dn": dn, "directory_id": directory_id, "reason": reason})

    def change(self, action: str, name: str, directory_id: str = "", changes: dict | None = None):
        # Capped per kind of change, so a first sync's thousands of updates cannot hide its few
        # new units, new starters or leavers.
        seen = self._per_action[action] = self._per_action.get(action, 0) + 1
        if seen <= self.limit:
            self.changes.append({"action": action, "name": name, "directory_id": directory_id,
                                 "changes": changes or {}})

    def unit_created(self, key: str, unit: OrgUnit):
        self.counts["units_created"] += 1
        self.change("unit", unit.name, changes={"directory_key": [None, key], "parent": [None, "holding unit"]})


class _Sync:
    def __init__(self, *, config: SourceConfig, source: Source, run: SyncRun, full: bool, since: str,
                 dry_run: bool, actor):
        self.config, self.source, self.run = config, source, run
        self.full, self.since, self.dry_run = full, since, dry_run
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.log = _RunLog()
        self.units = _Units(self.log)
        self.ct = ContentType.objects.get_for_model(Employee)
        self.note = f"Directory sync run {run.pk} ({config.name})"
        self.today = timezone.localdate()
        self.now = timezone.now()
        # Per-entry state kept for the whole run: small tuples only (ids, DN keys, pks).
        self.seen_ids: set[str] = set()
        self.seen_numbers: dict[str, str] = {}
        self.dn_to_pk: dict[str, int] = {}
        self.manager_wants: list[tuple[int, str | None, int | None]] = []
        self.created_pks: set[int] = set()
        self.pending_deactivations: list[int] = []
        self.high_water = since
        self.held = False

    # -- audit -------------------------------------------------------------------------------
    def _audit(self, pk: int, name: str, action: str, changes: dict) -> AuditEntry:
        return AuditEntry(
            actor=self.actor, action=action, content_type=self.ct, object_id=str(pk), target_repr=name[:300],
            subject_id=pk, changes=changes, channel=AuditEntry.Channel.DIRECTORY, note=self.note,
        )

    def _audit_row(self, pk: int, name: str, action: str, changes: dict) -> dict:
        return {"actor_id": self.actor.pk if self.actor else None, "action": action, "content_type_id": self.ct.pk,
                "object_id": str(pk), "target_repr": name[:300], "subject_id": pk, "changes": changes,
                "channel": AuditEntry.Channel.DIRECTORY, "note": self.note}

    # -- the run -----------------------------------------------------------------------------
    def execute(self):
        start_marker = self.source.start_marker()
        batch: list[DirectoryEntry] = []
        for dn, attrs in self.source.entries(since=self.since):
            self.log.counts["read"] += 1
            try:
                entry = self.source.profile.parse(dn, attrs, self.config)
            except EntryError as exc:
                self.log.error(str(exc), dn=dn)
                continue
            batch.append(entry)
            if len(batch) >= BATCH_SIZE:
                self._apply_batch(batch)
                batch = []
        if batch:
            self._apply_batch(batch)
        if self.full and self.log.counts["read"] == 0:
            # An empty answer is far more likely a wrong filter or base DN than a council with no staff.
            raise DirectoryUnavailable("The directory returned no entries, so nothing was changed.")
        self._finish_marker(start_marker)
        self._resolve_managers()
        if self.full:
            self._collect_missing()
        self._deactivate_or_hold()
        if self.full and self.config.group_roles:
            self._sync_roles()

    def _finish_marker(self, start_marker: str):
        """Next run reads entries changed strictly after the high-water mark. Capping it at the
        marker taken before this run read anything means an entry changed while the run was reading
        (possibly in the same second as the last one read) is always read again next time."""
        if not start_marker or not self.high_water:
            return
        if self.source.profile.name == "ad":
            self.high_water = str(min(int(self.high_water), int(start_marker)))
        else:
            self.high_water = min(self.high_water, start_marker)

    def _track_marker(self, marker: str):
        if not marker:
            return
        if self.source.profile.name == "ad":
            if not self.high_water or int(marker) > int(self.high_water):
                self.high_water = marker
        elif marker > self.high_water:
            self.high_water = marker

    def _apply_batch(self, entries: list[DirectoryEntry]):
        ids = [e.directory_id for e in entries]
        numbers = [e.employee_number for e in entries if e.employee_number]
        by_id, by_number = {}, {}
        for row in _rows_for(ids, numbers):
            if row["directory_id"]:
                by_id[row["directory_id"]] = row
            if row["employee_number"]:
                by_number[row["employee_number"]] = row

        creates: list[tuple[dict, DirectoryEntry]] = []  # (column values, entry)
        updates: list[tuple[Employee, dict, bool, DirectoryEntry, int]] = []  # (row, changes, moved, entry, pk)
        reactivated_users: list[int] = []
        for e in entries:
            if e.directory_id in self.seen_ids:
                self.log.error("the same stable id appears twice in the directory", dn=e.dn,
                               directory_id=e.directory_id)
                continue
            row = by_id.get(e.directory_id)
            if row is None and e.employee_number:
                # Adopt by employee number: a record HR created before the directory was connected,
                # or a returner whose new account has a new stable id.
                candidate = by_number.get(e.employee_number)
                if candidate is not None and (
                    candidate["directory_id"] is None
                    or (not candidate["is_active"] and candidate["directory_id"] not in self.seen_ids)
                ):
                    row = candidate
            if e.employee_number:
                other = self.seen_numbers.get(e.employee_number)
                owner = by_number.get(e.employee_number)
                if other and other != e.directory_id:
                    self.log.error(f"duplicate employee number {e.employee_number} (already used in this run)",
                                   dn=e.dn, directory_id=e.directory_id)
                    continue
                if owner is not None and owner is not row and owner["directory_id"] not in (None, e.directory_id):
                    self.log.error(f"duplicate employee number {e.employee_number} (belongs to "
                                   f"{_display(owner['first_name'], owner['last_name'])})",
                                   dn=e.dn, directory_id=e.directory_id)
                    continue
                self.seen_numbers[e.employee_number] = e.directory_id
            self.seen_ids.add(e.directory_id)
            self._track_marker(e.change_marker)

            desired = {
                "employee_number": e.employee_number, "first_name": e.first_name, "last_name": e.last_name,
                "email": e.email, "job_title": e.job_title, "org_unit_id": self.units.resolve(e.department),
                "work_phone": e.work_phone, "mobile_phone": e.mobile_phone, "directory_dn": e.dn,
            }
            if row is None:
                new = {**desired, "directory_id": e.directory_id, "is_active": not e.disabled,
                       "left_on": self.today if e.disabled else None, "photo_hash": e.photo_hash,
                       "photo": self._store_photo(e) if e.photo else "", "search_text": _search_text(desired)}
                creates.append((new, e))
                continue

            changes = {f: [row[f], desired[f]] for f in SYNCED_FIELDS if row[f] != desired[f]}
            new_state = {**row, **desired}
            if row["directory_id"] != e.directory_id:
                changes["directory_id"] = [row["directory_id"], e.directory_id]
                new_state["directory_id"] = e.directory_id
            if e.photo_hash != row["photo_hash"]:
                changes["photo"] = [bool(row["photo_hash"]), bool(e.photo)]
                new_state["photo_hash"] = e.photo_hash
                new_state["photo"] = self._store_photo(e) if e.photo else ""
            if e.disabled and row["is_active"]:
                self.pending_deactivations.append(row["pk"])
            elif not e.disabled and not row["is_active"]:
                # A returner: the same person back under the same stable id keeps their history.
                changes["is_active"] = [False, True]
                new_state["is_active"], new_state["left_on"] = True, None
                self.log.counts["reactivated"] += 1
                if row["user_id"]:
                    reactivated_users.append(row["user_id"])
            self.dn_to_pk[e.dn_key] = row["pk"]
            self.manager_wants.append((row["pk"], e.manager_key, row["line_manager_id"]))
            if not changes:
                self.log.counts["unchanged"] += 1
                continue
            moved = "directory_dn" in changes and bool(row["directory_dn"])
            updates.append((self._employee_from(new_state), changes, moved, e, row["pk"]))

        if creates:
            pks = insert_rows(Employee, [new for new, _ in creates], need_ids=True)
            audits = []
            for pk, (new, e) in zip(pks, creates, strict=True):
                self.created_pks.add(pk)
                self.dn_to_pk[e.dn_key] = pk
                self.manager_wants.append((pk, e.manager_key, None))
                name = _display(new["first_name"], new["last_name"])
                after = {f: [None, new[f]] for f in ("employee_number", "first_name", "last_name", "email",
                                                      "job_title", "directory_dn")}
                after["org_unit"] = [None, self.units.names.get(new["org_unit_id"])]
                audits.append(self._audit_row(pk, name, "employee.created", after))
                self.log.change("create", name, e.directory_id, after)
            # The bulk of a first sync: rows written with COPY rather than audit_bulk's INSERTs.
            insert_rows(AuditEntry, audits)
            self.log.counts["created"] += len(creates)
        if updates:
            Employee.objects.bulk_update([u[0] for u in updates], _UPDATE_FIELDS, batch_size=BATCH_SIZE)
            audits = []
            for emp, changes, moved, e, pk in updates:
                readable = self._readable(changes)
                name = _display(emp.first_name, emp.last_name, emp.preferred_name)
                action = "employee.moved" if moved else "employee.reactivated" if "is_active" in changes \
                    else "employee.updated"
                audits.append(self._audit(pk, name, action, readable))
                self.log.change(action.removeprefix("employee."), name, e.directory_id, readable)
                self.log.counts["moved" if moved else "updated"] += 1
            audit_bulk(audits)
        if reactivated_users:
            get_user_model().objects.filter(pk__in=reactivated_users).update(is_active=True)

    def _readable(self, changes: dict) -> dict:
        out = {}
        for field, (before, after) in changes.items():
            if field == "org_unit_id":
                out["org_unit"] = [self.units.names.get(before), self.units.names.get(after)]
            else:
                out[field] = [before, after]
        return out

    def _employee_from(self, state: dict) -> Employee:
        emp = Employee(
            pk=state["pk"], directory_id=state["directory_id"], is_active=state["is_active"],
            left_on=state["left_on"], photo=state["photo"], photo_hash=state["photo_hash"],
            preferred_name=state["preferred_name"], updated_at=self.now,
            **{f: state[f] for f in SYNCED_FIELDS},
        )
        emp.search_text = _search_text(state)
        return emp

    def _store_photo(self, e: DirectoryEntry) -> str:
        name = f"photos/directory-{e.photo_hash[:24]}.jpg"
        if self.dry_run:
            return name  # a dry run writes nothing, files included
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(e.photo))
        return name

    # -- managers ----------------------------------------------------------------------------
    def _resolve_managers(self):
        unknown_keys = {k for _pk, k, _cur in self.manager_wants if k and k not in self.dn_to_pk}
        fallback: dict[str, int] = {}
        if unknown_keys:
            # Incremental runs: the manager did not change, so is not in this run's entries.
            for pk, dn in (Employee.objects.annotate(dn_low=Lower("directory_dn"))
                           .filter(dn_low__in=list(unknown_keys)).values_list("pk", "directory_dn")):
                fallback[dn_key(dn)] = pk
        wanted: dict[int, int | None] = {}
        current: dict[int, int | None] = {}
        for pk, key, cur in self.manager_wants:
            if key is None:
                target = None
            else:
                target = self.dn_to_pk.get(key) or fallback.get(key)
                if target is None:
                    self.log.error(f"unknown manager {key}: the manager link was not changed",
                                   directory_id=pk, kind="manager_errors")
                    continue
                if target == pk:
                    self.log.error("the entry names itself as its own manager: the link was not followed",
                                   directory_id=pk, kind="manager_errors")
                    target = None
            if target != cur:
                wanted[pk] = target
                current[pk] = cur
        self.manager_wants = []  # release memory before the next phase
        try:
            self._apply_manager_links(wanted, current)
        finally:
            self._name_manager_errors()

    def _name_manager_errors(self):
        """Manager errors were recorded against employee ids (all the tuples hold); give them their
        DN and stable id, in one query, so the run page names the entry IT has to fix."""
        pending = [e for e in self.log.errors if isinstance(e["directory_id"], int)]
        if not pending:
            return
        rows = {pk: (dn, did) for pk, dn, did in Employee.objects.filter(
            pk__in=[e["directory_id"] for e in pending]).values_list("pk", "directory_dn", "directory_id")}
        for e in pending:
            e["dn"], e["directory_id"] = rows.get(e["directory_id"], ("", str(e["directory_id"])))

    def _apply_manager_links(self, wanted: dict, current: dict):
        if not wanted:
            return
        self._break_loops(wanted, current)
        wanted = {pk: m for pk, m in wanted.items() if m != current[pk]}
        if not wanted:
            return
        self._write_managers(wanted)
        existing = [pk for pk in wanted if pk not in self.created_pks]
        self.log.counts["managers_changed"] += len(wanted)
        if existing:
            names = self._names({*existing, *(m for pk in existing for m in (wanted[pk], current[pk]) if m)})
            audits = []
            for pk in existing:
                change = {"line_manager": [names.get(current[pk]), names.get(wanted[pk])]}
                audits.append(self._audit(pk, names.get(pk, str(pk)), "employee.manager_changed", change))
                self.log.change("manager", names.get(pk, str(pk)), "", change)
            audit_bulk(audits)

    def _break_loops(self, wanted: dict, current: dict):
        """A chain that comes back to where it started is reported and not followed: everyone on
        the loop is left without a manager from this run, so reports_of() always terminates."""
        parent = dict(Employee.objects.filter(line_manager__isnull=False).values_list("pk", "line_manager_id"))
        parent.update(wanted)
        settled: set[int] = set()
        loops: list[list[int]] = []
        for start in wanted:
            path, on_path, node = [], set(), start
            while node is not None and node not in settled:
                if node in on_path:
                    loops.append(path[path.index(node):])
                    break
                on_path.add(node)
                path.append(node)
                node = parent.get(node)
            settled.update(path)
        if not loops:
            return
        names = self._names({pk for loop in loops for pk in loop})
        for loop in loops:
            chain = " → ".join(names.get(pk, str(pk)) for pk in [*loop, loop[0]])
            for pk in loop:
                if pk not in current:  # not changing in this run: its parent is still the stored one
                    current[pk] = parent.get(pk)
                wanted[pk] = None
                self.log.error(f"manager loop: {chain}", directory_id=pk, kind="manager_errors")

    def _write_managers(self, wanted: dict[int, int | None]):
        items = list(wanted.items())
        for i in range(0, len(items), 50000):
            chunk = items[i:i + 50000]
            if connection.vendor == "postgresql":
                # COPY the new links into a temporary table and apply them with one UPDATE ... FROM.
                with connection.cursor() as cur:
                    cur.execute("CREATE TEMP TABLE IF NOT EXISTS ldap_sync_manager_links "
                                "(id bigint PRIMARY KEY, m bigint) ON COMMIT DROP")
                    cur.execute("TRUNCATE ldap_sync_manager_links")
                    with cur.cursor.copy("COPY ldap_sync_manager_links (id, m) FROM STDIN") as copy:
                        for row in chunk:
                            copy.write_row(row)
                    cur.execute(
                        f"UPDATE {Employee._meta.db_table} AS e SET line_manager_id = t.m, updated_at = %s "  # noqa: S608
                        "FROM ldap_sync_manager_links AS t WHERE e.id = t.id",
                        [self.now],
                    )
            else:
                Employee.objects.bulk_update(
                    [Employee(pk=pk, line_manager_id=m, updated_at=self.now) for pk, m in chunk],
                    ["line_manager", "updated_at"], batch_size=500,
                )

    def _names(self, pks) -> dict[int, str]:
        pks = [p for p in pks if p]
        out = {}
        for i in range(0, len(pks), 5000):
            for pk, first, last, pref in Employee.objects.filter(pk__in=pks[i:i + 5000]).values_list(
                "pk", "first_name", "last_name", "preferred_name"
            ):
                out[pk] = _display(first, last, pref)
        return out

    # -- leavers -----------------------------------------------------------------------------
    def _in_scope(self):
        qs = Employee.objects.filter(is_active=True, directory_id__isnull=False)
        if self.config.base_dn:
            qs = qs.filter(directory_dn__iendswith=dn_key(self.config.base_dn))
        return qs

    def _collect_missing(self):
        """Full runs only: an active employee the directory no longer lists has left."""
        for pk, did in self._in_scope().values_list("pk", "directory_id").iterator(chunk_size=5000):
            if did not in self.seen_ids:
                self.pending_deactivations.append(pk)

    def _deactivate_or_hold(self):
        pending = self.pending_deactivations
        if not pending:
            return
        active = self._in_scope().count() or 1
        max_count = _setting("LDAP_DEACTIVATION_MAX_COUNT", 50)
        max_percent = _setting("LDAP_DEACTIVATION_MAX_PERCENT", 10)
        percent = len(pending) * 100 / active
        if len(pending) > max_count or percent > max_percent:
            self.held = True
            self.run.held_deactivations = pending
            self.run.message = (
                f"{len(pending)} leavers ({percent:.1f}% of {active} active staff) is above the limit of "
                f"{max_count} or {max_percent}%. No one was deactivated: an intranet admin must confirm."
            )
            names = self._names(pending[: self.log.limit])
            for pk in pending[: self.log.limit]:
                self.log.change("deactivate (held)", names.get(pk, str(pk)), "", {"is_active": [True, False]})
            return
        deactivate_employees(pks=pending, actor=self.actor, note=self.note, log=self.log, today=self.today)

    # -- roles -------------------------------------------------------------------------------
    def _sync_roles(self):
        grants: set[tuple[str, str]] = set()
        for group_dn, role in self.config.group_roles.items():
            member_keys, member_ids = [], []
            for kind, value in self.source.group_members(group_dn):
                (member_ids if kind == "id" else member_keys).append(value)
            pks = [self.dn_to_pk[k] for k in member_keys if k in self.dn_to_pk]
            for i in range(0, len(pks), 5000):
                member_ids.extend(Employee.objects.filter(pk__in=pks[i:i + 5000]).values_list("directory_id", flat=True))
            grants.update((did, role) for did in member_ids)
        before = set(RoleGrant.objects.filter(source=self.config.name).values_list("directory_id", "role"))
        RoleGrant.objects.filter(source=self.config.name).delete()
        RoleGrant.objects.bulk_create(
            [RoleGrant(source=self.config.name, directory_id=d, role=r) for d, r in grants], batch_size=BATCH_SIZE
        )
        added, removed = grants - before, before - grants
        for did, role in sorted(added)[: self.log.limit]:
            self.log.change("role granted", did, did, {"role": [None, role]})
        for did, role in sorted(removed)[: self.log.limit]:
            self.log.change("role removed", did, did, {"role": [role, None]})
        user_changes = apply_directory_roles(source=self.config.name, roles=set(self.config.group_roles.values()))
        self.log.counts["roles_granted"] += user_changes[0]
        self.log.counts["roles_removed"] += user_changes[1]


@transaction.atomic
def employee_account_link(*, employee: Employee, user) -> bool:
    """Link the account a first directory sign-in created to the synced employee, and audit it. The
    conditional UPDATE means two first sign-ins at once cannot both link; returns whether this one did."""
    if not Employee.objects.filter(pk=employee.pk, user__isnull=True).update(user=user):
        return False
    employee.user = user
    audit_record(actor=user, action="employee.account_linked", target=employee, subject=employee,
                 changes={"user": [None, user.get_username()]}, channel=AuditEntry.Channel.DIRECTORY,
                 note="First sign-in through the directory")
    return True


def apply_directory_roles(*, source: str, roles: set[str], employee_ids: list[int] | None = None) -> tuple[int, int]:
    """Make the Django groups named in `roles` match the directory's grants for employees with a
    sign-in account. Roles not mapped from the directory are left alone (granted in the admin)."""
    if not roles:
        return 0, 0
    User = get_user_model()
    through = User.groups.through
    groups = {name: Group.objects.get_or_create(name=name)[0].pk for name in roles}
    employees = Employee.objects.filter(user__isnull=False, directory_id__isnull=False)
    if employee_ids is not None:
        employees = employees.filter(pk__in=employee_ids)
    user_of = dict(employees.values_list("directory_id", "user_id"))
    desired = {
        (user_of[did], groups[role])
        for did, role in RoleGrant.objects.filter(source=source, role__in=roles,
                                                  directory_id__in=list(user_of)).values_list("directory_id", "role")
    }
    current = set(through.objects.filter(user_id__in=list(user_of.values()), group_id__in=groups.values())
                  .values_list("user_id", "group_id"))
    add, remove = desired - current, current - desired
    through.objects.bulk_create([through(user_id=u, group_id=g) for u, g in add], ignore_conflicts=True)
    # One DELETE per role (there are a handful), not one per person losing it.
    for g in set(groups.values()):
        losing = [u for u, group in remove if group == g]
        for i in range(0, len(losing), BATCH_SIZE):
            through.objects.filter(group_id=g, user_id__in=losing[i:i + BATCH_SIZE]).delete()
    return len(add), len(remove)


def deactivate_employees(*, pks: list[int], actor, note: str, log: _RunLog | None = None, today=None) -> int:
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
            name = _display(first, last, pref)
            audits.append(AuditEntry(
                actor=actor if getattr(actor, "is_authenticated", False) else None, action="employee.deactivated",
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


# -- runs ------------------------------------------------------------------------------------

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
    changes is applied in one transaction, or nothing is."""
    state, _ = SourceState.objects.get_or_create(name=config.name)
    incremental = not full and bool(state.high_water)
    run = SyncRun.objects.create(
        source=config.name, kind=SyncRun.Kind.INCREMENTAL if incremental else SyncRun.Kind.FULL,
        dry_run=dry_run, triggered_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if not _claim(state, run):
        run.status, run.finished_at = SyncRun.Status.SKIPPED, timezone.now()
        run.message = "Another run of this source was in progress, so this one did nothing."
        run.save(update_fields=["status", "finished_at", "message"])
        return run
    source = source or source_for(config)
    sync = None
    try:
        with transaction.atomic():
            sync = _Sync(config=config, source=source, run=run, full=not incremental,
                         since=state.high_water if incremental else "", dry_run=dry_run, actor=actor)
            sync.execute()
            if dry_run:
                transaction.set_rollback(True)
            else:
                audit_record(actor=actor, action="directory_sync.applied", target=run,
                             changes={k: [None, v] for k, v in sync.log.counts.items() if v},
                             channel=AuditEntry.Channel.DIRECTORY, note=sync.held and "held" or "")
    except Exception as exc:
        run.status, run.finished_at = SyncRun.Status.FAILED, timezone.now()
        run.message = (str(exc) if isinstance(exc, DirectoryUnavailable)
                       else f"The run stopped with an error and changed nothing: {type(exc).__name__}: {exc}")
        run.counts = sync.log.counts if sync else {}
        run.errors = sync.log.errors if sync else []
        run.held_deactivations = []
        run.save(update_fields=["status", "finished_at", "message", "counts", "errors", "held_deactivations"])
        _release(state, run)
        raise
    finally:
        source.close()
    run.counts, run.errors, run.changes = sync.log.counts, sync.log.errors, sync.log.changes
    run.finished_at = timezone.now()
    if dry_run:
        run.status = SyncRun.Status.DRY_RUN
        run.held_deactivations = []
        if sync.held:
            run.message = "Would be held: " + run.message
        _release(state, run)
    else:
        run.status = SyncRun.Status.HELD if sync.held else SyncRun.Status.APPLIED
        fields = {"high_water": sync.high_water}
        if not incremental:
            fields["last_full_at"] = run.started_at
        _release(state, run, **fields)
    run.save()
    return run


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
    log = _RunLog()
    note = f"Directory sync run {run.pk} ({run.source}): held leavers confirmed"
    done = deactivate_employees(pks=pks, actor=actor, note=note, log=log)
    run.status = SyncRun.Status.CONFIRMED
    run.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    run.confirmed_at = timezone.now()
    run.counts = {**run.counts, "deactivated": run.counts.get("deactivated", 0) + done}
    run.changes = [c for c in run.changes if c["action"] != "deactivate (held)"] + log.changes
    run.save(update_fields=["status", "confirmed_by", "confirmed_at", "counts", "changes"])
    audit_record(actor=actor, action="directory_sync.held_confirmed", target=run,
                 changes={"status": [SyncRun.Status.HELD, SyncRun.Status.CONFIRMED], "deactivated": [0, done]},
                 channel=AuditEntry.Channel.DIRECTORY)
    return run
