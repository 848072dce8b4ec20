"""The daily deadline sweep: who gets what, once, in their language, per organisation."""

from datetime import timedelta

import pytest
from django.core import mail

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.reminders.sweep import sweep_deadlines
from planportal.models import Membership
from tests.actions.reminder_helpers import TODAY, action_due
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    MembershipFactory,
    PlanFactory,
    StatusUpdateFactory,
    UserFactory,
    root_unit,
)
from tests.queries import count_queries

pytestmark = pytest.mark.usefixtures("reminder_settings")


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_the_responsible_person_gets_one_email_listing_each_action_in_a_reminder_window(
    world, run_sweep
):
    person = world.reader
    soon = action_due(world, TODAY + timedelta(days=3), responsible_person=person)
    later = action_due(world, TODAY + timedelta(days=14), responsible_person=person,
                       title="Kartlegge behov på Åsen")
    action_due(world, TODAY + timedelta(days=31), responsible_person=person, title="Ikke ennå")

    run_sweep(TODAY)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert message.subject == "Planportal: 2 tiltak trenger oppfølging – Testkommune"
    assert "Frister som nærmer seg" in message.body
    assert "Øke bemanningen på kveldstid" in message.body
    assert "Kartlegge behov på Åsen" in message.body
    assert "Ikke ennå" not in message.body
    assert "Frist om 3 dager" in message.body
    assert "18. juni 2026" in message.body
    assert "Helse- og omsorgsplan 2025–2030" in message.body
    assert f"https://planportal.example.no/tiltak/{soon.pk}/#ny-status" in message.body
    assert f"https://planportal.example.no/tiltak/{later.pk}/" in message.body
    html = message.alternatives[0].content
    assert f'href="https://planportal.example.no/tiltak/{soon.pk}/#ny-status"' in html
    assert message.extra_headers["Message-ID"].startswith("<reminder-")


def test_without_a_responsible_person_the_unit_managers_get_the_reminder(world, run_sweep):
    action_due(world, TODAY)

    run_sweep(TODAY)

    assert [m.to for m in mail.outbox] == [[world.unit_manager.email]]
    assert "Frist i dag" in mail.outbox[0].body


def test_a_unit_without_managers_falls_back_to_the_nearest_unit_above_with_managers(
    world, run_sweep
):
    sector_manager = UserFactory()
    MembershipFactory(user=sector_manager, unit=world.health, role=Membership.Role.UNIT_MANAGER)
    action_due(world, TODAY + timedelta(days=3), responsible_unit=world.nursing_home)

    run_sweep(TODAY)

    # Hjemmetjenesten's manager is a sibling, not above Sykehjemmet: not told.
    assert [m.to for m in mail.outbox] == [[sector_manager.email]]


def test_someone_who_turned_reminders_off_gets_nothing_and_nobody_is_told_instead(
    world, run_sweep
):
    person = world.reader
    person.reminder_emails = False
    person.save(update_fields=["reminder_emails"])
    action_due(world, TODAY + timedelta(days=3), responsible_person=person)

    run_sweep(TODAY)

    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_turning_reminders_off_after_the_sweep_still_stops_the_email(
    world, eager_celery, django_capture_on_commit_callbacks
):
    person = world.reader
    action_due(world, TODAY + timedelta(days=3), responsible_person=person)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sweep_deadlines(TODAY)
    person.reminder_emails = False
    person.save(update_fields=["reminder_emails"])
    for callback in callbacks:
        callback()

    assert mail.outbox == []
    assert ReminderDigest.objects.get().status == ReminderDigest.Status.CANCELLED


def test_the_email_is_in_english_for_someone_who_prefers_english(world, run_sweep):
    person = world.reader
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    action_due(world, TODAY + timedelta(days=1), responsible_person=person)

    run_sweep(TODAY)

    message = mail.outbox[0]
    assert message.subject == "Planportal: 1 action needs your attention – Testkommune"
    assert "Deadline in 1 day" in message.body
    assert "Øke bemanningen på kveldstid" in message.body


def test_a_person_responsible_in_two_organisations_gets_one_email_per_organisation(
    world, run_sweep
):
    person = world.reader
    MembershipFactory(user=person, unit=root_unit(world.other_org))
    other_goal = GoalFactory(focus_area=FocusAreaFactory(
        plan=PlanFactory(organization=world.other_org, title="Nabokommunens plan")))
    action_due(world, TODAY + timedelta(days=3), responsible_person=person, title="Vårt tiltak")
    ActionFactory(goal=other_goal, due_date=TODAY + timedelta(days=3),
                  responsible_person=person, title="Naboens tiltak")

    run_sweep(TODAY)

    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == ["Planportal: 1 tiltak trenger oppfølging – Nabokommune",
                        "Planportal: 1 tiltak trenger oppfølging – Testkommune"]
    for message in mail.outbox:
        mine = "Vårt tiltak" in message.body
        assert mine == ("Testkommune" in message.subject)
        assert ("Naboens tiltak" in message.body) == (not mine)


def test_a_responsible_person_outside_the_organisation_is_replaced_by_the_unit_managers(
    world, run_sweep
):
    outsider = UserFactory()
    MembershipFactory(user=outsider, unit=root_unit(world.other_org))
    action_due(world, TODAY + timedelta(days=3), responsible_person=outsider)

    run_sweep(TODAY)

    assert [m.to for m in mail.outbox] == [[world.unit_manager.email]]


def test_running_the_sweep_twice_the_same_day_sends_one_email_each(world, run_sweep):
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    action_due(world, TODAY + timedelta(days=14))

    run_sweep(TODAY)
    run_sweep(TODAY)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.reader.email, world.unit_manager.email])
    assert ReminderDelivery.objects.count() == 2


def test_something_new_later_the_same_day_waits_for_tomorrow(world, run_sweep):
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    run_sweep(TODAY)
    late = action_due(world, TODAY + timedelta(days=2), responsible_person=world.reader,
                      title="Kom til i ettermiddag")

    run_sweep(TODAY)
    assert len(mails_to(world.reader.email)) == 1

    run_sweep(TODAY + timedelta(days=1))
    messages = mails_to(world.reader.email)
    assert len(messages) == 2
    assert "Kom til i ettermiddag" in messages[1].body
    assert ReminderDelivery.objects.get(action=late).sent_at is not None


def test_a_missed_sweep_is_caught_up_with_the_latest_window_once(world, run_sweep):
    action = action_due(world, TODAY + timedelta(days=14), responsible_person=world.reader)
    # Nothing ran for the 30- or 14-day windows; ten days before the deadline it does.
    day = TODAY + timedelta(days=4)
    run_sweep(day)
    run_sweep(day + timedelta(days=1))

    assert len(mail.outbox) == 1
    assert list(ReminderDelivery.objects.filter(action=action).values_list("key", flat=True)) \
        == [f"{action.due_date.isoformat()}/w14"]


def test_each_window_is_sent_once_when_sweeping_every_day(world, run_sweep):
    due = TODAY + timedelta(days=31)
    action_due(world, due, responsible_person=world.reader)

    for offset in range(0, 33):
        run_sweep(TODAY + timedelta(days=offset))

    keys = sorted(ReminderDelivery.objects.filter(kind="deadline").values_list("key", flat=True))
    assert keys == sorted(f"{due.isoformat()}/w{w}" for w in (0, 3, 14, 30))
    # The day after the deadline the first overdue reminder follows.
    assert len(mail.outbox) == 5


def test_moving_the_deadline_opens_the_new_windows(world, run_sweep):
    action = action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    run_sweep(TODAY)
    action.due_date = TODAY + timedelta(days=20)
    action.save(update_fields=["due_date"])

    run_sweep(TODAY + timedelta(days=1))

    assert len(mail.outbox) == 2
    assert "Frist om 19 dager" in mail.outbox[1].body
    assert set(ReminderDelivery.objects.values_list("key", flat=True)) == {
        f"{(TODAY + timedelta(days=3)).isoformat()}/w3",
        f"{(TODAY + timedelta(days=20)).isoformat()}/w30",
    }


def test_an_overdue_action_is_repeated_weekly_while_it_stays_overdue(world, run_sweep):
    action = action_due(world, TODAY - timedelta(days=1), responsible_person=world.reader)

    for offset in range(0, 8):
        run_sweep(TODAY + timedelta(days=offset))

    assert len(mail.outbox) == 2
    assert "Forsinket" in mail.outbox[0].body
    assert "1 dag på overtid" in mail.outbox[0].body
    assert "8 dager på overtid" in mail.outbox[1].body

    action.status = "completed"
    action.save(update_fields=["status"])
    run_sweep(TODAY + timedelta(days=14))
    assert len(mail.outbox) == 2


def test_an_action_in_progress_without_a_status_update_for_sixty_days_nudges_its_person(
    world, run_sweep
):
    quiet = action_due(world, None, responsible_person=world.reader, status="in_progress",
                       title="Stille tiltak")
    updated = action_due(world, None, responsible_person=world.reader, status="in_progress",
                         title="Oppdatert tiltak")
    action_due(world, None, responsible_person=world.reader, status="not_started",
               title="Ikke startet")
    from django.utils import timezone

    today = timezone.localdate()
    StatusUpdateFactory(action=updated)  # today: fresh

    run_sweep(today + timedelta(days=59))
    assert mail.outbox == []

    run_sweep(today + timedelta(days=60))
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Ingen statusoppdatering på 60 dager" in body
    assert "Stille tiltak" in body and "Oppdatert tiltak" in body
    assert "Ikke startet" not in body
    assert quiet.pk in set(ReminderDelivery.objects.values_list("action_id", flat=True))

    run_sweep(today + timedelta(days=61))
    assert len(mail.outbox) == 1


def test_the_sweep_makes_the_same_number_of_queries_for_few_and_many_actions(
    world, eager_celery
):
    people = [world.reader, world.unit_manager, world.admin]
    created = 0

    def queries_with(n):
        nonlocal created
        for i in range(created, n):
            action_due(world, TODAY + timedelta(days=i % 20), responsible_person=people[i % 3])
        created = n
        # Each count starts from an empty log, so both runs take the same path.
        ReminderDelivery.objects.all().delete()
        ReminderDigest.objects.all().delete()
        # The e-mails go out on commit, which never happens inside this test's
        # transaction: what is counted is the sweep itself.
        return count_queries(lambda: sweep_deadlines(TODAY), expected=None)

    queries_with(1)  # warm-up
    few, many = queries_with(3), queries_with(60)
    assert few == many, f"{few} queries for 3 actions, {many} for 60"
    # 4 scans (deadlines, stale, returns, indicators), existing keys, digests (3), insert,
    # waiting (2), lease, fan-out, and on PostgreSQL JIT off for the transaction
    assert many <= 16


def test_one_task_is_published_per_recipient_not_per_action(
    world, eager_celery, django_capture_on_commit_callbacks
):
    for i in range(12):
        action_due(world, TODAY + timedelta(days=i), responsible_person=world.reader)
        action_due(world, TODAY + timedelta(days=i))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = sweep_deadlines(TODAY)
    assert report.published == 2
    assert len(callbacks) == 2


def test_a_carried_over_action_gets_no_deadline_reminder_or_stale_nudge(world, run_sweep):
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader,
               status="carried_over", title="Videreført")
    action_due(world, TODAY - timedelta(days=3), responsible_person=world.reader,
               status="carried_over", title="Videreført og forsinket")
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader,
               title="Fortsatt åpent")

    run_sweep(TODAY)

    body = mail.outbox[0].body
    assert "Fortsatt åpent" in body
    assert "Videreført" not in body
    assert ReminderDelivery.objects.count() == 1
