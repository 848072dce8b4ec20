"""The admin: a plan's level, parent and UN goals, and what goals and tiltak contribute to,
saved through the services, with only allowed goals offered."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from actions.models import Action
from planportal.audit.models import AuditEvent
from strategies.models import Goal, Plan
from tests.factories import FocusAreaFactory, GoalFactory, PlanFactory
from tests.thread_helpers import thread_plans

pytestmark = pytest.mark.django_db


def options(page, name):
    """The values offered by the select named *name* on *page*."""
    html = page.content.decode()
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return {int(v) for v in re.findall(r'<option value="(\d+)"', select.group(1))}


def plan_post(world, **fields):
    return {"organization": world.org.pk, "title": "Handlingsplan 2027", "kind": "action_plan",
            "level": "", "status": "draft", "period_start": 2027, "period_end": 2027,
            "focus_areas-TOTAL_FORMS": 0, "focus_areas-INITIAL_FORMS": 0, **fields}


def goal_post(goal, **fields):
    return {"order": goal.order, "code": goal.code, "title": goal.title,
            "description": goal.description, "success_criteria": goal.success_criteria,
            "indicators-TOTAL_FORMS": 0, "indicators-INITIAL_FORMS": 0,
            "actions-TOTAL_FORMS": 0, "actions-INITIAL_FORMS": 0, **fields}


def test_a_plan_added_with_its_level_left_empty_takes_the_kinds(world, plan_admin):
    response = plan_admin.post(reverse("admin:strategies_plan_add"), plan_post(
        world, parent=world.plan.pk, sdgs=[3, 17]))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get(title="Handlingsplan 2027")
    assert (plan.level, plan.parent) == (Plan.Level.ACTION, world.plan)
    assert sorted(plan.sdgs.values_list("number", flat=True)) == [3, 17]
    event = AuditEvent.objects.get(content_type=ContentType.objects.get_for_model(Plan),
                                   object_id=str(plan.pk), verb="create")
    assert event.changes["sdgs"] == [None, [3, 17]]


def test_a_parent_below_the_plan_is_a_form_error_on_parent(world, plan_admin):
    response = plan_admin.post(reverse("admin:strategies_plan_add"), plan_post(
        world, kind="thematic_plan", level=1, parent=world.plan.pk))
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Plan.objects.filter(title="Handlingsplan 2027").exists()


def test_the_plan_list_shows_and_filters_by_level(world, plan_admin):
    PlanFactory(organization=world.org, title="Samfunnsdelen", level=Plan.Level.COMMUNITY)
    page = plan_admin.get(reverse("admin:strategies_plan_changelist") + "?level__exact=1")
    body = page.content.decode()
    assert "Samfunnsdelen" in body and world.plan.title not in body


def test_a_goals_admin_offers_only_goals_of_higher_plans_of_the_kommune(
        world, plan_admin, other_plan):
    plans = thread_plans(world)
    beside = GoalFactory(focus_area=FocusAreaFactory(plan=PlanFactory(
        organization=world.org, level=Plan.Level.SECTOR)))
    Plan.objects.filter(pk=other_plan.plan_id).update(level=Plan.Level.COMMUNITY)
    page = plan_admin.get(reverse("admin:strategies_goal_change", args=[world.goal.pk]))
    assert options(page, "contributes_to") == {plans.community_goal.pk}
    lower = plan_admin.get(reverse("admin:strategies_goal_change",
                                   args=[plans.action_goal.pk]))
    assert options(lower, "contributes_to") == {plans.community_goal.pk, world.goal.pk,
                                                beside.pk}
    added = plan_admin.get(reverse("admin:strategies_goal_add")
                           + f"?focus_area={plans.action_goal.focus_area_id}")
    assert world.goal.pk in options(added, "contributes_to")
    assert other_plan.goal_id not in options(added, "contributes_to")


def test_a_goals_contributions_are_saved_through_the_service(world, plan_admin):
    plans = thread_plans(world)
    url = reverse("admin:strategies_goal_change", args=[plans.action_goal.pk])
    response = plan_admin.post(url, goal_post(plans.action_goal,
                                              contributes_to=[world.goal.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(plans.action_goal.contributes_to.all()) == [world.goal]
    assert AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Goal),
        object_id=str(plans.action_goal.pk), changes__has_key="contributes_to").exists()


def test_a_refused_goal_link_is_a_form_error_and_saves_nothing(world, plan_admin):
    plans = thread_plans(world)
    url = reverse("admin:strategies_goal_change", args=[world.goal.pk])
    # Posted by hand: the form never offers a goal of a lower plan.
    response = plan_admin.post(url, goal_post(world.goal, title="Endret",
                                              contributes_to=[plans.action_goal.pk]))
    assert response.status_code == 200
    assert "contributes_to" in response.context["adminform"].form.errors
    assert Goal.objects.get(pk=world.goal.pk).title != "Endret"


def test_an_actions_admin_links_it_through_the_service(world, plan_admin):
    plans = thread_plans(world)
    url = reverse("admin:actions_action_change", args=[plans.action.pk])
    page = plan_admin.get(url)
    assert options(page, "contributes_to") == {world.goal.pk, plans.community_goal.pk}
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields
            if name not in ("contributes_to", "contributing_units")}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update({"contributes_to": [world.goal.pk], "contributing_units": [],
                 "status_updates-TOTAL_FORMS": 0, "status_updates-INITIAL_FORMS": 0})
    response = plan_admin.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    action = Action.objects.get(pk=plans.action.pk)
    assert list(action.contributes_to.all()) == [world.goal]
    assert action.title == "Åpne en frisklivssentral"
