"""Deadlines at the ends of the calendar (issue 14, item 7): a stored 9999-12-31 no longer
breaks every calendar feed that holds the action, and the web forms refuse such a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from actions.calendar_feeds import create_calendar_feed
from actions.ics import event_uid
from actions.models import Action

pytestmark = pytest.mark.django_db


def feed_events(world, due: date) -> dict[str, object]:
    # Stored as an old row or SQL could have it: the forms no longer let it in.
    Action.objects.filter(pk=world.action.pk).update(due_date=due)
    _feed, raw = create_calendar_feed(actor=world.unit_manager, user=world.unit_manager)
    response = Client().get(f"/calendar/{raw}.ics")
    assert response.status_code == 200
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_a_deadline_on_the_last_day_of_the_calendar_is_a_one_day_event(world):
    event = feed_events(world, date(9999, 12, 31))[event_uid(world.action.pk)]

    assert event.decoded("DTSTART") == date(9999, 12, 31)
    assert "DTEND" not in event
    assert event.decoded("DURATION") == timedelta(days=1)


def test_a_deadline_on_the_first_day_of_the_calendar_keeps_its_end_date(world):
    event = feed_events(world, date(1, 1, 1))[event_uid(world.action.pk)]

    assert event.decoded("DTEND") == date(1, 1, 2)


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2200-01-01"])
def test_the_assign_form_refuses_a_deadline_out_of_range(world, value):
    client = Client()
    client.force_login(world.sector_leader)

    response = client.post(reverse("actions:assign-one", args=[world.action.pk]), {
        "version": 1, "responsible_unit": world.home_care.pk, "due_date": value})

    assert response.status_code == 400
    assert 'id="id_due_date_error"' in response.text
    assert "1900-01-01" in response.text
    assert Action.objects.get(pk=world.action.pk).due_date is None


def test_the_bulk_assign_form_refuses_a_deadline_out_of_range(world):
    client = Client()
    client.force_login(world.sector_leader)

    response = client.post(reverse("actions:assign-bulk"), {
        "actions": [world.action.pk], f"versjon-{world.action.pk}": 1,
        "due_date": "9999-12-31"})

    assert response.status_code == 400
    assert "1900-01-01" in response.text
    assert Action.objects.get(pk=world.action.pk).due_date is None
