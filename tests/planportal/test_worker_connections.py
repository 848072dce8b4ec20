"""A worker keeps its database connection between tasks and still drops a broken or old
one before the next task, as Django does around requests."""

from __future__ import annotations

from types import SimpleNamespace

import django.db
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun

from planportal.celery import app


class _Task:
    """What the signal handler reads of a task: its request's ``is_eager``."""

    def __init__(self, eager: bool) -> None:
        self.request = SimpleNamespace(is_eager=eager)


def _task(eager: bool) -> _Task:
    return _Task(eager)


def test_the_worker_fixup_keeps_connections_between_tasks():
    assert DjangoWorkerFixup(app).db_reuse_max == 1000


def test_a_worker_task_checks_its_connections_before_and_after_it_runs(monkeypatch):
    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda **_kw: calls.append(1))
    task_prerun.send(sender=_task(eager=False))
    task_postrun.send(sender=_task(eager=False))
    assert len(calls) == 2


def test_an_eager_task_leaves_the_callers_connection_alone(monkeypatch):
    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda **_kw: calls.append(1))
    task_prerun.send(sender=_task(eager=True))
    assert calls == []
