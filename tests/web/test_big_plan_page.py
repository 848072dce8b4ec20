"""The plan page of a plan with hundreds or thousands of tiltak (issue 18): its focus
areas as summaries that open one at a time, an opened big area's goals so too, the list
in focus paged; bounded HTML, and the same queries for a small plan as for a big one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from actions.models import Action
from reports.plan_views import FULL_ROWS, LIST_ROWS
from strategies.models import Plan
from tests.big_plans import grow_plan
from tests.factories import PlanFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

KB = 1024


def _rows(text: str) -> list[str]:
    """The titles of the tiltak rows on the page."""
    return re.findall(r'<tr><td><a class="ds-link" href="/tiltak/\d+/">([^<]*)</a>', text)


@pytest.fixture
def big(world: Any) -> dict[str, Any]:
    """660 tiltak: area 1 has 400 under four goals and 20 of its own, area 2 has 150, area
    3 has 30; and 60 on the whole plan."""
    plan = PlanFactory(organization=world.org, title="Stor plan")
    made = grow_plan(plan, world.home_care, [[100] * 4, [50] * 3, [30]], plan_wide=60,
                 area_own=20)
    return {"plan": plan, "url": reverse("strategies:plan-detail", args=[plan.pk]), **made}


def test_a_big_plan_shows_its_focus_areas_as_summaries_that_open(browse, big):
    response = browse("reader").get(big["url"])
    text = response.text
    assert response.status_code == 200
    rows = _rows(text)
    # The plan-wide list is the page's focus: its first page; no area's tiltak.
    assert len(rows) == LIST_ROWS and all(row.startswith("Planens tiltak") for row in rows)
    assert "Viser 1–50 av 60 tiltak." in text
    assert 'href="?page=2#hele-planen"' in text
    for area in big["areas"]:
        assert f'id="fa-{area.pk}"' in text
        assert f'href="{big["url"]}?area={area.pk}#fa-{area.pk}"' in text
    assert "420 tiltak" in text and "136 forsinket" in text  # area 1's figures
    assert 'id="mal-' not in text  # no goal until an area is opened
    assert len(text.encode()) < 80 * KB


def test_the_next_page_of_the_plan_wide_list_has_the_rest(browse, big):
    rows = _rows(browse("reader").get(big["url"], {"page": 2}).text)
    assert len(rows) == 10 and all(row.startswith("Planens tiltak") for row in rows)


def test_an_opened_area_of_up_to_150_tiltak_is_shown_whole(browse, big):
    area = big["areas"][1]
    text = browse("reader").get(big["url"], {"area": area.pk}).text
    rows = _rows(text)
    assert len(rows) == 150 <= FULL_ROWS
    assert all(row.startswith("2.") for row in rows)
    assert text.count('class="pp-goal" id="mal-') == 3
    # The others stay summaries; the plan-wide list is a line that leads back to it.
    assert f'href="{big["url"]}?area={big["areas"][0].pk}#fa-{big["areas"][0].pk}"' in text
    assert f'href="{big["url"]}#hele-planen"' in text and "Planens tiltak" not in text
    assert f'href="{big["url"]}#fa-{area.pk}"' in text  # close the area
    assert len(text.encode()) < 150 * KB


def test_an_opened_big_area_shows_its_goals_as_summaries(browse, big):
    area = big["areas"][0]
    text = browse("reader").get(big["url"], {"area": area.pk}).text
    rows = _rows(text)
    # Its own list is the focus now (paged); the goals are summaries that open.
    assert len(rows) == 20 and all(row.startswith("Områdets tiltak") for row in rows)
    goals = [goal for goal in big["goals"] if goal.focus_area_id == area.pk]
    for goal in goals:
        assert f'class="pp-goal pp-summary" id="mal-{goal.pk}"' in text
        assert f'href="{big["url"]}?goal={goal.pk}#mal-{goal.pk}"' in text
    assert "100 tiltak" in text
    assert len(text.encode()) < 60 * KB


def test_an_opened_goal_shows_its_tiltak_a_page_at_a_time(browse, big):
    goal = big["goals"][1]
    client = browse("reader")
    first = client.get(big["url"], {"goal": goal.pk}).text
    rows = _rows(first)
    assert len(rows) == LIST_ROWS and all(row.startswith("1.2.") for row in rows)
    assert "Viser 1–50 av 100 tiltak." in first
    assert f'href="?goal={goal.pk}&amp;page=2#mal-{goal.pk}"' in first
    # Its siblings are summaries, the area's own list a line.
    assert first.count('class="pp-goal pp-summary"') == 3
    assert "Områdets tiltak" not in first
    second = _rows(client.get(big["url"], {"goal": goal.pk, "page": 2}).text)
    assert len(second) == LIST_ROWS and not set(rows) & set(second)


def test_the_filters_work_in_an_opened_part_and_are_kept_by_its_links(browse, big):
    area = big["areas"][0]
    goal = big["goals"][0]
    text = browse("reader").get(big["url"], {"area": area.pk, "overdue": "on"}).text
    # 136 overdue under area 1's goals and none of its own: the area fits, so it is whole.
    assert len(_rows(text)) == 4 * 34
    assert "Viser 197 av 660 tiltak." in text  # the filter counts over the whole plan
    assert f'<input type="hidden" name="area" value="{area.pk}">' in text
    goal_text = browse("reader").get(big["url"], {"goal": goal.pk, "status": "in_progress"})
    assert f'href="{big["url"]}?status=in_progress&amp;area=' in goal_text.text


def test_an_unknown_area_or_goal_shows_the_summaries(browse, big, other_plan):
    text = browse("reader").get(big["url"], {"area": other_plan.focus_area_id,
                                             "goal": "x"}).text
    assert len(_rows(text)) == LIST_ROWS
    assert all(row.startswith("Planens tiltak") for row in _rows(text))


def test_a_plan_of_5000_tiltak_stays_under_150_kb_on_every_view(browse, world):
    plan = PlanFactory(organization=world.org, title="Kjempeplan")
    made = grow_plan(plan, world.home_care, [[10] * 50] * 10, plan_wide=20)
    assert Action.objects.filter(plan=plan).count() == 5020
    url = reverse("strategies:plan-detail", args=[plan.pk])
    client = browse("admin")
    for params in ({}, {"area": made["areas"][3].pk}, {"goal": made["goals"][7].pk}):
        response = client.get(url, params)
        assert response.status_code == 200
        assert len(response.content) < 150 * KB, params
        assert len(_rows(response.text)) <= LIST_ROWS
    public = browse(None)
    Plan.objects.filter(pk=plan.pk).update(is_public=True)
    response = public.get(reverse("strategies:public-plan-detail", args=[plan.pk]))
    assert len(response.content) < 150 * KB


def test_the_plan_page_runs_the_same_queries_for_a_small_and_a_big_plan(browse, world):
    small = PlanFactory(organization=world.org, title="Liten plan")
    grow_plan(small, world.home_care, [[2, 2], [2]], plan_wide=1, area_own=1)
    big = PlanFactory(organization=world.org, title="Stor plan")
    made = grow_plan(big, world.home_care, [[200] * 2, [200] * 2], plan_wide=80, area_own=30)
    client = browse("admin")

    def page(plan: Plan, **params: Any) -> Any:
        return client.get(reverse("strategies:plan-detail", args=[plan.pk]), params)

    page(small)  # warm: content types, the session
    queries = count_queries(lambda: page(small))
    assert count_queries(lambda: page(big)) == queries
    assert count_queries(lambda: page(big, area=made["areas"][0].pk)) == queries
    assert count_queries(lambda: page(big, goal=made["goals"][1].pk, page=2)) == queries
    assert count_queries(lambda: page(big, page=2, overdue="on")) == queries


def test_the_public_page_of_a_big_plan_opens_its_areas_too(browse, big):
    Plan.objects.filter(pk=big["plan"].pk).update(is_public=True)
    url = reverse("strategies:public-plan-detail", args=[big["plan"].pk])
    overview = browse(None).get(url).text
    area = big["areas"][2]
    assert f'href="{url}?area={area.pk}#fa-{area.pk}"' in overview
    opened = browse(None).get(url, {"area": area.pk}).text
    assert len(re.findall(r"<tr><td>3\.1\.\d+ Tiltak 2-0-", opened)) == 30  # no links

