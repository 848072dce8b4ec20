"""Fordel ansvar at a big kommune's size: 50 to a page with the total, filters kept in the
URL, "select all on this page", and the bulk fields before the list (issue 18)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from actions.models import Action
from actions.queues import PAGE_SIZE
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _rows(text: str) -> list[str]:
    return re.findall(r'name="actions" value="(\d+)"', text)


@pytest.fixture
def many(world):
    """120 unassigned tiltak in the leader's sector, and 3 in a second plan."""
    world.action.delete()
    made = [ActionFactory(goal=world.goal, title=f"Tiltak nr. {n:03d} – åpne møter",
                          responsible_unit=world.home_care) for n in range(120)]
    other = PlanFactory(organization=world.org, title="Folkehelseplan")
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=other))
    extra = [ActionFactory(goal=goal, title=f"Folkehelse {n}",
                           responsible_unit=world.nursing_home) for n in range(3)]
    return {"made": made, "other_plan": other, "extra": extra}


def test_the_queue_shows_fifty_rows_a_page_and_the_total(browse, many):
    client = browse("sector_leader")
    first = client.get(reverse("actions:assign")).text
    assert len(_rows(first)) == PAGE_SIZE
    assert "Viser 1–50 av 123 tiltak." in first
    assert "Side 1 av 3" in first
    last = client.get(reverse("actions:assign") + "?page=3").text
    assert len(_rows(last)) == 23
    everything = set()
    for page in (1, 2, 3):
        everything |= set(_rows(client.get(reverse("actions:assign") + f"?page={page}").text))
    assert len(everything) == 123


def test_a_filter_narrows_the_list_and_the_page_links_keep_it(browse, many):
    client = browse("sector_leader")
    plan = many["other_plan"]
    text = client.get(reverse("actions:assign") + f"?plan={plan.pk}").text
    assert sorted(_rows(text)) == sorted(str(a.pk) for a in many["extra"])
    # The focus area and goal choices appear once a plan is chosen.
    assert 'name="goal"' in text and 'name="focus_area"' in text
    unit = client.get(reverse("actions:assign") + f"?unit={many['extra'][0].responsible_unit_id}")
    assert len(_rows(unit.text)) == 3
    paged = client.get(reverse("actions:assign") + "?status=not_started").text
    assert "status=not_started" in re.search(r'rel="next" href="([^"]+)"', paged).group(1)


def test_an_unknown_filter_value_is_an_error_on_its_field_and_filters_nothing(browse, many):
    text = browse("sector_leader").get(reverse("actions:assign") + "?plan=999999").text
    assert 'id="id_plan_error"' in text or "Velg et gyldig valg" in text
    assert len(_rows(text)) == PAGE_SIZE


def test_select_all_checks_every_row_of_this_page_only(browse, many):
    client = browse("sector_leader")
    text = client.get(reverse("actions:assign") + "?page=2&select=page").text
    checked = re.findall(r'name="actions" value="(\d+)" id="[^"]+" checked', text)
    assert len(checked) == PAGE_SIZE == len(_rows(text))
    assert "Fjern markeringen" in text


def test_the_bulk_fields_come_before_the_rows(browse, many):
    text = browse("sector_leader").get(reverse("actions:assign")).text
    assert text.index('name="responsible_unit"') < text.index('name="actions"')


def test_assigning_a_page_keeps_the_filters_and_assigns_only_the_chosen(browse, world, many):
    client = browse("sector_leader")
    plan = many["other_plan"]
    chosen = many["extra"][:2]
    data = {"actions": [a.pk for a in chosen], "due_date": "2030-06-30",
            "queue": f"plan={plan.pk}&select=page",
            **{f"versjon-{a.pk}": a.version for a in chosen}}
    answer = client.post(reverse("actions:assign-bulk"), data)
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"?plan={plan.pk}")
    assert set(Action.objects.filter(due_date__isnull=False).values_list("pk", flat=True)) == {
        a.pk for a in chosen}


def test_the_queue_runs_the_same_queries_for_few_and_many_tiltak(browse, world):
    client = browse("sector_leader")
    world.action.delete()

    def add(n: int) -> None:
        for _ in range(n):
            ActionFactory(goal=world.goal, responsible_unit=world.home_care)

    assert_constant_queries(add, lambda: client.get(reverse("actions:assign")), few=2, many=70)
