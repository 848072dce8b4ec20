"""create_action: who may create, and what is validated."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action
from actions.services import create_action
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_admin_creates_an_action_at_the_end_of_the_goal(world):
    action = create_action(actor=world.admin, goal=world.goal, title="Pårørendeskole")
    assert action.order == world.action.order + 1
    assert action.status == Action.Status.NOT_STARTED
    assert action.version == 1


def test_a_sector_leader_creates_actions_for_units_in_the_sector(world):
    action = create_action(actor=world.sector_leader, goal=world.goal, title="Dagsenter",
                           responsible_unit=world.nursing_home)
    assert action.responsible_unit == world.nursing_home


def test_a_sector_leader_creates_unassigned_actions(world):
    action = create_action(actor=world.sector_leader, goal=world.goal, title="Uten ansvar")
    assert action.responsible_unit is None


def test_a_sector_leader_cannot_create_actions_for_another_sector(world):
    with pytest.raises(PermissionDenied):
        create_action(actor=world.sector_leader, goal=world.goal, title="Skolehelse",
                      responsible_unit=world.school)
    assert not Action.objects.filter(title="Skolehelse").exists()


@pytest.mark.parametrize("persona", ["unit_manager", "reader", "other_admin"])
def test_other_roles_cannot_create_actions(world, persona):
    with pytest.raises(PermissionDenied):
        create_action(actor=world.persona(persona), goal=world.goal, title="Nei")
    assert not Action.objects.filter(title="Nei").exists()


def test_an_anonymous_user_cannot_create_actions(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        create_action(actor=AnonymousUser(), goal=world.goal, title="Nei")


def test_the_responsible_unit_must_belong_to_the_plans_organisation(world):
    from tests.factories import root_unit

    with pytest.raises(ValidationError) as error:
        create_action(actor=world.admin, goal=world.goal, title="X",
                      responsible_unit=root_unit(world.other_org))
    assert "responsible_unit" in error.value.message_dict


def test_the_responsible_person_must_be_a_member_of_the_organisation(world):
    with pytest.raises(ValidationError) as error:
        create_action(actor=world.admin, goal=world.goal, title="X",
                      responsible_unit=world.home_care, responsible_person=UserFactory())
    assert "responsible_person" in error.value.message_dict


def test_a_blank_title_is_refused_with_a_field_error(world):
    with pytest.raises(ValidationError) as error:
        create_action(actor=world.admin, goal=world.goal, title="")
    assert "title" in error.value.message_dict


def test_period_text_is_kept_verbatim_beside_the_dates(world):
    action = create_action(actor=world.admin, goal=world.goal, title="Vikarboliger",
                           period_text="2024-")
    action.refresh_from_db()
    assert action.period_text == "2024-"
    assert action.due_date is None
