"""The HTTP rules every xAPI resource shares (Communication 1 and 3): the version header, HTTP Basic
credentials, the Alternate Request Syntax, HEAD, errors as JSON naming the field.

A resource handler takes an `XRequest` (method, params, headers, body already unwrapped from the
alternate syntax) and returns an HttpResponse; `xapi_resource` does the rest.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from core.errors import DomainError

from . import validation
from .credentials import Principal, principal_from_basic

VERSION = "1.0.3"
VERSION_2 = "2.0.0"
ACCEPTED_VERSION = re.compile(r"^1\.0(\.[0-3])?$|^2\.0\.0$")
# Form fields the alternate syntax carries as headers (Communication 1.3).
HEADER_FIELDS = {"authorization", "x-experience-api-version", "content-type", "content-length", "if-match",
                 "if-none-match"}


class XapiError(DomainError):
    """An HTTP-level refusal (bad parameters, missing header, precondition)."""


@dataclass
class XRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    principal: Principal | None = None
    path: str = ""
    alternate: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json_body(self, field="body"):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise XapiError("The body is not valid JSON.", field=field) from None


def error_response(message, field=None, status=400):
    body = {"error": {"message": message, "field": field} if field else {"message": message}}
    if field:
        body[field] = [message]
    return JsonResponse(body, status=status)


def _headers(request) -> dict[str, str]:
    out = {k.lower(): v for k, v in request.headers.items()}
    if request.META.get("CONTENT_TYPE"):
        out["content-type"] = request.META["CONTENT_TYPE"]
    return out


def _alternate(request, headers) -> XRequest:
    """Communication 1.3: POST ?method=X with a form body holding headers, parameters and `content`."""
    if set(request.GET) != {"method"}:
        raise XapiError("The alternate request syntax allows no query parameter other than method.",
                        field="method")
    if request.method != "POST":
        raise XapiError("The alternate request syntax must be sent as a POST.", field="method")
    method = request.GET["method"].upper()
    if method not in {"GET", "PUT", "POST", "DELETE", "HEAD"}:
        raise XapiError("Not a method the alternate syntax carries.", field="method")
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        raise XapiError("The alternate request syntax needs an application/x-www-form-urlencoded body.",
                        field="Content-Type")
    try:
        form = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError:
        raise XapiError("The form body is not UTF-8.", field="content") from None
    headers = {k: v for k, v in headers.items() if k not in ("content-type", "content-length")}
    params, body = {}, b""
    for key, value in form.items():
        if key.lower() in HEADER_FIELDS:
            headers[key.lower()] = value
        elif key == "content":
            body = value.encode("utf-8")
        else:
            params[key] = value
    if method in ("PUT", "POST") and not body:
        raise XapiError("The alternate request syntax needs the document in `content`.", field="content")
    headers.setdefault("content-type", "application/json")
    return XRequest(method=method, params=params, headers=headers, body=body, path=request.path, alternate=True)


def _xrequest(request) -> XRequest:
    headers = _headers(request)
    if "method" in request.GET:
        return _alternate(request, headers)
    return XRequest(method=request.method, params=dict(request.GET.items()), headers=headers, body=request.body,
                    path=request.path)


def xapi_resource(handlers: dict, *, authenticate=True):
    """A Django view for one xAPI resource; `handlers` maps method to fn(XRequest) -> HttpResponse."""

    @csrf_exempt
    def view(request, *args, **kwargs):
        token = validation.XAPI_2.set(False)
        try:
            response = _dispatch(request, handlers, authenticate)
        except DomainError as exc:
            response = error_response(str(exc), exc.field, exc.status_code)
            if exc.status_code == 401:
                response["WWW-Authenticate"] = 'Basic realm="xAPI"'
        finally:
            speaks_2 = validation.XAPI_2.get()
            validation.XAPI_2.reset(token)
        # Answer in the version asked for; without one, in the version this LRS is set to speak.
        asked = request.headers.get("X-Experience-API-Version", "")
        default = VERSION_2 if settings.LRS_XAPI_VERSION.startswith("2.") else VERSION
        response["X-Experience-API-Version"] = VERSION_2 if speaks_2 else (VERSION if asked else default)
        if request.path.rstrip("/").endswith("/statements"):
            response.setdefault("X-Experience-API-Consistent-Through", timezone.now().isoformat())
        return response

    return view


def _dispatch(request, handlers, authenticate):
    xreq = _xrequest(request)
    if authenticate:
        xreq.principal = principal_from_basic(xreq.headers.get("authorization", ""))
        if xreq.principal is None:
            raise XapiError("Send valid credentials with HTTP Basic.", field="Authorization", status_code=401)
        version = xreq.headers.get("x-experience-api-version", "").strip()
        if not version:
            raise XapiError("Send the X-Experience-API-Version header.", field="X-Experience-API-Version")
        if not ACCEPTED_VERSION.match(version):
            raise XapiError(f"Version {version} is not supported; this LRS speaks {VERSION}.",
                            field="X-Experience-API-Version")
        validation.XAPI_2.set(version.startswith("2."))
        if validation.XAPI_2.get() and xreq.alternate:
            raise XapiError("xAPI 2.0 has no alternate request syntax.", field="method")
    method = "GET" if xreq.method == "HEAD" else xreq.method
    handler = handlers.get(method)
    if handler is None:
        return error_response(f"{xreq.method} is not allowed here.", status=405)
    response = handler(xreq)
    if xreq.method == "HEAD":
        response.content = b""
    return response


def require(params: dict, *names: str) -> None:
    for name in names:
        if name not in params:
            raise XapiError(f"The {name} parameter is required.", field=name)


def only(params: dict, allowed: set[str]) -> None:
    for name in params:
        if name not in allowed:
            raise XapiError(f"{name} is not a parameter of this resource.", field=name)


def no_content() -> HttpResponse:
    return HttpResponse(status=204)
