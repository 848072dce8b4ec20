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


# --- Tid: a period text gives its dates, the same for every way in ------------------------


def test_a_new_period_gives_its_start_and_deadline(world):
    _assign(world, world.admin, world.home_care, period_text="2025–2026")
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.start_date, stored.due_date, stored.continuous) == (
        date(2025, 1, 1), date(2026, 12, 31), False)


def test_løpende_clears_a_deadline_left_as_it_was_and_the_tiltak_is_continuous(world):
    _assign(world, world.admin, world.home_care, due_date=date(2026, 8, 31),
            period_text="2. tertial 2026")
    world.action.refresh_from_db()
    _assign(world, world.admin, world.home_care, due_date=date(2026, 8, 31),
            period_text=" løpende ")
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.period_text, stored.start_date, stored.due_date, stored.continuous) == (
        "løpende", None, None, True)


def test_a_new_deadline_given_with_a_new_period_is_the_deadline(world):
    _assign(world, world.admin, world.home_care, due_date=date(2026, 3, 1),
            period_text="2025–2026")
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.start_date, stored.due_date) == (date(2025, 1, 1), date(2026, 3, 1))


def test_the_same_period_again_leaves_the_dates_as_given(world):
    _assign(world, world.admin, world.home_care, period_text="2026")
    world.action.refresh_from_db()
    _assign(world, world.admin, world.home_care, due_date=date(2026, 6, 30),
            period_text="2026")
    assert Action.objects.get(pk=world.action.pk).due_date == date(2026, 6, 30)


def test_an_action_created_with_a_period_and_no_dates_gets_the_periods_dates(world):
    from actions.services import create_action

    action = create_action(actor=world.admin, goal=world.goal, title="Nytt",
                           period_text="høst 2026")
    assert (action.start_date, action.due_date) == (date(2026, 8, 1), date(2026, 12, 31))
    dated = create_action(actor=world.admin, goal=world.goal, title="Med frist",
                          period_text="2026", due_date=date(2026, 6, 1))
    assert (dated.start_date, dated.due_date) == (date(2026, 1, 1), date(2026, 6, 1))


def test_the_admins_whole_edit_reads_a_new_period_as_the_assign_page_does(world):
    from actions.services import edit_action

    _assign(world, world.admin, world.home_care, due_date=date(2026, 8, 31),
            period_text="2. tertial 2026")
    action = Action.objects.get(pk=world.action.pk)
    # The admin form sends every field; the deadline as it was, a new period.
    edit_action(actor=world.admin, action=action, expected_version=action.version,
                title=action.title, responsible_unit=action.responsible_unit,
                responsible_person=None, due_date=action.due_date, period_text="fra 2027",
                start_date=action.start_date)
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.period_text, stored.start_date, stored.due_date, stored.continuous) == (
        "fra 2027", date(2027, 1, 1), None, True)
