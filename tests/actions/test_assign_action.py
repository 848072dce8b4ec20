"""assign_action: Ansvar and Tid, permissions, version conflicts, post-write re-check."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action
from actions.services import assign_action
from planportal.locking import VersionConflict

pytestmark = pytest.mark.django_db


def _assign(world, actor, unit, version=None, **extra):
    return assign_action(actor=actor, action=world.action,
                         expected_version=world.action.version if version is None else version,
                         responsible_unit=unit, **extra)


def test_an_admin_assigns_unit_person_and_deadline(world):
    _assign(world, world.admin, world.nursing_home, responsible_person=world.unit_manager,
            due_date=date(2026, 6, 30), period_text="2026")
    stored = Action.objects.get(pk=world.action.pk)
    assert stored.responsible_unit == world.nursing_home
    assert stored.responsible_person == world.unit_manager
    assert stored.due_date == date(2026, 6, 30)
    assert stored.period_text == "2026"
    assert stored.version == 2


def test_a_sector_leader_assigns_within_the_sector(world):
    _assign(world, world.sector_leader, world.nursing_home, due_date=date(2026, 1, 1))
    assert Action.objects.get(pk=world.action.pk).responsible_unit == world.nursing_home


def test_a_sector_leader_cannot_move_an_action_out_of_the_sector(world):
    with pytest.raises(PermissionDenied):
        _assign(world, world.sector_leader, world.school)
    stored = Action.objects.get(pk=world.action.pk)
    assert stored.responsible_unit == world.home_care
    assert stored.version == 1
    # The caller's object is left as it was, too.
    assert world.action.responsible_unit == world.home_care
    assert world.action.version == 1


def test_a_sector_leader_cannot_touch_another_sectors_action(world):
    world.action.responsible_unit = world.school
    Action.objects.filter(pk=world.action.pk).update(responsible_unit=world.school)
    with pytest.raises(PermissionDenied):
        _assign(world, world.sector_leader, world.home_care)


@pytest.mark.parametrize("persona", ["unit_manager", "reader", "other_admin"])
def test_other_roles_cannot_assign(world, persona):
    with pytest.raises(PermissionDenied):
        _assign(world, world.persona(persona), world.nursing_home)
    assert Action.objects.get(pk=world.action.pk).version == 1


def test_a_stale_version_raises_a_conflict_and_changes_nothing(world):
    Action.objects.filter(pk=world.action.pk).update(version=2)  # someone else saved
    with pytest.raises(VersionConflict) as conflict:
        _assign(world, world.admin, world.nursing_home, version=1)
    assert conflict.value.current_version == 2
    stored = Action.objects.get(pk=world.action.pk)
    assert stored.responsible_unit == world.home_care
    assert stored.version == 2


def test_a_person_without_a_unit_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _assign(world, world.admin, None, responsible_person=world.unit_manager)
    assert "responsible_unit" in error.value.message_dict


def test_a_deadline_before_the_start_date_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _assign(world, world.admin, world.home_care, start_date=date(2026, 5, 1),
                due_date=date(2026, 4, 1))
    assert "due_date" in error.value.message_dict
    assert Action.objects.get(pk=world.action.pk).version == 1
