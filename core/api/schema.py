"""The OpenAPI schema tells the truth, written once for every endpoint (DEFAULT_SCHEMA_CLASS):
fields that may answer null are marked nullable, and the error answers are documented.

Every endpoint may answer with the bodies core.api.exceptions.exception_handler gives (DRF's own
shape): `{"detail": "..."}` for 401, 403, 404, 409 and 429, and for a 400 either that or an object
whose keys name each input at fault, each with its messages (nested by index or key for lists and
objects). An endpoint documents its own 2xx answers; an error it describes itself (extend_schema
responses) keeps its description and gets the shared body, unless it gives a body of its own."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.fields import empty

_MESSAGES = {"type": "array", "items": {"type": "string"}}
ERROR = {
    "type": "object",
    "description": "What went wrong, in a sentence.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each key names the input at fault (`detail` when it is no one field; `non_field_errors` for "
                   "the body as a whole) with its messages; for a list or an object, the messages per index or key.",
    "additionalProperties": {"anyOf": [{"type": "string"}, _MESSAGES, {"type": "object"}]},
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}}

# code -> (component, description, applies to safe methods too)
ERRORS = {
    "400": ("FieldErrors", "The input is not valid: each field at fault is named.", True),
    "401": ("Error", "Not signed in: send a token (Authorization: Token ...) or a session cookie.", True),
    "403": ("Error", "Signed in, but not allowed to do this.", True),
    "404": ("Error", "Not found, or not yours to see.", True),
    "409": ("Error", "Not possible in the record's present state (for example, already decided).", False),
    "429": ("Error", "Too many requests: wait for the seconds in Retry-After.", True),
}
SCHEMAS = {"Error": ERROR, "FieldErrors": FIELD_ERRORS}


def _may_be_null(field) -> bool:
    """A read-only field answers null when it says so (`default=None`), or when its source passes
    through a foreign key that may be empty (`parent`, `current_approver.display_name`) and it has
    no other default: DRF then gives None."""
    if field.default is None:
        return True
    if field.default is not empty or not field.source or field.source == "*":
        return False
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    for part in field.source.split("."):
        if model is None:
            return False
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        forward = model_field.is_relation and model_field.concrete and not model_field.many_to_many
        if forward and model_field.null:
            return True
        model = model_field.related_model if forward else None
    return False


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if field.read_only and "$ref" not in schema and "allOf" not in schema and _may_be_null(field):
            schema["nullable"] = True
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        safe = self.method in ("GET", "HEAD", "OPTIONS")
        for code, (name, description, on_safe) in ERRORS.items():
            stated = responses.get(code)
            if (stated and "content" in stated) or (stated is None and safe and not on_safe):
                continue  # the view documents this answer's body itself, or it cannot happen here
            component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=f"core.api.schema.{name}",
                                          schema=SCHEMAS[name])
            self.registry.register_on_missing(component)
            # A view's own description of the error (extend_schema) is kept; the body is the shared one.
            response = {"description": (stated or {}).get("description") or description,
                        "content": {"application/json": {"schema": component.ref}}}
            if code == "429":
                response["headers"] = RETRY_AFTER
            responses[code] = response
        return responses
