"""The plan page with tiltak on every level: the plan-wide ones ("Gjelder hele planen")
before the focus areas, an area's own before its goals; filters, progress, the public
page, the plan list and a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from reports.tree import plan_tree
from strategies.models import Plan
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def client_for(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def mixed(world: Any) -> dict[str, Any]:
    """world.plan with a plan-wide tiltak, an area's own and a goal's (world.action)."""
    area = world.goal.focus_area
    Action.objects.filter(pk=world.action.pk).update(progress=0)
    return {
        "area": area,
        "plan_wide": ActionFactory(goal=None, plan=world.plan, title="Felles planløft",
                                   status="in_progress", progress=90,
                                   responsible_unit=world.school),
        "area_own": ActionFactory(goal=None, focus_area=area, title="Områdeløft",
                                  status="completed", progress=100,
                                  responsible_unit=world.home_care,
                                  due_date=timezone.localdate() - timedelta(days=3)),
    }


def headings(html: str) -> list[tuple[int, str]]:
    """The page's headings in order: level and text."""
    return [(int(level), re.sub(r"<[^>]+>", "", text).strip())
            for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", html, re.S)]


def test_the_tree_puts_every_tiltak_where_the_plan_puts_it(world: Any,
                                                           mixed: dict[str, Any]) -> None:
    tree = plan_tree(world.plan, with_people=False)
    assert [row.title for row in tree.actions] == ["Felles planløft"]
    [area] = list(tree)
    assert [row.title for row in area.own] == ["Områdeløft"]
    assert [row.title for row in area.goals[0].actions] == [world.action.title]
    # The area's progress counts its own tiltak and its goal's; the goal's only its own.
    assert area.progress == 50 and area.goals[0].progress == 0
    assert len(tree.all_actions) == 3 and tree.shown_count == 3


def test_the_plan_page_shows_the_plan_wide_block_first_and_an_areas_own_before_its_goals(
        world: Any, mixed: dict[str, Any]) -> None:
    html = client_for(world.reader).get(reverse("strategies:plan-detail",
                                                args=[world.plan.pk])).text
    found = headings(html)
    texts = [text for _level, text in found]
    whole_plan = texts.index("Gjelder hele planen")
    area = texts.index(str(mixed["area"]))
    own = texts.index("Gjelder hele satsingsområdet")
    goal = texts.index(str(world.goal))
    assert whole_plan < area < own < goal
    assert (found[whole_plan][0], found[area][0], found[own][0], found[goal][0]) == (2, 2, 3, 3)
    assert html.index("Felles planløft") < html.index("Områdeløft") < html.index(
        world.action.title)
    assert "3 tiltak i planen." in html
    # The plan's progress is over every level: (90 + 100 + 0) / 3.
    assert 'value="63"' in html


def test_a_plan_without_plan_wide_or_area_tiltak_shows_no_such_block(world: Any) -> None:
    html = client_for(world.reader).get(reverse("strategies:plan-detail",
                                                args=[world.plan.pk])).text
    assert "Gjelder hele planen" not in html and "Gjelder hele satsingsområdet" not in html


def test_the_filters_narrow_every_level(world: Any, mixed: dict[str, Any]) -> None:
    url = reverse("strategies:plan-detail", args=[world.plan.pk])
    client = client_for(world.reader)
    completed = client.get(url, {"status": "completed"}).text
    assert "Viser 1 av 3 tiltak." in completed
    assert "Områdeløft" in completed and "Felles planløft" not in completed
    # The plan-wide block stays, saying none of its tiltak match.
    block = completed.split('id="hele-planen"')[1].split("</section>")[0]
    assert "Ingen av disse tiltakene passer med filteret." in block
    by_unit = client.get(url, {"unit": world.education.pk}).text
    assert "Felles planløft" in by_unit and "Områdeløft" not in by_unit
    overdue = client.get(url, {"overdue": "on"}).text  # the completed one is not overdue
    assert "Viser 0 av 3 tiltak." in overdue


def test_the_public_page_lists_plan_and_area_tiltak_without_links(
        world: Any, mixed: dict[str, Any]) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    html = client_for().get(reverse("strategies:public-plan-detail",
                                    args=[world.plan.pk])).text
    assert "<td>Felles planløft</td>" in html and "<td>Områdeløft</td>" in html
    assert reverse("actions:detail", args=[mixed["plan_wide"].pk]) not in html


def test_the_plan_list_counts_the_plan_wide_and_area_tiltak(world: Any,
                                                           mixed: dict[str, Any]) -> None:
    page = client_for(world.reader).get(reverse("strategies:plan-list"))
    plan = next(p for p in page.context["plans"] if p.pk == world.plan.pk)
    assert plan.action_count == 3
    assert round(plan.progress) == 63


def test_the_plan_page_is_constant_in_the_tiltak_of_every_level(world: Any) -> None:
    plan = PlanFactory(organization=world.org)
    areas = [FocusAreaFactory(plan=plan) for _ in range(2)]
    goal = GoalFactory(focus_area=areas[0])
    client = client_for(world.reader)
    url = reverse("strategies:plan-detail", args=[plan.pk])

    def add(n: int) -> None:
        for i in range(n):
            ActionFactory(goal=goal, responsible_unit=world.home_care,
                          responsible_person=world.unit_manager)
            ActionFactory(goal=None, focus_area=areas[i % 2], responsible_person=world.admin,
                          due_date=date(2026, 1, 1))
            ActionFactory(goal=None, plan=plan, responsible_unit=world.school)

    assert_constant_queries(add, lambda: client.get(url), few=1, many=10)
    filtered = client.get(url, {"status": "not_started", "unit": world.school.pk})
    assert filtered.status_code == 200
