"""The plan page and plan list: the plan's level, parent, sub-plans and UN goals, and per
goal the golden thread both ways, in fixed queries and only into plans the reader may read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from strategies.models import Plan
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.queries import assert_constant_queries
from tests.thread_helpers import link_all, thread_plans

pytestmark = pytest.mark.django_db


def page(client, plan, *, public=False):
    name = "strategies:public-plan-detail" if public else "strategies:plan-detail"
    response = client.get(reverse(name, args=[plan.pk]))
    assert response.status_code == 200
    return response.text


def goal_block(html, goal):
    """The plan page's part for one goal: from its anchor to the next goal's."""
    start = html.index(f'id="mal-{goal.pk}"')
    end = html.find('class="pp-goal"', start)
    return html[start:end if end != -1 else len(html)]


def test_a_goal_shows_what_it_contributes_to_and_what_contributes_to_it(browse, world):
    plans = link_all(world, thread_plans(world))
    block = goal_block(page(browse("reader"), world.plan), world.goal)
    above = reverse("strategies:plan-detail", args=[plans.community.pk])
    assert f'href="{above}#mal-{plans.community_goal.pk}"' in block
    assert "1.1 Gode liv i hele kommunen" in block and "Kommuneplanens samfunnsdel" in block
    # From below: the handlingsplan's goal (its tiltak's mean progress) and its tiltak.
    lower = reverse("strategies:plan-detail", args=[plans.action_plan.pk])
    assert f'href="{lower}#mal-{plans.action_goal.pk}"' in block
    assert "H1 Flere får hjelp tidlig" in block
    assert f'href="{reverse("actions:detail", args=[plans.action.pk])}"' in block
    assert "Åpne en frisklivssentral" in block
    assert block.count('value="40"') == 2
    assert block.count("Handlingsplan helse 2026") == 2  # each row links its plan


def test_the_lower_and_higher_plans_show_the_thread_from_their_side(browse, world):
    plans = link_all(world, thread_plans(world))
    client = browse("reader")
    top = goal_block(page(client, plans.community), plans.community_goal)
    assert world.goal.title in top and plans.action_goal.title not in top
    bottom = goal_block(page(client, plans.action_plan), plans.action_goal)
    assert world.goal.title in bottom
    assert plans.community_goal.title not in bottom  # not linked directly


def test_a_goal_without_links_shows_no_thread(browse, world):
    thread_plans(world)
    assert "pp-goal-thread" not in page(browse("reader"), world.plan)


def test_the_public_page_shows_only_links_into_public_plans(browse, world):
    plans = link_all(world, thread_plans(world))
    Plan.objects.filter(pk__in=[world.plan.pk, plans.action_plan.pk]).update(is_public=True)
    block = goal_block(page(browse(None), world.plan, public=True), world.goal)
    # The samfunnsdel is not public: neither its goal nor its title is shown.
    assert "Gode liv i hele kommunen" not in block and "samfunnsdel" not in block
    public_lower = reverse("strategies:public-plan-detail", args=[plans.action_plan.pk])
    assert f'href="{public_lower}#mal-{plans.action_goal.pk}"' in block
    # No tiltak page on the public site: the tiltak is named, not linked.
    assert "Åpne en frisklivssentral" in block
    assert reverse("actions:detail", args=[plans.action.pk]) not in block


def test_another_kommunes_reader_of_a_public_plan_sees_no_private_plan(browse, world):
    plans = link_all(world, thread_plans(world))
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    html = page(browse("other_admin"), world.plan)
    block = goal_block(html, world.goal)
    for private in (plans.community_goal.title, plans.action_goal.title, plans.action.title):
        assert private not in block
    # A member of the kommune reads every plan of it.
    assert plans.community_goal.title in page(browse("reader"), world.plan)


def test_the_plan_page_runs_the_same_queries_for_many_links(browse, world):
    plans = thread_plans(world)
    services_links = link_all(world, plans)
    client = browse("reader")
    lower_area = FocusAreaFactory(plan=plans.action_plan)
    sub_goals = []

    def add(n):
        for _ in range(n):
            goal = GoalFactory(focus_area=FocusAreaFactory(plan=world.plan))
            lower = GoalFactory(focus_area=lower_area)
            lower.contributes_to.set([goal, world.goal])
            ActionFactory(goal=lower, progress=10).contributes_to.set([goal])
            goal.contributes_to.set([services_links.community_goal])
            PlanFactory(organization=world.org, parent=world.plan, level=Plan.Level.ACTION)
            sub_goals.append(goal)

    assert_constant_queries(add, lambda: client.get(
        reverse("strategies:plan-detail", args=[world.plan.pk])), few=1, many=12)
    assert page(client, world.plan).count("pp-goal-thread") == 13


def test_the_plan_page_shows_its_level_parent_sub_plans_and_un_goals(browse, world):
    plans = thread_plans(world)
    Plan.objects.filter(pk=world.plan.pk).update(parent=plans.community)
    Plan.objects.filter(pk=plans.action_plan.pk).update(parent=world.plan)
    world.plan.sdgs.set([3, 17])
    html = page(browse("reader"), world.plan)
    place = html[html.index("pp-plan-place"):html.index("</dl>")]
    assert "Kommunedelplan eller temaplan" in place
    assert f'href="{reverse("strategies:plan-detail", args=[plans.community.pk])}"' in place
    assert f'href="{reverse("strategies:plan-detail", args=[plans.action_plan.pk])}"' in place
    assert "3. " in place and "17. " in place


def test_the_public_page_names_no_private_parent_or_sub_plan(browse, world):
    plans = thread_plans(world)
    Plan.objects.filter(pk=world.plan.pk).update(parent=plans.community, is_public=True)
    Plan.objects.filter(pk=plans.action_plan.pk).update(parent=world.plan)
    html = page(browse(None), world.plan, public=True)
    assert "Kommuneplanens samfunnsdel" not in html
    assert "Handlingsplan helse 2026" not in html
    Plan.objects.filter(pk=plans.action_plan.pk).update(is_public=True)
    html = page(browse(None), world.plan, public=True)
    public_sub = reverse("strategies:public-plan-detail", args=[plans.action_plan.pk])
    assert f'href="{public_sub}"' in html


def test_the_plan_list_shows_each_plans_level_and_readable_parent(browse, world):
    plans = thread_plans(world)
    Plan.objects.filter(pk=plans.action_plan.pk).update(parent=world.plan)
    Plan.objects.filter(pk=world.plan.pk).update(parent=plans.community)
    html = browse("reader").get(reverse("strategies:plan-list")).text
    assert "Handlingsplan" in html and "Samfunnsdel" in html.replace("samfunnsdel", "Samfunnsdel")
    assert html.count("Følger opp") == 2
    # The public list names no parent the public may not read.
    Plan.objects.filter(pk__in=[plans.action_plan.pk, world.plan.pk]).update(is_public=True)
    public = browse(None).get(reverse("strategies:public-plan-list")).text
    assert public.count("Følger opp") == 1  # the handlingsplan's parent is public, not its


def test_the_plan_list_runs_the_same_queries_for_many_plans(browse, world):
    client = browse("reader")

    def add(n):
        for _ in range(n):
            PlanFactory(organization=world.org, parent=world.plan, level=Plan.Level.ACTION)

    assert_constant_queries(add, lambda: client.get(reverse("strategies:plan-list")),
                            few=1, many=10)
