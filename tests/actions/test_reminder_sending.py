"""Sending one reminder e-mail: claimed once, retried on transient SMTP errors, recorded
only after the server accepted it, never sent twice."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.reminders.sending import claim, deliver
from actions.reminders.sweep import sweep_deadlines
from actions.tasks import send_reminder_digest
from tests.actions.reminder_helpers import TODAY, action_due, bodies, free_port

pytestmark = pytest.mark.usefixtures("reminder_settings")
Status = ReminderDigest.Status


@pytest.fixture
def pending_digest(world):
    """One pending e-mail to the reader about one action, recorded but not sent."""
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    sweep_deadlines(TODAY, publish=False)
    return ReminderDigest.objects.get()


def test_a_task_delivered_twice_sends_one_email(pending_digest):
    assert deliver(pending_digest.pk, "task-1").result == "sent"
    assert deliver(pending_digest.pk, "task-1").result == "skipped"
    assert len(mail.outbox) == 1
    pending_digest.refresh_from_db()
    assert pending_digest.status == Status.SENT
    assert pending_digest.items.get().sent_at is not None


def test_two_tasks_for_the_same_email_send_it_once(pending_digest):
    deliver(pending_digest.pk, "task-1")
    assert deliver(pending_digest.pk, "task-2").result == "skipped"
    assert len(mail.outbox) == 1


def test_a_redelivered_task_that_finds_its_own_claim_marks_the_email_uncertain_and_sends_nothing(
    pending_digest, caplog
):
    # The first run claimed and then died (somewhere around the SMTP exchange).
    assert claim(pending_digest.pk, "task-1")

    assert deliver(pending_digest.pk, "task-1").result == "uncertain"

    assert mail.outbox == []
    pending_digest.refresh_from_db()
    assert pending_digest.status == Status.UNCERTAIN
    assert "uncertain" in caplog.text


def test_a_claim_held_past_its_lease_becomes_uncertain_and_is_not_sent_again(
    pending_digest, settings
):
    assert claim(pending_digest.pk, "dead-worker")
    settings.REMINDER_CLAIM_LEASE_SECONDS = 60
    report = sweep_deadlines(TODAY, now=timezone.now() + timedelta(minutes=2), publish=True)
    assert report.uncertain == 1
    assert report.published == 0
    pending_digest.refresh_from_db()
    assert pending_digest.status == Status.UNCERTAIN


def test_an_smtp_failure_is_retried_after_the_backoff_and_recorded_only_once_accepted(
    world, run_sweep, smtp_sink, settings
):
    """Eager mode (no worker): the e-mail waits in the database for its backoff and the
    next sweep sends it. The worker's own retry is in tests/celery."""
    smtp_sink.replies = ["451 4.7.1 Try again later"]
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)

    run_sweep(TODAY)
    digest = ReminderDigest.objects.get()
    assert (digest.status, digest.attempts, smtp_sink.accepted) == (Status.PENDING, 1, [])
    assert "451" in digest.last_error
    assert ReminderDelivery.objects.get().sent_at is None

    # Backoff for the first retry: 1 s base (+ jitter) in these settings.
    ReminderDigest.objects.filter(pk=digest.pk).update(not_before=timezone.now())
    run_sweep(TODAY)

    assert smtp_sink.attempts == 2
    assert len(smtp_sink.accepted) == 1
    recipients, message = smtp_sink.accepted[0]
    assert recipients == [world.reader.email]
    assert message["Subject"] == "Planportal: 1 tiltak trenger oppfølging – Testkommune"
    text, html = bodies(message)
    assert "Øke bemanningen på kveldstid" in text and "Øke bemanningen på kveldstid" in html
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == (Status.SENT, 2)
    assert ReminderDelivery.objects.get().sent_at is not None


def test_a_released_email_waits_for_its_backoff_before_it_is_published_again(
    world, eager_celery, smtp_sink, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_MAX_RETRIES = 0
    smtp_sink.replies = ["451 4.7.1 Try again later"]
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sweep_deadlines(TODAY)
    digest = ReminderDigest.objects.get()
    from actions.reminders.sending import TransientSendError

    with pytest.raises(TransientSendError):
        deliver(digest.pk, "task-1", retry_delay=300)
    digest.refresh_from_db()
    assert digest.status == Status.PENDING
    assert digest.not_before > timezone.now() + timedelta(seconds=200)
    assert "451" in digest.last_error
    assert len(callbacks) == 1

    report = sweep_deadlines(TODAY, publish=True)
    assert report.published == 0
    report = sweep_deadlines(TODAY, now=timezone.now() + timedelta(seconds=301), publish=True)
    assert report.published == 1


def test_a_permanent_smtp_error_is_not_retried_and_the_email_is_marked_failed(
    world, run_sweep, smtp_sink
):
    smtp_sink.replies = ["550 5.1.1 No such user"]
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)

    run_sweep(TODAY)

    assert smtp_sink.attempts == 1
    assert smtp_sink.accepted == []
    digest = ReminderDigest.objects.get()
    assert (digest.status, digest.attempts) == (Status.FAILED, 1)
    assert "550" in digest.last_error
    assert ReminderDelivery.objects.get().sent_at is None


def test_an_email_that_keeps_failing_transiently_is_failed_after_the_last_retry(
    world, run_sweep, smtp_sink, settings
):
    settings.REMINDER_MAX_RETRIES = 2
    smtp_sink.replies = ["421 4.3.2 Busy"] * 3
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)

    run_sweep(TODAY)
    pk = ReminderDigest.objects.get().pk
    # The retries as the worker delivers them (retries = 1, 2), each after its backoff.
    for retries in (1, 2):
        assert send_reminder_digest.apply(args=[pk], retries=retries).get() == (
            "retry" if retries < 2 else "failed")

    digest = ReminderDigest.objects.get()
    assert (digest.status, digest.attempts) == (Status.FAILED, 3)
    assert smtp_sink.accepted == []


def test_a_closed_smtp_port_is_a_transient_error(world, run_sweep, settings):
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
    }}
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)

    run_sweep(TODAY)

    digest = ReminderDigest.objects.get()
    assert (digest.status, digest.attempts) == (Status.PENDING, 1)
    assert "Connection" in digest.last_error or "refused" in digest.last_error


def test_a_server_that_never_answers_times_out_as_a_transient_error(world, run_sweep,
                                                                    settings):
    import socket

    # Accepts the connection and then says nothing: no greeting, ever.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": silent.getsockname()[1], "timeout": 1},
    }}
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    try:
        run_sweep(TODAY)
    finally:
        silent.close()

    digest = ReminderDigest.objects.get()
    assert (digest.status, digest.attempts, digest.sent_at) == (Status.PENDING, 1, None)
    assert "timed out" in digest.last_error.lower() or "timeout" in digest.last_error.lower()
    assert digest.not_before is not None and digest.not_before > timezone.now()  # backoff


def test_a_line_break_in_the_organisation_name_does_not_break_the_subject(world, run_sweep):
    world.org.name = "Test\nkommune"
    world.org.save(update_fields=["name"])
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)

    run_sweep(TODAY)

    assert mail.outbox[0].subject == "Planportal: 1 tiltak trenger oppfølging – Test kommune"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_sweeps_at_the_same_time_send_one_email_each(world, eager_celery):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sweeps need a server database")
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    action_due(world, TODAY + timedelta(days=14))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            barrier.wait()
            sweep_deadlines(TODAY)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.reader.email, world.unit_manager.email])
    assert ReminderDigest.objects.filter(status=Status.SENT).count() == 2


def test_send_reminders_dry_run_prints_who_would_get_what_and_changes_nothing(world):
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    out = StringIO()

    call_command("send_reminders", "--date", TODAY.isoformat(), "--dry-run", stdout=out)

    text = out.getvalue()
    assert world.reader.email in text
    assert f"({world.reader.username}, nb):" in text  # the language the e-mail would be in
    assert "deadline" in text and "Øke bemanningen på kveldstid" in text
    assert "Dry run: 2 reminders for 2 e-mails; nothing sent." in text
    assert not ReminderDelivery.objects.exists()
    assert mail.outbox == []


def test_send_reminders_sends_what_is_due_for_the_given_date(
    world, eager_celery, django_capture_on_commit_callbacks
):
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    # The reader's deadline e-mail, and the sector leader's weekly digest (Monday).
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.reader.email, world.sector_leader.email])
    assert "2 e-mails published" in out.getvalue()


def test_send_reminders_rejects_a_malformed_date(db):
    with pytest.raises(CommandError, match="2026-13-01"):
        call_command("send_reminders", "--date", "2026-13-01")


def test_an_administrator_requeues_a_failed_email_and_the_next_sweep_sends_it(
    world, pending_digest, eager_celery, django_capture_on_commit_callbacks
):
    from actions.reminders.sending import requeue_reminder_emails

    ReminderDigest.objects.filter(pk=pending_digest.pk).update(status=Status.FAILED)
    assert requeue_reminder_emails(actor=world.other_admin,
                                   digests=ReminderDigest.objects.all()) == 0
    assert requeue_reminder_emails(actor=world.admin, digests=ReminderDigest.objects.all()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(TODAY)

    assert [m.to for m in mail.outbox] == [[world.reader.email]]


def test_a_broker_outage_while_publishing_keeps_the_sweeps_rows_for_the_next_sweep(
    world, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_reminder_digest, "delay", broker_down)
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep_deadlines(TODAY)

    assert report.published == 1
    assert ReminderDigest.objects.get().status == Status.PENDING  # not rolled back
    assert "Connection refused" in caplog.text
    monkeypatch.undo()
    assert sweep_deadlines(TODAY, publish=True).published == 1  # the next sweep tries again


def test_someone_who_left_the_organisation_since_the_sweep_gets_nothing(pending_digest, world):
    world.reader.memberships.all().delete()

    assert deliver(pending_digest.pk, "task-1").result == "cancelled"
    assert mail.outbox == []
