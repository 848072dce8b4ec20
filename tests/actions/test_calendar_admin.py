"""Calendar feeds in the admin: the address is shown once, feeds can be revoked."""

from __future__ import annotations

import re

from actions.calendar_models import CalendarFeed
from tests.factories import UserFactory


def login(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_adding_a_feed_shows_its_secret_address_once(client, world):
    login(client, world.unit_manager)
    response = client.post("/admin/actions/calendarfeed/add/", {"unit": ""}, follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    url = re.search(r"http://testserver/calendar/(ppc_[\w-]+)\.ics", text)
    assert url, text
    feed = CalendarFeed.objects.get(user=world.unit_manager)
    assert client.get(f"/calendar/{url.group(1)}.ics").status_code == 200
    page = client.get(f"/admin/actions/calendarfeed/{feed.pk}/change/").content.decode()
    assert url.group(1) not in page


def test_revoking_in_the_admin_turns_the_address_off(client, world):
    login(client, world.unit_manager)
    response = client.post("/admin/actions/calendarfeed/add/", {"unit": ""}, follow=True)
    raw = re.search(r"/calendar/(ppc_[\w-]+)\.ics",
                    " ".join(str(m) for m in response.context["messages"])).group(1)
    feed = CalendarFeed.objects.get(user=world.unit_manager)
    client.post("/admin/actions/calendarfeed/", {"action": "revoke",
                                                 "_selected_action": [feed.pk]})
    assert client.get(f"/calendar/{raw}.ics").status_code == 404


def test_the_admin_lists_only_ones_own_feeds(client, world):
    login(client, world.unit_manager)
    client.post("/admin/actions/calendarfeed/add/", {"unit": ""})
    other = UserFactory()
    login(client, other)
    response = client.get("/admin/actions/calendarfeed/")
    assert response.context["cl"].result_count == 0
