"""Issue 17, item 9: every form that offers a tiltak's responsible person offers only
people with a role that may be responsible (not readers), grouped by unit
(actions.choices.people_choices)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from actions import services
from actions.choices import people_choices
from actions.models import Action
from planportal.models import Membership
from planportal.permissions import SYSTEM
from tests.factories import ActionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(user) -> str:
    return f"{user.first_name} {user.last_name}".strip() or user.username


def offered(groups: dict[str, list[str]]) -> set[str]:
    """Every person offered, whatever the group."""
    return {pk for people in groups.values() for pk in people}


def groups_in(html: str, select_name: str) -> dict[str, list[str]]:
    """The option groups of the select *select_name*: label → the options' values."""
    select = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={select_name}>"
    return {label: re.findall(r'<option value="(\d+)"', body)
            for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>',
                                          select.group(1), re.S)}


def test_readers_are_not_offered_and_each_person_is_grouped_under_his_unit(world):
    groups = dict(people_choices([world.org.pk])[world.org.pk])
    assert groups == {
        world.root.name: [(world.admin.pk, names(world.admin))],
        world.health.name: [(world.sector_leader.pk, names(world.sector_leader))],
        world.home_care.name: [(world.unit_manager.pk, names(world.unit_manager))],
    }


def test_a_person_with_several_roles_is_listed_once_under_the_most_specific_unit(world):
    MembershipFactory(user=world.unit_manager, unit=world.root, role=Membership.Role.ADMIN)
    inactive = UserFactory(is_active=False)
    MembershipFactory(user=inactive, unit=world.school, role=Membership.Role.UNIT_MANAGER)
    groups = people_choices([world.org.pk])[world.org.pk]
    listed = [pk for _unit, people in groups for pk, _name in people]
    assert listed.count(world.unit_manager.pk) == 1 and inactive.pk not in listed
    assert (world.unit_manager.pk, names(world.unit_manager)) in dict(groups)[
        world.home_care.name]


def test_assigning_one_offers_people_in_unit_groups_without_the_reader(world):
    client = Client()
    client.force_login(world.sector_leader)
    page = client.get(reverse("actions:assign-one", args=[world.action.pk]))
    groups = groups_in(page.text, "responsible_person")
    assert groups[world.home_care.name] == [str(world.unit_manager.pk)]
    assert str(world.reader.pk) not in offered(groups)


def test_a_reader_given_the_tiltak_before_is_kept_not_dropped_unasked(world):
    services.assign_action(actor=SYSTEM, action=world.action, expected_version=1,
                           responsible_unit=world.home_care, responsible_person=world.reader)
    client = Client()
    client.force_login(world.sector_leader)
    page = client.get(reverse("actions:assign-one", args=[world.action.pk]))
    groups = groups_in(page.text, "responsible_person")
    assert groups["Ansvarlig nå, uten en rolle som kan ha ansvar"] == [str(world.reader.pk)]
    assert f'<option value="{world.reader.pk}" selected>' in page.text


def test_the_bulk_form_offers_the_same_groups(world):
    ActionFactory(goal=world.goal, title="Uten ansvar")
    client = Client()
    client.force_login(world.sector_leader)
    groups = groups_in(client.get(reverse("actions:assign")).text, "responsible_person")
    assert groups[world.health.name] == [str(world.sector_leader.pk)]
    assert str(world.reader.pk) not in offered(groups)


def test_the_bulk_form_refuses_a_reader_as_the_person(world):
    free = ActionFactory(goal=world.goal, title="Uten ansvar")
    client = Client()
    client.force_login(world.sector_leader)
    response = client.post(reverse("actions:assign-bulk"), {
        "actions": [free.pk], "responsible_unit": world.home_care.pk,
        "responsible_person": world.reader.pk, f"versjon-{free.pk}": free.version})
    assert response.status_code == 400
    assert Action.objects.get(pk=free.pk).responsible_person is None


@pytest.fixture
def plan_admin(world):
    world.admin.is_staff = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    return client


def test_the_admins_action_form_offers_the_same_groups(world, plan_admin):
    page = plan_admin.get(reverse("admin:actions_action_change", args=[world.action.pk]))
    groups = groups_in(page.text, "responsible_person")
    assert groups == {world.root.name: [str(world.admin.pk)],
                      world.health.name: [str(world.sector_leader.pk)],
                      world.home_care.name: [str(world.unit_manager.pk)]}


def test_the_admins_add_form_and_bulk_action_offer_the_same_groups(world, plan_admin):
    page = plan_admin.get(reverse("admin:actions_action_add"))
    assert str(world.reader.pk) not in offered(groups_in(page.text, "responsible_person"))
    bulk = plan_admin.post(reverse("admin:actions_action_changelist"), {
        "action": "bulk_assign", "_selected_action": [world.action.pk]})
    groups = groups_in(bulk.text, "responsible_person")
    assert groups[world.home_care.name] == [str(world.unit_manager.pk)]
    assert str(world.reader.pk) not in offered(groups)


def test_the_admin_refuses_a_reader_as_the_person(world, plan_admin):
    from tests.admin.test_action_admin import _form_data

    response = plan_admin.post(
        reverse("admin:actions_action_change", args=[world.action.pk]),
        _form_data(world.action, responsible_person=world.reader.pk))
    assert response.status_code == 200  # the form again, with the error
    assert Action.objects.get(pk=world.action.pk).responsible_person is None
