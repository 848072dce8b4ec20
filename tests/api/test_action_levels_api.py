"""/api/v1/actions/ with tiltak on every level: under a goal, directly on a focus area,
on the whole plan. Clients sign in as real clients do (a token from the token endpoint,
or a browser session with CSRF)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from actions.models import Action
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/actions/"


def detail(action):
    return f"{URL}{action.pk}/"


@pytest.fixture
def tree(world):
    """The world's plan with a second area, a tiltak on each level and one under the
    second area's goal."""
    area = world.goal.focus_area
    second = FocusAreaFactory(plan=world.plan)
    return {
        "area": area,
        "second": second,
        "second_goal": GoalFactory(focus_area=second),
        "on_goal": world.action,
        "on_area": ActionFactory(goal=None, focus_area=area, title="Områdets eget tiltak"),
        "on_plan": ActionFactory(goal=None, plan=world.plan, title="For hele planen"),
    }


# --- Reading ------------------------------------------------------------------------------


def test_each_tiltak_answers_its_plan_area_goal_and_level(world, tree, token_api):
    rows = {row["id"]: row for row in token_api("reader").get(URL).json()["results"]}
    area = tree["area"].pk
    assert {key: rows[tree["on_goal"].pk][key] for key in ("plan", "focus_area", "goal",
                                                            "level")} == {
        "plan": world.plan.pk, "focus_area": area, "goal": world.goal.pk, "level": "goal"}
    assert {key: rows[tree["on_area"].pk][key] for key in ("plan", "focus_area", "goal",
                                                            "level")} == {
        "plan": world.plan.pk, "focus_area": area, "goal": None, "level": "focus_area"}
    assert {key: rows[tree["on_plan"].pk][key] for key in ("plan", "focus_area", "goal",
                                                            "level")} == {
        "plan": world.plan.pk, "focus_area": None, "goal": None, "level": "plan"}


def test_the_list_reads_the_plans_tiltak_before_each_areas_own_before_its_goals(
        world, tree, token_api):
    ids = [row["id"] for row in token_api("reader").get(URL).json()["results"]]
    assert ids.index(tree["on_plan"].pk) < ids.index(tree["on_area"].pk) < ids.index(
        tree["on_goal"].pk)


@pytest.mark.parametrize("level", ["focus_area", "plan"])
def test_the_fast_rendering_equals_drfs_for_area_and_plan_tiltak(world, tree, level):
    from actions.api.serializers import ActionSerializer
    from actions.read_model import action_row

    action = tree[f"on_{'area' if level == 'focus_area' else 'plan'}"]
    instance = Action.objects.for_list().with_overdue().with_latest_update().get(pk=action.pk)
    request = type("R", (), {"user": world.admin})()
    generic = dict(ActionSerializer(instance, context={"request": request}).data)
    row = action_row(Action.objects.api_row(action.pk), timezone.get_current_timezone())
    assert row == generic and row["level"] == level


@pytest.mark.parametrize(("query", "expected"), [
    ("level=goal", {"on_goal", "other_on_goal"}),
    ("level=focus_area", {"on_area"}),
    ("level=plan", {"on_plan", "other_on_plan"}),
    ("focus_area={area}", {"on_goal", "on_area"}),
    ("focus_area={area}&level=focus_area", {"on_area"}),
    ("goal={goal}", {"on_goal"}),
    ("plan={plan}", {"on_goal", "on_area", "on_plan"}),
    ("plan={plan}&level=plan", {"on_plan"}),
])
def test_the_list_filters_by_plan_area_goal_and_level(world, tree, token_api, query,
                                                      expected):
    other = PlanFactory(organization=world.org)
    tree = {**tree, "other_on_plan": ActionFactory(goal=None, plan=other),
            "other_on_goal": ActionFactory(goal=GoalFactory(
                focus_area=FocusAreaFactory(plan=other)))}
    query = query.format(area=tree["area"].pk, goal=world.goal.pk, plan=world.plan.pk)
    response = token_api("reader").get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    assert {row["id"] for row in response.json()["results"]} == {
        tree[name].pk for name in expected}


def test_an_unknown_level_is_a_400_naming_the_filter(world, token_api):
    response = token_api("reader").get(f"{URL}?level=delmål")
    assert response.status_code == 400
    assert "level" in response.json()


def test_the_list_runs_a_fixed_number_of_queries_with_every_level_mixed_in(world, token_api):
    client = token_api("reader")
    area = world.goal.focus_area

    def add(n):
        for _ in range(n):
            ActionFactory(goal=None, plan=world.plan, responsible_unit=world.home_care)
            ActionFactory(goal=None, focus_area=area, responsible_person=world.unit_manager)
            ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=world.plan)))

    assert_constant_queries(add, lambda: client.get(f"{URL}?page_size=100"), few=1, many=20)


# --- Creating -----------------------------------------------------------------------------


def _create(client, **body):
    return client.post(URL, {"title": "Nytt tiltak", **body}, format="json")


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("level", ["goal", "focus_area", "plan"])
def test_an_admin_creates_a_tiltak_on_each_level(world, tree, api, token_api, auth, level):
    client = (api if auth == "session" else token_api)("admin")
    target = {"goal": world.goal.pk, "focus_area": tree["area"].pk, "plan": world.plan.pk}
    response = _create(client, **{level: target[level]})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["level"] == level and body["plan"] == world.plan.pk
    stored = Action.objects.get(pk=body["id"])
    assert (stored.level, stored.plan_id) == (level, world.plan.pk)
    if level != "plan":
        assert stored.focus_area_id == tree["area"].pk


def test_a_goal_with_its_own_area_and_plan_is_accepted(world, tree, token_api):
    response = _create(token_api("admin"), goal=world.goal.pk, focus_area=tree["area"].pk,
                       plan=world.plan.pk)
    assert response.status_code == 201, response.json()
    assert response.json()["level"] == "goal"


def test_no_placement_is_a_400_naming_the_plan(world, token_api):
    response = _create(token_api("admin"))
    assert response.status_code == 400
    assert list(response.json()) == ["plan"]
    assert not Action.objects.filter(title="Nytt tiltak").exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"goal": "goal", "focus_area": "second"}, "goal"),
    ({"focus_area": "second", "plan": "other_plan"}, "focus_area"),
    ({"goal": "second_goal", "plan": "other_plan"}, "goal"),
])
def test_levels_that_do_not_fit_are_a_400_naming_the_field(world, tree, token_api, body,
                                                           field):
    objects = {"goal": world.goal.pk, "second": tree["second"].pk,
               "second_goal": tree["second_goal"].pk,
               "other_plan": PlanFactory(organization=world.org).pk}
    response = _create(token_api("admin"), **{key: objects[value]
                                              for key, value in body.items()})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Action.objects.filter(title="Nytt tiltak").exists()


def test_another_kommunes_plan_does_not_exist_for_the_client(world, other_plan, token_api):
    response = _create(token_api("admin"), plan=other_plan.plan_id)
    assert response.status_code == 400
    assert "plan" in response.json()


def test_a_sector_leader_creates_a_plan_tiltak_for_their_sector_only(world, token_api):
    client = token_api("sector_leader")
    ok = _create(client, plan=world.plan.pk, responsible_unit=world.nursing_home.pk)
    assert ok.status_code == 201, ok.json()
    refused = _create(client, plan=world.plan.pk, responsible_unit=world.school.pk)
    assert refused.status_code == 403


# --- Moving -------------------------------------------------------------------------------


def _patch(client, action, body, version=None):
    return client.patch(detail(action), body, format="json",
                        HTTP_IF_MATCH=f'"{version if version is not None else action.version}"')


@pytest.mark.parametrize(("body", "level"), [
    ({"goal": None}, "focus_area"),
    ({"focus_area": None}, "plan"),
    ({"plan": "plan"}, "plan"),
    ({"focus_area": "second"}, "focus_area"),
    ({"goal": "second_goal"}, "goal"),
])
def test_a_patch_of_the_placement_moves_the_tiltak(world, tree, token_api, body, level):
    objects = {"plan": world.plan.pk, "second": tree["second"].pk,
               "second_goal": tree["second_goal"].pk}
    body = {key: objects.get(value, value) for key, value in body.items()}
    response = _patch(token_api("admin"), tree["on_goal"], body)
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["level"] == level and answer["version"] == 2
    stored = Action.objects.get(pk=tree["on_goal"].pk)
    assert (stored.plan_id, stored.level) == (world.plan.pk, level)
    if body.get("goal") is None and "goal" in body:
        assert stored.focus_area_id == tree["area"].pk  # off the goal, onto its area


def test_a_patch_moves_and_edits_in_one_request(world, tree, api):
    response = _patch(api("admin"), tree["on_area"], {"plan": world.plan.pk,
                                                     "title": "Gjelder alle"})
    assert response.status_code == 200, response.json()
    stored = Action.objects.get(pk=tree["on_area"].pk)
    assert (stored.level, stored.title, stored.version) == ("plan", "Gjelder alle", 3)
    assert response["ETag"] == '"3"'


def test_a_patch_into_another_plan_is_a_400_naming_the_field(world, tree, token_api):
    other = PlanFactory(organization=world.org)
    response = _patch(token_api("admin"), tree["on_goal"], {"plan": other.pk,
                                                           "title": "Flyttet"})
    assert response.status_code == 400
    assert list(response.json()) == ["plan"]
    stored = Action.objects.get(pk=tree["on_goal"].pk)
    assert (stored.goal_id, stored.title, stored.version) == (world.goal.pk,
                                                              tree["on_goal"].title, 1)


def test_a_stale_if_match_moves_nothing(world, tree, token_api):
    Action.objects.filter(pk=tree["on_goal"].pk).update(version=3)
    response = _patch(token_api("admin"), tree["on_goal"], {"focus_area": None}, version=1)
    assert response.status_code == 412
    assert Action.objects.get(pk=tree["on_goal"].pk).goal_id == world.goal.pk


def test_a_unit_manager_may_not_move_a_tiltak(world, tree, token_api):
    response = _patch(token_api("unit_manager"), tree["on_goal"], {"focus_area": None})
    assert response.status_code == 403
    assert Action.objects.get(pk=tree["on_goal"].pk).level == "goal"


@pytest.mark.parametrize("level", ["focus_area", "plan"])
def test_a_unit_manager_reports_on_an_area_or_plan_tiltak_over_the_api(world, tree, api,
                                                                        level):
    action = tree["on_area" if level == "focus_area" else "on_plan"]
    Action.objects.filter(pk=action.pk).update(responsible_unit=world.home_care)
    response = api("unit_manager").post(f"{detail(action)}status-updates/",
                                        {"status": "in_progress", "progress": 20},
                                        format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 201, response.json()
    assert response.json()["level"] == level
