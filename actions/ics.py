"""Action deadlines as an iCalendar (RFC 5545) feed.

One all-day ``VEVENT`` per open action with a deadline: ``DTSTART;VALUE=DATE`` on the
deadline and ``DTEND`` the day after (dates, not times, so no time-zone shift). The
``UID`` is stable and globally unique (``action-<id>@<the host of SITE_URL>``: two
kommuners' Planportals never share one), so calendar programs update the same event; its
``URL`` is the action's page (``SITE_URL/tiltak/<id>/``). When the deadline moves,
``SEQUENCE`` (the action's write counter) and ``DTSTAMP``/``LAST-MODIFIED`` (its last
change) move with it. Completed, cancelled and carried-over actions
(``Action.CLOSED_STATUSES``) are left out, which removes them from subscribed calendars:
after rullering only the copy in the new plan is shown. A continuous action ("løpende")
has no deadline, so no event.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from actions.calendar_models import CalendarFeed
from actions.models import Action
from planportal.dates import add_days
from planportal.formatting import percent, tag_label
from planportal.languages import language_for
from planportal.permissions import any_of, get_access


def event_uid(action_id: int) -> str:
    """The action's event UID: the same in every fetch, unique to this Planportal."""
    return f"action-{action_id}@{urlsplit(settings.SITE_URL).hostname}"


def action_url(action_id: int) -> str:
    """The action's own page, from SITE_URL (a calendar program has no request)."""
    return f"{settings.SITE_URL}{reverse('actions:detail', args=[action_id])}"


def feed_actions(feed: CalendarFeed) -> QuerySet:
    """The open actions with a deadline that the feed shows, as its owner may read them."""
    owner = feed.user
    actions = Action.objects.visible_to(owner)
    if feed.unit_id:
        actions = actions.filter(responsible_unit__path__startswith=feed.unit.path)
    else:
        access = get_access(owner)
        own = [Q(responsible_person_id=owner.pk)]
        own += [Q(responsible_unit__path__startswith=path)
                for _org, path in (*access.unit_manager_units, *access.sector_leader_units)]
        actions = actions.filter(any_of(own))
    return (
        actions.filter(due_date__isnull=False)
        .exclude(status__in=Action.CLOSED_STATUSES)
        .select_related("goal", "focus_area", "plan", "responsible_unit")
        .order_by("due_date", "pk")
    )


def feed_name(feed: CalendarFeed) -> str:
    if feed.unit_id:
        return _("Deadlines for %(unit)s") % {"unit": feed.unit.name}
    return _("My deadlines in Planportal")


def _event(action: Action) -> Any:
    from icalendar import Event

    event = Event()
    event.add("uid", event_uid(action.pk))
    event.add("dtstamp", action.updated_at)
    event.add("last-modified", action.updated_at)
    event.add("created", action.created_at)
    event.add("sequence", max(action.version - 1, 0))
    event.add("dtstart", action.due_date)
    day_after = add_days(action.due_date, 1)
    if day_after is None:  # a stored 9999-12-31: a one-day event by its duration instead
        event.add("duration", timedelta(days=1))
    else:
        event.add("dtend", day_after)
    event.add("summary", _("Deadline: %(title)s") % {"title": action.title})
    lines = [f"{_('Plan')}: {action.plan.title}"]
    if action.focus_area is not None:
        lines.append(f"{_('Focus area')}: {action.focus_area.title}")
    else:
        lines.append(f"{_('Focus area')}: {_('Applies to the whole plan')}")
    if action.goal is not None:
        lines.append(f"{_('Goal')}: {action.goal.title}")
    lines += [
        f"{_('Status')}: {tag_label(action.get_status_display())} "
        f"({percent(action.progress, 0)})",
    ]
    if action.responsible_unit:
        lines.append(f"{_('Responsible unit')}: {action.responsible_unit.name}")
    if action.period_text:
        lines.append(f"{_('Time as written in the plan')}: {action.period_text}")
    event.add("description", "\n".join(lines))
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("url", action_url(action.pk))
    return event


def render_feed(feed: CalendarFeed) -> bytes:
    """The feed as ``text/calendar`` bytes, in the owner's language (three queries)."""
    from icalendar import Calendar

    # The owner's own choice, else their kommune's målform (read with their roles).
    with translation.override(language_for(feed.user)):
        calendar = Calendar()
        calendar.add("prodid", "-//Planportal//Tiltaksfrister//NB")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", feed_name(feed))
        calendar.add("x-published-ttl", "PT1H")
        for action in feed_actions(feed):
            calendar.add_component(_event(action))
        return calendar.to_ical()
