"""The golden thread through the services: a goal or tiltak contributes only to goals of
a higher plan of its own kommune, all or nothing, audited."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from actions import services as action_services
from planportal.audit.models import AuditEvent
from strategies import services
from strategies.models import Goal, Plan
from tests.factories import FocusAreaFactory, GoalFactory, PlanFactory
from tests.thread_helpers import thread_plans

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages as their msgids read."""
    with translation.override("en"):
        yield


def events(obj, **filters):
    """The audit events of *obj* (ids are unique per model only)."""
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(obj),
                                     object_id=str(obj.pk), **filters)


def test_a_goal_contributes_to_a_goal_of_a_higher_plan(world):
    plans = thread_plans(world)
    services.set_goal_contributions(actor=world.admin, goal=plans.action_goal,
                                    targets=[plans.sector_goal, plans.community_goal])
    assert set(plans.action_goal.contributes_to.all()) == {plans.sector_goal,
                                                           plans.community_goal}
    assert list(plans.community_goal.contributing_goals.all()) == [plans.action_goal]
    event = events(plans.action_goal, verb="update").get()
    assert event.changes == {"contributes_to": [
        [], sorted([plans.sector_goal.pk, plans.community_goal.pk])]}


@pytest.mark.parametrize("target", ["same_level", "lower_level", "own_plan"])
def test_a_goal_may_not_contribute_sideways_or_up(world, target):
    plans = thread_plans(world)
    beside = GoalFactory(focus_area=FocusAreaFactory(plan=PlanFactory(
        organization=world.org, title="Annen temaplan", level=Plan.Level.SECTOR)))
    goal = {"same_level": beside, "lower_level": plans.action_goal,
            "own_plan": GoalFactory(focus_area=world.goal.focus_area)}[target]
    with pytest.raises(ValidationError) as error:
        services.set_goal_contributions(actor=world.admin, goal=world.goal, targets=[goal])
    assert "is not above" in error.value.message_dict["contributes_to"][0]
    assert not world.goal.contributes_to.exists()


def test_a_goal_of_another_kommune_is_refused_and_nothing_is_linked(world, other_plan):
    plans = thread_plans(world)
    foreign = Goal.objects.get(pk=other_plan.goal_id)
    Plan.objects.filter(pk=foreign.focus_area.plan_id).update(level=Plan.Level.COMMUNITY)
    with pytest.raises(ValidationError) as error:
        services.set_goal_contributions(actor=world.admin, goal=world.goal,
                                        targets=[plans.community_goal, foreign])
    assert error.value.message_dict["contributes_to"] == [
        "The goal belongs to another kommune."]
    assert not world.goal.contributes_to.exists()


def test_an_unknown_goal_id_is_refused_by_name(world):
    with pytest.raises(ValidationError) as error:
        services.set_goal_contributions(actor=world.admin, goal=world.goal,
                                        targets=[987654])
    assert "987654" in error.value.message_dict["contributes_to"][0]


@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager", "reader", "other_admin"])
def test_only_the_kommunes_admin_links_a_goal(world, persona):
    plans = thread_plans(world)
    with pytest.raises(PermissionDenied):
        services.set_goal_contributions(actor=world.persona(persona), goal=world.goal,
                                        targets=[plans.community_goal])
    assert not world.goal.contributes_to.exists()


def test_a_goal_is_created_and_edited_with_what_it_contributes_to(world):
    plans = thread_plans(world)
    goal = services.create_goal(actor=world.admin, focus_area=plans.action_goal.focus_area,
                                title="Færre innleggelser", contributes_to=[world.goal])
    assert list(goal.contributes_to.all()) == [world.goal]
    created = events(goal, verb="create").get()
    assert created.changes["contributes_to"] == [[], [world.goal.pk]]
    services.update_goal(actor=world.admin, goal=goal, contributes_to=[plans.community_goal])
    assert list(goal.contributes_to.all()) == [plans.community_goal]


def test_a_refused_contribution_creates_no_goal(world):
    plans = thread_plans(world)
    with pytest.raises(ValidationError):
        services.create_goal(actor=world.admin, focus_area=world.goal.focus_area,
                             title="Sidelengs", contributes_to=[world.goal])
    assert not Goal.objects.filter(title="Sidelengs").exists()
    assert plans.community_goal.contributing_goals.count() == 0


def test_an_edit_with_a_refused_contribution_keeps_the_old_text(world):
    with pytest.raises(ValidationError):
        services.update_goal(actor=world.admin, goal=world.goal, title="Endret",
                             contributes_to=[world.goal])
    assert Goal.objects.get(pk=world.goal.pk).title != "Endret"


def test_a_tiltak_contributes_to_a_higher_plans_goal_and_not_to_its_own(world):
    plans = thread_plans(world)
    action_services.set_action_contributions(actor=world.admin, action=plans.action,
                                             targets=[world.goal])
    assert list(world.goal.contributing_actions.all()) == [plans.action]
    with pytest.raises(ValidationError) as error:
        action_services.set_action_contributions(actor=world.admin, action=plans.action,
                                                 targets=[plans.action_goal])
    assert "contributes_to" in error.value.message_dict
    assert list(plans.action.contributes_to.all()) == [world.goal]


def test_a_tiltak_of_another_kommune_cannot_be_linked_to_our_goal(world, other_plan):
    Plan.objects.filter(pk=other_plan.plan_id).update(level=Plan.Level.BUSINESS)
    other_plan.plan.refresh_from_db()
    other_admin = world.other_admin
    with pytest.raises(ValidationError) as error:
        action_services.set_action_contributions(actor=other_admin, action=other_plan,
                                                 targets=[world.goal])
    assert error.value.message_dict["contributes_to"] == [
        "The goal belongs to another kommune."]


def test_a_reader_cannot_link_a_tiltak(world):
    plans = thread_plans(world)
    with pytest.raises(PermissionDenied):
        action_services.set_action_contributions(actor=world.reader, action=plans.action,
                                                 targets=[world.goal])
    assert not plans.action.contributes_to.exists()
