"""Mine tiltak at a big unit's size: 50 to a page in the groups' order, each group's
total over all pages, and filters kept in the URL (issue 18)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.queues import PAGE_SIZE
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _cards(text: str) -> list[str]:
    return re.findall(r'<li id="tiltak-(\d+)"', text)


@pytest.fixture
def heaps(world):
    """30 overdue and 90 later tiltak of the unit manager's unit, 5 in another plan."""
    world.action.delete()
    today = timezone.localdate()
    overdue = [ActionFactory(goal=world.goal, responsible_unit=world.home_care,
                             title=f"Forsinket {n}", due_date=today - timedelta(days=n + 1))
               for n in range(30)]
    later = [ActionFactory(goal=world.goal, responsible_unit=world.home_care,
                           title=f"Senere {n}", due_date=today + timedelta(days=100 + n))
             for n in range(90)]
    plan = PlanFactory(organization=world.org, title="Folkehelseplan")
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan))
    other = [ActionFactory(goal=goal, responsible_unit=world.home_care, title=f"Folkehelse {n}")
             for n in range(5)]
    return {"overdue": overdue, "later": later, "plan": plan, "other": other}


def test_mine_tiltak_shows_fifty_a_page_overdue_first_with_the_group_totals(browse, heaps):
    client = browse("unit_manager")
    first = client.get(reverse("actions:mine")).text
    cards = _cards(first)
    assert len(cards) == PAGE_SIZE
    assert cards[:30] == [str(a.pk) for a in sorted(heaps["overdue"], key=lambda a: a.due_date)]
    # Each group's heading counts the whole group, not only this page's part of it.
    assert re.search(r'id="gruppe-senere">[^<]*<span class="pp-count">\(95\)', first)
    assert "Viser 1–50 av 125 tiltak." in first
    seen = set()
    for page in (1, 2, 3):
        seen |= set(_cards(client.get(reverse("actions:mine") + f"?page={page}").text))
    assert len(seen) == 125


def test_mine_tiltak_filters_by_plan_and_overdue(browse, heaps):
    client = browse("unit_manager")
    text = client.get(reverse("actions:mine") + f"?plan={heaps['plan'].pk}").text
    assert sorted(_cards(text)) == sorted(str(a.pk) for a in heaps["other"])
    overdue = client.get(reverse("actions:mine") + "?overdue=on").text
    assert len(_cards(overdue)) == 30


def test_mine_tiltak_runs_the_same_queries_for_few_and_many(browse, world):
    client = browse("unit_manager")
    world.action.delete()
    today = timezone.localdate()

    def add(n: int) -> None:
        for i in range(n):
            ActionFactory(goal=world.goal, responsible_unit=world.home_care,
                          due_date=today + timedelta(days=i - 3))

    assert_constant_queries(add, lambda: client.get(reverse("actions:mine")), few=2, many=70)


def test_mine_tiltak_lists_the_tiltak_of_units_below_the_managers_own(browse, world):
    from tests.factories import UnitFactory

    team = UnitFactory(organization=world.org, parent=world.home_care, code="natt", kind="avdeling",
                       name="Nattpatruljen")
    ActionFactory(goal=world.goal, responsible_unit=team, title="Nattpatruljens tiltak")
    ActionFactory(goal=world.goal, responsible_unit=world.nursing_home,
                  title="Sykehjemmets tiltak")
    ActionFactory(goal=world.goal, responsible_unit=world.school,
                  responsible_person=world.unit_manager, title="Mitt eget i skolen")
    titles = {a.title for a in browse("unit_manager").get(reverse("actions:mine"))
              .context["page"].object_list}
    assert {"Nattpatruljens tiltak", "Mitt eget i skolen", world.action.title} <= titles
    assert "Sykehjemmets tiltak" not in titles
