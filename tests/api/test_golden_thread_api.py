"""Plan levels, parents, sub-plans and UN goals, and the golden thread both ways, through
the API as real clients sign in (a browser session with CSRF, or a token)."""

import pytest

from actions.models import Action
from strategies.models import Goal, Plan
from tests.api.clients import AUTH_KINDS, CLIENTS
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.queries import assert_constant_queries
from tests.thread_helpers import link_all, thread_plans

pytestmark = pytest.mark.django_db


def plan_body(world, **fields):
    return {"organization": world.org.pk, "title": "Handlingsplan for helse 2027",
            "kind": "action_plan", "period_start": 2027, "period_end": 2027, **fields}


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_a_plan_created_without_a_level_gets_its_kinds_and_shows_its_links(world, auth):
    client = CLIENTS[auth](world.admin)
    response = client.post("/api/v1/plans/", plan_body(world, parent=world.plan.pk,
                                                       sdgs=[3, 17]), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["level"], created["parent"], created["sdgs"]) == (3, world.plan.pk, [3, 17])
    parent = client.get(f"/api/v1/plans/{world.plan.pk}/").json()
    assert parent["sub_plans"] == [created["id"]] and parent["level"] == 2


def test_a_parent_that_is_not_higher_is_a_400_on_parent(world, api):
    response = api("admin").post("/api/v1/plans/", plan_body(
        world, kind="thematic_plan", parent=world.plan.pk), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["parent"]
    assert not Plan.objects.filter(title="Handlingsplan for helse 2027").exists()


def test_a_parent_of_another_kommune_does_not_exist_for_the_client(world, api):
    foreign = PlanFactory(organization=world.other_org, level=Plan.Level.COMMUNITY)
    response = api("admin").patch(f"/api/v1/plans/{world.plan.pk}/", {"parent": foreign.pk},
                                  format="json")
    assert response.status_code == 400 and "parent" in response.json()


def test_the_level_and_un_goals_are_edited_and_validated(world, api):
    client = api("admin")
    url = f"/api/v1/plans/{world.plan.pk}/"
    response = client.patch(url, {"level": 1, "sdgs": [11]}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["level"], response.json()["sdgs"]) == (1, [11])
    for body, field in (({"level": 7}, "level"), ({"sdgs": [0]}, "sdgs")):
        refused = client.patch(url, body, format="json")
        assert refused.status_code == 400 and field in refused.json()
    world.plan.refresh_from_db()
    assert world.plan.level == 1 and list(world.plan.sdgs.values_list("number", flat=True)) \
        == [11]


def test_a_sub_plan_the_reader_may_not_read_is_not_listed(world, api):
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    PlanFactory(organization=world.org, parent=world.plan, level=Plan.Level.ACTION)
    public_child = PlanFactory(organization=world.org, parent=world.plan,
                               level=Plan.Level.ACTION, is_public=True)
    anonymous = api(None).get(f"/api/v1/plans/{world.plan.pk}/").json()
    assert anonymous["sub_plans"] == [public_child.pk]
    assert len(api("reader").get(f"/api/v1/plans/{world.plan.pk}/").json()["sub_plans"]) == 2


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_a_goal_is_linked_upwards_and_shows_up_on_its_target(world, auth):
    plans = thread_plans(world)
    client = CLIENTS[auth](world.admin)
    response = client.patch(f"/api/v1/goals/{plans.action_goal.pk}/",
                            {"contributes_to": [world.goal.pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["contributes_to"] == [world.goal.pk]
    target = client.get(f"/api/v1/goals/{world.goal.pk}/").json()
    assert target["contributing_goals"] == [plans.action_goal.pk]
    assert target["contributing_actions"] == []


def test_a_goal_is_created_with_what_it_contributes_to(world, api):
    plans = thread_plans(world)
    response = api("admin").post("/api/v1/goals/", {
        "focus_area": plans.action_goal.focus_area_id, "title": "Flere i arbeid",
        "contributes_to": [world.goal.pk, plans.community_goal.pk]}, format="json")
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["contributes_to"]) == sorted(
        [world.goal.pk, plans.community_goal.pk])


@pytest.mark.parametrize("target", ["same_plan", "lower_plan", "other_kommune"])
def test_a_refused_goal_link_is_a_400_on_contributes_to_and_links_nothing(
        world, api, other_plan, target):
    plans = thread_plans(world)
    goal = {"same_plan": GoalFactory(focus_area=world.goal.focus_area),
            "lower_plan": plans.action_goal,
            "other_kommune": Goal.objects.get(pk=other_plan.goal_id)}[target]
    response = api("admin").patch(f"/api/v1/goals/{world.goal.pk}/",
                                  {"contributes_to": [goal.pk], "title": "Endret"},
                                  format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["contributes_to"]
    assert not world.goal.contributes_to.exists()
    assert Goal.objects.get(pk=world.goal.pk).title != "Endret"


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_a_tiltak_is_linked_with_its_version_and_shows_up_on_the_goal(world, auth):
    plans = thread_plans(world)
    client = CLIENTS[auth](world.admin)
    url = f"/api/v1/actions/{plans.action.pk}/"
    response = client.patch(url, {"contributes_to": [world.goal.pk], "version": 1},
                            format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["contributes_to"] == [world.goal.pk]
    assert response.json()["version"] == 2
    assert client.get(url).json()["contributes_to"] == [world.goal.pk]
    goal = client.get(f"/api/v1/goals/{world.goal.pk}/").json()
    assert goal["contributing_actions"] == [plans.action.pk]


def test_a_tiltak_is_created_with_what_it_contributes_to(world, api):
    plans = thread_plans(world)
    response = api("admin").post("/api/v1/actions/", {
        "goal": plans.action_goal.pk, "title": "Kurs i mestring",
        "contributes_to": [world.goal.pk]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["contributes_to"] == [world.goal.pk]


def test_a_refused_tiltak_link_is_a_400_and_neither_creates_nor_changes(world, api):
    plans = thread_plans(world)
    client = api("admin")
    created = client.post("/api/v1/actions/", {
        "goal": plans.action_goal.pk, "title": "Feil lenke",
        "contributes_to": [plans.action_goal.pk]}, format="json")
    assert created.status_code == 400 and list(created.json()) == ["contributes_to"]
    assert not Action.objects.filter(title="Feil lenke").exists()
    edited = client.patch(f"/api/v1/actions/{plans.action.pk}/", {
        "title": "Nytt navn", "contributes_to": [plans.action_goal.pk], "version": 1},
        format="json")
    assert edited.status_code == 400 and list(edited.json()) == ["contributes_to"]
    action = Action.objects.get(pk=plans.action.pk)
    assert (action.title, action.version) == ("Åpne en frisklivssentral", 1)


def test_a_stale_version_links_nothing(world, api):
    plans = thread_plans(world)
    response = api("admin").patch(f"/api/v1/actions/{plans.action.pk}/",
                                  {"contributes_to": [world.goal.pk], "version": 7},
                                  format="json")
    assert response.status_code == 409
    assert not plans.action.contributes_to.exists()


def test_a_reader_cannot_link_a_tiltak(world, api):
    plans = thread_plans(world)
    response = api("reader").patch(f"/api/v1/actions/{plans.action.pk}/",
                                   {"contributes_to": [world.goal.pk], "version": 1},
                                   format="json")
    assert response.status_code == 403
    assert not plans.action.contributes_to.exists()


def test_the_public_sees_only_links_into_public_plans(world, api):
    plans = link_all(world, thread_plans(world))
    # The handlingsplan is public; the temaplan it contributes to is not.
    Plan.objects.filter(pk=plans.action_plan.pk).update(is_public=True)
    anonymous = api(None)
    goal = anonymous.get(f"/api/v1/goals/{plans.action_goal.pk}/").json()
    assert goal["contributes_to"] == []
    action = anonymous.get(f"/api/v1/actions/{plans.action.pk}/").json()
    assert action["contributes_to"] == []
    listed = anonymous.get(f"/api/v1/actions/?plan={plans.action_plan.pk}").json()
    assert [row["contributes_to"] for row in listed["results"]] == [[]]
    # A member of the kommune reads them all.
    member = api("reader").get(f"/api/v1/actions/{plans.action.pk}/").json()
    assert member["contributes_to"] == [world.goal.pk]
    target = api("reader").get(f"/api/v1/goals/{world.goal.pk}/").json()
    assert (target["contributing_goals"], target["contributing_actions"]) == (
        [plans.action_goal.pk], [plans.action.pk])


def test_lists_with_links_run_a_fixed_number_of_queries(world, api):
    plans = thread_plans(world)
    client = api("reader")
    lower_area = plans.action_goal.focus_area

    def add(n):
        for _ in range(n):
            goal = GoalFactory(focus_area=lower_area)
            goal.contributes_to.set([world.goal, plans.community_goal])
            ActionFactory(goal=goal).contributes_to.set([world.goal])
            PlanFactory(organization=world.org, parent=world.plan,
                        level=Plan.Level.ACTION).sdgs.set([3])

    for url in ("/api/v1/goals/", "/api/v1/actions/", "/api/v1/plans/"):
        assert_constant_queries(add, lambda url=url: client.get(url + "?page_size=100"),
                                few=1, many=6)


def test_goal_detail_queries_do_not_grow_with_links(world, api):
    plans = thread_plans(world)
    client = api("reader")
    area = FocusAreaFactory(plan=plans.action_plan)

    def add(n):
        for _ in range(n):
            GoalFactory(focus_area=area).contributes_to.set([world.goal])
            ActionFactory(goal=plans.action_goal).contributes_to.set([world.goal])

    assert_constant_queries(add, lambda: client.get(f"/api/v1/goals/{world.goal.pk}/"),
                            few=1, many=8)
