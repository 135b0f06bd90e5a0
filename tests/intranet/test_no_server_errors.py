"""No page or API endpoint answers 500, whoever asks and whatever junk is in the query string.

Walks the URL resolver, so a new page is covered the day it is added. Patterns without arguments
are fetched as every role, plainly and with junk query parameters; patterns with an id are fetched
with an id that does not exist (expecting 403/404, never 500); slug/token patterns likewise.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

ROLES = ["alice", "manager", "hr", "payroll", "champion", "director", "admin", "no_record", "roles_no_record", None]
JUNK = "?page=abc&q=%00&unit=nope&start=notadate&end=notadate&period=xx&year=x&month=13&status=bogus&sort=-nope&o=zz"
# "²" passes str.isdigit() but not int(); huge numbers overflow bigint; impossible dates parse as ISO shapes.
JUNK_NUMBERS = ("?page=%C2%B2&unit=%C2%B2&year=%C2%B2&period=2026-13&start=2026-02-30&end=9999-99-99"
                "&course=%C2%B2&vacancy=%00&type=%C2%B2&kind=%C2%B2&category=%C2%B2&skill=%C2%B2&mine=1&overdue=x")
MISSING_INT = "999999"
HUGE_INT = "99999999999999999999"  # beyond bigint: must still be a 404, not a database error
SKIP_PREFIXES = ("admin/", "sign-out/", "api/schema/", "api/docs/", "api/redoc/")

# Reachable signed out on purpose (settings.PUBLIC_URL_PREFIXES less the API, which has its own auth).
PUBLIC = ("/sign-in/", "/accessibility/", "/healthz", "/applicant/")

_ARG = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>(?P<rx>[^)]*)\)")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _fill(route):
    """A concrete path for a route, with missing ids/slugs for its arguments."""

    def sub(m):
        if m.group("rname"):
            rx = m.group("rx")
            return MISSING_INT if "0-9" in rx or r"\d" in rx else rx.split("|")[0]
        return MISSING_INT if m.group("conv") in ("int", "id") else "no-such-thing"

    path = _ARG.sub(sub, route)
    path = path.lstrip("^").rstrip("$").replace("\\.", ".")
    return "/" + path


def _routes():
    routes = sorted(set(_walk(get_resolver().url_patterns)))
    return [r for r in routes if not r.startswith(SKIP_PREFIXES)]


def _seed(people, org):
    """A little data so list pages render rows: a submitted request, a course with a booked session,
    a help request to the champion, a news article with a comment, and an open skills campaign."""
    import datetime as dt

    from django.utils import timezone

    from news import services as news_services
    from news.models import Article
    from self_service import services as ss_services
    from self_service.models import RequestType
    from self_service.shipped_types import SHIPPED_TYPES
    from skills_matrix.models import Campaign
    from training import services as training_services
    from training.models import Champion, Course, Session

    alice = people["alice"]
    if not RequestType.objects.exists():  # a flushed database (browser journeys) lost the seeded types
        for spec in SHIPPED_TYPES:
            RequestType.objects.create(**spec)
    ss_services.request_create(actor=alice.user, request_type=RequestType.objects.get(code="overtime"), employee=alice,
                               data={"date": "2027-02-01", "hours": "2", "reason": "Gritting"}, submit=True)
    course = Course.objects.create(code="smoke-course", title="Smoke course", kind=Course.Kind.CLASSROOM)
    start = timezone.now() + dt.timedelta(days=7)
    session = Session.objects.create(course=course, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=5,
                                     venue="Civic Centre")
    training_services.booking_create(actor=alice.user, session=session, employee=alice)
    Champion.objects.create(employee=people["champion"], unit=org["social"], availability="Tuesdays")
    training_services.help_request_create(actor=alice.user, topic="Printing")
    article = Article.objects.create(title="Smoke news", slug="smoke-news", summary="s", body="b",
                                     publish_at=timezone.now() - dt.timedelta(hours=1))
    news_services.comment_add(actor=alice.user, article=article, body="Thanks")
    today = timezone.localdate()
    Campaign.objects.create(name="Smoke campaign", opens_on=today - dt.timedelta(days=1),
                            closes_on=today + dt.timedelta(days=30))


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_no_page_or_endpoint_answers_500(client, people, org, role):
    _seed(people, org)
    if role in ("no_record", "roles_no_record"):
        # A signed-in account with no employee record (a service or break-glass account), plain or holding every role.
        from people import roles
        from tests.factories import UserFactory

        client.force_login(UserFactory(username=role, roles=roles.ALL_ROLES if role == "roles_no_record" else []))
    elif role:
        client.force_login(people[role].user)
    failures = []
    for route in _routes():
        path = _fill(route)
        has_args = path != "/" + route
        for url in ([path] if has_args else [path, path + JUNK, path + JUNK_NUMBERS]):
            try:
                response = client.get(url)
            except Exception as exc:  # a view that raises is a 500 in production
                failures.append(f"{url} raised {exc.__class__.__name__}: {exc}")
                continue
            if response.status_code >= 500:
                failures.append(f"{url} -> {response.status_code}")
            if role is None and response.status_code == 200 and not path.startswith(PUBLIC):
                failures.append(f"{url} -> 200 for anonymous (deny by default)")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["hr", "director"])
def test_ids_beyond_the_database_range_are_not_found_not_500(client, people, role):
    client.force_login(people[role].user)
    failures = []
    for route in _routes():
        if "<int:" not in route and "<id:" not in route and "[0-9]" not in route:
            continue
        url = _fill(route).replace(MISSING_INT, HUGE_INT)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url} -> {response.status_code}")
    for url in ("/reporting/?unit=" + HUGE_INT, "/api/reporting/metrics/?unit=" + HUGE_INT,
                "/reporting/export.csv?unit=" + HUGE_INT, "/api/self-service/requests/?q=" + HUGE_INT):
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url} -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_json_body_nested_too_deeply_is_a_400(people, api_as):
    response = api_as(people["alice"]).post("/api/self-service/requests/", data="[" * 200_000 + "]" * 200_000,
                                           content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
