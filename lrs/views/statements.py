"""The Statement Resource (Communication 2.1): POST, PUT, GET (single, voided, query), HEAD."""

import datetime as dt
import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from core.errors import DomainError

from .. import formats, selectors, services, validation
from ..http import XapiError, XRequest, no_content, xapi_resource


def _statements_from(xreq: XRequest) -> tuple[object, dict]:
    ctype = xreq.content_type
    if ctype == "multipart/mixed":
        raw, parts = formats.multipart_parse(xreq.headers.get("content-type", ""), xreq.body)
    elif ctype in ("application/json", ""):
        raw, parts = xreq.body, {}
    else:
        raise XapiError("Send statements as application/json or multipart/mixed.", field="Content-Type")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise XapiError("The body is not valid JSON.", field="statement") from None
    return payload, parts


def statements_post(xreq: XRequest):
    payload, parts = _statements_from(xreq)
    if isinstance(payload, list):
        if not payload:
            raise XapiError("Send at least one statement.", field="statement")
        if not all(isinstance(s, dict) for s in payload):
            raise XapiError("Each statement must be a JSON object.", field="statement")
        ids = services.statements_store(principal=xreq.principal, statements=payload, batch=True, parts=parts)
    elif isinstance(payload, dict):
        ids = services.statements_store(principal=xreq.principal, statements=[payload], batch=False, parts=parts)
    else:
        raise XapiError("Send a statement or a list of statements.", field="statement")
    return JsonResponse(ids, safe=False)


def statements_put(xreq: XRequest):
    statement_id = xreq.params.get("statementId")
    if statement_id is None:
        raise XapiError("PUT needs the statementId parameter.", field="statementId")
    for name in xreq.params:
        if name != "statementId":
            raise XapiError("PUT takes only statementId.", field=name)
    validation.uuid_value(statement_id, "statementId")
    payload, parts = _statements_from(xreq)
    if not isinstance(payload, dict):
        raise XapiError("PUT takes one statement.", field="statement")
    if "id" in payload and str(payload["id"]).lower() != statement_id.lower():
        raise XapiError("The statement's id differs from statementId.", field="id")
    payload["id"] = statement_id.lower()
    services.statements_store(principal=xreq.principal, statements=[payload], batch=False, parts=parts)
    return no_content()


def _render(xreq: XRequest, payloads: list[dict], body_of, want_attachments: bool):
    fmt = xreq.params.get("format", "exact")
    languages = formats.accept_languages(xreq.headers.get("accept-language", ""))
    body = body_of([formats.statement_out(p, fmt, languages) for p in payloads])
    if want_attachments:
        content, ctype = formats.multipart_build(body, selectors.attachments_for(payloads))
        return HttpResponse(content, content_type=ctype)
    return JsonResponse(body, safe=False, json_dumps_params={"ensure_ascii": False})


def statements_get(xreq: XRequest):
    params = xreq.params
    want_attachments = params.get("attachments", "false").lower() == "true"
    if "statementId" in params or "voidedStatementId" in params:
        found = selectors.statement_single(xreq.principal, params)
        if found is None:
            raise DomainError("No such statement.", field="statementId", status_code=404)
        response = _render(xreq, [found.payload], lambda out: out[0], want_attachments)
        response["Last-Modified"] = _http_date(found.stored)
        return response
    page = selectors.statements_query(xreq.principal, params)
    more = ""
    if page.more:
        next_params = {k: v for k, v in params.items() if k != "page"}
        next_params["page"] = page.more
        more = f"{xreq.path}?{urlencode(next_params)}"
    response = _render(xreq, [s.payload for s in page.statements],
                       lambda out: {"statements": out, "more": more}, want_attachments)
    if page.statements:  # xAPI 2.0: the newest stored time among the statements returned
        response["Last-Modified"] = _http_date(max(s.stored for s in page.statements))
    return response


def _http_date(when) -> str:
    return when.astimezone(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


statements = xapi_resource({"GET": statements_get, "POST": statements_post, "PUT": statements_put})


def about_get(xreq: XRequest):
    versions = ["1.0.3", "1.0.2", "1.0.1", "1.0.0"]
    if settings.LRS_XAPI_VERSION.startswith("2."):
        versions.insert(0, "2.0.0")
    return JsonResponse({"version": versions, "extensions": {}})


about = xapi_resource({"GET": about_get}, authenticate=False)
