"""Mine tiltak's cards, built in Python (actions.cards): the same markup as the templates
the rest of the site uses, no status form until a card is opened, and a bounded page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from actions.cards import MineCardRenderer
from actions.models import Action
from actions.views import _mine_cards
from tests.factories import ActionFactory, FocusAreaFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db


def _flat(html: str) -> str:
    """Markup with the whitespace between tags left out (templates indent, Python not)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


@pytest.fixture
def variety(world):
    """Tiltak of every kind a card shows: overdue, each risk, no update, each level."""
    today = timezone.localdate()
    area = world.goal.focus_area
    made = [
        ActionFactory(goal=world.goal, responsible_unit=world.home_care, code="1.1.1",
                      title="Forsinket & <viktig> " + "lang tittel " * 8,
                      due_date=today - timedelta(days=3), status="in_progress", progress=35),
        ActionFactory(goal=None, focus_area=area, plan=area.plan, responsible_unit=None,
                      title="På området", period_text="2025–2026", status="postponed"),
        ActionFactory(goal=None, focus_area=None, plan=world.plan,
                      responsible_unit=world.home_care, title="Hele planen",
                      status="not_started"),
        ActionFactory(goal=world.goal, responsible_unit=world.home_care, title="Fullført",
                      status="completed", progress=100),
    ]
    for action, risk in zip(made, ("off_track", "at_risk", None, "on_track"), strict=True):
        if risk:
            StatusUpdateFactory(action=action, risk=risk, author=world.unit_manager)
    return made


def _loaded(world, actions):
    return list(_mine_cards(world.unit_manager).filter(pk__in=[a.pk for a in actions])
                .order_by("pk"))


def test_a_cards_state_and_place_are_what_the_templates_write(world, variety):
    request = RequestFactory().get("/")
    request.user = world.unit_manager
    with translation.override("nb"):
        cards = MineCardRenderer(request)
        for action in _loaded(world, variety):
            state = render_to_string("actions/_action_state.html",
                                     {"action": action, "show_updated": True})
            assert _flat(cards.state(action)) == _flat(state)
            place = render_to_string("actions/_placement.html",
                                     {"action": action, "style": "meta", "lang": ""})
            assert _flat(cards.placement(action, "")) == _flat(place)


def test_mine_tiltak_loads_a_cards_status_form_only_when_it_is_opened(browse, world):
    text = browse("unit_manager").get(reverse("actions:mine")).text
    pk = world.action.pk
    post_url = reverse("actions:post-status", args=[pk])
    assert f'name="tiltak-{pk}-status"' not in text and f'action="{post_url}"' not in text
    form_url = reverse("actions:status-form", args=[pk])
    assert f'hx-get="{form_url}" hx-trigger="toggle once"' in text
    # Without JavaScript the card links to the form on the action's page.
    assert f'href="{reverse("actions:detail", args=[pk])}#ny-status"' in text


def test_the_status_form_of_a_card_comes_as_the_panel_htmx_swaps_in(browse, world):
    client = browse("unit_manager")
    url = reverse("actions:status-form", args=[world.action.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f'id="statuspanel-{world.action.pk}"' in response.text
    assert f'name="tiltak-{world.action.pk}-version" value="{world.action.version}"' in (
        response.text)
    assert '<input type="hidden" name="visning" value="mine">' in response.text
    assert "csrfmiddlewaretoken" in response.text


def test_the_status_form_without_htmx_is_the_form_on_the_actions_page(browse, world):
    response = browse("unit_manager").get(
        reverse("actions:status-form", args=[world.action.pk]))
    assert response.status_code == 302
    assert response.url == reverse("actions:detail", args=[world.action.pk]) + "#ny-status"


def test_only_those_who_may_report_get_the_status_form(browse, world):
    url = reverse("actions:status-form", args=[world.action.pk])
    hx = {"HX-Request": "true"}
    assert browse("reader").get(url, headers=hx).status_code == 403
    assert browse("other_admin").get(url, headers=hx).status_code == 404
    assert browse(None).get(url, headers=hx).status_code == 302  # to the login


def test_a_full_page_of_cards_stays_small(browse, world):
    today = timezone.localdate()
    area = FocusAreaFactory(plan=world.plan)
    for n in range(60):
        ActionFactory(goal=world.goal if n % 2 else None, focus_area=area if n % 2 == 0 else None,
                      plan=world.plan, responsible_unit=world.home_care,
                      title=f"Tiltak nummer {n} med en tittel av vanlig lengde",
                      due_date=today + timedelta(days=n - 10))
    text = browse("unit_manager").get(reverse("actions:mine")).text
    cards = re.findall(r'<li id="tiltak-\d+" class="ds-card pp-card">.*?</li>', text, re.S)
    assert len(cards) == 50
    assert max(len(card.encode()) for card in cards) < 1600
    assert len(text.encode()) < 100 * 1024
    assert Action.objects.count() > 50
