"""Issue 13: the Docker image builds and the stack passes the same check under compose, where a
Docker engine is present (`make docker-check`); where none is, the check says so and skips."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _docker_engine() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def test_docker_check_builds_the_image_and_passes_under_compose():
    result = subprocess.run(["bash", "scripts/docker-check.sh"], cwd=ROOT, capture_output=True, text=True,
                            timeout=3600)

    if not _docker_engine():
        assert result.returncode == 0 and "skipped: no Docker engine here" in result.stdout
        pytest.skip("no Docker engine here (`docker info` failed): the image was not built")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "image built" in result.stdout and "prod-check passed" in result.stdout
