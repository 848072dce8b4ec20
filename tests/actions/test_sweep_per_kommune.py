"""The reminder sweeps split into one part per kommune (issue 18): N workers share them,
each part does only its kommune's work, the parts together do what the whole does, and
each stays idempotent (the delivery log). The deadline sweep (with the rounds' return
reminders), the weekly sector digest and the notice sweep alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from actions import tasks
from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.notices import record_notice
from actions.reminders import windows
from actions.reminders.sweep import (
    kommuner_to_sweep,
    kommuner_with_notices,
    sweep_deadlines,
    sweep_notices,
    sweep_sector_digests,
)
from planportal.models import Membership
from tests.actions.reminder_helpers import TODAY, action_due
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    MembershipFactory,
    OrganizationFactory,
    PlanFactory,
    ReportingReturnFactory,
    ReportingRoundFactory,
    UserFactory,
    root_unit,
)

pytestmark = pytest.mark.usefixtures("reminder_settings")
Kind = ReminderDelivery.Kind
#: A Monday morning in sending hours: every sweep has something to do and publishes.
MORNING = datetime(2026, 6, 15, 10, 5, tzinfo=windows.OSLO)
assert MORNING.date() == TODAY


@pytest.fixture
def two_kommuner(world):
    """In each of two kommuner: a due tiltak for a person of its own, an overdue one in
    a sector with a sector leader, a return asked in an open round, and a notice."""
    ours = action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)
    action_due(world, TODAY - timedelta(days=5), responsible_person=world.reader,
               responsible_unit=world.nursing_home)
    neighbour = UserFactory(username="nabo", email="nabo@example.no")
    leader = UserFactory(username="nabosektor", email="nabosektor@example.no")
    root = root_unit(world.other_org)
    MembershipFactory(user=neighbour, unit=root, role=Membership.Role.UNIT_MANAGER)
    MembershipFactory(user=leader, unit=root, role=Membership.Role.SECTOR_LEADER)
    plan = PlanFactory(organization=world.other_org, title="Nabokommunens plan")
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan))
    theirs = ActionFactory(goal=goal, responsible_unit=root, responsible_person=neighbour,
                           due_date=TODAY + timedelta(days=3))
    ActionFactory(goal=goal, responsible_unit=root, responsible_person=neighbour,
                  due_date=TODAY - timedelta(days=5))
    for org, action in ((world.org, ours), (world.other_org, theirs)):
        rnd = ReportingRoundFactory(organization=org, deadline=TODAY + timedelta(days=20))
        ReportingReturnFactory(round=rnd, action=action)
    record_notice(recipient_id=world.reader.pk, organization_id=world.org.pk,
                  action_id=ours.pk, kind=Kind.ASSIGNED, key="a1")
    record_notice(recipient_id=neighbour.pk, organization_id=world.other_org.pk,
                  action_id=theirs.pk, kind=Kind.ASSIGNED, key="a1")
    return {"ours": ours, "theirs": theirs, "neighbour": neighbour, "leader": leader}


SWEEPS: dict[str, Callable[..., Any]] = {
    "deadlines": lambda **kw: sweep_deadlines(TODAY, now=MORNING, **kw),
    "sector digests": lambda **kw: sweep_sector_digests(TODAY, now=MORNING, **kw),
    "notices": lambda **kw: sweep_notices(TODAY, now=MORNING, **kw),
}


def _log() -> set[tuple]:
    return set(ReminderDelivery.objects.values_list(
        "recipient_id", "organization_id", "action_id", "kind", "key", "digest__kind",
        "digest__date", "digest__hour", "digest__status"))


def _digests() -> set[tuple]:
    return set(ReminderDigest.objects.values_list(
        "recipient_id", "organization_id", "kind", "date", "hour", "status"))


@pytest.mark.parametrize("name", SWEEPS)
def test_a_part_touches_only_its_own_kommune(world, two_kommuner, name):
    before = set(ReminderDelivery.objects.filter(organization=world.other_org)
                 .values_list("pk", "digest_id"))
    report = SWEEPS[name](publish=False, organization_id=world.org.pk)
    assert report.items and {item.organization_id for item in report.items} == {world.org.pk}
    assert set(ReminderDigest.objects.values_list("organization_id", flat=True)) == {
        world.org.pk}
    after = set(ReminderDelivery.objects.filter(organization=world.other_org)
                .values_list("pk", "digest_id"))
    assert after == before


@pytest.mark.parametrize("name", SWEEPS)
def test_the_parts_together_record_what_the_whole_sweep_records(world, two_kommuner, name):
    with transaction.atomic():
        SWEEPS[name](publish=False)
        whole, whole_digests = _log(), _digests()
        transaction.set_rollback(True)
    assert whole_digests and _digests() == set()
    for organization_id in kommuner_to_sweep():
        SWEEPS[name](publish=False, organization_id=organization_id)
    assert (_log(), _digests()) == (whole, whole_digests)


@pytest.mark.parametrize("name", SWEEPS)
def test_the_parts_publish_what_the_whole_publishes(world, two_kommuner, name,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as whole, transaction.atomic():
        published = SWEEPS[name]().published
        transaction.set_rollback(True)
    with django_capture_on_commit_callbacks(execute=False) as parts:
        by_parts = sum(SWEEPS[name](organization_id=organization_id).published
                       for organization_id in kommuner_to_sweep())
    assert published == by_parts == len(parts) > 0
    assert not whole  # rolled back: nothing was queued


@pytest.mark.parametrize("name", SWEEPS)
def test_a_part_run_twice_records_and_sends_nothing_more(world, two_kommuner, name,
                                                        django_capture_on_commit_callbacks,
                                                        eager_celery):
    for _ in range(2):
        for organization_id in kommuner_to_sweep():
            with django_capture_on_commit_callbacks(execute=True):
                SWEEPS[name](organization_id=organization_id)
    to = sorted(m.to[0] for m in mail.outbox)
    expected = {
        "deadlines": [world.reader.email, two_kommuner["neighbour"].email],
        "sector digests": [world.sector_leader.email, two_kommuner["leader"].email],
        "notices": [world.reader.email, two_kommuner["neighbour"].email],
    }[name]
    assert to == sorted(expected)
    assert ReminderDigest.objects.exclude(status="sent").count() == 0


COORDINATORS = {
    "deadlines": (tasks.sweep_deadline_reminders, tasks.sweep_deadline_reminders_for),
    "sector digests": (tasks.sweep_sector_digests, tasks.sweep_sector_digests_for),
    "notices": (tasks.sweep_notices, tasks.sweep_notices_for),
}


@pytest.mark.parametrize("name", ["deadlines", "sector digests"])
def test_the_hourly_coordinator_queues_one_part_per_kommune_as_of_its_own_moment(
        world, two_kommuner, settings, monkeypatch, name):
    coordinator, part = COORDINATORS[name]
    OrganizationFactory(name="Tom kommune", slug="tom")  # nothing due: a part all the same
    queued = []
    monkeypatch.setattr(part, "apply_async", lambda args, **kw: queued.append((args, kw)))
    settings.REMINDER_SWEEP_PER_KOMMUNE = True
    answer = coordinator(now=MORNING.isoformat())
    assert sorted(args[0] for args, _kw in queued) == kommuner_to_sweep()
    assert {args[1] for args, _kw in queued} == {MORNING.isoformat()}
    assert all(kw["expires"] == tasks.HOURLY_PART_EXPIRES for _args, kw in queued)
    assert answer["parts"] == len(queued) == 3


def test_the_notice_coordinator_queues_a_part_only_for_kommuner_with_notices(
        world, two_kommuner, settings, monkeypatch):
    OrganizationFactory(name="Tom kommune", slug="tom")
    queued = []
    monkeypatch.setattr(tasks.sweep_notices_for, "apply_async",
                        lambda args, **kw: queued.append(args))
    settings.REMINDER_SWEEP_PER_KOMMUNE = True
    assert tasks.sweep_notices(now=MORNING.isoformat())["parts"] == 2
    assert sorted(args[0] for args in queued) == sorted([world.org.pk, world.other_org.pk])

    sweep_notices(TODAY, now=MORNING, publish=False, organization_id=world.org.pk)
    # Ours are bundled into an e-mail that is still to be published: ours stays.
    assert kommuner_with_notices(TODAY, MORNING) == sorted([world.org.pk, world.other_org.pk])
    ReminderDigest.objects.filter(organization=world.org).update(
        not_before=MORNING + timedelta(minutes=5))
    assert kommuner_with_notices(TODAY, MORNING) == [world.other_org.pk]


@pytest.mark.parametrize("name", COORDINATORS)
def test_a_coordinator_run_twice_sends_each_email_once(world, two_kommuner, settings, name,
                                                      django_capture_on_commit_callbacks,
                                                      eager_celery):
    coordinator, _part = COORDINATORS[name]
    settings.REMINDER_SWEEP_PER_KOMMUNE = True
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            coordinator(now=MORNING.isoformat())
    digests = ReminderDigest.objects.all()
    assert len(mail.outbox) == digests.count() == digests.filter(status="sent").count() == 2
    assert {d.organization_id for d in digests} == {world.org.pk, world.other_org.pk}


@pytest.mark.parametrize("name", COORDINATORS)
def test_with_the_setting_off_the_coordinator_sweeps_everything_itself(
        world, two_kommuner, settings, monkeypatch, name,
        django_capture_on_commit_callbacks, eager_celery):
    coordinator, part = COORDINATORS[name]
    monkeypatch.setattr(part, "apply_async", lambda *a, **kw: pytest.fail("a part queued"))
    settings.REMINDER_SWEEP_PER_KOMMUNE = False
    with django_capture_on_commit_callbacks(execute=True):
        answer = coordinator(now=MORNING.isoformat())
    assert "parts" not in answer and answer["published"] == len(mail.outbox) == 2
