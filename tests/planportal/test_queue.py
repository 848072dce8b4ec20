"""Services queue Celery tasks by name (planportal.queue): a name is checked when the
service queues it, and the task runs only once the transaction commits."""

from __future__ import annotations

import pytest
from django.db import transaction

from planportal.queue import enqueue_on_commit, task_named


def test_a_task_is_found_by_its_registered_name():
    assert task_named("reports.tasks.send_report_email").name == "reports.tasks.send_report_email"


@pytest.mark.django_db
def test_a_misspelt_task_name_fails_the_caller_at_once_not_after_the_commit():
    with pytest.raises(KeyError), transaction.atomic():
        enqueue_on_commit("reports.tasks.no_such_task", 1)


@pytest.mark.django_db
def test_the_task_is_queued_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_on_commit("reports.tasks.send_report_email", 1)
    assert len(callbacks) == 1
    assert callbacks[0].func.__self__.name == "reports.tasks.send_report_email"
    assert callbacks[0].args == (1,)
