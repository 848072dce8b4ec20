"""Rullering: a plan rolled into its next period carries its unfinished actions over."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions import services as action_services
from actions.models import Action, StatusUpdate
from actions.rollover import roll_over_plan
from planportal.permissions import SYSTEM
from strategies.models import Plan
from tests.factories import ActionFactory, IndicatorFactory, MeasurementFactory


def post(actor, action, status, progress, comment=""):
    action.refresh_from_db()
    return action_services.post_status_update(actor=actor, action=action,
                                              expected_version=action.version, status=status,
                                              progress=progress, comment=comment)


@pytest.fixture
def mixed_plan(world):
    """The world's plan with one action in each state."""
    goal = world.goal
    actions = {"not_started": world.action}
    for status, progress in [("in_progress", 60), ("postponed", 20), ("completed", 100),
                             ("cancelled", 0)]:
        actions[status] = ActionFactory(goal=goal, title=f"Tiltak {status}",
                                        responsible_unit=world.home_care,
                                        due_date=date(2026, 6, 30))
        post(world.admin, actions[status], status, progress, comment=f"Status {status}")
    indicator = IndicatorFactory(goal=goal, name="Andel brukere med plan",
                                 targets=[{"year": None, "comparison": "gt", "value": 50}],
                                 baselines=[{"year": 2024, "value": 38}])
    MeasurementFactory(indicator=indicator, value=40, period_end=date(2025, 12, 31))
    return actions


def test_unfinished_actions_carry_over_linked_to_their_earlier_selves(world, mixed_plan):
    new = roll_over_plan(actor=world.admin, plan=world.plan, period_start=2026,
                         period_end=2031)
    carried = Action.objects.filter(goal__focus_area__plan=new)
    assert sorted(a.carried_over_from_id for a in carried) == sorted(
        mixed_plan[s].pk for s in ("not_started", "in_progress", "postponed"))
    for action in carried:
        source = action.carried_over_from
        assert (action.title, action.status, action.progress, action.due_date,
                action.responsible_unit_id) == (mixed_plan[action.status].title,
                                                mixed_plan[action.status].status,
                                                source.progress, source.due_date,
                                                source.responsible_unit_id)
        assert source.status == "carried_over"  # closed in the old plan (videreført)
    # The earlier self keeps its own history, ending in "carried over"; the copy starts
    # from where it stood.
    in_progress = carried.get(carried_over_from=mixed_plan["in_progress"])
    assert list(in_progress.status_updates.values_list("status", "progress")) == [
        ("in_progress", 60)]
    assert list(mixed_plan["in_progress"].status_updates.values_list(
        "status", "progress", "comment")) == [
        ("carried_over", 60, f"Videreført til {new.title}."),
        ("in_progress", 60, "Status in_progress")]
    assert in_progress.carried_over_from.carried_over_to.get() == in_progress


def test_completed_and_cancelled_actions_stay_in_the_old_version_which_stays_readable(
        world, mixed_plan):
    history = StatusUpdate.objects.count()
    new = roll_over_plan(actor=world.admin, plan=world.plan, period_start=2026,
                         period_end=2031)
    titles = set(Action.objects.filter(goal__focus_area__plan=new)
                 .values_list("title", flat=True))
    assert "Tiltak completed" not in titles and "Tiltak cancelled" not in titles
    old = Plan.objects.visible_to(world.reader).get(pk=world.plan.pk)
    assert old.status == Plan.Status.EXPIRED
    assert Action.objects.filter(goal__focus_area__plan=old).count() == 5
    assert Action.objects.visible_to(world.reader).filter(
        goal__focus_area__plan=old, status="completed").exists()
    # The copies' starting points, and "carried over" on each of the three earlier selves;
    # the completed and cancelled ones were not touched.
    assert StatusUpdate.objects.count() == history + 2 + 3


def test_the_new_version_copies_the_structure_and_links_back(world, mixed_plan):
    new = roll_over_plan(actor=world.admin, plan=world.plan, period_start=2026,
                         period_end=2031)
    assert new.previous_version == world.plan
    assert new.title == "Helse- og omsorgsplan 2026–2031"
    assert (new.status, new.period_start, new.period_end) == ("draft", 2026, 2031)
    assert list(new.focus_areas.values_list("title", flat=True)) == list(
        world.plan.focus_areas.values_list("title", flat=True))
    goal = new.focus_areas.get().goals.get()
    assert goal.title == world.goal.title
    indicator = goal.indicators.get()
    assert indicator.name == "Andel brukere med plan"
    assert not indicator.measurements.exists()  # the values belong to the old period
    assert list(indicator.targets.values_list("year", "comparison", "value")) == [
        (None, "gt", Decimal(50))]
    assert list(indicator.baselines.values_list("year", "value")) == [(2024, Decimal(38))]


def test_a_plan_cannot_be_rolled_into_the_same_period_twice(world, mixed_plan):
    roll_over_plan(actor=world.admin, plan=world.plan, period_start=2026, period_end=2031,
                   close_previous=False)
    with pytest.raises(ValidationError) as error:
        roll_over_plan(actor=world.admin, plan=world.plan, period_start=2026,
                       period_end=2031)
    assert "period_start" in error.value.message_dict
    assert Plan.objects.count() == 2


def test_the_new_period_must_start_later(world):
    with pytest.raises(ValidationError):
        roll_over_plan(actor=world.admin, plan=world.plan, period_start=2025,
                       period_end=2030)


@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager", "reader", "other_admin"])
def test_only_the_kommunes_administrators_roll_plans_over(world, persona):
    with pytest.raises(PermissionDenied):
        roll_over_plan(actor=world.persona(persona), plan=world.plan, period_start=2026,
                       period_end=2031)
    assert Plan.objects.count() == 1


def test_a_rollover_that_fails_half_way_writes_nothing(world, mixed_plan):
    # The responsible person of an unfinished action has left: the copy is refused.
    action = mixed_plan["in_progress"]
    action.refresh_from_db()
    action_services.assign_action(actor=SYSTEM, action=action, expected_version=action.version,
                                  responsible_unit=world.home_care,
                                  responsible_person=world.unit_manager)
    world.unit_manager.is_active = False
    world.unit_manager.save()
    with pytest.raises(ValidationError) as error:
        roll_over_plan(actor=SYSTEM, plan=world.plan, period_start=2026, period_end=2031)
    assert "responsible_person" in error.value.message_dict
    assert Plan.objects.count() == 1
    world.plan.refresh_from_db()
    assert world.plan.status == "adopted"
