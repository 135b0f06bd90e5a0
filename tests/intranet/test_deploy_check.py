"""Production settings must pass Django's deployment checklist with warnings treated as errors."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FIELD_ENCRYPTION"))}
    env.update(
        DJANGO_SETTINGS_MODULE="intranet.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="intranet.council.example",
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        # `check --deploy` does not connect; the URL only has to parse.
        DATABASE_URL="postgres://intranet:secret@db.invalid:5432/intranet",
        REDIS_URL="redis://redis.invalid:6379/0",
    )
    env.update(overrides)
    return env


def _check(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _check(_production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]

    result = _check(env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_weak_secret_key_fails_the_check():
    result = _check(_production_env(DJANGO_SECRET_KEY="short"))

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
