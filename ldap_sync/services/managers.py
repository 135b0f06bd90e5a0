"""Line-manager links, followed once every entry of the run has been read (a report may come before
their manager in the stream). A manager reference to nobody, to the entry itself or into a loop is
a warning naming the entry's DN; the entry is synced, the link not followed."""

from django.db import connection
from django.db.models.functions import Lower

from people.audit import audit_bulk
from people.models import Employee

from ..profiles import dn_key
from .run_state import RunContext, employee_names


class ManagerLinks:
    def __init__(self, ctx: RunContext):
        self.ctx, self.log = ctx, ctx.log
        self.wants: list[tuple[int, str | None, int | None]] = []  # (employee pk, manager DN key, current)

    def want(self, pk: int, manager_key: str | None, current: int | None) -> None:
        self.wants.append((pk, manager_key, current))

    def apply(self) -> None:
        wanted, current = self._targets()
        self.wants = []  # release memory before the next phase
        try:
            self._apply_links(wanted, current)
        finally:
            self._name_errors()

    def _targets(self) -> tuple[dict, dict]:
        """(pk -> the manager pk the directory names, pk -> the current one) for links that change."""
        dn_to_pk = self.ctx.dn_to_pk
        unknown_keys = {k for _pk, k, _cur in self.wants if k and k not in dn_to_pk}
        fallback: dict[str, int] = {}
        if unknown_keys:
            # Incremental runs: the manager did not change, so is not in this run's entries.
            for pk, dn in (Employee.objects.annotate(dn_low=Lower("directory_dn"))
                           .filter(dn_low__in=list(unknown_keys)).values_list("pk", "directory_dn")):
                fallback[dn_key(dn)] = pk
        wanted: dict[int, int | None] = {}
        current: dict[int, int | None] = {}
        for pk, key, cur in self.wants:
            if key is None:
                target = None
            else:
                target = dn_to_pk.get(key) or fallback.get(key)
                if target is None:
                    self.log.warning(f"unknown manager {key}: not an entry this sync reads, so the manager link "
                                     "was not changed", directory_id=pk)
                    continue
                if target == pk:
                    self.log.warning("the entry names itself as its own manager: the link was not followed",
                                     directory_id=pk)
                    target = None
            if target != cur:
                wanted[pk] = target
                current[pk] = cur
        return wanted, current

    def _name_errors(self) -> None:
        """Manager errors were recorded against employee ids (all the tuples hold); give them their
        DN and stable id, in one query, so the run page names the entry IT has to fix."""
        pending = [e for e in self.log.errors if isinstance(e["directory_id"], int)]
        if not pending:
            return
        rows = {pk: (dn, did) for pk, dn, did in Employee.objects.filter(
            pk__in=[e["directory_id"] for e in pending]).values_list("pk", "directory_dn", "directory_id")}
        for e in pending:
            e["dn"], e["directory_id"] = rows.get(e["directory_id"], ("", str(e["directory_id"])))

    def _apply_links(self, wanted: dict, current: dict) -> None:
        if not wanted:
            return
        self._break_loops(wanted, current)
        wanted = {pk: m for pk, m in wanted.items() if m != current[pk]}
        if not wanted:
            return
        self._write(wanted)
        existing = [pk for pk in wanted if pk not in self.ctx.created_pks]
        self.log.counts["managers_changed"] += len(wanted)
        if existing:
            names = employee_names({*existing, *(m for pk in existing for m in (wanted[pk], current[pk]) if m)})
            audits = []
            for pk in existing:
                change = {"line_manager": [names.get(current[pk]), names.get(wanted[pk])]}
                audits.append(self.ctx.audit.entry(pk, names.get(pk, str(pk)), "employee.manager_changed", change))
                self.log.change("manager", names.get(pk, str(pk)), "", change)
            audit_bulk(audits)

    def _break_loops(self, wanted: dict, current: dict) -> None:
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
        names = employee_names({pk for loop in loops for pk in loop})
        for loop in loops:
            chain = " → ".join(names.get(pk, str(pk)) for pk in [*loop, loop[0]])
            for pk in loop:
                if pk not in current:  # not changing in this run: its parent is still the stored one
                    current[pk] = parent.get(pk)
                wanted[pk] = None
                self.log.warning(f"manager loop: {chain}: the link was not followed", directory_id=pk)

    def _write(self, wanted: dict[int, int | None]) -> None:
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
                        [self.ctx.now],
                    )
            else:
                Employee.objects.bulk_update(
                    [Employee(pk=pk, line_manager_id=m, updated_at=self.ctx.now) for pk, m in chunk],
                    ["line_manager", "updated_at"], batch_size=500,
                )
