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


@pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="locust is not installed (dev extra)")
@pytest.mark.parametrize("phase, users", [
    ("mixed", {"MixedEmployee", "MixedManager", "MixedHr", "MixedDirector"}),
    ("page:director's adoption report", {"PageUser"}),
])
def test_the_locustfile_loads_its_users(phase, users):
    done = subprocess.run([str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                           "--list"], cwd=ROOT, env={**os.environ, "LOADTEST_PHASE": phase},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert users <= set(done.stdout.split()), done.stdout
