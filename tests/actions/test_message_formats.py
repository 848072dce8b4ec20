"""The reminder e-mail and the calendar feed write dates, progress and status as the pages
do, in the recipient's language: "18. juni 2026" and "Pågår" in Bokmål, "18 June 2026"
and "In progress" in English."""

from datetime import timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from actions.calendar_feeds import create_calendar_feed
from tests.actions.reminder_helpers import TODAY, action_due

pytestmark = pytest.mark.usefixtures("reminder_settings")
NBSP = "\xa0"


@pytest.mark.parametrize(("language", "deadline", "status"), [
    ("nb", "Frist: 18. juni 2026", f"Status: Pågår, 40{NBSP}%"),
    ("en", "Deadline: 18 June 2026", f"Status: In progress, 40{NBSP}%"),
])
def test_the_reminder_writes_the_deadline_as_running_text_and_the_status_as_a_tag(
        world, run_sweep, language, deadline, status):
    world.reader.preferred_language = language
    world.reader.save(update_fields=["preferred_language"])
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader,
               status="in_progress", progress=40)

    run_sweep(TODAY)

    message = mail.outbox[0]
    for body in (message.body, message.alternatives[0].content):
        assert deadline in body
        assert status in body
    assert "18. June" not in message.body  # never a Norwegian pattern with English names


@pytest.mark.parametrize(("language", "status"), [("nb", f"Status: Pågår (40{NBSP}%)"),
                                                  ("en", f"Status: In progress (40{NBSP}%)")])
def test_the_calendar_event_describes_the_status_as_a_tag(client, world, language, status):
    world.unit_manager.preferred_language = language
    world.unit_manager.save(update_fields=["preferred_language"])
    action_due(world, TODAY, status="in_progress", progress=40)
    _feed, raw = create_calendar_feed(actor=world.unit_manager, user=world.unit_manager)

    calendar = Calendar.from_ical(client.get(f"/calendar/{raw}.ics").content)
    descriptions = [str(event["DESCRIPTION"]) for event in calendar.walk("VEVENT")]
    assert any(status in description for description in descriptions)
