"""Applying one batch of directory entries to the staff list: new starters, updates, moves and
returners, with their audit entries. One read and at most three writes per batch, never per person.
Leavers are only collected here (the leavers step decides whether to apply or hold them) and
manager links only noted (the managers step follows them once every entry has been read)."""

from dataclasses import dataclass

import ldap.dn
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from people.audit import audit_bulk
from people.models import AuditEntry, Employee

from ..bulkcopy import copy_job, insert_rows, take_ids
from ..profiles import DirectoryEntry, dn_key
from .accounts import sign_in_accounts_follow
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


def _parent_key(dn: str) -> str:
    """The DN of the entry's container, normalised: a rename keeps it, a move changes it."""
    try:
        return dn_key(ldap.dn.dn2str(ldap.dn.str2dn(dn)[1:]))
    except ldap.DECODING_ERROR:
        return dn_key(dn.partition(",")[2])


@dataclass
class _Update:
    employee: Employee  # unsaved, carrying every column bulk_update writes
    changes: dict
    moved: bool  # to another OU
    renamed: bool  # a new name (RDN) in the same OU
    entry: DirectoryEntry
    rematched: bool = False
    leaving: bool = False  # disabled: counted as a leaver, not as updated too


class EmployeeChanges:
    def __init__(self, ctx: RunContext, *, matcher: EntryMatcher, units: OrgUnits, managers: ManagerLinks,
                 high_water: HighWater):
        self.ctx, self.log = ctx, ctx.log
        self.matcher, self.units, self.managers, self.high_water = matcher, units, managers, high_water

    def apply_batch(self, entries: list[DirectoryEntry]) -> None:
        by_id, by_number = self.matcher.rows_for(entries)
        matched = []
        for e in entries:
            accepted, row = self.matcher.match(e, by_id, by_number)
            if accepted:
                matched.append((e, row))
        self._apply(matched)

    def apply_deferred(self) -> None:
        """The entries EntryMatcher decides once every entry has been read (returners' new accounts,
        re-matches after a rebuild, duplicate numbers), applied as the batches were."""
        matched = self.matcher.deferred_matches()
        for i in range(0, len(matched), BATCH_SIZE):
            self._apply(matched[i:i + BATCH_SIZE])

    def _apply(self, matched: list[tuple[DirectoryEntry, dict | None]]) -> None:
        creates, updates, reactivated_users, linked = self._plan(matched)
        if creates:
            self._create(creates)
        if updates:
            self._update(updates)
        if reactivated_users:
            get_user_model().objects.filter(pk__in=reactivated_users).update(is_active=True)
        sign_in_accounts_follow(self.ctx, linked)

    def _plan(self, matched: list[tuple[DirectoryEntry, dict | None]]):
        creates: list[tuple[dict, DirectoryEntry]] = []  # (column values, entry)
        updates: list[_Update] = []
        reactivated_users: list[int] = []
        linked: list[tuple[int, int, DirectoryEntry, str]] = []  # rows with a sign-in account
        for e, row in matched:
            self.high_water.track(e.change_marker)
            desired = desired_values(e, self.units)
            if row is None:
                creates.append((self._new_row(e, desired), e))
                continue
            if row["user_id"]:
                linked.append((row["pk"], row["user_id"], e,
                               Employee.name_from(e.first_name, e.last_name, row["preferred_name"])))
            update = self._compare(e, row, desired, reactivated_users)
            if update is None:
                if not (e.disabled and row["is_active"]):  # a leaver is counted as one
                    self.log.counts["unchanged"] += 1
            else:
                updates.append(update)
        return creates, updates, reactivated_users, linked

    def _new_row(self, e: DirectoryEntry, desired: dict) -> dict:
        return {**desired, "directory_id": e.directory_id, "is_active": not e.disabled,
                "left_on": self.ctx.today if e.disabled else None, "photo_hash": e.photo_hash if e.photo else "",
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
        rematched = False
        if row["directory_id"] != e.directory_id:
            changes["directory_id"] = [row["directory_id"], e.directory_id]
            new_state["directory_id"] = e.directory_id
            if row["directory_id"] and row["is_active"]:
                rematched = True  # an active record, its old entry gone: held above the limits (leavers.py)
                self.log.counts["rematched"] += 1
                self.ctx.pending_rematches.append({
                    "pk": row["pk"], "name": Employee.name_from(row["first_name"], row["last_name"],
                                                                row["preferred_name"]),
                    "employee_number": e.employee_number, "old_directory_id": row["directory_id"],
                    "directory_id": e.directory_id, "old_dn": row["directory_dn"], "dn": e.dn,
                })
        # A deferred entry's photo bytes were dropped (EntryMatcher.match): leave the photo to the next run.
        if e.photo_hash != row["photo_hash"] and (e.photo or not e.photo_hash):
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
        relocated = "directory_dn" in changes and bool(row["directory_dn"])
        moved = relocated and _parent_key(row["directory_dn"]) != _parent_key(e.dn)
        return _Update(self._employee_from(new_state), changes, moved, relocated and not moved, e, rematched,
                       leaving=e.disabled and row["is_active"])

    def _create(self, creates: list[tuple[dict, DirectoryEntry]]) -> None:
        rows = [new for new, _ in creates]
        behind = self.ctx.copies
        # PostgreSQL: the rows' ids come from the sequence now, and the rows themselves (with their
        # audit entries) are COPYed while the next batch is parsed. Elsewhere they are written now.
        pks = take_ids(Employee, len(rows)) if behind.enabled else insert_rows(Employee, rows, need_ids=True)
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
        if behind.enabled:
            behind.send([copy_job(Employee, rows, pks), copy_job(AuditEntry, audits)])
        else:
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
            action = "employee.rematched" if u.rematched else "employee.moved" if u.moved \
                else "employee.renamed" if u.renamed \
                else "employee.reactivated" if "is_active" in u.changes else "employee.updated"
            audits.append(self.ctx.audit.entry(emp.pk, name, action, readable))
            self.log.change(action.removeprefix("employee."), name, u.entry.directory_id, readable)
            if not u.leaving:
                self.log.counts["moved" if u.moved else "renamed" if u.renamed else "updated"] += 1
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
