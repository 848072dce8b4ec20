"""A worker keeps its database connection between tasks and still drops a broken or old
one before the next task, as Django does around requests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from planportal.celery import app


class _Task:
    """What the signal handler reads of a task: its request's ``is_eager``."""

    def __init__(self, eager: bool) -> None:
        self.request = SimpleNamespace(is_eager=eager)


@pytest.fixture
def checks(monkeypatch):
    calls = []
    monkeypatch.setattr(BaseDatabaseWrapper, "close_if_unusable_or_obsolete",
                        lambda self: calls.append(self.alias))
    return calls


def test_the_worker_fixup_keeps_connections_between_tasks():
    assert DjangoWorkerFixup(app).db_reuse_max == 1000


@pytest.mark.django_db(transaction=True)
def test_a_worker_task_checks_its_connections_before_and_after_it_runs(checks):
    connection.ensure_connection()
    task_prerun.send(sender=_Task(eager=False))
    task_postrun.send(sender=_Task(eager=False))
    assert checks.count("default") == 2


@pytest.mark.django_db
def test_a_connection_inside_a_transaction_is_left_alone(checks):
    # The test's transaction stands for a caller's: closing it would lose its work.
    task_prerun.send(sender=_Task(eager=False))
    assert "default" not in checks


def test_an_eager_task_leaves_the_callers_connection_alone(checks):
    task_prerun.send(sender=_Task(eager=True))
    assert checks == []
