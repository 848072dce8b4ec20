"""The ICS feed of action deadlines, parsed with the icalendar library."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from icalendar import Calendar

from actions import services
from actions.calendar_feeds import create_calendar_feed, revoke_calendar_feed
from actions.calendar_models import CalendarFeed
from actions.ics import event_uid
from actions.models import Action
from planportal.permissions import SYSTEM
from planportal.tokens import hash_token
from tests.factories import ActionFactory
from tests.queries import assert_constant_queries

DUE = date(2026, 3, 31)


def fetch(client, raw: str):
    return client.get(f"/calendar/{raw}.ics")


def events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def assign(action, unit, due, person=None):
    action.refresh_from_db()
    return services.assign_action(actor=SYSTEM, action=action, expected_version=action.version,
                                  responsible_unit=unit, responsible_person=person,
                                  due_date=due)


@pytest.fixture
def manager_feed(world):
    assign(world.action, world.home_care, DUE)
    return create_calendar_feed(actor=world.unit_manager, user=world.unit_manager)


def test_a_unit_managers_feed_has_an_all_day_event_per_deadline(client, world, manager_feed):
    _feed, raw = manager_feed
    found = events(fetch(client, raw))
    event = found[event_uid(world.action.pk)]
    assert event.decoded("DTSTART") == DUE
    assert event.decoded("DTEND") == DUE + timedelta(days=1)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert "Ærlig øving på å" in str(event["SUMMARY"])
    assert str(event["SUMMARY"]).startswith("Frist")  # in the owner's language (Bokmål)
    assert world.plan.title in str(event["DESCRIPTION"])
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["URL"]) == f"http://localhost:8000/tiltak/{world.action.pk}/"


def test_an_event_links_to_the_action_page_and_its_uid_names_the_sites_host(
        client, world, manager_feed, settings):
    """Issue 17, item 8: the admin told the people following the link "ikke autorisert";
    and "action-7@planportal" was the same UID in every kommune's Planportal."""
    settings.SITE_URL = "https://planportal.rendalen.kommune.no"
    _feed, raw = manager_feed
    found = events(fetch(client, raw))
    event = found[f"action-{world.action.pk}@planportal.rendalen.kommune.no"]
    assert str(event["URL"]) == (
        f"https://planportal.rendalen.kommune.no/tiltak/{world.action.pk}/")
    # The link is a page the feed's owner may open.
    browser = client.__class__()
    browser.force_login(world.unit_manager)
    assert browser.get(f"/tiltak/{world.action.pk}/").status_code == 200


def test_moving_the_deadline_updates_the_same_event(client, world, manager_feed):
    _feed, raw = manager_feed
    before = events(fetch(client, raw))[event_uid(world.action.pk)]
    assign(world.action, world.home_care, DUE + timedelta(days=30))
    after = events(fetch(client, raw))[event_uid(world.action.pk)]
    assert after.decoded("DTSTART") == DUE + timedelta(days=30)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTAMP") >= before.decoded("DTSTAMP")  # second resolution


@pytest.mark.parametrize("status,progress", [("completed", 100), ("cancelled", 0)])
def test_a_closed_action_is_removed_from_the_feed(client, world, manager_feed, status,
                                                  progress):
    _feed, raw = manager_feed
    assert event_uid(world.action.pk) in events(fetch(client, raw))
    world.action.refresh_from_db()
    services.post_status_update(actor=world.unit_manager, action=world.action,
                                expected_version=world.action.version, status=status,
                                progress=progress)
    assert event_uid(world.action.pk) not in events(fetch(client, raw))


def test_a_revoked_feed_answers_404(client, world, manager_feed):
    feed, raw = manager_feed
    revoke_calendar_feed(actor=world.unit_manager, feed=feed)
    assert fetch(client, raw).status_code == 404


@pytest.mark.parametrize("raw", ["ppc_wrong", "not-a-token", "ppc_" + "x" * 90])
def test_an_unknown_token_answers_404(client, world, manager_feed, raw):
    assert fetch(client, raw).status_code == 404


def test_the_token_is_stored_only_as_a_hash(world, manager_feed):
    feed, raw = manager_feed
    stored = CalendarFeed.objects.get(pk=feed.pk)
    assert raw not in (stored.key_hash, stored.key_prefix)
    assert stored.key_hash == hash_token(raw)
    assert raw.startswith(stored.key_prefix)


def test_a_unit_feed_shows_the_units_subtree_only(client, world):
    assign(world.action, world.home_care, DUE)
    school_action = assign(ActionFactory(goal=world.goal, title="Skoletiltak"), world.school,
                           DUE)
    _feed, raw = create_calendar_feed(actor=world.sector_leader, user=world.sector_leader,
                                      unit=world.health)
    found = events(fetch(client, raw))
    assert event_uid(world.action.pk) in found
    assert event_uid(school_action.pk) not in found


@pytest.mark.parametrize("persona,unit", [
    ("unit_manager", "home_care"), ("sector_leader", "health"), ("sector_leader", "home_care"),
    ("admin", "school")])
def test_a_unit_feed_is_for_the_units_managers_sector_leaders_and_admins(world, persona,
                                                                        unit):
    user = world.persona(persona)
    feed, _raw = create_calendar_feed(actor=user, user=user, unit=world.persona(unit))
    assert feed.unit == world.persona(unit)


@pytest.mark.parametrize("persona,unit", [
    ("reader", "home_care"), ("unit_manager", "nursing_home"), ("unit_manager", "health"),
    ("sector_leader", "school"), ("other_admin", "home_care")])
def test_anyone_else_is_refused_a_units_feed(world, persona, unit):
    user = world.persona(persona)
    with pytest.raises(PermissionDenied):
        create_calendar_feed(actor=user, user=user, unit=world.persona(unit))
    assert not CalendarFeed.objects.exists()


def test_a_personal_feed_shows_the_actions_the_person_is_responsible_for(client, world):
    reader_action = assign(ActionFactory(goal=world.goal, title="Personlig"), world.school,
                           DUE, person=world.reader)
    assign(world.action, world.home_care, DUE)
    _feed, raw = create_calendar_feed(actor=world.reader, user=world.reader)
    assert set(events(fetch(client, raw))) == {event_uid(reader_action.pk)}


def test_a_feed_never_shows_more_than_its_owner_may_read(client, world, other_plan):
    assign(other_plan, None, DUE)
    _feed, raw = create_calendar_feed(actor=world.admin, user=world.admin, unit=world.root)
    assert event_uid(other_plan.pk) not in events(fetch(client, raw))


def test_an_inactive_owners_feed_answers_404(client, world, manager_feed):
    _feed, raw = manager_feed
    world.unit_manager.is_active = False
    world.unit_manager.save()
    assert fetch(client, raw).status_code == 404


def test_nobody_creates_or_revokes_another_persons_feed(world, manager_feed):
    feed, _raw = manager_feed
    with pytest.raises(PermissionDenied):
        create_calendar_feed(actor=world.sector_leader, user=world.unit_manager)
    with pytest.raises(PermissionDenied):
        revoke_calendar_feed(actor=world.sector_leader, feed=feed)


def test_the_feed_runs_a_constant_number_of_queries(client, world, manager_feed):
    _feed, raw = manager_feed

    def add_rows(n: int) -> None:
        for i in range(n):
            assign(ActionFactory(goal=world.goal, title=f"Tiltak {i}"), world.home_care,
                   DUE + timedelta(days=i))

    def feed():
        response = fetch(client, raw)
        events(response)  # a calendar, not only a 200
        return response

    assert_constant_queries(add_rows, feed)
    assert Action.objects.filter(responsible_unit=world.home_care).count() == 11


def test_a_user_creates_lists_and_revokes_a_feed_over_the_api(client, world):
    from tests.api.clients import SessionClient

    assign(world.action, world.home_care, DUE)
    api = SessionClient(world.unit_manager)
    created = api.post("/api/v1/calendar-feeds/", {"unit": world.home_care.pk}, format="json")
    assert created.status_code == 201
    url = created.json()["url"]
    assert url.startswith("http://testserver/calendar/ppc_") and url.endswith(".ics")
    assert event_uid(world.action.pk) in events(client.get(url))
    listed = api.get("/api/v1/calendar-feeds/").json()["results"]
    assert [f["id"] for f in listed] == [created.json()["id"]]
    assert "url" not in listed[0]
    revoked = api.post(f"/api/v1/calendar-feeds/{created.json()['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get(url).status_code == 404


def test_the_api_never_shows_or_revokes_another_users_feeds(world, manager_feed):
    from rest_framework.test import APIClient

    from tests.api.clients import SessionClient

    feed, _raw = manager_feed
    api = SessionClient(world.sector_leader)
    assert api.get("/api/v1/calendar-feeds/").json()["results"] == []
    assert api.post(f"/api/v1/calendar-feeds/{feed.pk}/revoke/").status_code == 404
    assert APIClient().get("/api/v1/calendar-feeds/").status_code in (401, 403)
