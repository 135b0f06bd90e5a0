import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_lrs_array_lookups_work_on_sqlite(tmp_path):
    """The demo runs on SQLite, where the statement arrays are JSON text: each lookup the selectors
    use still finds the right statements (the suite itself runs on PostgreSQL)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'lrs.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "intranet.settings.demo"}
    result = subprocess.run([sys.executable, str(HERE / "sqlite_smoke.py")], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "lrs on sqlite ok" in result.stdout
