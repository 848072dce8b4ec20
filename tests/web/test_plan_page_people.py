"""Names stay inside the kommune on the plan pages (issue 14, item 3).

A public plan is read by the public and by other kommuner's staff alike: only the plan's
own kommune sees who is responsible (``planportal.permissions.sees_people``), on the plan
page, its htmx filter fragment and the public page, as in the API and the reports.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from actions.models import Action
from strategies.models import Plan
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, StatusUpdateFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

EMAIL = "kari.lovas@testkommune.no"


@pytest.fixture
def public_plan_with_a_person(world: Any) -> Any:
    """The world's plan made public; its action's responsible person is Kari Løvås."""
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    person = world.unit_manager
    person.first_name, person.last_name, person.email = "Kari", "Løvås", EMAIL
    person.save()
    Action.objects.filter(pk=world.action.pk).update(responsible_person=person)
    StatusUpdateFactory(action=world.action, author=world.sector_leader, comment="I rute")
    return world.plan


def assert_no_person(text: str, world: Any) -> None:
    for leak in ("Løvås", EMAIL, world.unit_manager.username, world.sector_leader.username,
                 world.sector_leader.email):
        assert leak not in text, leak


def test_another_kommunes_staff_see_no_names_on_a_public_plans_page(
    browse, world, public_plan_with_a_person
):
    response = browse("other_admin").get(
        reverse("strategies:plan-detail", args=[world.plan.pk]))
    assert response.status_code == 200
    assert world.action.title in response.text and world.home_care.name in response.text
    assert_no_person(response.text, world)


def test_another_kommunes_staff_see_no_names_in_the_plan_pages_htmx_filter_fragment(
    browse, world, public_plan_with_a_person
):
    url = reverse("strategies:plan-detail", args=[world.plan.pk])
    response = browse("other_admin").get(url, {"unit": world.home_care.pk},
                                         headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert world.action.title in response.text
    assert_no_person(response.text, world)


def test_another_kommunes_staff_keep_the_links_to_the_action_pages(
    browse, world, public_plan_with_a_person
):
    text = browse("other_admin").get(
        reverse("strategies:plan-detail", args=[world.plan.pk])).text
    assert reverse("actions:detail", args=[world.action.pk]) in text


def test_the_plans_own_kommune_still_sees_the_responsible_person(
    browse, world, public_plan_with_a_person
):
    text = browse("reader").get(reverse("strategies:plan-detail", args=[world.plan.pk])).text
    assert "Kari Løvås" in text


@pytest.mark.parametrize("persona", [None, "other_admin", "reader"])
def test_the_public_plan_page_shows_no_names_to_anyone(
    browse, world, public_plan_with_a_person, persona
):
    response = browse(persona).get(
        reverse("strategies:public-plan-detail", args=[world.plan.pk]))
    assert response.status_code == 200
    assert world.action.title in response.text
    assert_no_person(response.text, world)


def test_another_kommunes_staff_see_no_names_on_the_action_page_either(
    browse, world, public_plan_with_a_person
):
    text = browse("other_admin").get(reverse("actions:detail", args=[world.action.pk])).text
    assert world.action.title in text and "I rute" in text
    assert_no_person(text, world)


def test_mine_tiltak_of_another_kommunes_staff_shows_nothing_of_the_public_plan(
    browse, world, public_plan_with_a_person
):
    text = browse("other_admin").get(reverse("actions:mine")).text
    assert world.action.title not in text
    assert_no_person(text, world)


def test_the_outsiders_plan_page_runs_a_constant_number_of_queries(
    browse, world, public_plan_with_a_person
):
    client = browse("other_admin")
    url = reverse("strategies:plan-detail", args=[world.plan.pk])

    def add(n: int) -> None:
        for _ in range(n):
            ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=world.plan)),
                          responsible_unit=world.home_care,
                          responsible_person=world.unit_manager)

    assert_constant_queries(add, lambda: client.get(url))
    assert_no_person(client.get(url).text, world)
