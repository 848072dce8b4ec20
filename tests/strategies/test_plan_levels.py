"""Plan levels, parents and the plan's own UN goals, through the plan services."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from planportal.audit.models import AuditEvent
from strategies import services
from strategies.models import Plan
from tests.factories import PlanFactory
from tests.thread_helpers import link_all, thread_plans

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages as their msgids read."""
    with translation.override("en"):
        yield


def events(obj, **filters):
    """The audit events of *obj* (ids are unique per model only)."""
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(obj),
                                     object_id=str(obj.pk), **filters)


def _create(world, **fields):
    fields.setdefault("title", "Ny plan")
    fields.setdefault("period_start", 2026)
    fields.setdefault("period_end", 2030)
    return services.create_plan(actor=world.admin, organization=world.org, **fields)


@pytest.mark.parametrize(("kind", "level"), [
    (Plan.Kind.COMMUNITY_PLAN, Plan.Level.COMMUNITY),
    (Plan.Kind.THEMATIC_PLAN, Plan.Level.SECTOR),
    (Plan.Kind.MUNICIPAL_SUB_PLAN, Plan.Level.SECTOR),
    (Plan.Kind.STRATEGIC_PLAN, Plan.Level.SECTOR),
    (Plan.Kind.ACTION_PLAN, Plan.Level.ACTION),
    (Plan.Kind.BUSINESS_PLAN, Plan.Level.BUSINESS),
])
def test_a_new_plan_takes_its_level_from_its_kind_when_none_is_given(world, kind, level):
    assert _create(world, kind=kind).level == level


def test_a_level_given_wins_over_the_kinds(world):
    plan = _create(world, kind=Plan.Kind.THEMATIC_PLAN, level=Plan.Level.ACTION)
    assert Plan.objects.get(pk=plan.pk).level == Plan.Level.ACTION


def test_a_new_kind_without_a_level_moves_the_plan_to_the_kinds_level(world):
    plan = _create(world, kind=Plan.Kind.THEMATIC_PLAN)
    services.update_plan(actor=world.admin, plan=plan, kind=Plan.Kind.ACTION_PLAN)
    assert Plan.objects.get(pk=plan.pk).level == Plan.Level.ACTION


def test_an_edit_that_keeps_the_kind_keeps_a_chosen_level(world):
    plan = _create(world, kind=Plan.Kind.THEMATIC_PLAN, level=Plan.Level.ACTION)
    services.update_plan(actor=world.admin, plan=plan, kind=Plan.Kind.THEMATIC_PLAN,
                         title="Omdøpt")
    assert Plan.objects.get(pk=plan.pk).level == Plan.Level.ACTION


def test_a_plan_gets_a_higher_plan_of_its_kommune_as_parent(world):
    top = _create(world, kind=Plan.Kind.COMMUNITY_PLAN, title="Samfunnsdelen")
    plan = _create(world, kind=Plan.Kind.ACTION_PLAN, parent=top)
    assert list(top.sub_plans.all()) == [plan]
    event = events(plan, verb="create").get()
    assert event.changes["parent"] == [None, top.pk]
    assert event.changes["level"] == [None, Plan.Level.ACTION]


@pytest.mark.parametrize("level", [Plan.Level.SECTOR, Plan.Level.ACTION])
def test_a_parent_at_the_same_or_a_lower_level_is_refused_on_parent(world, level):
    parent = _create(world, kind=Plan.Kind.THEMATIC_PLAN, level=level, title="Forelder")
    with pytest.raises(ValidationError) as error:
        _create(world, kind=Plan.Kind.THEMATIC_PLAN, parent=parent, title="Barn")
    assert "Forelder" in error.value.message_dict["parent"][0]
    assert not Plan.objects.filter(title="Barn").exists()


def test_a_parent_in_another_kommune_is_refused_on_parent(world):
    foreign = PlanFactory(organization=world.other_org, level=Plan.Level.COMMUNITY)
    with pytest.raises(ValidationError) as error:
        services.update_plan(actor=world.admin, plan=world.plan, parent=foreign)
    assert "parent" in error.value.message_dict
    assert Plan.objects.get(pk=world.plan.pk).parent_id is None


def test_moving_a_plan_to_or_below_its_sub_plans_level_is_refused_on_level(world):
    top = _create(world, kind=Plan.Kind.THEMATIC_PLAN, title="Temaplan")
    _create(world, kind=Plan.Kind.ACTION_PLAN, parent=top, title="Handlingsplan")
    with pytest.raises(ValidationError) as error:
        services.update_plan(actor=world.admin, plan=top, level=Plan.Level.ACTION)
    assert "Handlingsplan" in error.value.message_dict["level"][0]
    assert Plan.objects.get(pk=top.pk).level == Plan.Level.SECTOR


def test_a_level_that_turns_a_contribution_sideways_is_refused(world):
    plans = link_all(world, thread_plans(world))
    # The temaplan down to level 3 would sit beside the handlingsplan that contributes
    # to it; up to level 1, beside the samfunnsdel it contributes to.
    for level, named in ((Plan.Level.ACTION, "Handlingsplan helse 2026"),
                         (Plan.Level.COMMUNITY, "Kommuneplanens samfunnsdel")):
        with pytest.raises(ValidationError) as error:
            services.update_plan(actor=world.admin, plan=Plan.objects.get(pk=plans.sector.pk),
                                 level=level)
        assert named in error.value.message_dict["level"][0]
    assert Plan.objects.get(pk=plans.sector.pk).level == Plan.Level.SECTOR


def test_a_level_that_only_a_tiltak_contributes_across_is_guarded_too(world):
    plans = thread_plans(world)
    from actions.services import set_action_contributions

    set_action_contributions(actor=world.admin, action=plans.action, targets=[world.goal])
    with pytest.raises(ValidationError) as error:
        services.update_plan(actor=world.admin, plan=plans.action_plan,
                             level=Plan.Level.SECTOR)
    assert "level" in error.value.message_dict


def test_the_plans_un_goals_are_set_by_number_and_audited(world):
    services.set_plan_sdgs(world.admin, world.plan, [17, 3, 3])
    assert sorted(world.plan.sdgs.values_list("number", flat=True)) == [3, 17]
    event = events(world.plan, verb="update").get()
    assert event.changes == {"sdgs": [[], [3, 17]]}
    services.set_plan_sdgs(actor=world.admin, plan=world.plan, numbers=[3, 17])
    assert events(world.plan).count() == 1


def test_an_unknown_un_goal_number_changes_nothing(world):
    services.set_plan_sdgs(world.admin, world.plan, [3])
    with pytest.raises(ValidationError) as error:
        services.set_plan_sdgs(world.admin, world.plan, [4, 18])
    assert "18" in error.value.message_dict["sdgs"][0]
    assert list(world.plan.sdgs.values_list("number", flat=True)) == [3]


@pytest.mark.parametrize("persona", ["sector_leader", "reader", "other_admin"])
def test_only_the_kommunes_admin_sets_the_plans_un_goals(world, persona):
    with pytest.raises(PermissionDenied):
        services.set_plan_sdgs(world.persona(persona), world.plan, [3])
    assert not world.plan.sdgs.exists()


def test_a_plan_is_created_and_edited_with_its_un_goals(world):
    plan = _create(world, kind=Plan.Kind.COMMUNITY_PLAN, sdg_numbers=[3, 11])
    created = events(plan, verb="create").get()
    assert created.changes["sdgs"] == [None, [3, 11]]
    services.update_plan(actor=world.admin, plan=plan, sdg_numbers=[11])
    assert list(plan.sdgs.values_list("number", flat=True)) == [11]
    updated = events(plan, verb="update").get()
    assert updated.changes == {"sdgs": [[3, 11], [11]]}
