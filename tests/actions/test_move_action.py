"""Moving a tiltak within its plan: under a goal, directly on a focus area, on the plan."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action
from actions.services import edit_action, move_action
from planportal.audit.models import AuditEvent
from planportal.locking import VersionConflict
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _stored(action):
    return Action.objects.get(pk=action.pk)


def _move(world, action, actor=None, **where):
    return move_action(actor=actor or world.admin, action=action,
                       expected_version=action.version, **where)


def test_a_tiltak_moves_off_its_goal_onto_the_focus_area(world):
    area = world.goal.focus_area
    _move(world, world.action, focus_area=area)
    stored = _stored(world.action)
    assert (stored.plan_id, stored.focus_area_id, stored.goal_id) == (world.plan.pk, area.pk,
                                                                      None)
    assert stored.level == "focus_area" and stored.version == 2


def test_a_tiltak_moves_onto_the_whole_plan_and_back_under_a_goal_of_another_area(world):
    other_goal = GoalFactory(focus_area=FocusAreaFactory(plan=world.plan))
    _move(world, world.action, plan=world.plan)
    assert _stored(world.action).level == "plan"
    assert (world.action.focus_area_id, world.action.goal_id) == (None, None)

    _move(world, world.action, goal=other_goal)
    stored = _stored(world.action)
    assert (stored.focus_area_id, stored.goal_id) == (other_goal.focus_area_id, other_goal.pk)
    assert stored.version == 3


def test_a_moved_tiltak_comes_last_at_its_new_place(world):
    area = world.goal.focus_area
    ActionFactory(goal=None, focus_area=area, order=7)
    _move(world, world.action, focus_area=area)
    assert _stored(world.action).order == 8


def test_a_move_is_audited_with_the_old_and_new_place(world):
    area = world.goal.focus_area
    _move(world, world.action, focus_area=area)
    event = AuditEvent.objects.filter(object_id=str(world.action.pk), verb="update",
                                      content_type__model="action").get()
    assert event.changes["goal"] == [world.goal.pk, None]
    assert "plan" not in event.changes and "focus_area" not in event.changes  # unchanged


def test_moving_into_another_plan_of_the_same_kommune_is_refused_on_the_field_given(world):
    other_plan = PlanFactory(organization=world.org, title="Temaplan for idrett")
    other_area = FocusAreaFactory(plan=other_plan)
    for where, field in (({"plan": other_plan}, "plan"), ({"focus_area": other_area},
                                                          "focus_area"),
                         ({"goal": GoalFactory(focus_area=other_area)}, "goal")):
        with pytest.raises(ValidationError) as refused:
            _move(world, world.action, **where)
        assert field in refused.value.message_dict
        assert "egen plan" in refused.value.message_dict[field][0]
    stored = _stored(world.action)
    assert (stored.plan_id, stored.goal_id, stored.version) == (world.plan.pk, world.goal.pk, 1)


def test_a_goal_and_a_focus_area_that_do_not_fit_are_refused_on_the_goal(world):
    elsewhere = FocusAreaFactory(plan=world.plan)
    with pytest.raises(ValidationError) as refused:
        _move(world, world.action, goal=world.goal, focus_area=elsewhere)
    assert list(refused.value.message_dict) == ["goal"]
    assert _stored(world.action).version == 1


def test_moving_with_no_place_at_all_is_refused_on_the_plan(world):
    with pytest.raises(ValidationError) as refused:
        _move(world, world.action)
    assert list(refused.value.message_dict) == ["plan"]


def test_a_stale_version_moves_nothing(world):
    Action.objects.filter(pk=world.action.pk).update(version=4)
    with pytest.raises(VersionConflict):
        move_action(actor=world.admin, action=world.action, expected_version=1,
                    focus_area=world.goal.focus_area)
    stored = _stored(world.action)
    assert stored.goal_id == world.goal.pk and stored.version == 4
    assert world.action.goal_id == world.goal.pk  # the instance keeps its place too


def test_the_same_place_writes_nothing_but_a_stale_version_is_still_refused(world):
    _move(world, world.action, goal=world.goal)
    assert _stored(world.action).version == 1
    assert not AuditEvent.objects.filter(object_id=str(world.action.pk),
                                         content_type__model="action").exists()
    with pytest.raises(VersionConflict):
        move_action(actor=world.admin, action=world.action, expected_version=0,
                    goal=world.goal)


@pytest.mark.parametrize("persona", ["unit_manager", "reader", "other_admin"])
def test_only_those_who_manage_the_tiltak_move_it(world, persona):
    with pytest.raises(PermissionDenied):
        _move(world, world.action, actor=world.persona(persona), plan=world.plan)
    assert _stored(world.action).goal_id == world.goal.pk


def test_a_sector_leader_moves_a_tiltak_of_their_sector(world):
    _move(world, world.action, actor=world.sector_leader, plan=world.plan)
    assert _stored(world.action).level == "plan"


def test_the_admins_whole_edit_moves_the_tiltak_and_edits_it_in_one_go(world):
    action = world.action
    edit_action(actor=world.admin, action=action, expected_version=1, title="Nytt navn",
                placement={"plan": world.plan, "focus_area": world.goal.focus_area,
                           "goal": None})
    stored = _stored(action)
    assert (stored.level, stored.title, stored.version) == ("focus_area", "Nytt navn", 3)


def test_a_refused_edit_after_a_move_leaves_the_tiltak_where_it_was(world):
    action = world.action
    with pytest.raises(ValidationError):
        edit_action(actor=world.admin, action=action, expected_version=1,
                    start_date="not a date",
                    placement={"plan": world.plan, "focus_area": None, "goal": None})
    stored = _stored(action)
    assert (stored.goal_id, stored.version) == (world.goal.pk, 1)
    assert action.goal_id == world.goal.pk
