"""PostgreSQL connections killed under a running web process: the next request succeeds.

A real gunicorn serves Planportal from a scratch database with persistent connections (as
in production, with health checks). The test terminates every one of its server-side
connections with ``pg_terminate_backend`` and asks again.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time

import psycopg
import pytest

from tests.actions.reminder_helpers import free_port
from tests.operations.conftest import ROOT, manage

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
APP = "planportal-fault-test"


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        return conn.getresponse().status
    finally:
        conn.close()


def _wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise AssertionError(server.stdout.read())
        try:
            _get(port, "/api/v1/sdgs/")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def test_the_next_request_succeeds_after_the_database_drops_every_connection(
        scratch_databases):
    database, _unused = scratch_databases
    manage(database, "migrate", "--no-input", "-v", "0")
    manage(database, "load_demo", "--force")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"{database}?application_name={APP}",
        "DEBUG": "false",
        "SECRET_KEY": "fault-test-secret-key-that-is-long-enough-0123456789abcdefghij",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_SETTINGS_MODULE": "planportal.settings",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "planportal.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for(port, server)
        assert _get(port, "/api/v1/plans/") == 200
        with psycopg.connect(database, autocommit=True) as conn:
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = %s", [APP]).fetchone()[0]
        assert killed >= 1  # the web process held a persistent connection
        for path in ("/api/v1/plans/", "/api/v1/actions/?page_size=5", "/api/v1/sdgs/"):
            assert _get(port, path) == 200, path
    finally:
        server.terminate()
        server.wait(timeout=30)
