"""``./dev.sh run`` (issue 17, item 10): ``PORT`` chooses the port, the links in e-mails
and calendar feeds follow it, and the README says so beside the command.

The script runs for real in a copy of the project folder whose ``.venv/bin/python`` is a
stand-in that records what it is asked to do, so nothing is installed or started.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PYTHON = """#!/usr/bin/env bash
printf '%s SITE_URL=%s\\n' "$*" "${SITE_URL:-}" >> "$(dirname "$0")/../../calls.log"
"""


def _executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def run(tmp_path: Path):
    """``run(env)``: ``./dev.sh run`` in a sandbox; returns (result, the recorded calls)."""
    shutil.copy(ROOT / "dev.sh", tmp_path / "dev.sh")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    _executable(tmp_path / ".venv" / "bin" / "python", PYTHON)
    (tmp_path / "package-lock.json").write_text("{}")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / ".package-lock.json").write_text("{}")
    os.utime(tmp_path / "package-lock.json", (0, 0))  # older than the installed copy
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("msgfmt", "npm", "chromium"):
        _executable(tools / tool, "#!/bin/sh\nexit 0\n")

    def go(**env: str) -> tuple[subprocess.CompletedProcess, list[str]]:
        environment = {key: value for key, value in os.environ.items()
                       if key not in ("PORT", "SITE_URL")}
        environment.update(PATH=f"{tools}:{environment['PATH']}", **env)
        result = subprocess.run(["bash", str(tmp_path / "dev.sh"), "run"], env=environment,
                                capture_output=True, text=True, timeout=60, check=False)
        log = tmp_path / "calls.log"
        return result, log.read_text().splitlines() if log.exists() else []

    return go


def test_port_chooses_the_port_and_the_site_url_follows_it(run):
    result, calls = run(PORT="8080")
    assert result.returncode == 0, result.stderr
    assert calls[-1] == "manage.py runserver 127.0.0.1:8080 SITE_URL=http://127.0.0.1:8080"
    assert "http://127.0.0.1:8080/" in result.stdout


def test_without_port_it_runs_on_8000_and_a_given_site_url_is_kept(run):
    result, calls = run(SITE_URL="https://planportal.test")
    assert result.returncode == 0, result.stderr
    assert calls[-1] == "manage.py runserver 127.0.0.1:8000 SITE_URL=https://planportal.test"


def test_a_port_that_is_not_a_number_is_refused_before_anything_starts(run):
    result, calls = run(PORT="80; rm -rf /")
    assert result.returncode == 2 and "PORT must be a port number" in result.stderr
    assert not any("runserver" in call for call in calls)


def test_the_readme_documents_port_beside_the_run_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = readme.index("./dev.sh run")
    assert "PORT=8080 ./dev.sh run" in readme[command:command + 200]
    assert "| `PORT` | `8000` |" in readme
