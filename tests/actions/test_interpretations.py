"""Recording a "tolket" marker: the plan's administrators only, on the plan's own objects,
with a reason, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.interpretations import record_interpretation
from actions.models import Interpretation
from planportal.audit.models import AuditEvent


def test_a_marker_is_recorded_after_the_plans_others_and_audited(world):
    first = record_interpretation(actor=world.admin, plan=world.plan, reason="Først.")
    second = record_interpretation(actor=world.admin, plan=world.plan, goal=world.goal,
                                   field="title", reason="  Sammenslått.  ")
    assert (first.order, second.order) == (0, 1)
    assert (second.goal, second.field, second.reason) == (world.goal, "title", "Sammenslått.")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.verb, event.actor, event.organization_id) == ("create", world.admin,
                                                                world.org.pk)
    assert event.changes["reason"] == [None, "Sammenslått."]


def test_only_the_kommunes_administrators_record_markers(world):
    for actor in (world.sector_leader, world.other_admin):
        with pytest.raises(PermissionDenied):
            record_interpretation(actor=actor, plan=world.plan, reason="Nei.")
    assert not Interpretation.objects.exists()


def test_a_marker_on_another_plans_object_is_refused_naming_the_field(world, other_plan):
    with pytest.raises(ValidationError) as error:
        record_interpretation(actor=world.admin, plan=world.plan, action=other_plan,
                              goal=world.goal, reason="Feil plan.")
    assert set(error.value.message_dict) == {"action"}
    assert not Interpretation.objects.exists()


def test_a_marker_needs_a_reason(world):
    with pytest.raises(ValidationError) as error:
        record_interpretation(actor=world.admin, plan=world.plan, reason="   ")
    assert set(error.value.message_dict) == {"reason"}
