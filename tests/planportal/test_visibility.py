"""visible_to(user): one scoping method per model, the same answer for every persona."""

import pytest
from django.contrib.auth.models import AnonymousUser

from actions.models import Action, StatusUpdate
from planportal.models import Membership, Unit
from strategies.models import FocusArea, Goal, Indicator, Measurement, Plan
from tests.factories import (
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    PlanFactory,
    StatusUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MEMBERS = ["admin", "sector_leader", "unit_manager", "reader"]


@pytest.fixture
def rows(world, other_plan):
    """Private rows in both kommuner plus a public plan in the other kommune."""
    IndicatorFactory(goal=world.goal)
    MeasurementFactory(indicator=Indicator.objects.get(goal=world.goal))
    StatusUpdateFactory(action=world.action)
    public = PlanFactory(organization=world.other_org, title="Offentlig plan", is_public=True)
    GoalFactory(focus_area=FocusAreaFactory(plan=public))
    return {"own": world.plan, "other_private": other_plan.goal.focus_area.plan,
            "other_public": public}


@pytest.mark.parametrize("persona", MEMBERS)
def test_members_see_their_own_plans_and_public_plans_only(world, rows, persona):
    visible = set(Plan.objects.visible_to(world.persona(persona)))
    assert visible == {rows["own"], rows["other_public"]}


def test_another_organisations_admin_does_not_see_our_private_plan(world, rows):
    visible = set(Plan.objects.visible_to(world.other_admin))
    assert rows["own"] not in visible
    assert rows["other_private"] in visible


@pytest.mark.parametrize("user", [AnonymousUser(), None], ids=["anonymous", "none"])
def test_anonymous_visitors_see_public_plans_only(world, rows, user):
    assert list(Plan.objects.visible_to(user)) == [rows["other_public"]]


def test_a_deactivated_user_sees_only_what_the_public_sees(world, rows):
    world.admin.is_active = False
    world.admin.save()
    assert list(Plan.objects.visible_to(world.admin)) == [rows["other_public"]]


def test_a_user_without_memberships_sees_only_public_plans(world, rows):
    assert list(Plan.objects.visible_to(UserFactory())) == [rows["other_public"]]


@pytest.mark.parametrize(
    "model", [FocusArea, Goal, Indicator, Measurement, Action, StatusUpdate]
)
def test_every_model_below_a_plan_follows_the_plans_visibility(world, rows, model):
    own_org = world.org.pk
    for persona in MEMBERS:
        visible = model.objects.visible_to(world.persona(persona))
        assert visible.exists()
        orgs = {_org_of(obj) for obj in visible}
        assert orgs <= {own_org, world.other_org.pk}
        # Another kommune's rows appear only through its public plan.
        for obj in visible:
            plan = _plan_of(obj)
            assert plan.organization_id == own_org or plan.is_public
    assert not model.objects.visible_to(world.other_admin).filter(
        pk__in=[o.pk for o in model.objects.all() if _org_of(o) == own_org]
    ).exists()


def test_units_and_memberships_are_visible_within_the_organisation_only(world):
    assert set(Unit.objects.visible_to(world.reader)) == set(world.org.units.all())
    assert not Membership.objects.visible_to(world.other_admin).filter(
        unit__organization=world.org
    ).exists()
    assert not Unit.objects.visible_to(AnonymousUser()).exists()


def test_a_superuser_sees_everything(world, rows):
    boss = UserFactory(is_superuser=True, is_staff=True)
    assert Plan.objects.visible_to(boss).count() == Plan.objects.count()


def _plan_of(obj):
    for step in ("action", "indicator", "goal", "focus_area", "plan"):
        if hasattr(obj, step):
            obj = getattr(obj, step)
    return obj


def _org_of(obj):
    return _plan_of(obj).organization_id
