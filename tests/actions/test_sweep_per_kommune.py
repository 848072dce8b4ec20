"""The hourly sweep split into one part per kommune (issue 18): N workers share it, each
part does only its kommune's work, the parts together do what the whole does, and each
stays idempotent (the delivery log)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.reminders.sweep import kommuner_to_sweep, sweep_deadlines
from tests.actions.reminder_helpers import TODAY, action_due
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    MembershipFactory,
    PlanFactory,
    UserFactory,
    root_unit,
)

pytestmark = pytest.mark.usefixtures("reminder_settings")


@pytest.fixture
def two_kommuner(world):
    """A due tiltak in each of two kommuner, each for a person of its own."""
    ours = action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    neighbour = UserFactory(username="nabo", email="nabo@example.no")
    root = root_unit(world.other_org)
    MembershipFactory(user=neighbour, unit=root, role="unit_manager")
    plan = PlanFactory(organization=world.other_org, title="Nabokommunens plan")
    theirs = ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=plan)),
                           responsible_unit=root, responsible_person=neighbour,
                           due_date=TODAY + timedelta(days=3))
    return {"ours": ours, "theirs": theirs, "neighbour": neighbour}


def _log() -> set[tuple]:
    return set(ReminderDelivery.objects.values_list(
        "recipient_id", "organization_id", "action_id", "kind", "key"))


def test_a_part_records_only_its_own_kommunes_reminders(world, two_kommuner):
    report = sweep_deadlines(TODAY, publish=False, organization_id=world.org.pk)
    assert {item.action_id for item in report.items} == {two_kommuner["ours"].pk}
    assert set(ReminderDigest.objects.values_list("organization_id", flat=True)) == {
        world.org.pk}


def test_the_parts_together_record_what_the_whole_sweep_records(world, two_kommuner,
                                                                  django_db_blocker):
    from django.db import transaction

    with transaction.atomic():
        sweep_deadlines(TODAY, publish=False)
        whole = _log()
        transaction.set_rollback(True)
    assert whole and not _log()
    for organization_id in kommuner_to_sweep():
        sweep_deadlines(TODAY, publish=False, organization_id=organization_id)
    assert _log() == whole


def test_a_part_run_twice_records_and_sends_nothing_more(world, two_kommuner,
                                                        django_capture_on_commit_callbacks,
                                                        eager_celery):
    for _ in range(2):
        for organization_id in kommuner_to_sweep():
            with django_capture_on_commit_callbacks(execute=True):
                sweep_deadlines(TODAY, organization_id=organization_id)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.reader.email, two_kommuner["neighbour"].email])
    assert ReminderDelivery.objects.count() == 2


def test_the_hourly_task_queues_one_part_per_kommune(world, two_kommuner, settings,
                                                     monkeypatch):
    from actions import tasks

    queued = []
    monkeypatch.setattr(tasks.sweep_deadline_reminders_for, "delay",
                        lambda org, now: queued.append(org))
    settings.REMINDER_SWEEP_PER_KOMMUNE = True
    answer = tasks.sweep_deadline_reminders()
    assert sorted(queued) == sorted(kommuner_to_sweep()) and answer["parts"] == len(queued)
