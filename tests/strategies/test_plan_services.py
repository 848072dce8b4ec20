"""Plan structure services: only organisation admins change plans, focus areas, goals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from strategies import services
from strategies.models import FocusArea, Goal, Indicator, Plan
from tests.factories import root_unit

pytestmark = pytest.mark.django_db


def test_an_admin_builds_a_plan_from_plan_to_indicator(world):
    plan = services.create_plan(
        actor=world.admin, organization=world.org, title="Strategi for helse og velferd",
        kind=Plan.Kind.STRATEGIC_PLAN, period_start=2025, period_end=2035,
        adopted_by="Kommunestyret, sak 126/21", owner_unit=world.health, is_public=True)
    area = services.create_focus_area(actor=world.admin, plan=plan, code="4.1",
                                      title="Mestre livet", sdg_numbers=[3, 17],
                                      lead_units=[world.health], partners="Frivilligsentralen")
    goal = services.create_goal(actor=world.admin, focus_area=area, code="4.1.1",
                                title="Flere bor hjemme",
                                success_criteria="Vi har lyktes når flere bor hjemme")
    indicator = services.create_indicator(
        actor=world.admin, goal=goal, name="Andel over 80 år som bor hjemme", unit="%",
        direction=Indicator.Direction.HIGHER,
        targets=[{"year": None, "comparison": "gte", "value": 90}])
    assert [s.number for s in area.sdgs.all()] == [3, 17]
    assert list(area.lead_units.all()) == [world.health]
    assert goal.order == 0 and area.order == 0
    assert indicator.goal.focus_area.plan == plan


@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager", "reader", "other_admin"])
def test_only_the_organisations_admin_may_change_plan_structure(world, persona):
    actor = world.persona(persona)
    with pytest.raises(PermissionDenied):
        services.create_plan(actor=actor, organization=world.org, title="X",
                             kind="thematic_plan", period_start=2025, period_end=2026)
    with pytest.raises(PermissionDenied):
        services.update_plan(actor=actor, plan=world.plan, title="Endret")
    with pytest.raises(PermissionDenied):
        services.create_focus_area(actor=actor, plan=world.plan, title="X")
    with pytest.raises(PermissionDenied):
        services.create_goal(actor=actor, focus_area=world.goal.focus_area, title="X")
    with pytest.raises(PermissionDenied):
        services.update_goal(actor=actor, goal=world.goal, title="Endret")
    assert Plan.objects.get(pk=world.plan.pk).title == "Helse- og omsorgsplan 2025–2030"
    assert FocusArea.objects.count() == 1 and Goal.objects.count() == 1


def test_a_period_that_ends_before_it_starts_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.create_plan(actor=world.admin, organization=world.org, title="Baklengs",
                             kind="thematic_plan", period_start=2030, period_end=2025)
    assert "__all__" in error.value.message_dict
    assert not Plan.objects.filter(title="Baklengs").exists()


def test_the_same_title_and_period_twice_is_refused(world):
    with pytest.raises(ValidationError):
        services.create_plan(actor=world.admin, organization=world.org,
                             title=world.plan.title, kind="thematic_plan",
                             period_start=world.plan.period_start, period_end=2030)


def test_an_owner_unit_from_another_organisation_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.update_plan(actor=world.admin, plan=world.plan,
                             owner_unit=root_unit(world.other_org))
    assert "owner_unit" in error.value.message_dict


def test_an_unknown_sdg_number_is_refused_and_nothing_is_created(world):
    with pytest.raises(ValidationError) as error:
        services.create_focus_area(actor=world.admin, plan=world.plan, title="Feil",
                                   sdg_numbers=[3, 18])
    assert "sdgs" in error.value.message_dict
    assert not FocusArea.objects.filter(title="Feil").exists()


def test_an_unknown_field_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.update_goal(actor=world.admin, goal=world.goal, focus_area=None)
    assert "focus_area" in error.value.message_dict


def test_two_goals_cannot_share_a_position(world):
    with pytest.raises(ValidationError):
        services.create_goal(actor=world.admin, focus_area=world.goal.focus_area,
                             title="Dobbel", order=world.goal.order)
