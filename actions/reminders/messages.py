"""The reminder e-mail: plain text and HTML, in the recipient's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.models import Action
from planportal.mail import one_line

Kind = ReminderDelivery.Kind

# Section order in the e-mail; each heading is translated when the e-mail is built.
SECTION_ORDER = [
    Kind.OVERDUE, Kind.DEADLINE, Kind.STALE,
    Kind.SECTOR_OVERDUE, Kind.SECTOR_UNASSIGNED, Kind.SECTOR_NO_DEADLINE,
]


def section_heading(kind: str) -> str:
    headings = {
        Kind.DEADLINE: _("Deadlines coming up"),
        Kind.OVERDUE: _("Overdue"),
        Kind.STALE: ngettext(
            "No status update for %(days)d day",
            "No status update for %(days)d days",
            settings.REMINDER_STALE_DAYS,
        ) % {"days": settings.REMINDER_STALE_DAYS},
        Kind.SECTOR_OVERDUE: _("Overdue in your sector"),
        Kind.SECTOR_UNASSIGNED: _("No responsible person"),
        Kind.SECTOR_NO_DEADLINE: _("No deadline"),
    }
    return headings[kind]


def deadline_note(due: date | None, today: date) -> str:
    """ "Deadline in 3 days", "Deadline today", "5 days overdue" or "No deadline"."""
    if due is None:
        return _("No deadline")
    days = (due - today).days
    if days == 0:
        return _("Deadline today")
    if days > 0:
        return ngettext("Deadline in %(days)d day", "Deadline in %(days)d days", days) % {
            "days": days
        }
    return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}


@dataclass
class Line:
    """One action as the e-mail shows it."""

    action: Action
    note: str
    url: str
    status_url: str

    @property
    def title(self) -> str:
        return one_line(f"{self.action.code} {self.action.title}")


def action_url(action_id: int) -> str:
    """The action page, from SITE_URL (e-mails have no request to build it from)."""
    return f"{settings.SITE_URL}{reverse('actions:detail', args=[action_id])}"


def preferences_url() -> str:
    """The page where the recipient changes their own reminder settings."""
    return f"{settings.SITE_URL}{reverse('preferences')}"


def message_id(digest: ReminderDigest) -> str:
    """Stable per e-mail, so a mail client can drop the copy should one ever be resent."""
    host = re.sub(r"^https?://", "", settings.SITE_URL).split("/")[0].split(":")[0]
    return f"<reminder-{digest.pk}-{digest.kind}-{digest.date.isoformat()}@{host}>"


def build_message(digest: ReminderDigest, items: list[ReminderDelivery]) -> EmailMultiAlternatives:
    """The e-mail for *digest* with *items* (their actions loaded with plan and goal)."""
    recipient = digest.recipient
    # The day the e-mail is for (daily: the day it was opened; weekly: its Monday), so a
    # catch-up run and a test on a fixed date describe deadlines as of that day.
    today = digest.date
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        sections = []
        for kind in SECTION_ORDER:
            kind_items = [item for item in items if item.kind == kind]
            if not kind_items:
                continue
            kind_items.sort(key=lambda item: (item.action.due_date or date.max, item.action.pk))
            lines = [
                Line(
                    action=item.action,
                    note=deadline_note(item.action.due_date, today),
                    url=action_url(item.action.pk),
                    status_url=action_url(item.action.pk) + "#ny-status",
                )
                for item in kind_items
            ]
            sections.append({"heading": section_heading(kind), "lines": lines})
        count = len({item.action_id for item in items})
        organization = one_line(digest.organization.name)
        if digest.kind == ReminderDigest.Kind.SECTOR_WEEKLY:
            subject = _("Weekly overview for your sector – %(organization)s") % {
                "organization": organization
            }
            intro = _("These actions in your sector need attention this week.")
        else:
            subject = ngettext(
                "%(count)d action needs your attention – %(organization)s",
                "%(count)d actions need your attention – %(organization)s",
                count,
            ) % {"count": count, "organization": organization}
            intro = _("These are your actions with a deadline coming up, overdue or "
                      "without a recent status update.")
        context = {
            "recipient": recipient,
            "organization": organization,
            "intro": intro,
            "sections": sections,
            "site_url": settings.SITE_URL,
            "preferences_note": _("You get this e-mail because reminders are turned on "
                                  "for your user."),
            "preferences_link": _("Change your reminders"),
            "preferences_url": preferences_url(),
        }
        text = render_to_string("actions/email/reminder_digest.txt", context)
        html = render_to_string("actions/email/reminder_digest.html", context)
        subject = one_line(f"Planportal: {subject}")
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={"Message-ID": message_id(digest), "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
