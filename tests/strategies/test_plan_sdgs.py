"""set_plan_sdgs: the UN goals a plan names for itself as a whole, replaced all or nothing,
audited when they change, by the kommune's plan administrators."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planportal.audit.models import AuditEvent
from strategies.services import set_plan_sdgs

pytestmark = pytest.mark.django_db


def sdgs_of(plan):
    return sorted(plan.sdgs.values_list("number", flat=True))


def test_an_administrator_sets_the_plans_sdgs_and_the_trail_says_which(world):
    set_plan_sdgs(actor=world.admin, plan=world.plan, numbers=[17, 3, 3, 10])
    assert sdgs_of(world.plan) == [3, 10, 17]
    set_plan_sdgs(actor=world.admin, plan=world.plan, numbers=[3])
    events = AuditEvent.objects.filter(content_type__model="plan",
                                       object_id=str(world.plan.pk), verb="update")
    assert [e.changes["sdgs"] for e in events.order_by("pk")] == [
        [[], [3, 10, 17]], [[3, 10, 17], [3]]]


def test_setting_the_same_sdgs_again_writes_nothing_to_the_trail(world):
    set_plan_sdgs(actor=world.admin, plan=world.plan, numbers=[4])
    before = AuditEvent.objects.count()
    set_plan_sdgs(actor=world.admin, plan=world.plan, numbers=[4])
    assert AuditEvent.objects.count() == before


def test_an_unknown_number_is_refused_on_the_field_and_changes_nothing(world):
    set_plan_sdgs(actor=world.admin, plan=world.plan, numbers=[3])
    with pytest.raises(ValidationError) as caught:
        set_plan_sdgs(actor=world.admin, plan=world.plan, numbers=[4, 18])
    assert "18" in caught.value.message_dict["sdgs"][0]
    assert sdgs_of(world.plan) == [3]


@pytest.mark.parametrize("persona", ["sector_leader", "reader", "other_admin"])
def test_only_the_kommunes_administrators_set_them(world, persona):
    with pytest.raises(PermissionDenied):
        set_plan_sdgs(actor=world.persona(persona), plan=world.plan, numbers=[3])
    assert sdgs_of(world.plan) == []
