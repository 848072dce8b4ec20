"""bulk_assign_actions: all or nothing, a blank field keeps, each action as a single assign."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action
from actions.services import BulkAssignmentFailed, assign_action, bulk_assign_actions
from planportal.audit.models import AuditEvent
from planportal.locking import VersionConflict
from tests.factories import ActionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world):
    """world.action (Hjemmetjenesten, no person) and one with Hjemmetjenesten and a person."""
    second = ActionFactory(goal=world.goal, title="Andre tiltak", responsible_unit=world.home_care,
                           responsible_person=world.unit_manager)
    return [world.action, second]


def _fresh(actions):
    return [Action.objects.select_related("goal__focus_area__plan").get(pk=a.pk)
            for a in actions]


def _assign_events():
    return AuditEvent.objects.filter(verb="assign").count()


def test_a_blank_field_keeps_each_actions_own_value(world, pair):
    bulk_assign_actions(actor=world.admin, actions=pair, due_date=date(2027, 3, 31))
    first, second = _fresh(pair)
    assert (first.responsible_unit, first.responsible_person) == (world.home_care, None)
    assert (second.responsible_unit, second.responsible_person) == (
        world.home_care, world.unit_manager)
    assert first.due_date == second.due_date == date(2027, 3, 31)


def test_each_action_is_assigned_as_a_single_assignment_is(world, pair):
    bulk_assign_actions(actor=world.admin, actions=pair, responsible_unit=world.nursing_home)
    for action in _fresh(pair):
        assert action.responsible_unit == world.nursing_home
        assert action.version == 2
    assert _assign_events() == 2
    # The caller's objects carry the new state, as after assign_action.
    assert [a.version for a in pair] == [2, 2]


def test_an_action_the_actor_may_not_assign_stops_all_and_is_named(world, pair):
    school = ActionFactory(goal=world.goal, title="Skolens tiltak", responsible_unit=world.school)
    with pytest.raises(BulkAssignmentFailed) as failure:
        bulk_assign_actions(actor=world.sector_leader, actions=[*pair, school],
                            due_date=date(2027, 3, 31))
    assert failure.value.action == school
    assert isinstance(failure.value.error, PermissionDenied)
    assert "Skolens tiltak" in str(failure.value)
    assert all(a.due_date is None and a.version == 1 for a in _fresh(pair))
    assert _assign_events() == 0


def test_moving_out_of_the_sector_is_refused_for_all(world, pair):
    with pytest.raises(BulkAssignmentFailed) as failure:
        bulk_assign_actions(actor=world.sector_leader, actions=pair,
                            responsible_unit=world.school)
    assert failure.value.action == pair[0]
    assert all(a.responsible_unit == world.home_care and a.version == 1
               for a in _fresh(pair))
    # Nor do the caller's objects keep a half-change.
    assert [(a.responsible_unit, a.version) for a in pair] == [(world.home_care, 1)] * 2


def test_a_stale_version_of_the_last_action_undoes_the_first(world, pair):
    first, second = pair
    assign_action(actor=world.admin, action=Action.objects.get(pk=second.pk),
                  expected_version=1, responsible_unit=world.home_care)
    with pytest.raises(BulkAssignmentFailed) as failure:
        bulk_assign_actions(actor=world.admin, actions=pair, due_date=date(2027, 3, 31),
                            versions={first.pk: 1, second.pk: 1})
    assert failure.value.action == second
    assert isinstance(failure.value.error, VersionConflict)
    stored = _fresh([first])[0]
    assert (stored.due_date, stored.version) == (None, 1)
    assert (first.due_date, first.version) == (None, 1)
    assert _assign_events() == 1  # the other user's assignment only


def test_a_person_outside_the_kommune_fails_validation_naming_the_action(world, pair):
    stranger = UserFactory()
    MembershipFactory(user=stranger, unit=world.other_admin.memberships.get().unit)
    with pytest.raises(BulkAssignmentFailed) as failure:
        bulk_assign_actions(actor=world.admin, actions=pair, responsible_person=stranger)
    assert failure.value.action == pair[0]
    assert isinstance(failure.value.error, ValidationError)
    assert failure.value.reason in str(failure.value)
    assert all(a.version == 1 for a in _fresh(pair))


def test_a_person_needs_a_unit_where_the_action_has_none(world, pair):
    free = ActionFactory(goal=world.goal, title="Uten ansvar")
    with pytest.raises(BulkAssignmentFailed) as failure:
        bulk_assign_actions(actor=world.admin, actions=[*pair, free],
                            responsible_person=world.unit_manager)
    assert failure.value.action == free
    assert "responsible_unit" in failure.value.error.message_dict
    assert all(a.version == 1 for a in _fresh(pair))


def test_nothing_to_give_is_a_validation_error(world, pair):
    with pytest.raises(ValidationError):
        bulk_assign_actions(actor=world.admin, actions=pair)


def test_the_reads_are_shared_so_each_action_costs_less_than_a_single_assignment(world):
    def actions(n):
        return _fresh(ActionFactory.create_batch(n, goal=world.goal,
                                                 responsible_unit=world.home_care))

    def count(call):
        with CaptureQueriesContext(connection) as context:
            call()
        return len(context.captured_queries)

    def bulk(n):
        chosen = actions(n)
        return count(lambda: bulk_assign_actions(
            actor=world.admin, actions=chosen, responsible_person=world.unit_manager,
            due_date=date(2027, 3, 31)))

    bulk(1)  # warm caches (content types)
    one, two, five = bulk(1), bulk(2), bulk(5)
    per_action = two - one
    assert five == one + 4 * per_action
    [single] = actions(1)
    alone = count(lambda: assign_action(
        actor=world.admin, action=single, expected_version=1,
        responsible_unit=world.home_care, responsible_person=world.unit_manager,
        due_date=date(2027, 3, 31)))
    # The permission and membership reads run once per call, not once per action.
    assert per_action < alone
