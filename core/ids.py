"""Ids and plain values from outside: the one check every URL, API body and form uses.

Every primary key of ours is a PostgreSQL bigint (DEFAULT_AUTO_FIELD is BigAutoField), so an id is
1 to MAX_ID written in ASCII digits. Anything else names no record: a URL with it is a 404 before
any view runs (the `id` URL converter, registered once by core's AppConfig), a JSON body or form
with it is a 400 naming the field. Checking here rather than leaving it to the database matters on
SQLite (the demo), where an integer past 64 bits raises OverflowError inside a query, and for lookups
Django does not guard (`pk__in`, writes of a foreign key).

`plain_value` is the type check for a JSON value read as a form field would read a POST value: a
list or an object where one value is expected is refused, rather than turned into text by str().
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """`value` as an id (an int, or ASCII digits), or None when it cannot name a record. Booleans
    and floats are refused; "²" and "１" are digits to str.isdigit() but not ASCII ones."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """The values that are ids, in order, without repeats (others dropped: a form's stray ticks)."""
    out = []
    for value in values:
        number = parse_id(value)
        if number is not None and number not in out:
            out.append(number)
    return out


def id_or_error(value, *, field: str) -> int:
    number = parse_id(value)
    if number is None:
        raise ValidationError({field: f"Enter the id of a record: a whole number from 1 to {MAX_ID}."})
    return number


def plain_value(value, *, field: str):
    """A JSON value that a form field can read: a string, number, boolean or null, never a list or
    an object (which str() would otherwise store as text)."""
    if isinstance(value, (list, tuple, dict)):
        kind = "an object" if isinstance(value, dict) else "a list"
        raise ValidationError({field: f"Enter a single value, not {kind}."})
    return value


class IdConverter:
    """`<id:pk>` in a URL: an id as above; anything else is not a match (so a 404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not an id")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField for integer keys, where a value that is not an id (past 64
    bits, "²") is refused as an invalid choice before the `pk__in` query, which SQLite cannot run
    with such a number (OverflowError, a 500)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": str(pk)[:30]})
        return super()._check_values(value)

