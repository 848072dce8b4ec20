"""update_action: editing an action's own fields."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action
from actions.services import update_action
from planportal.locking import VersionConflict

pytestmark = pytest.mark.django_db


def test_a_sector_leader_edits_the_text_and_budget(world):
    update_action(actor=world.sector_leader, action=world.action, expected_version=1,
                  title="Pårørendeskole våren", budget=125000, budget_reference="Post 1.2",
                  contributing_units=[world.nursing_home])
    stored = Action.objects.get(pk=world.action.pk)
    assert stored.title == "Pårørendeskole våren"
    assert stored.budget == 125000
    assert list(stored.contributing_units.all()) == [world.nursing_home]
    assert stored.version == 2


def test_assignment_fields_cannot_be_edited_here(world):
    with pytest.raises(ValidationError) as error:
        update_action(actor=world.admin, action=world.action, expected_version=1,
                      responsible_unit=world.school)
    assert "responsible_unit" in error.value.message_dict


def test_a_negative_budget_is_refused(world):
    with pytest.raises(ValidationError):
        update_action(actor=world.admin, action=world.action, expected_version=1, budget=-5)
    assert Action.objects.get(pk=world.action.pk).budget is None


@pytest.mark.parametrize("persona", ["unit_manager", "reader", "other_admin"])
def test_other_roles_cannot_edit(world, persona):
    with pytest.raises(PermissionDenied):
        update_action(actor=world.persona(persona), action=world.action, expected_version=1,
                      title="Nei")


def test_a_stale_version_changes_nothing(world):
    update_action(actor=world.admin, action=world.action, expected_version=1, title="A")
    with pytest.raises(VersionConflict):
        update_action(actor=world.admin, action=Action.objects.get(pk=world.action.pk),
                      expected_version=1, title="B")
    assert Action.objects.get(pk=world.action.pk).title == "A"
