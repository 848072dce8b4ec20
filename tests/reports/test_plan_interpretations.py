"""The "tolket" markers on the plan page and in the plan admin: the kommune's
administrators see each next to what it concerns, and the plan's own as a list; no other
role, no other kommune and no public page shows them, in a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from actions.interpretations import record_interpretation
from planportal.models import Organization
from strategies.models import Plan
from tests.factories import ActionFactory, GoalFactory, IndicatorFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

REASONS = {
    "plan": "Planen er ikke vedtatt: datoen for politisk behandling mangler.",
    "focus_area": "Tabellen har bare en overskrift.",
    "goal": "Delmålet gjentar kapittelets punkt med andre ord.",
    "indicator": "Dokumentet oppgir ikke målår; sluttåret er brukt.",
    "action": "«Utarbeides» er lest som pågår.",
}


@pytest.fixture
def marked(world):
    """The world's plan with one marker on itself and on each kind of object in it."""
    indicator = IndicatorFactory(goal=world.goal, name="Sykefravær")
    targets = {"plan": {}, "focus_area": {"focus_area": world.goal.focus_area},
               "goal": {"goal": world.goal}, "indicator": {"indicator": indicator},
               "action": {"action": world.action}}
    fields = {"indicator": "target_year", "action": "status"}
    for kind, reason in REASONS.items():
        record_interpretation(actor=world.admin, plan=world.plan, reason=reason,
                              field=fields.get(kind, ""), **targets[kind])
    return world


def page(user, plan, *, public=False) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    name = "strategies:public-plan-detail" if public else "strategies:plan-detail"
    response = client.get(reverse(name, args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_kommunes_administrator_sees_each_marker_next_to_what_it_concerns(marked):
    html = page(marked.admin, marked.plan)
    for reason in REASONS.values():
        assert html.count(reason) == 1, reason
    # The plan's own markers are a list of their own, under a heading.
    section = re.search(r'<section aria-labelledby="tolket".*?</section>', html, re.S).group()
    assert '<h2 class="ds-heading" data-size="sm" id="tolket">Tolket</h2>' in section
    assert REASONS["plan"] in section and REASONS["goal"] not in section
    # The others sit with their object: the goal under its heading, the indicator in its
    # row, the action in its row, each as a tag that opens to the reason.
    goal_block = html[html.index(f">{marked.goal}</h3>"):]
    assert goal_block.index(REASONS["goal"]) < goal_block.index("Sykefravær")
    # The indicator's name links to its page (the row's first cell).
    indicator_row = re.search(r"<tr>\s*<th scope=\"row\">(?:(?!</tr>).)*?Sykefravær.*?</tr>",
                              html, re.S).group()
    assert REASONS["indicator"] in indicator_row and "målår" in indicator_row  # the field
    action_row = re.search(rf"<tr><td>.*?{marked.action.title}.*?</tr>", html, re.S).group()
    assert REASONS["action"] in action_row
    assert html.count('<summary><span class="ds-tag" data-color="warning">Tolket</span>') == 4


@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager", "reader"])
def test_no_other_role_of_the_kommune_sees_the_markers(marked, persona):
    html = page(marked.persona(persona), marked.plan)
    assert marked.action.title in html
    assert "Tolket" not in html
    assert not any(reason in html for reason in REASONS.values())


def test_neither_another_kommune_nor_the_public_page_shows_them(marked):
    Plan.objects.filter(pk=marked.plan.pk).update(is_public=True)
    for html in (page(marked.other_admin, marked.plan), page(None, marked.plan, public=True),
                 page(marked.admin, marked.plan, public=True)):
        assert marked.action.title in html
        assert "Tolket" not in html
        assert not any(reason in html for reason in REASONS.values())


def test_a_nynorsk_kommune_reads_tolka(marked):
    Organization.objects.filter(pk=marked.org.pk).update(language="nn")
    marked.admin.refresh_from_db()
    html = page(marked.admin, marked.plan)
    assert '<h2 class="ds-heading" data-size="sm" id="tolket">Tolka</h2>' in html
    assert "Tolket" not in html


def test_the_markers_cost_the_same_queries_for_one_goal_as_for_many(marked):
    client = Client()
    client.force_login(marked.admin)
    url = reverse("strategies:plan-detail", args=[marked.plan.pk])

    def add(n):
        for i in range(n):
            goal = GoalFactory(focus_area=marked.goal.focus_area)
            action = ActionFactory(goal=goal)
            record_interpretation(actor=marked.admin, plan=marked.plan, reason=f"Mål {i}",
                                  goal=goal)
            record_interpretation(actor=marked.admin, plan=marked.plan, reason=f"Tiltak {i}",
                                  action=action)

    assert_constant_queries(add, lambda: client.get(url))


def test_the_plan_admin_lists_the_markers_to_the_kommunes_administrators_only(marked):
    change = reverse("admin:strategies_plan_change", args=[marked.plan.pk])
    for user in (marked.admin, marked.sector_leader):
        user.is_staff = True
        user.save()
    client = Client()
    client.force_login(marked.admin)
    html = client.get(change).content.decode()
    assert all(reason in html for reason in REASONS.values())
    client.force_login(marked.sector_leader)
    response = client.get(change)
    assert response.status_code == 200  # the plan itself, read-only
    assert not any(reason in response.content.decode() for reason in REASONS.values())
