"""Applying one batch of directory entries to the staff list: new starters, updates, moves and
returners, with their audit entries. One read and at most three writes per batch, never per person.
Leavers are only collected here (the leavers step decides whether to apply or hold them) and
manager links only noted (the managers step follows them once every entry has been read)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from people.audit import audit_bulk
from people.models import AuditEntry, Employee

from ..bulkcopy import insert_rows
from ..profiles import DirectoryEntry
from .entries import BATCH_SIZE, SYNCED_FIELDS, EntryMatcher, HighWater, desired_values
from .managers import ManagerLinks
from .run_state import RunContext
from .units import OrgUnits

UPDATE_FIELDS = [f.removesuffix("_id") if f == "org_unit_id" else f for f in SYNCED_FIELDS] + [
    "directory_id", "is_active", "left_on", "photo", "photo_hash", "search_text", "updated_at",
]
_CREATE_AUDITED = ("employee_number", "first_name", "last_name", "email", "job_title", "directory_dn")


def search_text(values: dict) -> str:
    """people's own search text for a row of column values (see Employee.search_text_from)."""
    return Employee.search_text_from(
        first_name=values["first_name"], last_name=values["last_name"],
        preferred_name=values.get("preferred_name", ""), job_title=values["job_title"], email=values["email"],
    )


@dataclass
class _Update:
    employee: Employee  # unsaved, carrying every column bulk_update writes
    changes: dict
    moved: bool
    entry: DirectoryEntry


class EmployeeChanges:
    def __init__(self, ctx: RunContext, *, matcher: EntryMatcher, units: OrgUnits, managers: ManagerLinks,
                 high_water: HighWater):
        self.ctx, self.log = ctx, ctx.log
        self.matcher, self.units, self.managers, self.high_water = matcher, units, managers, high_water

    def apply_batch(self, entries: list[DirectoryEntry]) -> None:
        creates, updates, reactivated_users = self._plan(entries)
        if creates:
            self._create(creates)
        if updates:
            self._update(updates)
        if reactivated_users:
            get_user_model().objects.filter(pk__in=reactivated_users).update(is_active=True)

    def _plan(self, entries: list[DirectoryEntry]):
        by_id, by_number = self.matcher.rows_for(entries)
        creates: list[tuple[dict, DirectoryEntry]] = []  # (column values, entry)
        updates: list[_Update] = []
        reactivated_users: list[int] = []
        for e in entries:
            accepted, row = self.matcher.match(e, by_id, by_number)
            if not accepted:
                continue
            self.high_water.track(e.change_marker)
            desired = desired_values(e, self.units)
            if row is None:
                creates.append((self._new_row(e, desired), e))
                continue
            update = self._compare(e, row, desired, reactivated_users)
            if update is None:
                self.log.counts["unchanged"] += 1
            else:
                updates.append(update)
        return creates, updates, reactivated_users

    def _new_row(self, e: DirectoryEntry, desired: dict) -> dict:
        return {**desired, "directory_id": e.directory_id, "is_active": not e.disabled,
                "left_on": self.ctx.today if e.disabled else None, "photo_hash": e.photo_hash,
                "photo": self._store_photo(e) if e.photo else "", "search_text": search_text(desired),
                "line_manager_id": self._manager_written_already(e)}

    def _manager_written_already(self, e: DirectoryEntry) -> int | None:
        """A new starter's manager when that entry was written by an earlier batch of this run (as
        a manager usually is, being older in the directory): the link goes into the insert, so the
        managers step does not rewrite every new row, and every index entry, a second time. A
        manager later in the stream, unknown, or the entry itself is left to the managers step,
        which also checks the links set here for loops (it reads them back with the others)."""
        if not e.manager_key or e.manager_key == e.dn_key:
            return None
        return self.ctx.dn_to_pk.get(e.manager_key)

    def _compare(self, e: DirectoryEntry, row: dict, desired: dict, reactivated_users: list) -> _Update | None:
        """What changes for an existing employee; None when nothing does. Notes a leaver, a
        returner's account and the manager link the entry asks for."""
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
            self.ctx.pending_deactivations.append(row["pk"])
        elif not e.disabled and not row["is_active"]:
            # A returner: the same person back under the same stable id keeps their history.
            changes["is_active"] = [False, True]
            new_state["is_active"], new_state["left_on"] = True, None
            self.log.counts["reactivated"] += 1
            if row["user_id"]:
                reactivated_users.append(row["user_id"])
        self.ctx.dn_to_pk[e.dn_key] = row["pk"]
        self.managers.want(row["pk"], e.manager_key, row["line_manager_id"])
        if not changes:
            return None
        moved = "directory_dn" in changes and bool(row["directory_dn"])
        return _Update(self._employee_from(new_state), changes, moved, e)

    def _create(self, creates: list[tuple[dict, DirectoryEntry]]) -> None:
        pks = insert_rows(Employee, [new for new, _ in creates], need_ids=True)
        audits = []
        for pk, (new, e) in zip(pks, creates, strict=True):
            self.ctx.created_pks.add(pk)
            self.ctx.dn_to_pk[e.dn_key] = pk
            self.managers.want(pk, e.manager_key, new["line_manager_id"])
            name = Employee.name_from(new["first_name"], new["last_name"])
            after = {f: [None, new[f]] for f in _CREATE_AUDITED}
            after["org_unit"] = [None, self.units.names.get(new["org_unit_id"])]
            audits.append(self.ctx.audit.row(pk, name, "employee.created", after))
            self.log.change("create", name, e.directory_id, after)
        # The bulk of a first sync: rows written with COPY rather than audit_bulk's INSERTs.
        insert_rows(AuditEntry, audits)
        self.log.counts["created"] += len(creates)
        self.log.counts["managers_changed"] += sum(1 for new, _ in creates if new["line_manager_id"])

    def _update(self, updates: list[_Update]) -> None:
        Employee.objects.bulk_update([u.employee for u in updates], UPDATE_FIELDS, batch_size=BATCH_SIZE)
        audits = []
        for u in updates:
            readable = self.units.readable(u.changes)
            emp = u.employee
            name = emp.display_name
            action = "employee.moved" if u.moved else "employee.reactivated" if "is_active" in u.changes \
                else "employee.updated"
            audits.append(self.ctx.audit.entry(emp.pk, name, action, readable))
            self.log.change(action.removeprefix("employee."), name, u.entry.directory_id, readable)
            self.log.counts["moved" if u.moved else "updated"] += 1
        audit_bulk(audits)

    def _employee_from(self, state: dict) -> Employee:
        emp = Employee(
            pk=state["pk"], directory_id=state["directory_id"], is_active=state["is_active"],
            left_on=state["left_on"], photo=state["photo"], photo_hash=state["photo_hash"],
            preferred_name=state["preferred_name"], updated_at=self.ctx.now,
            **{f: state[f] for f in SYNCED_FIELDS},
        )
        emp.search_text = search_text(state)
        return emp

    def _store_photo(self, e: DirectoryEntry) -> str:
        name = f"photos/directory-{e.photo_hash[:24]}.jpg"
        if self.ctx.dry_run:
            return name  # a dry run writes nothing, files included
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(e.photo))
        return name
