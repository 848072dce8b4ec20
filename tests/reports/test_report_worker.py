"""Report e-mails end to end: a real Celery worker on the local Redis renders the frozen
PDF and sends it through a real SMTP server (aiosmtpd on the loopback), retrying a 4xx.

The worker reads the test database, so rows are committed (``transaction=True``) and the
test needs PostgreSQL and REDIS_URL (its own Redis database; it is emptied first).
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from reports import services
from reports.models import ReportDelivery, ReportSnapshot
from tests.reports.conftest import ScriptedSMTPHandler, build_report_plan, free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def eager_celery() -> Any:
    """This module publishes to the real broker (overrides the package's eager fixture)."""
    from planportal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = before


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def smtp() -> Iterator[ScriptedSMTPHandler]:
    from aiosmtpd.controller import Controller

    handler = ScriptedSMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


@pytest.fixture
def worker(smtp: ScriptedSMTPHandler, tmp_path: Path) -> Iterator[subprocess.Popen]:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: the real-worker test needs the local Redis")
    if connection.vendor != "postgresql":
        pytest.skip("a worker process cannot see an in-memory SQLite test database")
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    db = settings.DATABASES["default"]
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("CELERY_", "PYTEST", "DJANGO_SETTINGS", "REPORT_"))}
    env.update({
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}?tls=false&timeout=10",  # type: ignore
        "SITE_URL": "https://planportal.example.no",
        "ALLOWED_HOSTS": "planportal.example.no",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REPORT_EMAIL_RETRY_BASE_DELAY": "1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    })
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "planportal", "worker", "-P", "prefork",
             "-c", "1", "--without-mingle", "--without-gossip", "-l", "INFO",
             "-n", "reports@%h"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    process.log_path = log_path  # type: ignore[attr-defined]
    try:
        wait_for(lambda: "ready." in log_path.read_text(errors="replace")
                 or process.poll() is not None, 60, "the worker to start")
        assert process.poll() is None, log_path.read_text(errors="replace")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_a_real_worker_renders_and_sends_each_report_once(
    world: Any, worker: subprocess.Popen, smtp: ScriptedSMTPHandler
) -> None:
    report = build_report_plan(world)
    smtp.script = ["451 4.3.0 Mailbox busy, try later"]
    services.create_subscription(actor=world.admin, plan=report.plan, email="leder@komite.no",
                                 starts_on=date(2026, 1, 1))
    services.create_subscription(actor=world.admin, plan=report.plan,
                                 email="nestleder@komite.no", starts_on=date(2026, 1, 1))
    day = date(2026, 9, 1)
    services.send_due_reports(day)  # commits, then publishes to Redis

    log = worker.log_path  # type: ignore[attr-defined]
    wait_for(lambda: ReportDelivery.objects.filter(status="sent").count() == 2, 90,
             "both report e-mails to be sent\n" + log.read_text(errors="replace"))
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.status == ReportSnapshot.Status.READY and snapshot.pdf_pages
    retried = ReportDelivery.objects.get(attempts=2)  # the one that met the 451
    assert retried.sent_at is not None

    services.send_due_reports(day)  # a second sweep (and beat running twice) sends nothing
    time.sleep(3)
    recipients = sorted(r for envelope in smtp.accepted for r in envelope.rcpt_tos)
    assert recipients == ["leder@komite.no", "nestleder@komite.no"]
    message = email.message_from_bytes(smtp.accepted[0].original_content,
                                       policy=email.policy.default)
    assert message["Subject"] == "Fremdriftsrapport: Plan for rapport – Ærø – 2. tertial 2026"
    assert next(message.iter_attachments()).get_content().startswith(b"%PDF")
