"""The action pages with tiltak on a focus area or the whole plan: the action page,
*Mine tiltak* and *Fordel ansvar* say where each hangs, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionFactory, FocusAreaFactory, StatusUpdateFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
WHOLE_PLAN = "Gjelder hele planen"
AREA_TITLE = "Aktive og trygge innbyggere"


@pytest.fixture
def area(world):
    return FocusAreaFactory(plan=world.plan, code="3", title=AREA_TITLE)


@pytest.fixture
def on_area(world, area):
    return ActionFactory(goal=None, focus_area=area, title="Områdets eget tiltak",
                         responsible_unit=world.home_care)


@pytest.fixture
def on_plan(world):
    return ActionFactory(goal=None, plan=world.plan, title="Tiltak for hele planen",
                         responsible_unit=world.home_care)


def browse(world, persona):
    client = Client()
    client.force_login(world.persona(persona))
    return client


def _facts(text):
    """The page's fact list (plan, area, goal ...), as one string."""
    start = text.index('<dl class="pp-facts">')
    return text[start:text.index("</dl>", start)]


def test_the_page_of_a_plan_tiltak_says_it_applies_to_the_whole_plan(world, on_plan):
    response = browse(world, "reader").get(reverse("actions:detail", args=[on_plan.pk]))
    assert response.status_code == 200
    facts = _facts(response.text)
    assert f"<dt>Satsingsområde</dt><dd>{WHOLE_PLAN}</dd>" in facts
    assert "Delmål" not in facts


def test_the_page_of_an_area_tiltak_names_the_area_and_no_goal(world, on_area):
    facts = _facts(browse(world, "reader").get(
        reverse("actions:detail", args=[on_area.pk])).text)
    assert f"3 {AREA_TITLE}</dd>" in facts
    assert "Delmål" not in facts and WHOLE_PLAN not in facts


def test_the_page_of_a_goal_tiltak_names_its_area_and_goal(world):
    facts = _facts(browse(world, "reader").get(
        reverse("actions:detail", args=[world.action.pk])).text)
    assert "<dt>Delmål</dt>" in facts and world.goal.title in facts
    assert world.goal.focus_area.title in facts


def test_mine_tiltak_says_where_each_tiltak_hangs(world, on_area, on_plan):
    text = browse(world, "unit_manager").get(reverse("actions:mine")).text
    cards = {action.pk: text[text.index(f'id="tiltak-{action.pk}"'):]
             for action in (world.action, on_area, on_plan)}
    for pk, card in cards.items():
        cards[pk] = card[:card.index("</dl>")]
    assert world.goal.title in cards[world.action.pk]
    assert AREA_TITLE in cards[on_area.pk] and "Delmål" not in cards[on_area.pk]
    assert WHOLE_PLAN in cards[on_plan.pk] and "Delmål" not in cards[on_plan.pk]


def test_fordel_ansvar_lists_the_plans_tiltak_first_each_with_its_place(world, area, on_area,
                                                                       on_plan):
    response = browse(world, "sector_leader").get(reverse("actions:assign"))
    assert response.status_code == 200
    text = response.text

    def row(action):
        start = text.index(f'name="actions" value="{action.pk}"')
        return start, text[start:text.index("</tr>", start)]

    (plan_at, plan_row), (area_at, area_row), (goal_at, goal_row) = (
        row(action) for action in (on_plan, on_area, world.action))
    assert plan_at < min(area_at, goal_at)  # the plan's own tiltak come first
    assert WHOLE_PLAN in plan_row
    assert AREA_TITLE in area_row and WHOLE_PLAN not in area_row
    assert world.goal.title in goal_row


@pytest.mark.parametrize("level", ["focus_area", "plan"])
def test_assigning_one_area_or_plan_tiltak_shows_its_place_and_saves(world, on_area, on_plan,
                                                                     level):
    action = on_area if level == "focus_area" else on_plan
    client = browse(world, "sector_leader")
    url = reverse("actions:assign-one", args=[action.pk])
    page = client.get(url).text
    assert (AREA_TITLE if level == "focus_area" else WHOLE_PLAN) in _facts(page)
    response = client.post(url, {"version": action.version,
                                 "responsible_unit": world.nursing_home.pk,
                                 "responsible_person": "", "due_date": "2027-03-31",
                                 "period_text": ""})
    assert response.status_code == 302, response.text[:2000]
    action.refresh_from_db()
    assert action.responsible_unit == world.nursing_home and action.level == level


def test_mine_tiltak_runs_a_fixed_number_of_queries_with_every_level(world, area):
    client = browse(world, "unit_manager")
    soon = timezone.localdate() + timedelta(days=5)

    def add(n):
        for _ in range(n):
            for place in ({"goal": world.goal}, {"goal": None, "focus_area": area},
                          {"goal": None, "plan": world.plan}):
                action = ActionFactory(responsible_unit=world.home_care, due_date=soon,
                                       **place)
                StatusUpdateFactory(action=action)

    assert_constant_queries(add, lambda: client.get(reverse("actions:mine")))


def test_fordel_ansvar_runs_a_fixed_number_of_queries_with_every_level(world, area):
    client = browse(world, "sector_leader")

    def add(n):
        for _ in range(n):
            ActionFactory(goal=world.goal)
            ActionFactory(goal=None, focus_area=area)
            ActionFactory(goal=None, plan=world.plan,
                          due_date=timezone.localdate() - timedelta(days=2),
                          responsible_unit=world.home_care)

    assert_constant_queries(add, lambda: client.get(reverse("actions:assign")))


@pytest.mark.parametrize("level", ["focus_area", "plan"])
def test_the_page_of_an_area_or_plan_tiltak_runs_a_fixed_number_of_queries(
        world, on_area, on_plan, level):
    action = on_area if level == "focus_area" else on_plan
    client = browse(world, "unit_manager")
    url = reverse("actions:detail", args=[action.pk])
    assert_constant_queries(
        lambda n: StatusUpdateFactory.create_batch(n, action=action,
                                                   author=world.unit_manager),
        lambda: client.get(url))
