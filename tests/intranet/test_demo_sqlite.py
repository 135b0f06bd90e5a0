import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.slow
def test_demo_council_works_on_sqlite(tmp_path):
    """`make demo` runs on SQLite: every demo login opens every page linked from home without a 5xx.

    The suite runs on PostgreSQL, so a query only PostgreSQL understands (DISTINCT ON, say) would
    otherwise first show up in front of a council trying the demo."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "intranet.settings.demo",
    }
    result = subprocess.run(
        [sys.executable, str(HERE / "demo_smoke.py")], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "visited" in result.stdout
