"""A request type's data, checked against its JSON field definition. A plain function used by the
service (every write, from a page or the API) and, through the same field definitions, by the page
form; so a page post and an API body are held to exactly the same rules.

The fields are Django form fields (for their parsing and messages), built at run time from the type's
definition so HR can add or change fields without a deploy."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from core.ids import plain_value

from .models import RequestType


def _field(spec: dict) -> forms.Field:
    # spec["type"] is one of RequestType.FIELD_TYPES (checked by RequestType.clean)
    kind = spec.get("type", "text")
    common = {"label": spec.get("label", spec["name"]), "required": spec.get("required", True),
              "help_text": spec.get("help", "")}
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, **common)
    if kind == "date":
        common["help_text"] = common["help_text"] or "For example, 27 3 2026. Use the format YYYY-MM-DD."
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "decimal":
        return forms.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"), **common)
    if kind == "integer":
        return forms.IntegerField(min_value=0, **common)
    if kind == "choice":
        choices = [(c, c) for c in spec.get("choices", [])]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "email":
        return forms.EmailField(**common)
    if kind == "boolean":
        common["required"] = False
        return forms.BooleanField(**common)
    if kind == "phone":
        return forms.RegexField(r"^\+?[0-9 ()-]{6,20}$", max_length=20, error_messages={
            "invalid": "Enter a phone number using digits, spaces and an optional leading +."}, **common)
    return forms.CharField(max_length=300, **common)


def request_fields(request_type: RequestType) -> dict[str, forms.Field]:
    """Fresh form fields for a request type, in the order of its definition."""
    return {spec["name"]: _field(spec) for spec in request_type.fields}


def json_safe(cleaned: dict) -> dict:
    """Cleaned values as JSON-safe values (dates ISO, decimals as strings)."""
    out = {}
    for key, value in cleaned.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def request_data_clean(request_type: RequestType, data) -> dict:
    """The request's data cleaned and JSON-safe, or ValidationError naming each bad field. A key
    that is not a field of the type is refused (once the fields themselves are valid)."""
    fields = request_fields(request_type)
    cleaned, errors = {}, {}
    for name, field in fields.items():
        try:
            plain_value(data.get(name), field=name)  # a list or object is refused, never stored as text
            # read the value as a bound form would, so a page post and a JSON body parse alike
            cleaned[name] = field.clean(field.widget.value_from_datadict(data, {}, name))
        except ValidationError as exc:
            errors[name] = exc.message_dict[name] if hasattr(exc, "error_dict") else exc.messages
    if errors:
        raise ValidationError(errors)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This is not a field of this request type."))
    return json_safe(cleaned)
