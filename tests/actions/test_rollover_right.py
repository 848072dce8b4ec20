"""Rullering done right: a carried-over tiltak is closed in the old plan (videreført), so
it is open once, in the new plan only; and rolling over twice creates nothing twice.

Regression for "Rullering doubles the open work": after a rollover each unfinished
tiltak stayed open in the expired plan as well, so "Mine tiltak" showed it twice,
reminders went out twice and the sector queue grew from 78 to 147.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from actions import services
from actions.api.serializers import StatusUpdateInputSerializer
from actions.calendar_feeds import create_calendar_feed
from actions.forms import StatusUpdateForm
from actions.ics import feed_actions
from actions.models import Action, StatusUpdate
from actions.reminders import windows
from actions.reminders.sweep import due_daily_items, due_sector_items
from actions.rollover import roll_over_plan
from planportal.audit.models import AuditEvent
from reports.progress import compute_progress
from strategies.models import Plan
from tests.actions.reminder_helpers import TODAY
from tests.factories import ActionFactory
from tests.login_helpers import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_settings")]


@pytest.fixture
def browse(world):
    """``browse("unit_manager")``: a browser signed in through the login page."""
    return lambda persona: logged_in(world.persona(persona))


def roll(world, **kwargs):
    kwargs.setdefault("period_start", 2026)
    kwargs.setdefault("period_end", 2031)
    return roll_over_plan(actor=world.admin, plan=world.plan, **kwargs)


@pytest.fixture
def sector_work(world):
    """The unit manager's open tiltak in the sector: some with a deadline soon, some
    waiting for a person (the sector queue), one completed."""
    world.action.delete()
    mine = [ActionFactory(goal=world.goal, title=f"Mitt tiltak {i}",
                          responsible_unit=world.home_care,
                          responsible_person=world.unit_manager,
                          due_date=TODAY + timedelta(days=3)) for i in range(3)]
    queue = [ActionFactory(goal=world.goal, title=f"Uten person {i}",
                           responsible_unit=world.nursing_home) for i in range(4)]
    done = ActionFactory(goal=world.goal, title="Ferdig", responsible_unit=world.home_care,
                         due_date=TODAY)
    services.post_status_update(actor=world.admin, action=done, expected_version=1,
                                status="completed", progress=100)
    return {"mine": mine, "queue": queue, "done": done}


def mine_titles(client):
    page = client.get(reverse("actions:mine"))
    assert page.status_code == 200
    return [a.title for a in page.context["page"].object_list]


def queue_size(client):
    page = client.get(reverse("actions:assign"))
    assert page.status_code == 200
    return len(page.context["unassigned"])


def test_after_rullering_mine_tiltak_shows_each_unfinished_tiltak_once(browse, world,
                                                                      sector_work):
    client = browse("unit_manager")
    before = mine_titles(client)
    roll(world)
    after = mine_titles(client)
    # The three open ones, and the completed one waiting for its final evaluation.
    assert sorted(after) == sorted(before) == ["Ferdig", "Mitt tiltak 0", "Mitt tiltak 1",
                                                "Mitt tiltak 2"]
    # ... and each is the copy in the new plan.
    page = client.get(reverse("actions:mine"))
    shown = [a for a in page.context["page"].object_list if a.title != "Ferdig"]
    assert {a.goal.focus_area.plan.previous_version_id for a in shown} == {world.plan.pk}


def test_the_sector_queue_does_not_grow_after_rullering(browse, world, sector_work):
    client = browse("sector_leader")
    assert queue_size(client) == 4
    roll(world)
    assert queue_size(client) == 4  # not 8: the old plan's copies are closed
    assert Action.objects.filter(goal__focus_area__plan=world.plan,
                                 status="carried_over").count() == 7


def test_reminders_and_the_calendar_feed_skip_carried_over_tiltak(world, sector_work):
    now = datetime.combine(TODAY, time(8), windows.OSLO)
    before = sorted(item.action_id for item in due_daily_items(TODAY, now))
    feed, _raw = create_calendar_feed(actor=world.unit_manager, user=world.unit_manager)
    assert len(feed_actions(feed)) == 3
    roll(world)
    after = [item.action_id for item in due_daily_items(TODAY, now)]
    successors = sorted(Action.objects.filter(carried_over_from_id__in=before)
                        .values_list("pk", flat=True))
    assert len(before) == 3
    assert sorted(after) == successors  # each reminded once, as the new plan's copy
    assert sorted(a.pk for a in feed_actions(feed)) == successors
    sector = {item.action_id for item in due_sector_items(TODAY)}
    assert not sector & {a.pk for a in sector_work["queue"]}
    assert len(sector) == 4


def test_the_old_plans_report_shows_them_as_carried_over_and_nothing_open(world,
                                                                         sector_work):
    roll(world)
    totals = compute_progress(world.plan)["totals"]
    assert totals["by_status"]["carried_over"] == 7
    assert totals["by_status"]["completed"] == 1
    assert totals["overdue"] == 0
    # Carried over counts towards no share: the one completed tiltak is all there is.
    assert totals["completed_percent"] == 100.0


def test_each_carried_over_tiltak_is_linked_to_its_successor_with_a_status_update_and_an_event(
        world, sector_work):
    new = roll(world)
    source = Action.objects.get(pk=sector_work["mine"][0].pk)
    successor = source.carried_over_to.get()
    assert successor.goal.focus_area.plan == new
    assert (source.status, successor.status) == ("carried_over", "not_started")
    update = source.status_updates.get()
    assert (update.status, update.progress, update.author) == ("carried_over", 0, world.admin)
    assert update.comment == f"Videreført til {new.title}."
    event = AuditEvent.objects.filter(object_id=str(source.pk), verb="roll_over",
                                      content_type__model="action").get()
    assert event.changes["carried_over_to"] == [None, successor.pk]
    assert event.changes["status"] == ["not_started", "carried_over"]


def test_rolling_over_twice_creates_nothing_twice(world, sector_work):
    new = roll(world, close_previous=False)
    counts = (Plan.objects.count(), Action.objects.count(), StatusUpdate.objects.count())
    for period in [(2026, 2031), (2027, 2032)]:
        with pytest.raises(ValidationError) as error:
            roll(world, period_start=period[0], period_end=period[1])
        assert new.title in error.value.message_dict["period_start"][0]
    assert (Plan.objects.count(), Action.objects.count(),
            StatusUpdate.objects.count()) == counts
    assert Action.objects.filter(goal__focus_area__plan=new).count() == 7


def test_a_failed_rollover_writes_nothing_and_runs_once_when_tried_again(world, sector_work):
    # The last tiltak to be copied has a person who has left: its copy is refused after
    # the others were copied and carried over.
    last = sector_work["queue"][-1]
    last.order = 99
    last.save()
    services.assign_action(actor=world.admin, action=last, expected_version=last.version,
                           responsible_unit=world.nursing_home,
                           responsible_person=world.reader)
    world.reader.is_active = False
    world.reader.save()
    history = StatusUpdate.objects.count()
    with pytest.raises(ValidationError):
        roll(world)
    assert Plan.objects.count() == 1
    assert not Action.objects.filter(status="carried_over").exists()
    assert StatusUpdate.objects.count() == history
    world.plan.refresh_from_db()
    assert world.plan.status == "adopted"

    world.reader.is_active = True
    world.reader.save()
    new = roll(world)
    assert Action.objects.filter(goal__focus_area__plan=new).count() == 7
    assert Action.objects.filter(goal__focus_area__plan=world.plan,
                                 status="carried_over").count() == 7


def test_a_tiltak_is_carried_over_once(world, sector_work):
    roll(world)
    source = Action.objects.get(pk=sector_work["mine"][0].pk)
    successor = source.carried_over_to.get()
    with pytest.raises(ValidationError) as error:
        services.mark_carried_over(actor=world.admin, action=source, successor=successor)
    assert "status" in error.value.message_dict
    done = Action.objects.get(pk=sector_work["done"].pk)
    with pytest.raises(ValidationError):
        services.mark_carried_over(actor=world.admin, action=done, successor=successor)


def test_only_an_administrator_marks_a_tiltak_carried_over(world, sector_work):
    new = roll(world)
    successor = Action.objects.filter(goal__focus_area__plan=new).first()
    other = ActionFactory(goal=world.goal, responsible_unit=world.home_care)
    for persona in ("sector_leader", "unit_manager", "other_admin"):
        with pytest.raises(PermissionDenied):
            services.mark_carried_over(actor=world.persona(persona), action=other,
                                       successor=successor)
    other.refresh_from_db()
    assert other.status == "not_started"


def test_carried_over_is_not_offered_as_a_status_to_report(world):
    form_choices = {value for value, _label in StatusUpdateForm.base_fields["status"].choices}
    api_choices = set(StatusUpdateInputSerializer().fields["status"].choices)
    assert "carried_over" not in form_choices | api_choices
    assert form_choices == api_choices == set(Action.REPORTABLE_STATUSES)
    with pytest.raises(ValidationError):
        services.post_status_update(actor=world.admin, action=world.action,
                                    expected_version=world.action.version,
                                    status="carried_over", progress=0)
