"""Delivery logs and audit events leave after their retention period, by a scheduled task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from actions.deliveries import ReminderDelivery, ReminderDigest
from planportal.retention import prune_delivery_logs
from tests.actions.reminder_helpers import TODAY, action_due

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_settings")]


def test_finished_delivery_rows_older_than_the_retention_go_and_pending_ones_stay(
        world, run_sweep, settings):
    settings.DELIVERY_LOG_RETENTION_DAYS = 400
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    action_due(world, TODAY + timedelta(days=14), responsible_person=world.unit_manager)
    run_sweep(TODAY)
    assert ReminderDigest.objects.filter(status=ReminderDigest.Status.SENT).count() == 2
    sent = ReminderDigest.objects.filter(recipient=world.reader).get()
    kept = ReminderDigest.objects.filter(recipient=world.unit_manager).get()
    # One old and sent, one old but (say) still pending: only the first may go.
    long_ago = timezone.now() - timedelta(days=401)
    ReminderDigest.objects.filter(pk=sent.pk).update(created_at=long_ago)
    ReminderDelivery.objects.filter(digest=sent).update(created_at=long_ago)
    ReminderDigest.objects.filter(pk=kept.pk).update(created_at=long_ago,
                                                     status=ReminderDigest.Status.PENDING)
    ReminderDelivery.objects.filter(digest=kept).update(created_at=long_ago)

    assert prune_delivery_logs() == {"reminder_lines": 1, "reminder_emails": 1,
                                     "report_emails": 0}
    assert list(ReminderDigest.objects.values_list("pk", flat=True)) == [kept.pk]
    assert ReminderDelivery.objects.filter(digest=kept).count() == 1
    assert prune_delivery_logs() == {"reminder_lines": 0, "reminder_emails": 0,
                                     "report_emails": 0}


def test_recent_rows_are_kept_and_the_task_runs_on_the_embedded_default(world, run_sweep,
                                                                         eager_celery):
    from planportal.audit.tasks import prune_delivery_logs as task

    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    run_sweep(TODAY)
    assert task.delay().get() == {"reminder_lines": 0, "reminder_emails": 0,
                                  "report_emails": 0}
    assert ReminderDigest.objects.count() == 1


def test_both_retention_tasks_are_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"planportal.audit.tasks.prune_audit_events",
            "planportal.audit.tasks.prune_delivery_logs"} <= tasks


def test_a_retention_shorter_than_a_report_year_is_refused():
    import os

    from tests.settings_probe import run_python

    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
    env.update(DJANGO_SETTINGS_MODULE="planportal.settings", DELIVERY_LOG_RETENTION_DAYS="30")
    result = run_python("import django; django.setup()", env=env)
    assert result.returncode != 0
    assert "DELIVERY_LOG_RETENTION_DAYS" in result.stderr


def test_each_app_with_a_delivery_log_registers_its_pruning():
    from planportal import retention

    assert set(retention.registered()) == {"actions.reminders", "reports.deliveries"}


@pytest.mark.parametrize("module", ["planportal/retention.py", "planportal/mail.py",
                                    "planportal/tasks.py"])
def test_the_core_delivery_modules_import_no_app(module):
    import ast
    from pathlib import Path

    tree = ast.parse((Path(__file__).resolve().parents[2] / module).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    assert not {name for name in imported if name and name.split(".")[0] in
                {"actions", "reports", "strategies"}}
