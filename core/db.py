"""Query helpers shared by apps."""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

# A list of ids this long or longer goes to PostgreSQL as one array rather than a placeholder per
# id: the driver binds parameters on the client (Django's default with psycopg 3), and parsing a
# statement with hundreds of placeholders cost the gap matrix of a 300-person service about a
# millisecond for each of the six queries that name its people.
ARRAY_FROM = 100


def ids_in(field_name: str, ids: list[int]) -> Q:
    """`field_name__in=ids`, as one array parameter on PostgreSQL when the list is long."""
    if len(ids) >= ARRAY_FROM and connection.vendor == "postgresql":
        return Q(**{f"{field_name}__in": RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])})  # noqa: S611 - constant SQL, bound parameter
    return Q(**{f"{field_name}__in": ids})
