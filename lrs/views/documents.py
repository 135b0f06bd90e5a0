"""Document resources (Communication 2.2 to 2.7): State, Activity Profile, Agent Profile; and the
Activities and Agents resources."""

from django.http import HttpResponse, JsonResponse

from core.errors import DomainError

from .. import selectors, services, validation
from ..http import XapiError, XRequest, no_content, only, require, xapi_resource
from ..launch import confine_agent
from ..models import Document

Kind = Document.Kind


def _since(params):
    if "since" not in params:
        return None
    return selectors._time(params, "since")


def _document_response(doc: Document) -> HttpResponse:
    response = HttpResponse(bytes(doc.content), content_type=doc.content_type)
    response["ETag"] = f'"{doc.etag}"'
    response["Last-Modified"] = doc.updated.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


def _identity(xreq: XRequest, kind: str, *, doc_param: str, activity: bool, agent: bool,
              registration: bool = False, doc_required: bool) -> dict:
    params = xreq.params
    allowed = {doc_param} | ({"activityId"} if activity else set()) | ({"agent"} if agent else set())
    allowed |= {"registration"} if registration else set()
    if xreq.method in ("GET", "HEAD") or (kind == Kind.STATE and xreq.method == "DELETE"):
        allowed |= {"since"} if xreq.method != "DELETE" else set()
    only(params, allowed)
    if activity:
        require(params, "activityId")
        validation.iri(params["activityId"], "activityId")
    agent_obj = None
    if agent:
        require(params, "agent")
        agent_obj = selectors.parse_agent_param(params["agent"])
        confine_agent(xreq.principal, agent_obj)
    reg = params.get("registration", "")
    if reg:
        validation.uuid_value(reg, "registration")
    if doc_required:
        require(params, doc_param)
    identity = services.document_identity(client_key=xreq.principal.key, kind=kind, activity_iri=params.get("activityId", ""), agent=agent_obj,
                                          registration=reg.lower(), doc_id=params.get(doc_param))
    if kind == Kind.STATE and "registration" not in params and params.get(doc_param) is None:
        identity.pop("registration")  # every registration's states for the activity and agent
    return identity


def _document_resource(kind: str, *, doc_param: str, activity: bool, agent: bool, registration=False,
                       concurrency=False):
    def ident(xreq, doc_required):
        return _identity(xreq, kind, doc_param=doc_param, activity=activity, agent=agent,
                         registration=registration, doc_required=doc_required)

    def get(xreq: XRequest):
        identity = ident(xreq, doc_required=False)
        if identity.get("doc_id") is None:
            return JsonResponse(selectors.document_ids(identity, _since(xreq.params)), safe=False)
        if "since" in xreq.params:
            raise XapiError("since lists ids; it cannot be sent with an id.", field="since")
        doc = selectors.document_get(identity)
        if doc is None:
            raise DomainError("No such document.", field=doc_param, status_code=404)
        return _document_response(doc)

    def write(xreq: XRequest, merge: bool):
        identity = ident(xreq, doc_required=True)
        ctype = xreq.headers.get("content-type") or "application/octet-stream"
        services.document_save(identity=identity, content=xreq.body, content_type=ctype, merge=merge,
                               if_match=xreq.headers.get("if-match"),
                               if_none_match=xreq.headers.get("if-none-match"),
                               # 2.0 extends concurrency control to State, for replacing a document
                               require_precondition=concurrency or (kind == Kind.STATE and validation.XAPI_2.get()),
                               require_to_create=concurrency)
        return no_content()

    def delete(xreq: XRequest):
        identity = ident(xreq, doc_required=kind != Kind.STATE)
        services.documents_delete(identity=identity, if_match=xreq.headers.get("if-match"))
        return no_content()

    return xapi_resource({"GET": get, "PUT": lambda x: write(x, False), "POST": lambda x: write(x, True),
                          "DELETE": delete})


state = _document_resource(Kind.STATE, doc_param="stateId", activity=True, agent=True, registration=True)
activity_profile = _document_resource(Kind.ACTIVITY_PROFILE, doc_param="profileId", activity=True, agent=False,
                                      concurrency=True)
agent_profile = _document_resource(Kind.AGENT_PROFILE, doc_param="profileId", activity=False, agent=True,
                                   concurrency=True)


def activities_get(xreq: XRequest):
    only(xreq.params, {"activityId"})
    require(xreq.params, "activityId")
    validation.iri(xreq.params["activityId"], "activityId")
    return JsonResponse(selectors.activity_get(xreq.params["activityId"]))


def agents_get(xreq: XRequest):
    """The Person object for an agent: what this LRS knows of it is the identifiers given."""
    only(xreq.params, {"agent"})
    require(xreq.params, "agent")
    agent = selectors.parse_agent_param(xreq.params["agent"])
    person = {"objectType": "Person"}
    for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return JsonResponse(person)


activities = xapi_resource({"GET": activities_get})
agents = xapi_resource({"GET": agents_get})
