"""Redis down during a status update: the update is saved, the user gets success, and the
reminder work is picked up when Redis returns.

Everything runs against a Redis this test starts on a free port (never the machine's
shared one): a real gunicorn for the web process, ``manage.py send_reminders`` for the
sweep, a real Celery worker and a real SMTP server.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from actions.models import StatusUpdate
from planportal.tokens import issue_token
from tests.actions.reminder_helpers import action_due, bodies, free_port
from tests.celery.conftest import ROOT, Process, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class PrivateRedis:
    """A redis-server of our own on the loopback, stopped and started at will."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port, self.directory, self.process = port, directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._answers, 15, "the private Redis to start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_for(lambda: not self._answers(), 10, "the private Redis to stop")

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


def _post(port: int, path: str, body: dict, headers: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", path, body=json.dumps(body),
                     headers={"Content-Type": "application/json", "Host": "127.0.0.1",
                              **headers})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def test_a_status_update_succeeds_while_redis_is_down_and_its_reminder_follows(
        world, celery_env, start_worker, smtp_server, private_redis, tmp_path):
    today = timezone.localdate()
    action = action_due(world, today + timedelta(days=3), responsible_person=world.unit_manager,
                        title="Kveldsbemanning – Åsen")
    _row, token = issue_token(actor=world.unit_manager, user=world.unit_manager, name="test")
    env = {**celery_env, "REDIS_URL": private_redis.url, "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "DEBUG": "false"}
    port = free_port()
    web = Process([sys.executable, "-m", "gunicorn", "planportal.wsgi", "--bind",
                   f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
                  env, tmp_path / "web.log")
    try:
        wait_for(lambda: "Booting worker" in web.log, 30, "gunicorn to start")
        time.sleep(1)
        private_redis.stop()

        status, body = _post(port, f"/api/v1/actions/{action.pk}/status-updates/",
                             {"status": "in_progress", "progress": 40, "comment": "Godt i gang"},
                             {"Authorization": f"Token {token}",
                              "If-Match": f'"{action.version}"'})
        assert status == 201, body
        assert StatusUpdate.objects.filter(action=action, progress=40).count() == 1

        # The hourly sweep while Redis is down: it records what is due and cannot publish.
        sweep = [sys.executable, "manage.py", "send_reminders"]
        subprocess.run(sweep, cwd=ROOT, env=env, check=True, timeout=120,
                       capture_output=True)
        assert smtp_server.accepted == []

        # Redis is back (empty); a worker runs; the next sweep delivers, once.
        private_redis.start()
        start_worker(REDIS_URL=private_redis.url)
        subprocess.run(sweep, cwd=ROOT, env=env, check=True, timeout=120,
                       capture_output=True)
        def to_manager() -> list:
            return [m for rcpts, m in smtp_server.accepted if world.unit_manager.email in rcpts]

        wait_for(to_manager, 60, "the reminder after Redis returned")
        time.sleep(3)
        # (On a Monday the sector leader's weekly digest goes out too; it is not counted.)
        assert len(to_manager()) == 1
        text, _html = bodies(to_manager()[0])
        assert "Kveldsbemanning – Åsen" in text
    finally:
        web.stop()
