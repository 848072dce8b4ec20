"""Report e-mails: one per period per recipient, retried on transient errors, recorded as
sent only after a real SMTP server (aiosmtpd on the loopback) accepted the message."""

from __future__ import annotations

import email
from datetime import date
from email import policy
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from reports import services
from reports.models import ReportDelivery, ReportSnapshot, ReportSubscription
from reports.tasks import send_due_reports, send_report_email
from tests.reports.conftest import ReportPlan, free_port

pytestmark = pytest.mark.django_db
SWEEP_DAY = date(2026, 9, 1)  # the 2nd tertial and August 2026 have just ended


def subscribe(world: Any, plan: Any, email_address: str, frequency: str = "tertial",
              **extra: Any) -> ReportSubscription:
    return services.create_subscription(actor=world.admin, plan=plan, email=email_address,
                                        frequency=frequency, starts_on=date(2026, 1, 1),
                                        **extra)


def sweep(capture: Any, day: date = SWEEP_DAY) -> services.SweepResult:
    with capture(execute=True):
        return services.send_due_reports(day)


def message_of(envelope: Any) -> Any:
    return email.message_from_bytes(envelope.original_content, policy=policy.default)


def test_each_recipient_gets_one_mail_per_period_even_when_swept_twice(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribe(world, report_plan.plan, "Leder@Komite.no")
    subscribe(world, report_plan.plan, "nestleder@komite.no")
    subscribe(world, report_plan.plan, "sekretar@komite.no", frequency="monthly")
    first = sweep(django_capture_on_commit_callbacks)
    second = sweep(django_capture_on_commit_callbacks)
    assert len(first.due) == len(second.due) == 3
    assert second.queued == []  # nothing pending any more
    recipients = sorted(rcpt for env in smtp_sink.accepted for rcpt in env.rcpt_tos)
    assert recipients == ["leder@komite.no", "nestleder@komite.no", "sekretar@komite.no"]
    assert ReportDelivery.objects.filter(status="sent").count() == 3
    # One snapshot per plan and period: the tertial and the month.
    assert sorted(ReportSnapshot.objects.values_list("period_key", flat=True)) == [
        "2026-08", "2026-T2"]


def test_the_mail_is_bokmal_with_the_pdf_attached(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribe(world, report_plan.plan, "leder@komite.no", name="Åse Ødegård")
    sweep(django_capture_on_commit_callbacks)
    message = message_of(smtp_sink.accepted[0])
    assert message["Subject"] == "Fremdriftsrapport: Plan for rapport – Ærø – 2. tertial 2026"
    body = message.get_body(("plain",)).get_content()
    assert "8 tiltak: 14,3\xa0% fullført" in body
    assert "vedlagt som PDF" in body
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")
    delivery = ReportDelivery.objects.get()
    assert delivery.attached is True
    assert delivery.message_id.strip() == message["Message-ID"].strip()


def test_a_large_pdf_is_linked_instead(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, settings: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.REPORT_EMAIL_ATTACHMENT_MAX_BYTES = 1000
    subscribe(world, report_plan.plan, "leder@komite.no")
    sweep(django_capture_on_commit_callbacks)
    message = message_of(smtp_sink.accepted[0])
    snapshot = ReportSnapshot.objects.get()
    assert list(message.iter_attachments()) == []
    body = message.get_body(("plain",)).get_content()
    assert f"/reports/plans/{report_plan.plan.pk}/snapshots/{snapshot.pk}/report.pdf" in body
    assert ReportDelivery.objects.get().attached is False


def test_a_transient_refusal_is_retried_and_sent_once(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    smtp_sink.script = ["451 4.7.1 Try again later"]
    subscribe(world, report_plan.plan, "leder@komite.no")
    sweep(django_capture_on_commit_callbacks)
    delivery = ReportDelivery.objects.get()
    # Eagerly run (no broker), the delivery waits for the next sweep; a worker retries it.
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("pending", 1, None)
    assert "451" in delivery.last_error
    sweep(django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(smtp_sink.accepted) == 1


def test_a_permanent_refusal_fails_without_retry_and_is_never_marked_sent(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    smtp_sink.script = ["550 5.1.1 No such user"]
    subscribe(world, report_plan.plan, "ukjent@komite.no")
    sweep(django_capture_on_commit_callbacks)
    delivery = ReportDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("failed", 1, None)
    assert "550" in delivery.last_error
    assert smtp_sink.accepted == []
    sweep(django_capture_on_commit_callbacks)  # a failed delivery is not sent again
    assert ReportDelivery.objects.get().attempts == 1


def test_an_unreachable_server_is_retried_then_given_up(
    world: Any, report_plan: ReportPlan, settings: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
    }}
    settings.REPORT_EMAIL_MAX_ATTEMPTS = 3
    subscribe(world, report_plan.plan, "leder@komite.no")
    for _ in range(4):
        sweep(django_capture_on_commit_callbacks)
    delivery = ReportDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempts == 3
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.sent_at is None


def test_a_server_missing_a_required_extension_fails_at_once(
    world: Any, report_plan: ReportPlan, settings: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The classification the reminders use too (planportal.mail): configuration, not weather.
    settings.MAILERS = {"default": {"BACKEND": "tests.planportal.test_mail.NoStartTLSBackend"}}
    subscribe(world, report_plan.plan, "leder@komite.no")
    sweep(django_capture_on_commit_callbacks)
    delivery = ReportDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "SMTPNotSupportedError" in delivery.last_error


def test_running_the_task_twice_sends_once(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribe(world, report_plan.plan, "leder@komite.no")
    with django_capture_on_commit_callbacks(execute=False):
        result = services.send_due_reports(SWEEP_DAY)  # queued, not yet run
    snapshot = ReportSnapshot.objects.get()
    services.render_snapshot_pdf(snapshot.pk)
    (delivery_id,) = result.queued
    assert send_report_email.apply(args=[delivery_id]).get() == "sent"
    assert send_report_email.apply(args=[delivery_id]).get() == "skipped"
    assert len(smtp_sink.accepted) == 1


def test_periods_before_the_start_date_and_paused_recipients_are_skipped(
    world: Any, report_plan: ReportPlan,
) -> None:
    services.create_subscription(actor=world.admin, plan=report_plan.plan, email="a@komite.no",
                                 starts_on=date(2026, 9, 1))
    services.create_subscription(actor=world.admin, plan=report_plan.plan, email="b@komite.no",
                                 starts_on=date(2026, 1, 1), is_active=False)
    assert services.due_reports(SWEEP_DAY) == []
    # The next tertial ends on 31 December: due from 1 January.
    (due,) = services.due_reports(date(2027, 1, 1))
    assert (due.subscription.email, due.period.key) == ("a@komite.no", "2026-T3")


def test_only_plan_administrators_manage_recipients(world: Any,
                                                    report_plan: ReportPlan) -> None:
    with pytest.raises(PermissionDenied):
        services.create_subscription(actor=world.reader, plan=report_plan.plan,
                                     email="x@komite.no")
    with pytest.raises(ValidationError) as error:
        services.create_subscription(actor=world.admin, plan=report_plan.plan,
                                     email="ikke-en-adresse")
    assert "email" in error.value.message_dict
    subscription = subscribe(world, report_plan.plan, "x@komite.no")
    services.update_subscription(actor=world.admin, subscription=subscription,
                                 frequency="yearly", is_active=False)
    subscription.refresh_from_db()
    assert (subscription.frequency, subscription.is_active) == ("yearly", False)


def test_send_reports_command_dry_run_changes_nothing(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribe(world, report_plan.plan, "leder@komite.no")
    out = StringIO()
    call_command("send_reports", "--date", "2026-09-01", "--dry-run", stdout=out)
    assert "2026-T2" in out.getvalue() and "leder@komite.no" in out.getvalue()
    assert not ReportDelivery.objects.exists() and not ReportSnapshot.objects.exists()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reports", "--date", "2026-09-01", stdout=out)
    assert "1 e-mail(s) queued" in out.getvalue()
    assert len(smtp_sink.accepted) == 1


def test_send_reports_command_refuses_a_bad_date() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reports", "--date", "1. mai")


def test_beat_runs_the_sweep_task() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["report-subscriptions"]
    assert entry["task"] == send_due_reports.name == "reports.tasks.send_due_reports"
