"""Reading the directory and mapping its entries onto employee rows: the batches, which existing
row an entry is (by stable id, or adopted by employee number), the values the directory owns, and
the high-water mark for the next incremental run."""

from collections.abc import Callable, Iterator

from django.db import connection
from django.db.models import Q

from people import ownership
from people.models import Employee

from ..config import SourceConfig
from ..profiles import OU_PATH, DirectoryEntry, EntryError
from ..sources import Source
from .run_state import RunLog
from .units import OrgUnits

BATCH_SIZE = 1000

# Employee columns the directory owns: people.ownership decides (the profile editor reads the same
# list, so nobody edits a field the next sync would put back), plus the entry's DN. Everything else
# (preferred name, work style, location, grade) is the employee's or HR's and a sync never touches it.
SYNCED_FIELDS = (*ownership.synced_columns(), "directory_dn")
ROW_FIELDS = ("pk", "directory_id", *SYNCED_FIELDS, "is_active", "left_on", "photo", "photo_hash",
              "line_manager_id", "user_id", "preferred_name")


def read_in_batches(*, source: Source, config: SourceConfig, since: str, log: RunLog,
                    apply: Callable[[list[DirectoryEntry]], None]) -> None:
    """Parse every entry changed after `since` and hand them to `apply` BATCH_SIZE at a time. An
    entry that cannot be parsed is skipped with its reason."""
    batch: list[DirectoryEntry] = []
    for dn, attrs in source.entries(since=since):
        log.counts["read"] += 1
        try:
            entry = source.profile.parse(dn, attrs, config)
        except EntryError as exc:
            log.error(str(exc), dn=dn)
            continue
        batch.append(entry)
        if len(batch) >= BATCH_SIZE:
            apply(batch)
            batch = []
    if batch:
        apply(batch)


def existing_rows(ids: list[str], numbers: list[str]) -> Iterator[dict]:
    """Existing employees for a batch, by stable id or employee number. On PostgreSQL the lists go
    as two array parameters (= ANY) rather than 2,000 IN placeholders, which the driver would
    otherwise parse on every batch."""
    if connection.vendor != "postgresql":
        yield from Employee.objects.filter(Q(directory_id__in=ids) | Q(employee_number__in=numbers)).values(*ROW_FIELDS)
        return
    columns = [Employee._meta.get_field(f.removesuffix("_id") if f.endswith("_id") and f != "directory_id" else f)
               .column if f != "pk" else Employee._meta.pk.column for f in ROW_FIELDS]
    sql = (f"SELECT {', '.join(columns)} FROM {Employee._meta.db_table} "  # noqa: S608 - names from the model
           "WHERE directory_id = ANY(%s) OR employee_number = ANY(%s)")
    with connection.cursor() as cur:
        # A first sync fills the table inside its one transaction, so the planner's statistics
        # still describe the empty table it started with and it scans every row written so far for
        # each batch (15 ms a batch by the 90,000th row, 1.4 s of a 100,000-entry first sync). Both
        # columns are unique-indexed, and probing an index for a batch's keys is right at any table
        # size: sequential scans are turned off for this one statement, then set back.
        cur.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        # (A failed query leaves it off only in a transaction that is rolled back, which undoes it.)
        previous = cur.fetchone()[0]
        cur.execute(sql, [ids, numbers])
        rows = cur.fetchall()
        cur.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
        for values in rows:
            yield dict(zip(ROW_FIELDS, values, strict=True))


def desired_values(entry: DirectoryEntry, units: OrgUnits) -> dict:
    """The synced columns as the directory has them now."""
    return {
        "employee_number": entry.employee_number, "first_name": entry.first_name, "last_name": entry.last_name,
        "email": entry.email, "job_title": entry.job_title,
        "org_unit_id": units.resolve(entry.department, path=entry.department_from == OU_PATH),
        "work_phone": entry.work_phone, "mobile_phone": entry.mobile_phone, "directory_dn": entry.dn,
    }


class EntryMatcher:
    """Which existing row each entry is, refusing an entry whose stable id or employee number this
    run has already seen or that belongs to someone else. Remembers every stable id read (the
    leavers step needs them).

    An entry whose stable id is new but whose employee number is on a record matched to another
    stable id (a returner's new account, a directory rebuilt with new ids, or a duplicate number)
    is decided only once every entry has been read (`deferred_matches`): if that other entry is in
    the directory it keeps the record, whatever the page order; if it has gone, a full run re-matches
    the record to the new entry."""

    def __init__(self, log: RunLog, *, full: bool = True):
        self.log = log
        self.full = full
        self.seen_ids: set[str] = set()
        self.seen_numbers: dict[str, tuple[str, str]] = {}  # number -> (stable id, DN) of the entry that has it
        self.deferred: list[DirectoryEntry] = []

    def rows_for(self, entries: list[DirectoryEntry]) -> tuple[dict, dict]:
        """Existing rows for a batch: (by stable id, by employee number), in one query."""
        ids = [e.directory_id for e in entries]
        numbers = [e.employee_number for e in entries if e.employee_number]
        by_id, by_number = {}, {}
        for row in existing_rows(ids, numbers):
            if row["directory_id"]:
                by_id[row["directory_id"]] = row
            if row["employee_number"]:
                by_number[row["employee_number"]] = row
        return by_id, by_number

    def match(self, e: DirectoryEntry, by_id: dict, by_number: dict) -> tuple[bool, dict | None]:
        """(accepted, the existing row or None for a new starter). A refused entry is logged; a
        deferred one is neither accepted nor logged yet."""
        if e.directory_id in self.seen_ids:
            self.log.error("the same stable id appears twice in the directory", dn=e.dn, directory_id=e.directory_id)
            return False, None
        row = by_id.get(e.directory_id)
        if row is None and e.employee_number:
            candidate = by_number.get(e.employee_number)
            if candidate is not None and candidate["directory_id"] is None:
                row = candidate  # a record HR created before the directory was connected
            elif candidate is not None:
                self.seen_ids.add(e.directory_id)
                # Photos are dropped while waiting (a rebuilt directory defers every entry); a photo
                # that changed is taken by the next full run.
                self.deferred.append(e._replace(photo=None) if e.photo else e)
                return False, None
        if e.employee_number:
            other = self.seen_numbers.get(e.employee_number)
            owner = by_number.get(e.employee_number)
            if other and other[0] != e.directory_id:
                self.log.error(f"duplicate employee number {e.employee_number}: entry {other[1]} has it too and "
                               "keeps it, so this entry was not synced", dn=e.dn, directory_id=e.directory_id)
                return False, None
            if owner is not None and owner is not row and owner["directory_id"] not in (None, e.directory_id):
                self.log.error(f"duplicate employee number {e.employee_number} (belongs to "
                               f"{Employee.name_from(owner['first_name'], owner['last_name'])})",
                               dn=e.dn, directory_id=e.directory_id)
                return False, None
            self.seen_numbers[e.employee_number] = (e.directory_id, e.dn)
        self.seen_ids.add(e.directory_id)
        return True, row

    def deferred_matches(self) -> list[tuple[DirectoryEntry, dict | None]]:
        """The deferred entries, decided against the records as this run has left them: (entry, row
        or None for a new starter) for those accepted; the others are logged as skipped."""
        entries, self.deferred = self.deferred, []
        out = []
        for i in range(0, len(entries), BATCH_SIZE):
            chunk = entries[i:i + BATCH_SIZE]
            _by_id, by_number = self.rows_for(chunk)
            for e in chunk:
                accepted, row = self._decide(e, by_number.get(e.employee_number))
                if accepted:
                    self.seen_numbers[e.employee_number] = (e.directory_id, e.dn)
                    out.append((e, row))
        return out

    def _decide(self, e: DirectoryEntry, record: dict | None) -> tuple[bool, dict | None]:
        number = e.employee_number
        kept_by = self.seen_numbers.get(number)
        name = Employee.name_from(record["first_name"], record["last_name"], record["preferred_name"]) if record else ""
        if kept_by and kept_by[0] != e.directory_id:
            self.log.error(f"duplicate employee number {number}: {name or 'the record'} stays with the entry already "
                           f"matched to it, {kept_by[1]}, so this entry was not synced", dn=e.dn,
                           directory_id=e.directory_id)
            return False, None
        if record is None or record["directory_id"] is None:
            return True, record  # the number is free now (its entry was renumbered), or an HR record
        if record["directory_id"] in self.seen_ids:
            self.log.error(f"duplicate employee number {number}: {name} stays with the entry already matched to it, "
                           f"{record['directory_dn'] or record['directory_id']}, so this entry was not synced",
                           dn=e.dn, directory_id=e.directory_id)
            return False, None
        if record["is_active"] and not self.full:
            self.log.error(f"employee number {number} is {name}'s, whose record is matched to another directory entry "
                           f"({record['directory_dn'] or record['directory_id']}) that this incremental run did not "
                           "read: the next full run re-matches the record to this entry if that one has gone",
                           dn=e.dn, directory_id=e.directory_id)
            return False, None
        # Its entry has gone: a returner's new account (inactive), or a rebuilt directory (active).
        return True, record


class HighWater:
    """The mark the next incremental run reads after: the highest change marker applied."""

    def __init__(self, *, since: str, profile_name: str):
        self.value = since
        self.numeric = profile_name == "ad"  # uSNChanged is a number; modifyTimestamp sorts as text

    def track(self, marker: str) -> None:
        if not marker:
            return
        if self.numeric:
            if not self.value or int(marker) > int(self.value):
                self.value = marker
        elif marker > self.value:
            self.value = marker

    def cap(self, start_marker: str) -> None:
        """Next run reads entries changed strictly after the high-water mark. Capping it at the
        marker taken before this run read anything means an entry changed while the run was reading
        (possibly in the same second as the last one read) is always read again next time."""
        if not start_marker or not self.value:
            return
        if self.numeric:
            self.value = str(min(int(self.value), int(start_marker)))
        else:
            self.value = min(self.value, start_marker)
