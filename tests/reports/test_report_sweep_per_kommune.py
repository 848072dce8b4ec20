"""The report-subscription sweep split into one part per kommune (issue 18): each part
queues only its kommune's e-mails, the parts together queue what the whole does, and a
part or the whole sweep run twice sends nothing twice (the delivery's unique key)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reports import services, tasks
from reports.models import ReportDelivery, ReportSubscription
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    OrganizationFactory,
    PlanFactory,
    root_unit,
)
from tests.reports.conftest import ReportPlan

pytestmark = pytest.mark.django_db
SWEEP_DAY = date(2026, 9, 1)  # the 2nd tertial and August 2026 have just ended


@pytest.fixture
def two_kommuner(world: Any, report_plan: ReportPlan) -> dict[str, Any]:
    """A plan with subscribers in each of two kommuner (two in ours, one in theirs)."""
    theirs = PlanFactory(organization=world.other_org, title="Nabokommunens plan")
    ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=theirs)),
                  responsible_unit=root_unit(world.other_org))
    subscriptions = [
        services.create_subscription(actor=actor, plan=plan, email=address,
                                     frequency=frequency, starts_on=date(2026, 1, 1))
        for actor, plan, address, frequency in (
            (world.admin, report_plan.plan, "leder@komite.no", "tertial"),
            (world.admin, report_plan.plan, "sekretar@komite.no", "monthly"),
            (world.other_admin, theirs, "ordforer@nabo.no", "tertial"),
        )
    ]
    return {"theirs": theirs, "subscriptions": subscriptions}


def _deliveries() -> set[tuple]:
    return set(ReportDelivery.objects.values_list(
        "subscription_id", "period_key", "email", "snapshot__plan_id", "snapshot__period_key"))


def test_a_part_queues_only_its_own_kommunes_reports(world, two_kommuner, today,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        result = services.send_due_reports(SWEEP_DAY, organization_id=world.other_org.pk)
    assert [item.subscription.email for item in result.due] == ["ordforer@nabo.no"]
    assert set(ReportDelivery.objects.values_list("email", flat=True)) == {"ordforer@nabo.no"}
    assert len(result.queued) == 1


def test_the_parts_together_queue_what_the_whole_sweep_queues(world, two_kommuner, today,
                                                              django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        whole = len(services.send_due_reports(SWEEP_DAY).queued)
        recorded = _deliveries()
        transaction.set_rollback(True)
    assert whole == len(recorded) == 3 and not _deliveries()
    with django_capture_on_commit_callbacks(execute=False):
        by_parts = sum(len(services.send_due_reports(SWEEP_DAY, organization_id=org).queued)
                       for org in services.kommuner_with_reports())
    assert (by_parts, _deliveries()) == (whole, recorded)


def test_a_part_run_twice_sends_each_report_once(world, two_kommuner, today, smtp_sink,
                                                django_capture_on_commit_callbacks):
    for _ in range(2):
        for org in services.kommuner_with_reports():
            with django_capture_on_commit_callbacks(execute=True):
                services.send_due_reports(SWEEP_DAY, organization_id=org)
    recipients = sorted(rcpt for envelope in smtp_sink.accepted for rcpt in envelope.rcpt_tos)
    assert recipients == ["leder@komite.no", "ordforer@nabo.no", "sekretar@komite.no"]


def test_the_coordinator_queues_a_part_per_kommune_with_reports_for_its_day(
        world, two_kommuner, settings, monkeypatch):
    OrganizationFactory(name="Tom kommune", slug="tom")  # no subscribers: no part
    queued = []
    monkeypatch.setattr(tasks.send_due_reports_for, "apply_async",
                        lambda args, **kw: queued.append((args, kw)))
    settings.REMINDER_SWEEP_PER_KOMMUNE = True
    assert tasks.send_due_reports("2026-09-01") == 2
    assert sorted(queued, key=str) == sorted(
        [((org, "2026-09-01"), {"expires": tasks.PART_EXPIRES})
         for org in (world.org.pk, world.other_org.pk)], key=str)


def test_a_kommune_with_only_a_pending_delivery_left_still_gets_its_part(
        world, two_kommuner, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # queued, never sent
        services.send_due_reports(SWEEP_DAY, organization_id=world.other_org.pk)
    ReportSubscription.objects.filter(plan=two_kommuner["theirs"]).update(is_active=False)
    assert world.other_org.pk in services.kommuner_with_reports()


def test_the_coordinator_run_twice_sends_each_report_once(world, two_kommuner, today,
                                                         smtp_sink, settings,
                                                         django_capture_on_commit_callbacks):
    settings.REMINDER_SWEEP_PER_KOMMUNE = True
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_due_reports("2026-09-01") == 2
    assert len(smtp_sink.accepted) == 3
    assert ReportDelivery.objects.filter(status="sent").count() == 3


def test_with_the_setting_off_the_task_sweeps_everything_itself(
        world, two_kommuner, today, settings, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(tasks.send_due_reports_for, "apply_async",
                        lambda *a, **kw: pytest.fail("a part queued"))
    settings.REMINDER_SWEEP_PER_KOMMUNE = False
    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.send_due_reports("2026-09-01") == 3
