"""The "tolket" services: a marker on the plan or on one of its objects, with a reason,
recorded and taken away by the kommune's plan administrators only, in the audit trail."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from actions.interpretations import delete_interpretation, record_interpretation
from actions.models import Interpretation
from planportal.audit.models import AuditEvent
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_records_a_marker_on_an_indicator_and_it_is_audited(world):
    indicator = IndicatorFactory(goal=world.goal, name="Sykefravær")
    marker = record_interpretation(actor=world.admin, plan=world.plan, field="target_year",
                                   reason=" Planen oppgir ikke målår. ", indicator=indicator)
    assert (marker.indicator, marker.field, marker.reason, marker.goal) == (
        indicator, "target_year", "Planen oppgir ikke målår.", None)
    event = AuditEvent.objects.get(content_type=ContentType.objects.get_for_model(marker),
                                   object_id=str(marker.pk), verb="create")
    assert event.organization_id == world.org.pk and event.actor == world.admin
    assert event.changes["reason"] == [None, "Planen oppgir ikke målår."]


def test_markers_go_last_in_the_plan_unless_placed(world):
    first = record_interpretation(actor=world.admin, plan=world.plan, reason="Én")
    second = record_interpretation(actor=world.admin, plan=world.plan, reason="To",
                                   action=world.action)
    placed = record_interpretation(actor=world.admin, plan=world.plan, reason="Null", order=7)
    assert (first.order, second.order, placed.order) == (0, 1, 7)
    assert [m.reason for m in world.plan.interpretations.all()] == ["Én", "To", "Null"]


@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager", "reader", "other_admin"])
def test_only_the_kommunes_administrators_record_markers(world, persona):
    with pytest.raises(PermissionDenied):
        record_interpretation(actor=world.persona(persona), plan=world.plan, reason="Nei")
    assert not Interpretation.objects.exists()


def test_a_marker_needs_a_reason(world):
    with pytest.raises(ValidationError) as caught:
        record_interpretation(actor=world.admin, plan=world.plan, reason="  ", goal=world.goal)
    assert set(caught.value.message_dict) == {"reason"}
    assert not Interpretation.objects.exists()


def test_a_marker_concerns_the_plans_own_objects(world, other_plan):
    with pytest.raises(ValidationError) as caught:
        record_interpretation(actor=world.admin, plan=world.plan, reason="Feil plan",
                              action=other_plan, goal=world.goal)
    assert caught.value.message_dict == {"action": ["Dette hører ikke til planen."]}
    assert not Interpretation.objects.exists()


def test_taking_a_marker_away_keeps_what_it_said_in_the_trail(world):
    marker = record_interpretation(actor=world.admin, plan=world.plan, field="status",
                                   reason="Ikke vedtatt.")
    with pytest.raises(PermissionDenied):
        delete_interpretation(actor=world.sector_leader, interpretation=marker)
    delete_interpretation(actor=world.admin, interpretation=marker)
    assert not Interpretation.objects.exists()
    event = AuditEvent.objects.get(content_type=ContentType.objects.get_for_model(world.plan),
                                   object_id=str(world.plan.pk), verb="update")
    gone, now = event.changes["interpretation"]
    assert now is None and (gone["field"], gone["reason"]) == ("status", "Ikke vedtatt.")
