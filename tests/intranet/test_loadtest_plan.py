"""`make loadtest` is not part of the suite, but what it asks for must still exist: every path of
its plan resolves to a view, and the locustfile loads its users (in a child process: importing
locust monkey-patches the standard library with gevent)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from bench import loadtest_plan

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize("path", loadtest_plan.every_path())
def test_every_loadtest_path_resolves(path):
    assert resolve(urlsplit(path).path).func is not None


def test_every_page_has_a_role_the_load_test_signs_in_as():
    roles = {role for role, _, _ in loadtest_plan.MIXED} | {"anonymous"}
    assert {role for _, role, _ in loadtest_plan.PAGES} <= roles
    assert set(loadtest_plan.REPORTING_PAGES) <= {name for name, _, _ in loadtest_plan.PAGES}
    assert set(loadtest_plan.BUSY_PAGES) <= {name for name, _, _ in loadtest_plan.PAGES}


@pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="locust is not installed (dev extra)")
@pytest.mark.parametrize("phase, users", [
    ("mixed", {"MixedEmployee", "MixedManager", "MixedHr", "MixedDirector"}),
    ("page:director's adoption report", {"PageUser"}),
    ("busy:team skills matrix", {"PageUser"}),
    ("arrival", {"ArrivalUser"}),
])
def test_the_locustfile_loads_its_users(phase, users):
    done = subprocess.run([str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                           "--list"], cwd=ROOT, env={**os.environ, "LOADTEST_PHASE": phase},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert users <= set(done.stdout.split()), done.stdout


@pytest.mark.parametrize("users", [1, 3, 4, 10, 17, 50, 51, 200])
def test_the_users_are_shared_between_the_roles_by_weight(users):
    share = loadtest_plan.share(users)
    assert list(share) == [role for role, _, _ in loadtest_plan.MIXED]
    assert sum(share.values()) == users
    if users >= len(loadtest_plan.MIXED):
        assert min(share.values()) >= 1
    weights = {role: w for role, w, _ in loadtest_plan.MIXED}
    total = sum(weights.values())
    assert all(abs(n - users * weights[role] / total) < 1.5 for role, n in share.items())


def test_every_mixed_role_has_a_pool_of_accounts():
    from bench import loadtest_accounts

    assert {role for role, _, _ in loadtest_plan.MIXED} <= set(loadtest_accounts.POOLS)


def test_the_pools_take_distinct_people_of_each_role(people):
    from bench import loadtest_accounts

    pools = loadtest_accounts.prepare(10)["accounts"]
    # ordinary staff: a line manager, no reports, no role beyond Employee; the named account first
    assert set(pools["employee"]) == {"bob", "carol", "dave"}
    # managers: the pooled employees' line managers first (alice, manager, other_manager), then the rest
    assert set(pools["manager"][:3]) == {"alice", "manager", "other_manager"}
    assert set(pools["manager"]) == {"alice", "manager", "other_manager", "head", "director"}
    assert pools["hr"] == ["hr"]
    assert pools["director"] == ["director"]
    assert all(len(set(names)) == len(names) for names in pools.values())


def test_the_pools_leave_out_leavers(people):
    from bench import loadtest_accounts

    people["bob"].user.is_active = False
    people["bob"].user.save(update_fields=["is_active"])
    people["carol"].is_active = False
    people["carol"].save(update_fields=["is_active"])
    # bob has left; so has carol, alice's only report, so alice manages nobody now
    assert loadtest_accounts.prepare(10, ["employee"])["accounts"] == {"employee": ["alice", "dave"]}
    assert "alice" not in loadtest_accounts.prepare(10)["accounts"]["manager"]
    assert len(loadtest_accounts.prepare(1)["accounts"]["manager"]) == 1


def test_a_prepared_session_is_signed_in_without_a_password_check(people, client, settings):
    from bench import loadtest_accounts

    settings.PASSWORD_HASHERS = ["tests.intranet.test_loadtest_plan.RefusingHasher"]
    prepared = loadtest_accounts.prepare(2)
    assert prepared["cookie"] == settings.SESSION_COOKIE_NAME
    for role, keys in prepared["sessions"].items():
        for username, key in zip(prepared["accounts"][role], keys, strict=True):
            client.cookies[prepared["cookie"]] = key
            page = client.get("/")
            assert page.status_code == 200, (role, username, page.status_code)
            assert page.wsgi_request.user.username == username
    assert len({k for keys in prepared["sessions"].values() for k in keys}) == sum(
        len(keys) for keys in prepared["sessions"].values())


class RefusingHasher:
    """Fails the test if anything hashes or checks a password."""

    algorithm = "refusing"

    def __getattr__(self, name):
        raise AssertionError(f"a password was hashed or checked ({name})")


def test_the_prepared_sessions_are_forgotten_after_the_run(people, client):
    from bench import loadtest_accounts

    prepared = loadtest_accounts.prepare(1)
    keys = [k for ks in prepared["sessions"].values() for k in ks]
    assert loadtest_accounts.forget(keys) == len(keys) == 4
    client.cookies[prepared["cookie"]] = keys[0]
    assert client.get("/").status_code == 302  # to the sign-in page


def test_the_load_users_keep_cookies_as_a_browser_does():
    """bench/locustfile and scripts/prod_check share keep_cookies: a Secure cookie set over the
    imagined TLS proxy is kept, one expired is forgotten."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from prod_check import keep_cookies

    cookies = {"old": "1"}
    keep_cookies(cookies, ["sessionid=abc; HttpOnly; Path=/; SameSite=Lax; Secure",
                           "csrftoken=xyz; Path=/; Secure", 'old=""; Max-Age=0; Path=/'])
    assert cookies == {"sessionid": "abc", "csrftoken": "xyz"}
