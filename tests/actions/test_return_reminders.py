"""Reporting rounds in the daily sweep: asked to report, reminded before and on the
deadline, weekly once overdue, the unit managers once; each once, through the log."""

import threading
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.reminders import windows
from actions.reminders.sending import deliver
from actions.reminders.sweep import sweep_deadlines
from tests.actions.reminder_helpers import TODAY, action_due
from tests.factories import ReportingReturnFactory, ReportingRoundFactory
from tests.queries import count_queries

pytestmark = pytest.mark.usefixtures("reminder_settings")
Kind = ReminderDelivery.Kind


@pytest.fixture(autouse=True)
def round_windows(reminder_settings):
    reminder_settings.REMINDER_WINDOWS = [7, 1]


def open_round(world, deadline, opened=TODAY, **fields):
    """A round of the world's kommune opened on *opened* (Oslo) with *deadline*."""
    return ReportingRoundFactory(
        organization=world.org, deadline=deadline,
        opened_at=datetime.combine(opened, time(9), windows.OSLO), **fields)


def return_for(rnd, action, **fields):
    return ReportingReturnFactory(round=rnd, action=action, **fields)


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def keys(**filters):
    return sorted(ReminderDelivery.objects.filter(**filters).values_list("key", flat=True))


def test_the_responsible_person_is_asked_to_report_once_with_a_link_to_the_return(
    world, run_sweep
):
    action = action_due(world, None, responsible_person=world.reader,
                        title="Øke bemanningen på kveldstid")
    rnd = open_round(world, TODAY + timedelta(days=30))
    ret = return_for(rnd, action)

    run_sweep(TODAY)
    run_sweep(TODAY)

    assert [m.to for m in mail.outbox] == [[world.reader.email]]
    message = mail.outbox[0]
    assert message.subject == "Planportal: 1 tiltak trenger oppfølging – Testkommune"
    body = message.body
    assert "## Rapportering" in body
    assert "Øke bemanningen på kveldstid" in body
    assert "2. tertial 2026" in body
    assert "15. juli 2026" in body
    url = f"https://planportal.example.no/rapportering/{rnd.pk}/rapporter/{ret.pk}/"
    assert url in body
    html = message.alternatives[0].content
    assert f'href="{url}"' in html and "Rapportering" in html
    assert keys() == [f"r{rnd.pk}/req"]
    assert ReminderDelivery.objects.get().kind == Kind.RETURN_REQUESTED


def test_without_a_responsible_person_the_unit_managers_are_asked(world, run_sweep):
    action = action_due(world, None)
    return_for(open_round(world, TODAY + timedelta(days=30)), action)

    run_sweep(TODAY)

    assert [m.to for m in mail.outbox] == [[world.unit_manager.email]]


def test_a_person_who_turned_reminders_off_is_passed_over_to_the_unit_managers(
    world, run_sweep
):
    world.reader.reminder_emails = False
    world.reader.save(update_fields=["reminder_emails"])
    action = action_due(world, None, responsible_person=world.reader)
    return_for(open_round(world, TODAY + timedelta(days=30)), action)

    run_sweep(TODAY)

    assert [m.to for m in mail.outbox] == [[world.unit_manager.email]]


def test_every_reminder_goes_out_once_when_sweeping_every_day_and_the_manager_once(
    world, run_sweep
):
    action = action_due(world, None, responsible_person=world.reader)
    deadline = TODAY + timedelta(days=10)
    rnd = open_round(world, deadline)
    return_for(rnd, action)

    for offset in range(0, 26):
        run_sweep(TODAY + timedelta(days=offset))
        run_sweep(TODAY + timedelta(days=offset))  # a second sweep the same day

    r = f"r{rnd.pk}"
    assert keys(recipient=world.reader) == sorted(
        [f"{r}/req", f"{r}/w7", f"{r}/w1", f"{r}/w0", f"{r}/o0", f"{r}/o1", f"{r}/o2"])
    assert keys(recipient=world.unit_manager) == [f"{r}/m"]
    assert len(mails_to(world.reader.email)) == 7
    manager_mails = mails_to(world.unit_manager.email)
    assert len(manager_mails) == 1
    assert "Ikke rapportert, 1 dag etter rapporteringsfristen" in manager_mails[0].body
    assert world.reader.get_full_name() in manager_mails[0].body  # whose return is missing
    assert "ikke rapportert innen fristen" in manager_mails[0].body
    bodies = [m.body for m in mails_to(world.reader.email)]
    assert "Du er bedt om å rapportere" in bodies[0]
    assert "Rapporten skal leveres om 7 dager" in bodies[1]
    assert "Rapporten skal leveres i dag" in bodies[3]
    assert "Rapporten er 1 dag på overtid" in bodies[4]
    assert "Rapporten er 8 dager på overtid" in bodies[5]


def test_windows_already_reached_when_the_round_opened_are_skipped(world, run_sweep):
    action = action_due(world, None, responsible_person=world.reader)
    rnd = open_round(world, TODAY + timedelta(days=5))
    return_for(rnd, action)

    run_sweep(TODAY)
    run_sweep(TODAY + timedelta(days=1))

    assert keys() == [f"r{rnd.pk}/req"]
    run_sweep(TODAY + timedelta(days=4))
    assert keys() == sorted([f"r{rnd.pk}/req", f"r{rnd.pk}/w1"])


def test_a_missed_sweep_catches_up_with_the_latest_window_only(world, run_sweep):
    action = action_due(world, None, responsible_person=world.reader)
    rnd = open_round(world, TODAY + timedelta(days=20))
    return_for(rnd, action)
    run_sweep(TODAY)

    # Nothing ran for the 7-day window; the day before the deadline it does.
    run_sweep(TODAY + timedelta(days=19))

    assert keys() == sorted([f"r{rnd.pk}/req", f"r{rnd.pk}/w1"])
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_a_submitted_or_approved_return_gets_nothing_more(world, run_sweep, state):
    action = action_due(world, None, responsible_person=world.reader)
    ret = return_for(open_round(world, TODAY + timedelta(days=5)), action)
    run_sweep(TODAY)
    ret.state = state
    ret.save(update_fields=["state"])

    for offset in range(1, 15):
        run_sweep(TODAY + timedelta(days=offset))

    assert len(mail.outbox) == 1
    assert ReminderDelivery.objects.count() == 1


def test_a_draft_or_sent_back_return_is_still_chased(world, run_sweep):
    first = action_due(world, None, responsible_person=world.reader, title="Utkast")
    second = action_due(world, None, responsible_person=world.reader, title="Sendt tilbake")
    rnd = open_round(world, TODAY)
    return_for(rnd, first, state="draft")
    return_for(rnd, second, state="sent_back")

    run_sweep(TODAY)

    body = mail.outbox[0].body
    assert "Utkast" in body and "Sendt tilbake" in body


def test_a_closed_round_and_a_carried_over_or_cancelled_action_get_nothing(world, run_sweep):
    closed = open_round(world, TODAY, state="closed")
    return_for(closed, action_due(world, None, responsible_person=world.reader))
    rnd = open_round(world, TODAY)
    return_for(rnd, action_due(world, None, responsible_person=world.reader,
                               status="carried_over"))
    return_for(rnd, action_due(world, None, responsible_person=world.reader,
                               status="cancelled"))

    run_sweep(TODAY)

    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_a_return_submitted_after_the_sweep_is_dropped_from_the_email(world):
    action = action_due(world, None, responsible_person=world.reader)
    ret = return_for(open_round(world, TODAY + timedelta(days=30)), action)
    sweep_deadlines(TODAY, publish=False)
    ret.state = "submitted"
    ret.save(update_fields=["state"])

    outcome = deliver(ReminderDigest.objects.get().pk, "task-1")

    assert (outcome.result, outcome.detail) == ("cancelled", "empty")
    assert mail.outbox == []
    # Dealt with, so no later e-mail picks it up again.
    assert ReminderDelivery.objects.get().sent_at is not None


def test_a_closed_round_after_the_sweep_keeps_only_the_deadline_reminders(world):
    action = action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader,
                        title="Med frist")
    rnd = open_round(world, TODAY + timedelta(days=30))
    return_for(rnd, action)
    sweep_deadlines(TODAY, publish=False)
    rnd.state = "closed"
    rnd.save(update_fields=["state"])

    assert deliver(ReminderDigest.objects.get().pk, "task-1").result == "sent"

    body = mail.outbox[0].body
    assert "Med frist" in body and "Rapportering" not in body


def test_the_reporting_section_is_in_english_for_someone_who_prefers_english(world, run_sweep):
    world.reader.preferred_language = "en"
    world.reader.save(update_fields=["preferred_language"])
    action = action_due(world, None, responsible_person=world.reader)
    return_for(open_round(world, TODAY + timedelta(days=1)), action)

    run_sweep(TODAY)

    body = mail.outbox[0].body
    assert "## Reporting" in body
    assert "Reporting deadline: 16 June 2026 (You are asked to report)" in body  # English date
    assert "You are asked to report on these actions." in body


def test_the_sweep_makes_the_same_number_of_queries_for_10_and_100_returns(
    world, eager_celery
):
    people = [world.reader, world.unit_manager, None]
    rnd = open_round(world, TODAY - timedelta(days=1), opened=TODAY - timedelta(days=30))
    created = 0

    def queries_with(n):
        nonlocal created
        for i in range(created, n):
            return_for(rnd, action_due(world, None, responsible_person=people[i % 3]))
        created = n
        ReminderDelivery.objects.all().delete()
        ReminderDigest.objects.all().delete()
        return count_queries(lambda: sweep_deadlines(TODAY), expected=None)

    queries_with(1)  # warm-up
    few, many = queries_with(10), queries_with(100)
    assert few == many, f"{few} queries for 10 returns, {many} for 100"
    # Overdue: request, weekly reminder and the managers' line for every return.
    assert ReminderDelivery.objects.filter(kind=Kind.RETURN_OVERDUE_MANAGER).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_sweeps_at_the_same_time_ask_each_person_once(world, eager_celery):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sweeps need a server database")
    rnd = open_round(world, TODAY + timedelta(days=1))
    return_for(rnd, action_due(world, None, responsible_person=world.reader))
    return_for(rnd, action_due(world, None))
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
    assert ReminderDelivery.objects.count() == 2  # the request, to each (no window yet)
