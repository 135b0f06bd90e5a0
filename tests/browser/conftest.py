"""Browser journeys: Playwright for Python driving Debian's chromium against pytest-django's live server.

Every journey in tests/browser reuses what is here:

- `page` (desktop, 1280×900) and `phone_page` (375×812, touch, is_mobile) fixtures; each test gets a
  fresh browser context, so cookies and sessions never leak between tests;
- `base_url`: the live server's address (it also serves /static/ through the staticfiles finders, so
  the built GOV.UK Frontend CSS loads exactly as in the demo);
- `sign_in(page, username, password)`: the real sign-in form, then waits for the home dashboard;
  `force_sign_in(page, user)` sets a session cookie directly, for journeys about something else;
- `axe(page, context=...)`: injects axe-core from node_modules (never a CDN), runs the WCAG 2.0, 2.1
  and 2.2 A/AA rules and fails listing every serious or critical violation with its targets;
- `assert_no_horizontal_scroll(page)`: the phone-width layout check;
- a failing journey leaves a full-page screenshot in .local/browser-failures/.

We use the system chromium (`/usr/bin/chromium`, from apt) via `executable_path`; `playwright install`
is never needed. When chromium or axe-core is missing the journeys are skipped with the reason, so a
developer without them still gets a green unit suite, while `make test` installs both.
"""

import os
from pathlib import Path

import pytest

# The sync Playwright API runs an event loop in this thread; Django then refuses ORM calls from the
# test body (fixtures, assertions on the database) unless told the loop is not ours to protect.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item so the page fixtures can tell a failed test and
    # leave a screenshot behind for whoever reads the CI log.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_collection_modifyitems(items):
    # Everything collected under tests/browser is a browser journey, marked or not, so
    # `pytest -m "not browser"` reliably leaves them out.
    #
    # The live server runs in another thread with its own connection, so data must really be
    # committed (transaction=True). A transactional test empties every table when it ends, including
    # rows that data migrations ship (roles, request types, the skills framework); serialized
    # rollback puts those back before each journey. A journey's own django_db marker still wins.
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if item.get_closest_marker("django_db") is None:
                item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(autouse=True)
def _live_database(transactional_db, live_server):
    """Autouse, so a test that picks `page` or `phone_page` through request.getfixturevalue() after a
    data fixture has already asked for `db` still gets a transactional database and a live server."""


# One Playwright driver and one chromium for the whole run. Journeys that live beside their app's
# tests import these fixtures, which makes pytest hold several `browser` fixture definitions; they
# all share this state, because a second sync_playwright() in the same thread is refused.
_shared: dict = {"users": 0}


@pytest.fixture(scope="session")
def browser(django_db_setup, django_db_blocker):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    from django.db import connections

    # The sync Playwright API marks an event loop as running in this thread. From then on Django's
    # per-thread connection store hands this thread different connection objects (asgiref keeps
    # them per async context), which lack what the test database set-up left on the originals:
    # the serialized copy of migration data that serialized rollback restores between journeys.
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    if "browser" not in _shared:
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
    for alias, contents in serialized.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents
    _shared["users"] += 1
    yield _shared["browser"]
    _shared["users"] -= 1
    if _shared["users"] == 0:
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()
        # Close the connections opened while the loop ran, so the test database can be dropped.
        with django_db_blocker.unblock():
            connections.close_all()


@pytest.fixture
def base_url(live_server):
    return live_server.url


SCREENSHOTS = ROOT / ".local" / "browser-failures"


def _close(request, context, page):
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            print(f"\nscreenshot of the failing page: {path} ({page.url})")
        except Exception as exc:  # noqa: BLE001 - a screenshot must never hide the real failure
            print(f"\nno screenshot: {exc}")
    context.close()


def _new_page(browser, base_url, **context_kwargs):
    context = browser.new_context(base_url=base_url, locale="en-GB", timezone_id="Europe/London", **context_kwargs)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # journeys may assert the page ran without script errors
    page.base_url = base_url
    return context, page


@pytest.fixture
def page(request, browser, base_url):
    """A desktop-width page in its own browser context."""
    context, page = _new_page(browser, base_url, viewport={"width": 1280, "height": 900})
    yield page
    _close(request, context, page)


@pytest.fixture
def phone_page(request, browser, base_url):
    """A phone-width page (375×812, touch), the narrowest width the service supports."""
    context, page = _new_page(
        browser, base_url, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True,
        device_scale_factor=2,
    )
    yield page
    _close(request, context, page)


def sign_in(page, username: str, password: str) -> None:
    """Sign in through the real form and wait for the home dashboard."""
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    page.wait_for_load_state("domcontentloaded")


def force_sign_in(page, user) -> None:
    """Sign `user` in without the form: a real session in the database and its cookie in the browser.

    For journeys whose subject is not signing in (the foundation journey signs in through the form).
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": page.base_url}]
    )


def run_axe(page, *, context: str | None = None, disable: tuple[str, ...] = ()) -> list[dict]:
    """Run axe-core on the current page and return the serious and critical violations."""
    if not AXE_JS.exists():
        pytest.skip(f"axe-core not found at {AXE_JS} (npm ci)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:10])
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes) -> {targets}")
    return "\n".join(lines)


@pytest.fixture
def axe():
    """axe(page, context=None, disable=()) fails the test on any serious or critical violation."""

    def _check(page, *, context: str | None = None, disable: tuple[str, ...] = ()):
        violations = run_axe(page, context=context, disable=disable)
        assert not violations, f"axe-core found accessibility problems on {page.url}:\n" + format_violations(
            violations
        )

    return _check


def assert_no_horizontal_scroll(page) -> None:
    """At phone width the page must reflow (WCAG 1.4.10): nothing wider than the viewport."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px at phone width"
