"""Reminders end to end: a real Celery worker on the local Redis, a real SMTP server.

Each test commits its rows, runs the sweep in the test process (which publishes to
Redis after commit) or lets beat do it, and then reads what the SMTP server accepted.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from actions.deliveries import ReminderDigest
from actions.reminders.sweep import sweep_deadlines
from tests.actions.reminder_helpers import action_due, bodies
from tests.celery.conftest import wait_for
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    MembershipFactory,
    PlanFactory,
    UserFactory,
    root_unit,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
Status = ReminderDigest.Status


def accepted_to(smtp_server) -> dict[str, list]:
    result: dict[str, list] = {}
    for recipients, message in smtp_server.accepted:
        for address in recipients:
            result.setdefault(address, []).append(message)
    return result


def settle(seconds: float = 3.0) -> None:
    """Give a worker time to (wrongly) send more; used before asserting "nothing more"."""
    time.sleep(seconds)


def test_a_real_worker_sends_one_email_per_person_per_organisation_in_their_language(
    world, start_worker, smtp_server
):
    today = timezone.localdate()
    english = UserFactory(preferred_language="en")
    MembershipFactory(user=english, unit=world.school, role="unit_manager")
    silent = UserFactory(reminder_emails=False)
    MembershipFactory(user=silent, unit=world.root)
    neighbour = UserFactory()
    MembershipFactory(user=neighbour, unit=root_unit(world.other_org))
    moving = action_due(world, today + timedelta(days=3), responsible_person=world.reader,
                        title="Øke bemanningen på kveldstid – særlig i Åsen")
    action_due(world, today + timedelta(days=14), responsible_unit=world.school,
               title="Skolens tiltak")
    action_due(world, today + timedelta(days=3), responsible_person=silent, title="Stille")
    ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=PlanFactory(
        organization=world.other_org, title="Nabokommunens plan"))),
        due_date=today, responsible_person=neighbour, title="Naboens tiltak")
    start_worker()

    sweep_deadlines(today)
    sweep_deadlines(today)  # a second run the same day
    wait_for(lambda: len(smtp_server.accepted) >= 3, 30, "three e-mails")
    settle()

    received = accepted_to(smtp_server)
    assert set(received) == {world.reader.email, english.email, neighbour.email}
    assert all(len(messages) == 1 for messages in received.values())
    message = received[world.reader.email][0]
    assert message["Subject"] == "Planportal: 1 tiltak trenger oppfølging – Testkommune"
    text, html = bodies(message)
    assert "Øke bemanningen på kveldstid – særlig i Åsen" in text
    assert "Frister som nærmer seg" in text and "Frist om 3 dager" in text
    assert "Øke bemanningen på kveldstid – særlig i Åsen" in html
    assert f"https://planportal.example.no/tiltak/{moving.pk}/#ny-status" in text
    assert "Naboens tiltak" not in text and "Skolens tiltak" not in text
    english_subject = received[english.email][0]["Subject"]
    assert english_subject == "Planportal: 1 action needs your attention – Testkommune"
    assert "Deadline in 14 days" in bodies(received[english.email][0])[0]
    neighbour_text = bodies(received[neighbour.email][0])[0]
    assert "Naboens tiltak" in neighbour_text and "Nabokommune" in received[
        neighbour.email][0]["Subject"]
    assert "Øke bemanningen" not in neighbour_text

    # Moving the deadline opens the new windows: tomorrow's sweep tells about it once.
    moving.due_date = today + timedelta(days=20)
    moving.save(update_fields=["due_date"])
    sweep_deadlines(today + timedelta(days=1))
    # The reader's moved deadline, and the neighbour's action that is now overdue.
    wait_for(lambda: len(smtp_server.accepted) >= 5, 30, "tomorrow's e-mails")
    settle()
    received = accepted_to(smtp_server)
    assert [len(received[a]) for a in (world.reader.email, english.email, neighbour.email)] \
        == [2, 1, 2]
    assert "Frist om 19 dager" in bodies(received[world.reader.email][1])[0]
    assert "1 dag på overtid" in bodies(received[neighbour.email][1])[0]


def test_an_smtp_failure_is_retried_by_the_worker_with_backoff(world, start_worker, smtp_server):
    smtp_server.replies = ["451 4.7.1 Greylisted, try again later"]
    today = timezone.localdate()
    action_due(world, today + timedelta(days=3), responsible_person=world.reader)
    start_worker()

    started = time.monotonic()
    sweep_deadlines(today)
    wait_for(lambda: smtp_server.accepted, 30, "the retried e-mail")
    elapsed = time.monotonic() - started
    settle()

    assert smtp_server.attempts == 2
    assert len(smtp_server.accepted) == 1
    digest = ReminderDigest.objects.get()
    assert (digest.status, digest.attempts) == (Status.SENT, 2)
    assert elapsed >= 1.0  # the retry waited for its countdown (base 1 s)


def test_a_worker_killed_after_sending_does_not_send_again_when_the_task_is_redelivered(
    world, start_worker, smtp_server
):
    today = timezone.localdate()
    action_due(world, today + timedelta(days=3), responsible_person=world.reader)
    # The first worker records the e-mail as sent, then "hangs" before Celery acks the
    # message (tests/celery/hanging_worker_settings.py); a visibility timeout of 3 s makes
    # Redis hand the message out again.
    first = start_worker(DJANGO_SETTINGS_MODULE="tests.celery.hanging_worker_settings",
                         CELERY_VISIBILITY_TIMEOUT="3")

    sweep_deadlines(today)
    wait_for(lambda: ReminderDigest.objects.filter(status=Status.SENT).exists(), 30,
             "the e-mail recorded as sent")
    first.kill()
    task_id = ReminderDigest.objects.get().claim_token
    time.sleep(4)  # past the visibility timeout

    second = start_worker(CELERY_VISIBILITY_TIMEOUT="3")
    wait_for(lambda: f"send_reminder_digest[{task_id}] succeeded" in second.log, 30,
             "the redelivered task to run on the new worker")
    settle()

    assert "'skipped'" in second.log
    assert len(smtp_server.accepted) == 1
    assert ReminderDigest.objects.get().status == Status.SENT


def test_e_mails_lost_with_the_queue_are_sent_by_the_next_sweep(
    world, start_worker, smtp_server, clean_broker
):
    import redis

    today = timezone.localdate()
    action_due(world, today + timedelta(days=3), responsible_person=world.reader)
    sweep_deadlines(today)  # published while no worker runs
    # Redis restarted empty (it holds nothing durable): the queued task is gone.
    redis.Redis.from_url(clean_broker).flushdb()
    start_worker()
    settle()
    assert smtp_server.accepted == []

    sweep_deadlines(today)

    wait_for(lambda: smtp_server.accepted, 30, "the caught-up e-mail")
    settle()
    assert len(smtp_server.accepted) == 1


def test_two_beat_processes_still_send_one_email_each(world, start_worker, start_beat,
                                                      smtp_server):
    today = timezone.localdate()
    action_due(world, today + timedelta(days=3), responsible_person=world.reader)
    action_due(world, today + timedelta(days=14))
    worker = start_worker(concurrency=2)
    every_minute = {"REMINDERS_DEADLINE_CRON": "* * * * *",
                    "REMINDERS_SECTOR_DIGEST_CRON": "disable"}
    start_beat(**every_minute)
    start_beat(**every_minute)

    # Both beats fire at the next minute boundary.
    # Up to a minute to the boundary, plus start-up on a busy machine.
    wait_for(lambda: worker.log.count("sweep_deadline_reminders[") >= 4, 180,
             "both beats' sweeps to run")
    wait_for(lambda: len(smtp_server.accepted) >= 2, 30, "the e-mails")
    settle()

    assert sorted(r[0] for r, _m in smtp_server.accepted) == sorted(
        [world.reader.email, world.unit_manager.email])


def test_a_real_worker_sends_the_request_to_report_and_one_notice_email_for_three_actions(
    world, start_worker, smtp_server
):
    from actions.reminders.sweep import sweep_notices
    from actions.services import assign_action
    from tests.factories import ReportingReturnFactory, ReportingRoundFactory

    today = timezone.localdate()
    rnd = ReportingRoundFactory(organization=world.org, deadline=today + timedelta(days=20))
    ret = ReportingReturnFactory(round=rnd, action=action_due(
        world, None, responsible_person=world.reader, title="Rapporter på meg"))
    for i in range(3):
        action = action_due(world, None, title=f"Nytt tiltak {i}")
        assign_action(actor=world.admin, action=action, expected_version=action.version,
                      responsible_unit=world.home_care, responsible_person=world.unit_manager)
    start_worker()

    sweep_deadlines(today)
    sweep_notices()
    sweep_notices()  # the next beat tick: nothing more
    wait_for(lambda: len(smtp_server.accepted) >= 2, 30, "the two e-mails")
    settle()

    received = accepted_to(smtp_server)
    assert [len(received[a]) for a in (world.reader.email, world.unit_manager.email)] == [1, 1]
    text, html = bodies(received[world.reader.email][0])
    assert "## Rapportering" in text and "Rapporter på meg" in text
    assert f"/rapportering/{rnd.pk}/rapporter/{ret.pk}/" in html
    notice = received[world.unit_manager.email][0]
    assert notice["Subject"] == "Planportal: Du har fått ansvar for 3 nye tiltak – Testkommune"
    assert all(f"Nytt tiltak {i}" in bodies(notice)[0] for i in range(3))
