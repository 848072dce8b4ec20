"""Fixtures and builders shared by the reminder tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from planportal.celery import app as celery_app
from tests.factories import ActionFactory

TODAY = date(2026, 6, 15)  # a Monday


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run tasks in-process even when REDIS_URL is set (CI), as the embedded default does."""
    before = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture
def reminder_settings(settings: Any) -> Any:
    """The documented defaults, whatever the environment says."""
    settings.REMINDER_WINDOWS = [30, 14, 3, 0]
    settings.REMINDER_STALE_DAYS = 60
    settings.REMINDER_SECTOR_DIGEST_WEEKDAY = 1
    settings.REMINDER_MAX_RETRIES = 3
    settings.REMINDER_RETRY_BASE_DELAY = 1
    settings.REMINDER_RETRY_MAX_DELAY = 2
    settings.SITE_URL = "https://planportal.example.no"
    return settings


def action_due(world: Any, due: date | None, **fields: Any) -> Any:
    """An action in the world's plan, due on *due*, for the home-care unit by default."""
    fields.setdefault("responsible_unit", world.home_care)
    fields.setdefault("title", "Øke bemanningen på kveldstid")
    fields.setdefault("goal", world.goal)
    return ActionFactory(due_date=due, **fields)


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ScriptedHandler:
    """An aiosmtpd handler answering DATA with the next scripted reply (then 250 OK),
    keeping every accepted message."""

    def __init__(self, replies: list[str] | None = None) -> None:
        self.replies = list(replies or [])
        self.accepted: list[Any] = []
        self.attempts = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.replies:
            reply = self.replies.pop(0)
            if not reply.startswith("250"):
                return reply
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.accepted.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[ScriptedHandler]:
    """A real SMTP server on the loopback (aiosmtpd in a thread); MAILERS point at it."""
    from aiosmtpd.controller import Controller

    handler = ScriptedHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    handler.port = controller.port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


def bodies(message: Any) -> tuple[str, str]:
    """The decoded plain-text and HTML parts of an accepted message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


@pytest.fixture
def run_sweep(django_capture_on_commit_callbacks: Any, eager_celery: None) -> Any:
    """Sweep for a day and let the published e-mail tasks run (eagerly) after commit."""
    from actions.reminders.sweep import sweep_deadlines, sweep_sector_digests

    def run(day: date, kind: str = "daily") -> Any:
        sweep = sweep_deadlines if kind == "daily" else sweep_sector_digests
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(day)

    return run
