"""Kalender (issue 17, item 8): every signed-in person creates, copies and revokes their own
calendar addresses on a web page; unit managers and sector leaders also their unit's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.calendar_feeds import create_calendar_feed
from actions.calendar_models import CalendarFeed
from actions.ics import event_uid
from planportal.permissions import SYSTEM
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

PAGE = "/kalender/"
ADDRESS = re.compile(r'id="kalenderadresse" value="(http://testserver/calendar/(ppc_[\w-]+)\.ics)"')


def create(client: Client, unit: object = None) -> tuple[object, str, str]:
    """POST the form; (response, the address shown, its token)."""
    response = client.post(PAGE, {"unit": getattr(unit, "pk", "")})
    found = ADDRESS.search(response.text)
    return response, found.group(1) if found else "", found.group(2) if found else ""


@pytest.mark.parametrize("persona", ["admin", "sector_leader", "unit_manager", "reader",
                                     "other_admin"])
def test_every_signed_in_person_has_the_page(browse, persona):
    response = browse(persona).get(PAGE)
    assert response.status_code == 200
    assert "Frister i kalenderen" in response.text


def test_a_visitor_is_sent_to_log_in(browse):
    response = browse(None).get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/logg-inn/")


def test_my_actions_and_the_settings_page_link_to_it(browse):
    client = browse("unit_manager")
    for page in (reverse("actions:mine"), reverse("preferences")):
        assert f'href="{PAGE}"' in client.get(page).text


def test_a_new_address_is_shown_once_read_only_with_a_copy_button_and_works(browse, world):
    services.assign_action(actor=SYSTEM, action=world.action, expected_version=1,
                           responsible_unit=world.home_care,
                           due_date=timezone.localdate() + timedelta(days=10))
    client = browse("unit_manager")
    response, url, raw = create(client)
    assert response.status_code == 200 and url
    assert "no-store" in response["Cache-Control"]  # the answer holds the secret
    field = re.search(r'<input[^>]*id="kalenderadresse"[^>]*>', response.text).group(0)
    assert " readonly" in field
    # Without JavaScript the button stays hidden: the address is copied by hand.
    button = re.search(r'<button[^>]*data-copy="kalenderadresse"[^>]*>', response.text).group(0)
    assert " hidden" in button and 'type="button"' in button
    assert event_uid(world.action.pk) in Client().get(url).text
    # Only its beginning is kept: the next visit lists the feed, never the address again.
    again = client.get(PAGE).text
    assert raw not in again and raw[:10] in again
    assert CalendarFeed.objects.get().user == world.unit_manager


def test_a_unit_manager_is_offered_his_own_unit_only(browse, world):
    text = browse("unit_manager").get(PAGE).text
    assert f'<option value="{world.home_care.pk}">Hjemmetjenesten</option>' in text
    assert f'value="{world.nursing_home.pk}"' not in text
    assert f'value="{world.health.pk}"' not in text


def test_a_sector_leader_is_offered_the_sector_and_its_units(browse, world):
    text = browse("sector_leader").get(PAGE).text
    # In tree order, indented from the sector down.
    assert f'<option value="{world.health.pk}">Helse og omsorg</option>' in text
    for unit in (world.home_care, world.nursing_home):
        assert f'<option value="{unit.pk}">\u2003{unit.name}</option>' in text
    assert f'value="{world.school.pk}"' not in text


def test_a_reader_gets_his_own_deadlines_only(browse, world):
    client = browse("reader")
    assert 'name="unit"' not in client.get(PAGE).text
    response, _url, _raw = create(client, world.home_care)
    assert response.status_code == 400
    assert not CalendarFeed.objects.exists()
    response, url, _raw = create(client)
    assert url and CalendarFeed.objects.get().unit is None


def test_a_unit_manager_creates_his_units_feed_and_is_refused_anothers(browse, world):
    client = browse("unit_manager")
    refused, _url, _raw = create(client, world.nursing_home)
    assert refused.status_code == 400 and 'aria-invalid="true"' in refused.text
    _response, url, _raw = create(client, world.home_care)
    assert url and CalendarFeed.objects.get().unit == world.home_care


def test_revoking_asks_first_then_turns_the_address_off(browse, world):
    client = browse("unit_manager")
    _response, url, _raw = create(client)
    feed = CalendarFeed.objects.get()
    revoke = reverse("actions:calendar-revoke", args=[feed.pk])
    assert f'href="{revoke}"' in client.get(PAGE).text
    confirm = client.get(revoke)
    assert confirm.status_code == 200 and 'method="post"' in confirm.text
    feed.refresh_from_db()
    assert feed.revoked_at is None  # asking changes nothing
    done = client.post(revoke)
    assert done.status_code == 302 and done["Location"] == PAGE
    assert Client().get(url).status_code == 404
    assert client.get(revoke).status_code == 404  # revoked: no second confirmation
    assert "Du har ingen kalenderadresser ennå." in client.get(PAGE).text


def test_revoking_needs_the_csrf_token(world):
    _feed, raw = create_calendar_feed(actor=world.unit_manager, user=world.unit_manager)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.unit_manager)
    feed = CalendarFeed.objects.get()
    assert client.post(reverse("actions:calendar-revoke", args=[feed.pk])).status_code == 403
    assert Client().get(f"/calendar/{raw}.ics").status_code == 200


@pytest.mark.parametrize("persona", ["admin", "sector_leader", "other_admin"])
def test_nobody_sees_or_revokes_another_persons_address(browse, world, persona):
    _feed, raw = create_calendar_feed(actor=world.unit_manager, user=world.unit_manager)
    feed = CalendarFeed.objects.get()
    client = browse(persona)
    revoke = reverse("actions:calendar-revoke", args=[feed.pk])
    assert feed.key_prefix not in client.get(PAGE).text
    assert client.get(revoke).status_code == 404
    assert client.post(revoke).status_code == 404
    assert Client().get(f"/calendar/{raw}.ics").status_code == 200


def test_the_page_runs_a_constant_number_of_queries(browse, world):
    client = browse("sector_leader")

    def add_feeds(n: int) -> None:
        for _ in range(n):
            create_calendar_feed(actor=world.sector_leader, user=world.sector_leader,
                                 unit=world.home_care)

    assert_constant_queries(add_feeds, lambda: client.get(PAGE))
