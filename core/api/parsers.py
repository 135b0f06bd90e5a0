from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

NUL_MESSAGE = "Null characters are not allowed."


def nul_path(data) -> str | None:
    """Where the first NUL character sits in parsed JSON (`areas.0.area`; `body` for a bare string),
    or None. Walked with a stack, not recursion: the body may be nested as deep as the decoder allows."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    return name.replace("\x00", "") or "body"
                stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a body nested too deeply for Python's decoder is a 400, not a 500; and
    so is a NUL character (\\u0000) in any string or key, which PostgreSQL refuses in any text or
    JSON it stores or looks up, named by where it is."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        if (path := nul_path(data)) is not None:
            raise ValidationError({path: [NUL_MESSAGE]})
        return data
