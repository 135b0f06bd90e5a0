"""Serializer fields for ids: the API side of core.ids (one rule for URLs, bodies and forms)."""

from rest_framework import serializers

from core.ids import MAX_ID, parse_id


class IdField(serializers.IntegerField):
    """The id of a record: a whole number from 1 to 2**63-1 (a JSON number or ASCII digits);
    beyond that it names nothing, so it is a 400 here rather than a lookup that cannot succeed."""

    default_error_messages = {
        "invalid": "Enter the id of a record: a whole number from 1 to {max_value}.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
        message = self.error_messages["invalid"].format(max_value=MAX_ID)
        self.error_messages.update(invalid=message, min_value=message, max_value=message,
                                   max_string_length=message)

    def to_internal_value(self, data):
        number = parse_id(data)
        if number is None:
            self.fail("invalid")
        return number


def IdListField(**kwargs) -> serializers.ListField:  # noqa: N802 - reads as a field class where it is used
    """A list of ids (each an IdField)."""
    return serializers.ListField(child=IdField(), **kwargs)
