"""Fault-test harness: a real Celery worker (and beat) as subprocesses against the local
Redis, and a real SMTP server (aiosmtpd) on the loopback, all started by the tests.

The worker reads pytest-django's test database, so the tests commit their rows
(``django_db(transaction=True)``); that needs PostgreSQL. Nothing here stops a shared
service: only the processes these fixtures started are signalled, by process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.actions.reminder_helpers import ScriptedHandler, free_port

ROOT = Path(__file__).resolve().parents[2]
CELERY = [sys.executable, "-m", "celery", "-A", "planportal"]


def wait_for(condition: Callable[[], Any], timeout: float, message: str) -> Any:
    """Poll *condition* every 0.2 s until it is truthy; fail the test after *timeout*."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"Timed out after {timeout:.0f} s: {message}")


class Process:
    """A celery subprocess in its own process group, with its log in a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log = log.open("wb")
        self.popen = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole group (main process and pool children): no clean shutdown."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: the real-worker tests need the local Redis")
    return url


@pytest.fixture
def clean_broker(redis_url: str) -> str:
    """Empty this run's Redis database (REDIS_URL names one for these tests alone)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    return redis_url


@pytest.fixture
def smtp_server() -> Iterator[ScriptedHandler]:
    """aiosmtpd on a free loopback port, in a thread of the test process."""
    from aiosmtpd.controller import Controller

    handler = ScriptedHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


@pytest.fixture
def celery_env(clean_broker: str, smtp_server: ScriptedHandler, transactional_db: Any) -> Any:
    """The environment a worker or beat needs to share this test's database and SMTP."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see the in-memory SQLite test database")
    db = settings.DATABASES["default"]
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("REMINDER", "CELERY_", "PYTEST", "DJANGO_SETTINGS"))
    }
    env.update({
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": clean_broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}?tls=false&timeout=10",
        "SITE_URL": "https://planportal.example.no",
        "ALLOWED_HOSTS": "planportal.example.no",
        "REMINDER_RETRY_BASE_DELAY": "1",
        "REMINDER_RETRY_MAX_DELAY": "2",
        "REMINDER_SENDING_FROM_HOUR": "0",
        "REMINDER_SENDING_TO_HOUR": "24",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    })
    return env


@pytest.fixture
def start_worker(celery_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Process]]:
    """Start ``celery worker`` (prefork) and wait until it is ready; stopped afterwards."""
    started: list[Process] = []

    def start(concurrency: int = 1, **extra_env: str) -> Process:
        env = {**celery_env, **extra_env}
        log = tmp_path / f"worker{len(started)}.log"
        worker = Process(
            [*CELERY, "worker", "-P", "prefork", "-c", str(concurrency), "--without-mingle",
             "--without-gossip", "-l", "INFO", "-n", f"reminders{len(started)}@%h"],
            env, log,
        )
        started.append(worker)
        wait_for(lambda: "ready." in worker.log or worker.popen.poll() is not None, 60,
                 "the worker did not start")
        assert worker.popen.poll() is None, worker.log
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def start_beat(celery_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Process]]:
    """Start ``celery beat`` with its own schedule file; stopped afterwards."""
    started: list[Process] = []

    def start(**extra_env: str) -> Process:
        index = len(started)
        beat = Process(
            [*CELERY, "beat", "-l", "INFO", "-s", str(tmp_path / f"beat{index}-schedule")],
            {**celery_env, **extra_env}, tmp_path / f"beat{index}.log",
        )
        started.append(beat)
        return beat

    yield start
    for beat in started:
        beat.stop()
