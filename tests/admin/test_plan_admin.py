"""The plan admin: the hierarchy is reachable by links, and saves go through services."""

import pytest
from django.urls import reverse

from planportal.models import Membership, Unit
from strategies.models import FocusArea, Goal, Plan
from tests.factories import IndicatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["strategies_plan", "strategies_focusarea", "strategies_goal", "strategies_indicator",
     "strategies_measurement", "strategies_sustainabledevelopmentgoal", "actions_action",
     "actions_statusupdate", "planportal_unit", "planportal_membership",
     "planportal_organization", "planportal_user"],
)
def test_every_admin_list_and_add_page_opens(world, superuser_client, name):
    IndicatorFactory(goal=world.goal)
    assert superuser_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    add = superuser_client.get(reverse(f"admin:{name}_add"))
    assert add.status_code in (200, 403)


def test_the_hierarchy_is_linked_from_plan_to_action(world, plan_admin):
    focus_area, goal, action = world.goal.focus_area, world.goal, world.action
    plan_page = plan_admin.get(reverse("admin:strategies_plan_change", args=[world.plan.pk]))
    assert reverse("admin:strategies_focusarea_change", args=[focus_area.pk]) in (
        plan_page.content.decode())
    area_page = plan_admin.get(reverse("admin:strategies_focusarea_change",
                                       args=[focus_area.pk]))
    assert reverse("admin:strategies_goal_change", args=[goal.pk]) in area_page.content.decode()
    goal_page = plan_admin.get(reverse("admin:strategies_goal_change", args=[goal.pk]))
    body = goal_page.content.decode()
    assert reverse("admin:actions_action_change", args=[action.pk]) in body
    assert "Ærlig øving på å" in body


def test_a_focus_area_added_in_the_admin_goes_through_the_service(world, plan_admin):
    response = plan_admin.post(reverse("admin:strategies_focusarea_add"), {
        "plan": world.plan.pk, "order": 5, "code": "5", "title": "Digitalisering",
        "description": "", "current_state": "", "vision": "", "partners": "",
        "sdgs": [9], "lead_units": [world.health.pk],
        "goals-TOTAL_FORMS": 0, "goals-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    area = FocusArea.objects.get(title="Digitalisering")
    assert [s.number for s in area.sdgs.all()] == [9]
    assert list(area.lead_units.all()) == [world.health]


def test_an_invalid_plan_is_shown_as_a_form_error_and_not_saved(world, plan_admin):
    response = plan_admin.post(reverse("admin:strategies_plan_add"), {
        "organization": world.org.pk, "title": "Baklengs", "kind": "thematic_plan",
        "status": "draft", "period_start": 2030, "period_end": 2020,
        "focus_areas-TOTAL_FORMS": 0, "focus_areas-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    assert not Plan.objects.filter(title="Baklengs").exists()


def test_a_plan_administrator_cannot_add_plans_to_another_kommune(world, plan_admin):
    response = plan_admin.post(reverse("admin:strategies_plan_add"), {
        "organization": world.other_org.pk, "title": "Inntrenger", "kind": "thematic_plan",
        "status": "draft", "period_start": 2025, "period_end": 2026,
        "focus_areas-TOTAL_FORMS": 0, "focus_areas-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    assert not Plan.objects.filter(title="Inntrenger").exists()


def test_goals_cannot_be_deleted_from_the_admin(world, plan_admin):
    url = reverse("admin:strategies_goal_delete", args=[world.goal.pk])
    assert plan_admin.post(url, {"post": "yes"}).status_code == 403
    assert Goal.objects.filter(pk=world.goal.pk).exists()


def test_units_and_roles_are_managed_through_the_services(world, plan_admin):
    response = plan_admin.post(reverse("admin:planportal_unit_add"), {
        "organization": world.org.pk, "parent": world.health.pk, "kind": "enhet",
        "code": "legetjenesten", "name": "Legetjenesten", "email": "",
        "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    unit = Unit.objects.get(code="legetjenesten")
    assert unit.path.startswith(world.health.path)
    # One of the kommune's people (a roleless account is for platform staff: issue 14).
    response = plan_admin.post(reverse("admin:planportal_membership_add"), {
        "user": world.reader.pk, "unit": unit.pk, "role": "unit_manager"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.reader, role="unit_manager").exists()


def test_a_plan_administrator_sees_own_members_only(world, plan_admin):
    UserFactory(username="nyansatt")  # no role anywhere: platform staff only (issue 14)
    response = plan_admin.get(reverse("admin:planportal_user_changelist"))
    assert response.status_code == 200
    shown = {u.username for u in response.context["cl"].result_list}
    assert {"sektorleder1", "enhetsleder1"} <= shown
    assert not {"annenkommune", "nyansatt"} & shown
    # The role form's user search works for them too.
    search = plan_admin.get(reverse("admin:autocomplete"), {
        "app_label": "planportal", "model_name": "membership", "field_name": "user",
        "term": world.sector_leader.username})
    assert search.status_code == 200
    assert [r["text"] for r in search.json()["results"]] == [str(world.sector_leader)]


def test_the_plan_form_offers_only_the_kommunes_own_units_and_plans(world, other_plan,
                                                                    superuser_client):
    form = superuser_client.get(
        reverse("admin:strategies_plan_change", args=[world.plan.pk])).context["adminform"].form
    assert {u.organization_id for u in form.fields["owner_unit"].queryset} == {world.org.pk}
    assert world.plan not in form.fields["parent"].queryset  # not its own parent
    assert other_plan.goal.focus_area.plan not in form.fields["previous_version"].queryset


def test_the_plan_page_runs_the_same_number_of_queries_however_many_focus_areas(
    world, plan_admin
):
    from tests.factories import FocusAreaFactory, GoalFactory
    from tests.queries import assert_constant_queries

    def add(n):
        for _ in range(n):
            GoalFactory(focus_area=FocusAreaFactory(plan=world.plan))

    url = reverse("admin:strategies_plan_change", args=[world.plan.pk])
    assert_constant_queries(add, lambda: plan_admin.get(url))


def test_the_goal_page_runs_the_same_number_of_queries_however_many_actions(
    world, plan_admin
):
    from tests.factories import ActionFactory
    from tests.queries import assert_constant_queries

    url = reverse("admin:strategies_goal_change", args=[world.goal.pk])
    assert_constant_queries(
        lambda n: ActionFactory.create_batch(n, goal=world.goal, responsible_unit=world.home_care),
        lambda: plan_admin.get(url),
    )


def _save_as_rendered(client, url, **changes):
    """Submit the change page's own form as a browser would, with *changes*."""
    from tests.access.adminforms import page_forms

    page = client.get(url)
    assert page.status_code == 200
    form = next(f for f in page_forms(page.content) if f.is_post and "_save" in f.data())
    data = {name: values for name, values in form.data().items() if not name.startswith("_")}
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


@pytest.mark.parametrize("level", ["plan", "focusarea", "goal"])
def test_a_plan_focus_area_or_goal_is_saved_from_its_change_page(world, plan_admin, level):
    # Each form's service call popped a field the change page does not have: a 500.
    obj = {"plan": world.plan, "focusarea": world.goal.focus_area, "goal": world.goal}[level]
    url = reverse(f"admin:strategies_{level}_change", args=[obj.pk])
    response = _save_as_rendered(plan_admin, url, title="Nytt navn på å")
    assert response.status_code == 302, response.content.decode()[:1000]
    obj.refresh_from_db()
    assert obj.title == "Nytt navn på å"


def test_an_indicators_goal_is_shown_but_not_offered_for_change(world, plan_admin):
    indicator = IndicatorFactory(goal=world.goal)
    page = plan_admin.get(reverse("admin:strategies_indicator_change", args=[indicator.pk]))
    assert "goal" not in page.context["adminform"].form.fields
