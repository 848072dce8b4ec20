"""Celery hooks: changes made by a task are tagged with the task's name and id."""

from __future__ import annotations

from typing import Any

from celery.signals import task_postrun, task_prerun

from planportal.audit.context import enter, leave

_tokens: dict[str, Any] = {}


@task_prerun.connect
def _enter_task(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if task_id:
        _tokens[task_id] = enter("task", f"{getattr(task, 'name', '')}:{task_id}")


@task_postrun.connect
def _leave_task(task_id: str | None = None, **_: Any) -> None:
    token = _tokens.pop(task_id or "", None)
    if token is not None:
        leave(token)
