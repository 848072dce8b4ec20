"""Fordel ansvar: what a sector leader sees, assigning one action and several at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action
from tests.factories import ActionFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_actions(world):
    """Two unassigned actions, one in Oppvekst (not the leader's sector), one overdue."""
    world.action.delete()
    return {
        "free": ActionFactory(goal=world.goal, title="Uten ansvar"),
        "no_deadline": ActionFactory(goal=world.goal, title="Uten frist",
                                     responsible_unit=world.home_care,
                                     responsible_person=world.unit_manager),
        "school": ActionFactory(goal=world.goal, title="Skolens tiltak",
                                responsible_unit=world.school),
        "overdue": ActionFactory(goal=world.goal, title="Forsinket i sektoren",
                                 responsible_unit=world.nursing_home,
                                 responsible_person=world.unit_manager,
                                 due_date=timezone.localdate() - timedelta(days=5)),
    }


def test_the_leader_sees_the_unassigned_actions_of_the_sector_only(browse, open_actions):
    text = browse("sector_leader").get(reverse("actions:assign")).text
    assert "Uten ansvar" in text and "Uten frist" in text
    assert "Skolens tiltak" not in text
    overdue_section = text[text.index('id="forsinkede"'):]
    assert "Vis det 1 forsinkede tiltaket" in overdue_section
    # The link lists them: every open tiltak of the sector, overdue only.
    listed = browse("sector_leader").get(reverse("actions:assign") + "?show=all&overdue=on").text
    assert "Forsinket i sektoren" in listed and "Uten ansvar" not in listed


def test_a_unit_manager_or_reader_has_nothing_to_assign(browse, open_actions):
    for persona in ("unit_manager", "reader", "other_admin"):
        text = browse(persona).get(reverse("actions:assign")).text
        assert "Uten ansvar" not in text


@pytest.mark.parametrize("persona", ["unit_manager", "reader"])
def test_someone_who_may_not_assign_is_refused_not_told_all_is_assigned(browse, open_actions,
                                                                       persona):
    """Issue 17, item 9: a reader was told "Alle tiltak i ditt område har enhet, person og
    frist" while the kommune had unassigned tiltak."""
    client = browse(persona)
    page = client.get(reverse("actions:assign"))
    assert page.status_code == 403
    assert "har enhet, person og frist" not in page.text
    bulk = client.post(reverse("actions:assign-bulk"),
                       {"actions": [open_actions["free"].pk], "due_date": "2030-01-01"})
    assert bulk.status_code == 403
    open_actions["free"].refresh_from_db()
    assert open_actions["free"].due_date is None


def test_assigning_one_action_sets_the_deadline_through_the_service(browse, world,
                                                                   open_actions):
    action = open_actions["no_deadline"]
    url = reverse("actions:assign-one", args=[action.pk])
    client = browse("sector_leader")
    page = client.get(url)
    assert page.status_code == 200
    assert f'<option value="{world.home_care.pk}" selected>' in page.text
    assert f'value="{world.school.pk}"' not in page.text  # outside the leader's sector
    response = client.post(url, {"version": 1, "responsible_unit": world.home_care.pk,
                                 "responsible_person": world.unit_manager.pk,
                                 "due_date": "2027-06-30"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_date == date(2027, 6, 30)
    assert action.version == 2


def test_a_person_without_a_unit_is_refused_on_the_unit_field(browse, world, open_actions):
    action = open_actions["free"]
    response = browse("sector_leader").post(
        reverse("actions:assign-one", args=[action.pk]),
        {"version": 1, "responsible_person": world.unit_manager.pk},
    )
    assert response.status_code == 400
    assert 'id="id_responsible_unit_error"' in response.text
    action.refresh_from_db()
    assert action.responsible_person is None


def test_a_stale_assignment_keeps_the_typed_values(browse, world, open_actions):
    action = open_actions["free"]
    services.assign_action(actor=world.admin, action=action, expected_version=1,
                           responsible_unit=world.nursing_home)
    response = browse("sector_leader").post(
        reverse("actions:assign-one", args=[action.pk]),
        {"version": 1, "responsible_unit": world.home_care.pk, "due_date": "2028-01-15"},
    )
    assert response.status_code == 400
    assert 'value="2028-01-15"' in response.text
    assert f'<option value="{world.home_care.pk}" selected>' in response.text
    assert 'name="version" value="2"' in response.text
    action.refresh_from_db()
    assert action.responsible_unit == world.nursing_home


def test_the_unit_manager_cannot_open_the_assign_form(browse, open_actions):
    url = reverse("actions:assign-one", args=[open_actions["free"].pk])
    assert browse("unit_manager").get(url).status_code == 404


def test_several_actions_get_a_deadline_at_once_and_keep_their_units(browse, world,
                                                                     open_actions):
    free, no_deadline = open_actions["free"], open_actions["no_deadline"]
    response = browse("sector_leader").post(reverse("actions:assign-bulk"), {
        "actions": [free.pk, no_deadline.pk],
        f"versjon-{free.pk}": 1, f"versjon-{no_deadline.pk}": 1,
        "responsible_unit": world.nursing_home.pk,
        "due_date": "2027-12-31",
    })
    assert response.status_code == 302
    free.refresh_from_db()
    no_deadline.refresh_from_db()
    assert (free.responsible_unit, free.due_date) == (world.nursing_home, date(2027, 12, 31))
    assert no_deadline.due_date == date(2027, 12, 31)
    assert no_deadline.responsible_person == world.unit_manager  # blank keeps it


def test_bulk_assign_is_all_or_nothing_and_names_the_failing_action(browse, world,
                                                                    open_actions):
    free, no_deadline = open_actions["free"], open_actions["no_deadline"]
    services.assign_action(actor=world.admin, action=no_deadline, expected_version=1,
                           responsible_unit=world.home_care,
                           responsible_person=world.unit_manager)
    response = browse("sector_leader").post(reverse("actions:assign-bulk"), {
        "actions": [free.pk, no_deadline.pk],
        f"versjon-{free.pk}": 1, f"versjon-{no_deadline.pk}": 1,
        "due_date": "2027-12-31",
    })
    assert response.status_code == 409
    assert "Uten frist" in response.text and "Ingenting ble lagret" in response.text
    free.refresh_from_db()
    assert free.due_date is None and free.version == 1


def test_bulk_assign_needs_a_selection_and_a_value(browse, open_actions):
    response = browse("sector_leader").post(reverse("actions:assign-bulk"), {})
    assert response.status_code == 400
    assert "Velg minst ett tiltak." in response.text
    assert 'href="#id_actions_0"' in response.text  # the summary leads to the first box
    assert 'id="id_actions_0"' in response.text


def test_the_assign_page_runs_a_constant_number_of_queries(browse, world):
    client = browse("sector_leader")

    def add(n):
        for i in range(n):
            ActionFactory(goal=world.goal, responsible_unit=world.home_care if i % 2 else None,
                          due_date=timezone.localdate() - timedelta(days=1) if i % 3 else None)

    assert_constant_queries(add, lambda: client.get(reverse("actions:assign")))
    assert Action.objects.count() > 10
