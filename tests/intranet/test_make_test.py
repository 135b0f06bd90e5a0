"""Issue 2: `make test` runs the suite against PostgreSQL (not SQLite), and CI runs `make test`."""

from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql():
    # The demo uses SQLite; the suite must not quietly fall back to it, or PostgreSQL-only behaviour
    # (full-text search, recursive scoping queries, row locks) would go untested.
    assert connection.vendor == "postgresql"
    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        assert cur.fetchone()[0].startswith("PostgreSQL")


def test_ci_runs_make_test_and_make_test_runs_pytest_with_the_test_settings():
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "exec make test" in ci
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/test-services.sh" in recipe  # starts PostgreSQL and Redis, exports DATABASE_URL
    assert "pytest" in recipe
