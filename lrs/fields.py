"""An array of strings that is PostgreSQL's real array (varchar[], GIN-indexed, `&&` and `@>`) on
PostgreSQL and a JSON text list on any other database, so `make demo` runs the LRS on SQLite. The
`overlap` and `contains` lookups the selectors use get a json_each() form on SQLite."""

import json

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.fields.array import ArrayContains, ArrayOverlap
from django.db.models import Func, Value


def _postgres(connection) -> bool:
    return connection.vendor == "postgresql"


class StringArrayField(ArrayField):
    def db_type(self, connection):
        return super().db_type(connection) if _postgres(connection) else "text"

    def cast_db_type(self, connection):
        return super().cast_db_type(connection) if _postgres(connection) else "text"

    def get_placeholder(self, value, compiler, connection):
        return super().get_placeholder(value, compiler, connection) if _postgres(connection) else "%s"

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if isinstance(value, list) and not _postgres(connection):
            return json.dumps(value)
        return value

    def from_db_value(self, value, expression, connection):
        if isinstance(value, str):  # never on PostgreSQL, which gives a list
            return json.loads(value)
        return value


def _sqlite_parts(lookup, compiler, connection):
    """The column's SQL and one compiled SQL fragment per value on the right."""
    lhs_sql, lhs_params = lookup.process_lhs(compiler, connection)
    rhs = lookup.rhs
    values = rhs.get_source_expressions() if isinstance(rhs, Func) else [Value(v) for v in rhs or ()]
    return lhs_sql, list(lhs_params), [compiler.compile(v) for v in values]


@StringArrayField.register_lookup
class StringArrayOverlap(ArrayOverlap):
    def as_sqlite(self, compiler, connection):
        lhs_sql, lhs_params, values = _sqlite_parts(self, compiler, connection)
        if not values:
            return "0 = 1", []
        placeholders = ", ".join(sql for sql, _ in values)
        params = lhs_params + [p for _, ps in values for p in ps]
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs_sql}) WHERE value IN ({placeholders}))"  # noqa: S608 - placeholders
        return sql, params


@StringArrayField.register_lookup
class StringArrayContains(ArrayContains):
    def as_sqlite(self, compiler, connection):
        lhs_sql, lhs_params, values = _sqlite_parts(self, compiler, connection)
        if not values:
            return "1 = 1", []
        parts, params = [], []
        for sql, ps in values:
            parts.append(f"EXISTS (SELECT 1 FROM json_each({lhs_sql}) WHERE value = {sql})")  # noqa: S608 - placeholders
            params += lhs_params + list(ps)
        return "(" + " AND ".join(parts) + ")", params
