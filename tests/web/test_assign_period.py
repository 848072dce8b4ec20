"""The assign pages take a date or a period text ("løpende", "2025–2026", "2. tertial
2026"), as the importer reads the Tid column: a signed-in browser session with CSRF."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from actions.models import Action
from tests.factories import ActionFactory
from tests.login_helpers import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(world):
    """The sector leader's browser, signed in through the login page, CSRF enforced."""
    client = logged_in(world.sector_leader)
    client.handler.enforce_csrf_checks = True
    return client


def csrf(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def waiting(world):
    world.action.delete()
    return ActionFactory(goal=world.goal, title="Uten frist", responsible_unit=world.home_care,
                         responsible_person=world.unit_manager)


def test_a_post_without_the_csrf_token_is_refused(leader, world, waiting):
    url = reverse("actions:assign-one", args=[waiting.pk])
    response = leader.post(url, {"version": 1, "responsible_unit": world.home_care.pk,
                                 "period_text": "løpende"})
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.period_text == ""


def test_løpende_on_the_single_page_makes_the_tiltak_continuous_and_it_leaves_the_queue(
        leader, world, waiting):
    url = reverse("actions:assign-one", args=[waiting.pk])
    response = leader.post(url, {
        "csrfmiddlewaretoken": csrf(leader, url), "version": 1,
        "responsible_unit": world.home_care.pk, "responsible_person": world.unit_manager.pk,
        "due_date": "", "period_text": "løpende"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.period_text, waiting.due_date, waiting.continuous) == (
        "løpende", None, True)
    queue = leader.get(reverse("actions:assign")).context["unassigned"]
    assert waiting.pk not in {a.pk for a in queue}


def test_a_period_with_an_end_sets_the_start_and_deadline(leader, world, waiting):
    url = reverse("actions:assign-one", args=[waiting.pk])
    response = leader.post(url, {
        "csrfmiddlewaretoken": csrf(leader, url), "version": 1,
        "responsible_unit": world.home_care.pk, "responsible_person": world.unit_manager.pk,
        "period_text": "2. tertial 2026"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.start_date, waiting.due_date, waiting.period_text) == (
        date(2026, 5, 1), date(2026, 8, 31), "2. tertial 2026")


def test_a_new_period_replaces_the_deadline_the_old_one_gave(leader, world, waiting):
    waiting.due_date, waiting.period_text = date(2026, 8, 31), "2. tertial 2026"
    waiting.save()
    url = reverse("actions:assign-one", args=[waiting.pk])
    page = leader.get(url)
    assert 'value="2. tertial 2026"' in page.text
    response = leader.post(url, {
        "csrfmiddlewaretoken": csrf(leader, url), "version": 1,
        "responsible_unit": world.home_care.pk, "responsible_person": world.unit_manager.pk,
        "due_date": "2026-08-31", "period_text": "fra 2025"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.due_date, waiting.start_date, waiting.continuous) == (
        None, date(2025, 1, 1), True)


def test_an_unreadable_period_is_a_field_error_and_nothing_is_saved(leader, world, waiting):
    url = reverse("actions:assign-one", args=[waiting.pk])
    response = leader.post(url, {
        "csrfmiddlewaretoken": csrf(leader, url), "version": 1,
        "responsible_unit": world.home_care.pk, "period_text": "når det passer"})
    assert response.status_code == 400
    assert 'id="id_period_text_error"' in response.text
    assert "Perioden kunne ikke leses" in response.text
    assert 'value="når det passer"' in response.text
    waiting.refresh_from_db()
    assert waiting.version == 1


def test_the_bulk_form_gives_the_selected_tiltak_a_period(leader, world, waiting):
    other = ActionFactory(goal=world.goal, title="Uten ansvar")
    url = reverse("actions:assign")
    response = leader.post(reverse("actions:assign-bulk"), {
        "csrfmiddlewaretoken": csrf(leader, url),
        "actions": [waiting.pk, other.pk], f"versjon-{waiting.pk}": 1,
        f"versjon-{other.pk}": 1, "responsible_unit": world.nursing_home.pk,
        "period_text": "2025–2026"})
    assert response.status_code == 302
    for action in (waiting, other):
        action.refresh_from_db()
        assert (action.due_date, action.period_text) == (date(2026, 12, 31), "2025–2026")
    assert waiting.responsible_unit == world.nursing_home


def test_the_bulk_form_with_løpende_empties_the_queue_of_assigned_tiltak(leader, world,
                                                                       waiting):
    url = reverse("actions:assign")
    response = leader.post(reverse("actions:assign-bulk"), {
        "csrfmiddlewaretoken": csrf(leader, url), "actions": [waiting.pk],
        f"versjon-{waiting.pk}": 1, "period_text": "løpende"})
    assert response.status_code == 302
    assert Action.objects.get(pk=waiting.pk).continuous
    page = leader.get(url)
    assert page.context["unassigned"] == []


def test_the_bulk_form_refuses_an_unreadable_period_on_its_field(leader, world, waiting):
    url = reverse("actions:assign")
    response = leader.post(reverse("actions:assign-bulk"), {
        "csrfmiddlewaretoken": csrf(leader, url), "actions": [waiting.pk],
        f"versjon-{waiting.pk}": 1, "period_text": "snart"})
    assert response.status_code == 400
    assert 'id="id_period_text_error"' in response.text
    waiting.refresh_from_db()
    assert (waiting.period_text, waiting.version) == ("", 1)


def test_the_queue_shows_løpende_for_a_continuous_tiltak_missing_a_person(leader, world,
                                                                        waiting):
    ActionFactory(goal=world.goal, title="Løpende uten person",
                  responsible_unit=world.home_care, period_text="løpende", continuous=True)
    page = leader.get(reverse("actions:assign"))
    row = page.text[page.text.index("Løpende uten person"):]
    assert '<span class="ds-tag" data-color="info">Løpende</span>' in row[:2000]
