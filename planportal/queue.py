"""Queueing a Celery task by its registered name once the transaction commits.

Services queue tasks and tasks call services. A service names its task instead of
importing it, so the services layer stays below the tasks layer (docs/architecture.md).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction


def task_named(name: str) -> Any:
    """The registered task *name* (e.g. ``"reports.tasks.render_snapshot_pdf"``)."""
    tasks = current_app.tasks
    if name not in tasks:
        # A worker imports every app's tasks module at start; a web process has not yet.
        current_app.loader.import_default_modules()
    return tasks[name]


def enqueue_on_commit(name: str, *args: Any) -> None:
    """Queue task *name* with *args* after the current transaction commits.

    ``robust=True``: if the broker is down the data is still committed, and the sweep
    that owns the task publishes it again.
    """
    # Looked up now: a wrong name fails the service, not silently after the commit.
    transaction.on_commit(partial(task_named(name).delay, *args), robust=True)
