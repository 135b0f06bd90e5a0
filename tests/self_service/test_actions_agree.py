"""One rule per operation: the request page's buttons, the page POST and the API agree with
`actions.py` for every request status × role × action.

The expected answer is never written here: for each (request, person, action) the test asks the
action's own `allowed()`, then checks that the detail page shows that action's button exactly
then, that posting the page's form does it exactly then, and that the API does it exactly then.
"Does it" means the request's audit trail grew; "refused" means nothing was written.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from people.models import AuditEntry
from self_service import actions, services
from self_service.models import Channel, Request

pytestmark = pytest.mark.django_db
S = Request.Status

# alice: the employee; manager: her line manager; head: head of service (manager's manager);
# director; other_manager: a manager elsewhere; bob: another employee; hr; payroll and payroll2
# (two payroll officers); champion: a digital champion (who keys in one request for alice).
ROLES = ["alice", "manager", "head", "director", "other_manager", "bob", "hr", "payroll", "payroll2", "champion"]

# The bank details alice gives (_make); verify posts them re-keyed, the other actions ignore them.
REKEYED = {"sort_code": "309430", "account_number": "00733445"}

# type code -> the data it is made with, and the text field an edit changes
TYPES = {
    "overtime": ({"date": "2027-02-01", "hours": "2", "reason": "Winter gritting"}, "reason"),
    "flexible-working": ({"current_pattern": "5 days", "requested_pattern": "4 days",
                          "effective_date": "2027-04-01", "effect": ""}, "requested_pattern"),
    "emergency-contacts": ({"contact_name": "Pat Jones", "relationship": "Partner",
                            "contact_phone": "01632 960001"}, "contact_name"),
}

# (case id, type, status, who made it, extra). overtime: the manager decides, payroll's export
# processes it. flexible-working keyed in by the champion for alice: the manager decides, HR
# processes it on the page. emergency-contacts: no chain, so HR decides and processes (a role
# queue). bank-details: payroll decides, a second payroll officer verifies.
CASES = [
    *[(f"overtime-{s}", "overtime", s, "alice", "") for s in S.values],
    ("overtime-processed-rated", "overtime", S.PROCESSED, "alice", "rated"),
    ("overtime-rejected-rated", "overtime", S.REJECTED, "alice", "rated"),
    *[(f"flexible-{s}", "flexible-working", s, "champion", "")
      for s in (S.DRAFT, S.SUBMITTED, S.APPROVED, S.PROCESSED)],
    ("contacts-submitted", "emergency-contacts", S.SUBMITTED, "alice", ""),
    *[(f"bank-{s}", "bank-details", s, "alice", "") for s in (S.SUBMITTED, S.RETURNED, S.APPROVED)],
    ("bank-approved-verified", "bank-details", S.APPROVED, "alice", "verified"),
]


def _make(people, rtype, period, password, code, status, maker, extra) -> Request:
    """alice's request of type `code`, made by `maker`, brought to `status` through the services."""
    alice, manager, hr, payroll = people["alice"], people["manager"], people["hr"], people["payroll"]
    if code == "bank-details":
        r = services.bank_details_request_submit(actor=alice.user, employee=alice, account_name="A Smith",
                                                 sort_code="309430", account_number="00733445", password=password)
        decider = payroll
    else:
        channel = Channel.ONLINE if maker == "alice" else Channel.ASSISTED
        r = services.request_create(actor=people[maker].user, request_type=rtype(code), employee=alice,
                                    data=dict(TYPES[code][0]), channel=channel)
        decider = hr if code == "emergency-contacts" else manager
        if status == S.DRAFT:
            return r
        if status == S.WITHDRAWN:
            return services.request_withdraw(actor=alice.user, request=r)
        r = services.request_submit(actor=people[maker].user, request=r)
    if status == S.SUBMITTED:
        return r
    if status == S.RETURNED:
        return services.request_return(actor=decider.user, request=r, comment="Please check")
    if status == S.WITHDRAWN:
        return services.request_withdraw(actor=alice.user, request=r)
    if status == S.REJECTED:
        r = services.request_reject(actor=decider.user, request=r, comment="Not agreed")
    else:
        r = services.request_approve(actor=decider.user, request=r)
        if extra == "verified":
            r = services.bank_details_verify(actor=people["payroll2"].user, request=r, **REKEYED)
        if status == S.PROCESSED:
            if r.type.affects_payroll:
                services.payroll_export(actor=payroll.user, period=period)
            else:
                services.request_process(actor=hr.user, request=r)
    if extra == "rated":
        services.rating_record(actor=alice.user, request=r, rating=4)
    r = Request.objects.select_related("type").get(pk=r.pk)
    assert r.status == status
    return r


def _trail(r) -> int:
    return AuditEntry.objects.filter(content_type__app_label="self_service", content_type__model="request",
                                     object_id=str(r.pk)).count()


def _edited_data(r) -> dict:
    data, field = TYPES.get(r.type.code, ({}, None))
    return {**data, **r.data, **({field: "Changed on the page"} if field else {})}


def _page_post(client, r, name):
    if name in actions.TRANSITIONS:
        return client.post(reverse("self_service:transition", args=[r.pk, name]), {"comment": "Checked", **REKEYED})
    if name == "edit":
        return client.post(reverse("self_service:edit", args=[r.pk]), _edited_data(r))
    if name == "attach":
        return client.post(reverse("self_service:attachment_upload", args=[r.pk]),
                           {"file": SimpleUploadedFile("note.pdf", b"%PDF-1.4 fit note")})
    if name == "comment":
        return client.post(reverse("self_service:comment", args=[r.pk]), {"body": "A question"})
    if name == "rate":
        return client.post(reverse("self_service:rate", args=[r.pk]), {"rating": 5})
    raise AssertionError(f"no page form for {name}: add one when adding an action")


API_ACTIONS = {*actions.TRANSITIONS, "edit", "comment"}  # attach and rate are page-only


def _api_call(api, r, name):
    if name in actions.TRANSITIONS:
        return api.post(reverse("self_service_api:request-transition", args=[r.pk, name]),
                        {"comment": "Checked", **REKEYED}, format="json")
    if name == "edit":
        return api.patch(reverse("self_service_api:request", args=[r.pk]), {"data": _edited_data(r)}, format="json")
    if name == "comment":
        return api.post(reverse("self_service_api:request-comments", args=[r.pk]), {"body": "A question"},
                        format="json")
    raise AssertionError(name)


def _did(r, do, *args) -> tuple[bool, int]:
    """Run `do(*args)` inside a savepoint rolled back afterwards (so each try starts from the same
    request): did it write to the request's audit trail, and the HTTP status."""
    sid = transaction.savepoint()
    try:
        before = _trail(r)
        resp = do(*args)
        wrote = _trail(r) > before
    finally:
        transaction.savepoint_rollback(sid)
    assert resp.status_code < 500, resp.content[:500]
    return wrote, resp.status_code


@pytest.mark.parametrize(("code", "status", "maker", "extra"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_buttons_page_post_and_api_agree_with_the_rule(people, rtype, period, password, login, api_as,
                                                       code, status, maker, extra):
    r = _make(people, rtype, period, password, code, status, maker, extra)
    disagreements = []
    for who in ROLES:
        user = people[who].user
        fresh = Request.objects.select_related("type").get(pk=r.pk)
        rule = {name: action.allowed(user, fresh) for name, action in actions.ACTIONS.items()}
        client, api = login(people[who]), api_as(people[who])
        page = client.get(reverse("self_service:detail", args=[r.pk]))
        body = page.content.decode() if page.status_code == 200 else ""
        for name, allowed in rule.items():
            shown = f'data-request-action="{name}"' in body
            posted, _ = _did(r, _page_post, client, r, name)
            got = {"button": shown, "page POST": posted}
            if name in API_ACTIONS:
                got["API"], api_status = _did(r, _api_call, api, r, name)
                assert (200 <= api_status < 300) is got["API"], (who, name, api_status)
            for where, did in got.items():
                if did is not allowed:
                    reason = actions.ACTIONS[name].reason(user, r)
                    disagreements.append(f"{who} {name}: rule says {allowed} ({reason}), {where} says {did}")
    assert disagreements == []


def test_the_rule_allows_and_refuses_each_action_somewhere(people, rtype, period, password):
    """So the agreement above is not the trivial one (everything refused); and a few anchors."""
    seen = {name: set() for name in actions.ACTIONS}
    by_case = {}
    for case_id, code, status, maker, extra in CASES:
        with transaction.atomic():
            sid = transaction.savepoint()
            r = _make(people, rtype, period, password, code, status, maker, extra)
            for who in ROLES:
                for name, action in actions.ACTIONS.items():
                    allowed = action.allowed(people[who].user, r)
                    seen[name].add(allowed)
                    by_case[(case_id, who, name)] = allowed
            transaction.savepoint_rollback(sid)
    assert {name: outcomes for name, outcomes in seen.items() if outcomes != {True, False}} == {}
    assert by_case[("overtime-submitted", "manager", "approve")]
    assert not by_case[("overtime-submitted", "alice", "approve")]  # nobody decides their own
    assert not by_case[("overtime-submitted", "head", "approve")]  # not their level
    assert by_case[("flexible-draft", "champion", "submit")]  # whoever keyed it in may send it
    assert by_case[("flexible-approved", "hr", "process")]
    assert not by_case[("overtime-approved", "payroll", "process")]  # the export processes payroll changes
    assert by_case[("bank-approved", "payroll2", "verify")]
    assert not by_case[("bank-approved", "payroll", "verify")]  # not the officer who approved it
    assert by_case[("overtime-processed", "alice", "rate")]
    assert not by_case[("overtime-processed-rated", "alice", "rate")]  # rated once
    assert not by_case[("overtime-draft", "manager", "comment")]  # drafts are private


def test_every_action_posted_by_name_has_a_service():
    from self_service.services.request_actions import _RUN

    assert set(_RUN) == set(actions.TRANSITIONS)


def test_a_closed_request_is_rated_once(people, login, overtime_for, period):
    r = overtime_for(people["alice"])
    services.request_approve(actor=people["manager"].user, request=r)
    services.payroll_export(actor=people["payroll"].user, period=period)
    services.rating_record(actor=people["alice"].user, request=r, rating=2)
    from core.errors import DomainError

    with pytest.raises(DomainError, match="already rated"):
        services.rating_record(actor=people["alice"].user, request=r, rating=5)
    resp = login(people["alice"]).post(reverse("self_service:rate", args=[r.pk]), {"rating": 5}, follow=True)
    assert "already rated" in resp.content.decode()
    assert Request.objects.get(pk=r.pk).rating == 2
