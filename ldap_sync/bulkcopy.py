"""Fast inserts for the sync's creates and their audit entries.

On PostgreSQL rows go in with COPY (ids taken from the table's sequence first, so the caller knows
them without RETURNING); anywhere else with bulk_create. Rows are plain dicts keyed by attname;
columns a row leaves out get the model field's default, as bulk_create would give them. The
caller holds the transaction.

`CopyBehind` sends those COPYs from a second thread on the run's own connection, inside its one
transaction: PostgreSQL writes one batch, and updates the table's indexes, while the run parses
the next batch of entries. Any other query of the run waits until the COPY in flight has finished
(and fails with its error), so every statement sees the rows written before it, as it would have
without the thread.
"""

import json
import threading

from django.db import connection
from django.utils import timezone


def _defaults(model) -> tuple[list, dict]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return fields, {f.attname: (f.get_default() if f.has_default() or not f.null else None) for f in fields}


def take_ids(model, count: int) -> list[int]:
    """`count` new primary keys from the table's sequence (PostgreSQL)."""
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, model._meta.pk.column, count])
        return [r[0] for r in cur.fetchall()]


def copy_job(model, rows: list[dict], ids: list[int] | None = None) -> tuple[str, object]:
    """(the COPY statement, an iterator of its rows) for `rows`, with `ids` as their keys if given."""
    fields, defaults = _defaults(model)
    now = timezone.now()
    auto_now = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    quote = connection.ops.quote_name
    columns = [f.column for f in fields]
    if ids is not None:
        columns = [model._meta.pk.column, *columns]
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    # What each column needs, worked out once per call rather than per value (a first sync writes
    # 100,000 rows of 17 columns): plain values are looked up, then the times and JSON put in place.
    plain = [(f.attname, defaults[f.attname]) for f in fields]
    offset = 1 if ids is not None else 0
    times = [i + offset for i, f in enumerate(fields) if f.attname in auto_now]
    jsons = [(i + offset, getattr(f, "encoder", None)) for i, f in enumerate(fields)
             if f.get_internal_type() == "JSONField" and f.attname not in auto_now]

    def values():
        for i, row in enumerate(rows):
            get = row.get
            out = [get(name, default) for name, default in plain]
            if ids is not None:
                out.insert(0, ids[i])
            for t in times:
                out[t] = now
            for j, encoder in jsons:
                out[j] = _json(out[j], encoder)
            yield out

    return sql, values()


def insert_rows(model, rows: list[dict], *, need_ids: bool = False) -> list[int]:
    """Insert `rows` now; returns their ids when `need_ids`."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        return [o.pk for o in objs]
    ids = take_ids(model, len(rows)) if need_ids else None
    _copy(connection.connection, [copy_job(model, rows, ids)])
    return ids or []


def _copy(raw, jobs) -> None:
    with raw.cursor() as cur:
        for sql, rows in jobs:
            with cur.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)


class CopyBehind:
    """See the module's docstring. Used as `with CopyBehind() as behind:` around the steps of one
    run, inside its transaction; leaving the block waits for the last COPY (and raises its error)."""

    def __init__(self):
        self.enabled = connection.vendor == "postgresql"
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._wrapper = None

    def __enter__(self):
        if self.enabled:
            self._wrapper = connection.execute_wrapper(self._before_query)
            self._wrapper.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.wait()
            else:
                self._join()  # the run has failed already: its error is the one to report
        finally:
            if self._wrapper is not None:
                self._wrapper.__exit__(exc_type, exc, tb)
        return False

    def send(self, jobs: list[tuple[str, object]]) -> None:
        """Start these COPYs (from copy_job) once the ones in flight have finished."""
        self.wait()
        raw = connection.connection
        self._thread = threading.Thread(target=self._run, args=(raw, jobs), name="directory-sync-copy", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Until the COPY in flight has finished; raises its error if it failed."""
        self._join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self, raw, jobs) -> None:
        try:
            _copy(raw, jobs)
        except BaseException as exc:  # noqa: BLE001 - handed to the run's thread by wait()
            self._error = exc

    def _before_query(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)


def _json(value, encoder):
    return json.dumps(value, cls=encoder) if value is not None else None
