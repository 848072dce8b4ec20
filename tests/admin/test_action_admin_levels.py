"""The action admin with tiltak on every level: the add form takes the plan and optionally
a focus area or goal (checked by actions.placement.place), the change form moves a tiltak
within its plan through the services, and the list shows and filters the placement."""

from __future__ import annotations

import pytest
from django.urls import reverse

from actions.models import Action
from tests.admin.test_action_admin import _change_url, _form_data
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:actions_action_add")
LIST_URL = reverse("admin:actions_action_changelist")


def _add_data(**fields):
    data = {"plan": "", "focus_area": "", "goal": "", "order": 0, "code": "",
            "title": "Tiltak fra adminen", "description": "", "responsible_unit": "",
            "responsible_person": "", "start_date": "", "due_date": "", "period_text": "",
            "budget": "", "budget_reference": "", "evaluation": "",
            "status_updates-TOTAL_FORMS": 0, "status_updates-INITIAL_FORMS": 0}
    data.update(fields)
    return data


def _created():
    return Action.objects.get(title="Tiltak fra adminen")


def test_the_plan_alone_makes_a_tiltak_for_the_whole_plan(world, plan_admin):
    response = plan_admin.post(ADD_URL, _add_data(plan=world.plan.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    action = _created()
    assert (action.plan_id, action.focus_area_id, action.goal_id) == (world.plan.pk, None,
                                                                      None)


def test_a_focus_area_makes_a_tiltak_directly_on_it(world, plan_admin):
    area = world.goal.focus_area
    response = plan_admin.post(ADD_URL, _add_data(plan=world.plan.pk, focus_area=area.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (_created().focus_area_id, _created().goal_id) == (area.pk, None)


def test_a_goal_alone_with_its_plan_brings_its_focus_area(world, plan_admin):
    response = plan_admin.post(ADD_URL, _add_data(plan=world.plan.pk, goal=world.goal.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    action = _created()
    assert (action.focus_area_id, action.goal_id) == (world.goal.focus_area_id, world.goal.pk)


def test_the_plan_is_required_on_the_add_form(world, plan_admin):
    response = plan_admin.post(ADD_URL, _add_data(goal=world.goal.pk))
    assert response.status_code == 200
    assert "plan" in response.context["adminform"].form.errors
    assert not Action.objects.filter(title="Tiltak fra adminen").exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"focus_area": "other_area"}, "focus_area"),
    ({"goal": "other_goal"}, "goal"),
    ({"focus_area": "own_area", "goal": "other_goal"}, "goal"),
])
def test_a_placement_that_does_not_fit_is_an_error_on_its_field(world, plan_admin, fields,
                                                                  field):
    other = PlanFactory(organization=world.org)
    other_area = FocusAreaFactory(plan=other)
    objects = {"other_area": other_area.pk, "other_goal": GoalFactory(focus_area=other_area).pk,
               "own_area": world.goal.focus_area_id}
    response = plan_admin.post(ADD_URL, _add_data(plan=world.plan.pk, **{
        key: objects[value] for key, value in fields.items()}))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert not Action.objects.filter(title="Tiltak fra adminen").exists()


@pytest.mark.parametrize("initial", ["plan", "focus_area", "goal"])
def test_the_add_links_fill_in_the_plan(world, plan_admin, initial):
    value = {"plan": world.plan.pk, "focus_area": world.goal.focus_area_id,
             "goal": world.goal.pk}[initial]
    form = plan_admin.get(f"{ADD_URL}?{initial}={value}").context["adminform"].form
    assert str(form[initial].value()) == str(value)
    assert str(form["plan"].value()) == str(world.plan.pk)


def test_the_focus_area_and_plan_pages_link_to_adding_their_own_tiltak(world, plan_admin):
    area = world.goal.focus_area
    area_page = plan_admin.get(reverse("admin:strategies_focusarea_change", args=[area.pk]))
    assert f'{ADD_URL}?focus_area={area.pk}"' in area_page.content.decode()
    plan_page = plan_admin.get(reverse("admin:strategies_plan_change", args=[world.plan.pk]))
    assert f'{ADD_URL}?plan={world.plan.pk}"' in plan_page.content.decode()
    goal_page = plan_admin.get(reverse("admin:strategies_goal_change", args=[world.goal.pk]))
    assert f'<a class="addlink" href="{ADD_URL}?goal={world.goal.pk}"' in \
        goal_page.content.decode()


# --- Moving on the change form ------------------------------------------------------------


def test_clearing_the_goal_moves_the_tiltak_onto_its_focus_area(world, plan_admin):
    response = plan_admin.post(_change_url(world.action), _form_data(world.action, goal=""))
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.level, stored.focus_area_id, stored.version) == (
        "focus_area", world.goal.focus_area_id, 2)


def test_clearing_both_makes_it_apply_to_the_whole_plan(world, plan_admin):
    response = plan_admin.post(_change_url(world.action),
                               _form_data(world.action, goal="", focus_area=""))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Action.objects.get(pk=world.action.pk).level == "plan"


def test_a_goal_of_another_area_needs_its_own_area(world, plan_admin):
    other_goal = GoalFactory(focus_area=FocusAreaFactory(plan=world.plan))
    refused = plan_admin.post(_change_url(world.action),
                              _form_data(world.action, goal=other_goal.pk))
    assert refused.status_code == 200
    assert list(refused.context["adminform"].form.errors) == ["goal"]
    moved = plan_admin.post(_change_url(world.action), _form_data(
        world.action, goal=other_goal.pk, focus_area=""))
    assert moved.status_code == 302, moved.context["adminform"].form.errors
    assert Action.objects.get(pk=world.action.pk).goal_id == other_goal.pk


def test_the_change_form_offers_only_the_tiltaks_own_plans_areas_and_goals(world, plan_admin):
    other = PlanFactory(organization=world.org)
    elsewhere = GoalFactory(focus_area=FocusAreaFactory(plan=other))
    form = plan_admin.get(_change_url(world.action)).context["adminform"].form
    assert "plan" not in form.fields  # a tiltak moves within its plan
    assert elsewhere not in set(form.fields["goal"].queryset)
    assert elsewhere.focus_area not in set(form.fields["focus_area"].queryset)
    refused = plan_admin.post(_change_url(world.action),
                              _form_data(world.action, goal=elsewhere.pk, focus_area=""))
    assert refused.status_code == 200
    assert Action.objects.get(pk=world.action.pk).goal_id == world.goal.pk


def test_a_unit_manager_saving_a_status_update_does_not_move_anything(world, client):
    manager = world.unit_manager
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    refused = client.post(_change_url(world.action), _form_data(world.action, goal=""))
    assert refused.status_code == 200
    assert Action.objects.get(pk=world.action.pk).goal_id == world.goal.pk


# --- The list -----------------------------------------------------------------------------


@pytest.fixture
def mixed(world):
    area = world.goal.focus_area
    return {"goal": world.action,
            "focus_area": ActionFactory(goal=None, focus_area=area, title="Områdets eget"),
            "plan": ActionFactory(goal=None, plan=world.plan, title="For hele planen")}


def test_the_list_shows_where_each_tiltak_hangs(world, plan_admin, mixed):
    text = plan_admin.get(LIST_URL).content.decode()
    assert "Gjelder hele planen" in text
    assert str(world.goal) in text and str(world.goal.focus_area) in text


@pytest.mark.parametrize("level", ["goal", "focus_area", "plan"])
def test_the_list_filters_by_level_and_by_plan_for_every_level(world, plan_admin, mixed,
                                                                level):
    ActionFactory(goal=None, plan=PlanFactory(organization=world.org), title="Annen plan")
    shown = plan_admin.get(f"{LIST_URL}?level={level}&plan={world.plan.pk}")
    assert {a.pk for a in shown.context["cl"].result_list} == {mixed[level].pk}
    by_plan = plan_admin.get(f"{LIST_URL}?plan={world.plan.pk}")
    assert {a.pk for a in by_plan.context["cl"].result_list} == {a.pk for a in mixed.values()}


def test_the_list_runs_a_fixed_number_of_queries_with_every_level(world, plan_admin):
    area = world.goal.focus_area

    def add(n):
        for _ in range(n):
            ActionFactory(goal=None, plan=world.plan)
            ActionFactory(goal=None, focus_area=area)
            ActionFactory(goal=world.goal)

    assert_constant_queries(add, lambda: plan_admin.get(LIST_URL))
