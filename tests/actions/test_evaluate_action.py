"""evaluate_action: the final evaluation (sluttevaluering)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action
from actions.services import evaluate_action, post_status_update
from planportal.locking import VersionConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(world):
    post_status_update(actor=world.unit_manager, action=world.action, expected_version=1,
                       status="completed", progress=100)
    return world.action


def test_a_unit_manager_evaluates_a_completed_action(world, completed):
    evaluate_action(actor=world.unit_manager, action=completed, expected_version=2,
                    evaluation="Målet er nådd. Pårørende er fornøyde.",
                    evaluated_on=date(2026, 12, 1))
    stored = Action.objects.get(pk=completed.pk)
    assert stored.evaluation == "Målet er nådd. Pårørende er fornøyde."
    assert stored.evaluated_on == date(2026, 12, 1)
    assert stored.evaluated_by == world.unit_manager
    assert stored.version == 3


def test_an_action_in_progress_cannot_be_evaluated(world):
    with pytest.raises(ValidationError) as error:
        evaluate_action(actor=world.admin, action=world.action, expected_version=1,
                        evaluation="For tidlig")
    assert "evaluation" in error.value.message_dict


def test_an_empty_evaluation_is_refused(world, completed):
    with pytest.raises(ValidationError) as error:
        evaluate_action(actor=world.admin, action=completed, expected_version=2,
                        evaluation="   ")
    assert "evaluation" in error.value.message_dict


@pytest.mark.parametrize("persona", ["sector_leader", "reader", "other_admin"])
def test_roles_without_reporting_rights_cannot_evaluate(world, completed, persona):
    with pytest.raises(PermissionDenied):
        evaluate_action(actor=world.persona(persona), action=completed, expected_version=2,
                        evaluation="Nei")
    assert Action.objects.get(pk=completed.pk).evaluation == ""


def test_a_stale_version_changes_nothing(world, completed):
    with pytest.raises(VersionConflict):
        evaluate_action(actor=world.admin, action=completed, expected_version=1,
                        evaluation="Gammel")
    assert Action.objects.get(pk=completed.pk).evaluation == ""


def test_a_carried_over_action_is_evaluated_in_the_next_version_not_here(world):
    from actions.rollover import roll_over_plan

    roll_over_plan(actor=world.admin, plan=world.plan, period_start=2027, period_end=2031)
    world.action.refresh_from_db()
    assert world.action.status == Action.Status.CARRIED_OVER
    with pytest.raises(ValidationError) as error:
        evaluate_action(actor=world.admin, action=world.action,
                        expected_version=world.action.version, evaluation="Videreført")
    assert "evaluation" in error.value.message_dict
