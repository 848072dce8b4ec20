"""Stale-status nudges fall back to the unit managers when nobody else will answer them.

An action in progress without a status update for REMINDER_STALE_DAYS nudges its
responsible person; when there is none, or that person is inactive or has turned
reminders off, the managers of the responsible unit (or of the nearest unit above it that
has managers) are nudged instead, the same people a deadline reminder falls back to.
"""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.models import Action
from actions.reminders.sweep import sweep_deadlines
from actions.reminders.windows import OSLO
from planportal.models import Membership
from tests.actions.reminder_helpers import TODAY, action_due
from tests.factories import MembershipFactory, UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.usefixtures("reminder_settings")

STALE_HEADING = "Ingen statusoppdatering på 60 dager"


def stale_action(world, **fields):
    """An action in progress whose last sign of life was 61 days before TODAY."""
    fields.setdefault("status", Action.Status.IN_PROGRESS)
    action = action_due(world, None, **fields)
    created = datetime.combine(TODAY - timedelta(days=61), time(12), OSLO)
    Action.objects.filter(pk=action.pk).update(created_at=created)
    return action


def recipients():
    return sorted(message.to[0] for message in mail.outbox)


def stale_deliveries():
    return sorted(
        ReminderDelivery.objects.filter(kind=ReminderDelivery.Kind.STALE)
        .values_list("recipient__username", "action_id")
    )


def test_an_action_without_a_responsible_person_nudges_the_unit_managers(world, run_sweep):
    action = stale_action(world, title="Stille tiltak uten ansvarlig")

    run_sweep(TODAY)

    assert recipients() == [world.unit_manager.email]
    body = mail.outbox[0].body
    assert STALE_HEADING in body
    assert "Stille tiltak uten ansvarlig" in body
    assert stale_deliveries() == [(world.unit_manager.username, action.pk)]


def test_a_unit_without_managers_nudges_the_managers_of_the_nearest_unit_above(
    world, run_sweep
):
    sector_manager = UserFactory()
    MembershipFactory(user=sector_manager, unit=world.health, role=Membership.Role.UNIT_MANAGER)
    stale_action(world, responsible_unit=world.nursing_home)

    run_sweep(TODAY)

    assert recipients() == [sector_manager.email]


def test_a_person_who_turned_reminders_off_is_replaced_by_the_unit_managers(world, run_sweep):
    person = world.reader
    person.reminder_emails = False
    person.save(update_fields=["reminder_emails"])
    action = stale_action(world, responsible_person=person)

    run_sweep(TODAY)

    assert recipients() == [world.unit_manager.email]
    assert STALE_HEADING in mail.outbox[0].body
    assert stale_deliveries() == [(world.unit_manager.username, action.pk)]


def test_an_inactive_person_is_replaced_by_the_unit_managers(world, run_sweep):
    person = world.reader
    person.is_active = False
    person.save(update_fields=["is_active"])
    stale_action(world, responsible_person=person)

    run_sweep(TODAY)

    assert recipients() == [world.unit_manager.email]


def test_an_active_responsible_person_is_nudged_alone(world, run_sweep):
    action = stale_action(world, responsible_person=world.reader)

    run_sweep(TODAY)

    assert recipients() == [world.reader.email]
    assert STALE_HEADING in mail.outbox[0].body
    assert stale_deliveries() == [(world.reader.username, action.pk)]


def test_a_manager_who_turned_reminders_off_is_not_nudged_in_anyones_place(world, run_sweep):
    world.unit_manager.reminder_emails = False
    world.unit_manager.save(update_fields=["reminder_emails"])
    stale_action(world)

    run_sweep(TODAY)

    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_the_opted_out_persons_deadline_reminder_still_goes_to_nobody(world, run_sweep):
    # Only the nudge falls back: a deadline reminder stays the opted-out person's own.
    person = world.reader
    person.reminder_emails = False
    person.save(update_fields=["reminder_emails"])
    action = stale_action(world, responsible_person=person)
    Action.objects.filter(pk=action.pk).update(due_date=TODAY + timedelta(days=3))

    run_sweep(TODAY)

    assert recipients() == [world.unit_manager.email]
    kinds = set(ReminderDelivery.objects.values_list("kind", flat=True))
    assert kinds == {ReminderDelivery.Kind.STALE}


def test_sweeping_twice_sends_no_nudge_twice(world, run_sweep):
    stale_action(world, title="Uten ansvarlig")
    stale_action(world, responsible_person=world.reader, title="Med ansvarlig")

    run_sweep(TODAY)
    run_sweep(TODAY)
    run_sweep(TODAY + timedelta(days=1))

    assert recipients() == sorted([world.reader.email, world.unit_manager.email])
    assert ReminderDelivery.objects.filter(kind=ReminderDelivery.Kind.STALE).count() == 2
    assert ReminderDigest.objects.count() == 2


def test_the_sweep_makes_the_same_number_of_queries_for_few_and_many_stale_actions(
    world, eager_celery
):
    people = [world.reader, None, world.admin]
    created = 0

    def queries_with(n):
        nonlocal created
        for i in range(created, n):
            stale_action(world, responsible_person=people[i % 3])
        created = n
        ReminderDelivery.objects.all().delete()
        ReminderDigest.objects.all().delete()
        return count_queries(lambda: sweep_deadlines(TODAY), expected=None)

    queries_with(1)  # warm-up
    few, many = queries_with(3), queries_with(60)
    assert few == many, f"{few} queries for 3 stale actions, {many} for 60"
    assert ReminderDelivery.objects.filter(
        kind=ReminderDelivery.Kind.STALE, recipient=world.unit_manager).count() == 20
