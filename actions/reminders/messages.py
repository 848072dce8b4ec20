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
from planportal.languages import language_for
from planportal.mail import one_line
from strategies.models import Indicator

Kind = ReminderDelivery.Kind
#: The reporting round's items, listed together in the "Reporting" section.
REPORTING_KINDS = (Kind.RETURN_REQUESTED, Kind.RETURN_DUE, Kind.RETURN_OVERDUE,
                   Kind.RETURN_OVERDUE_MANAGER)

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


def return_url(round_id: int, return_id: int) -> str:
    """The return's page (form or view), from SITE_URL. Reversed by name: the page
    belongs to ``reports``, which the reminders may not import."""
    return f"{settings.SITE_URL}{reverse('rounds:return', args=[round_id, return_id])}"


def return_note(kind: str, deadline: date, today: date) -> str:
    """What a reporting line says: asked to report, due in n days, today, or overdue."""
    days = (deadline - today).days
    if kind == Kind.RETURN_OVERDUE_MANAGER:
        return ngettext("Not reported, %(days)d day past the reporting deadline",
                        "Not reported, %(days)d days past the reporting deadline",
                        max(-days, 0)) % {"days": max(-days, 0)}
    if days < 0:
        return ngettext("Report %(days)d day overdue", "Report %(days)d days overdue",
                        -days) % {"days": -days}
    if days == 0:
        return _("Report due today")
    if kind == Kind.RETURN_REQUESTED:
        return _("You are asked to report")
    return ngettext("Report due in %(days)d day", "Report due in %(days)d days",
                    days) % {"days": days}


@dataclass
class ReturnLine:
    """One return to give (or to chase) as the e-mail shows it."""

    action: Action
    period_label: str
    deadline: date
    note: str
    url: str
    responsible: str = ""
    comment: str = ""

    @property
    def title(self) -> str:
        return one_line(f"{self.action.code} {self.action.title}")


def _return_lines(items: list[ReminderDelivery], today: date) -> list[ReturnLine]:
    """One line per return (the most urgent kind wins when several are due at once)."""
    urgency = {Kind.RETURN_OVERDUE: 0, Kind.RETURN_OVERDUE_MANAGER: 1, Kind.RETURN_DUE: 2,
               Kind.RETURN_REQUESTED: 3}
    by_return: dict[int, ReminderDelivery] = {}
    for item in sorted(items, key=lambda item: urgency[item.kind]):
        by_return.setdefault(item.reporting_return.pk, item)
    lines = []
    for item in by_return.values():
        ret = item.reporting_return
        person = item.action.responsible_person
        responsible = ""
        if item.kind == Kind.RETURN_OVERDUE_MANAGER:
            responsible = one_line(
                (person.get_full_name() or person.username) if person is not None
                else str(item.action.responsible_unit or ""))
        lines.append(ReturnLine(
            action=item.action,
            period_label=one_line(ret.round.period_label),
            deadline=ret.round.deadline,
            note=return_note(item.kind, ret.round.deadline, today),
            url=return_url(ret.round_id, ret.pk),
            responsible=responsible,
        ))
    lines.sort(key=lambda line: (line.deadline, line.action.pk))
    return lines


def indicator_url(indicator_id: int) -> str:
    """The indicator's page, from SITE_URL; reversed by name (it belongs to ``reports``)."""
    return f"{settings.SITE_URL}{reverse('strategies:indicator-detail', args=[indicator_id])}"


def indicator_note(due: date, today: date) -> str:
    """ "Value due in 3 days", "Value due today" or "Value 5 days overdue"."""
    days = (due - today).days
    if days == 0:
        return _("Value due today")
    if days > 0:
        return ngettext("Value due in %(days)d day", "Value due in %(days)d days",
                        days) % {"days": days}
    return ngettext("Value %(days)d day overdue", "Value %(days)d days overdue",
                    -days) % {"days": -days}


@dataclass
class IndicatorLine:
    """One indicator whose value is due, as the e-mail shows it."""

    indicator: Indicator
    due: date
    note: str
    url: str
    record_url: str

    @property
    def title(self) -> str:
        unit = f" ({self.indicator.unit})" if self.indicator.unit else ""
        return one_line(f"{self.indicator.name}{unit}")

    @property
    def plan_title(self) -> str:
        return one_line(self.indicator.goal.focus_area.plan.title)

    @property
    def goal_title(self) -> str:
        return one_line(str(self.indicator.goal))


def _indicator_lines(items: list[ReminderDelivery], today: date) -> list[IndicatorLine]:
    """One line per indicator (its items loaded with the indicator, goal and plan)."""
    by_indicator: dict[int, ReminderDelivery] = {}
    for item in items:
        by_indicator.setdefault(item.indicator_id, item)
    lines = [
        IndicatorLine(indicator=item.indicator, due=item.due_date,
                      note=indicator_note(item.due_date, today),
                      url=indicator_url(item.indicator_id),
                      record_url=indicator_url(item.indicator_id) + "#registrer-verdi")
        for item in by_indicator.values()
    ]
    lines.sort(key=lambda line: (line.due, line.indicator.pk))
    return lines


def preferences_url() -> str:
    """The page where the recipient changes their own reminder settings."""
    return f"{settings.SITE_URL}{reverse('preferences')}"


def message_id(digest: ReminderDigest) -> str:
    """Stable per e-mail, so a mail client can drop the copy should one ever be resent."""
    host = re.sub(r"^https?://", "", settings.SITE_URL).split("/")[0].split(":")[0]
    return f"<reminder-{digest.pk}-{digest.kind}-{digest.date.isoformat()}@{host}>"


def _deadline_sections(items: list[ReminderDelivery], today: date) -> list[dict]:
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
    return sections


def _notice_context(items: list[ReminderDelivery], organization: str) -> dict:
    """The notice e-mail: the tiltak given to the recipient, and the returns sent back."""
    assigned = sorted((item for item in items if item.kind == Kind.ASSIGNED),
                      key=lambda item: (item.action.due_date or date.max, item.action.pk))
    sent_back = [item for item in items if item.kind == Kind.RETURN_SENT_BACK]
    assigned_lines = [
        Line(action=item.action, note=one_line(item.action.period_text),
             url=action_url(item.action.pk), status_url=action_url(item.action.pk))
        for item in assigned
    ]
    returned_lines = []
    for item in sent_back:
        ret = item.reporting_return
        returned_lines.append(ReturnLine(
            action=item.action, period_label=one_line(ret.round.period_label),
            deadline=ret.round.deadline, note="", url=return_url(ret.round_id, ret.pk),
            comment=ret.review_comment,
        ))
    if assigned and not sent_back:
        subject = ngettext(
            "You are responsible for %(count)d new action – %(organization)s",
            "You are responsible for %(count)d new actions – %(organization)s",
            len(assigned_lines),
        ) % {"count": len(assigned_lines), "organization": organization}
    elif sent_back and not assigned:
        subject = ngettext(
            "%(count)d report was sent back to you – %(organization)s",
            "%(count)d reports were sent back to you – %(organization)s",
            len(returned_lines),
        ) % {"count": len(returned_lines), "organization": organization}
    else:
        subject = _("New actions and reports sent back to you – %(organization)s") % {
            "organization": organization}
    return {
        "subject": subject,
        "intro": _("Here is what is new for you in Planportal."),
        "assigned_heading": _("Actions you are now responsible for"),
        "assigned": assigned_lines,
        "sent_back_heading": _("Reports sent back to you"),
        "sent_back": returned_lines,
    }


def build_message(digest: ReminderDigest, items: list[ReminderDelivery]) -> EmailMultiAlternatives:
    """The e-mail for *digest* with *items* (their actions loaded with plan and goal; the
    reporting items with their return and round as ``reporting_return``)."""
    recipient = digest.recipient
    # The day the e-mail is for (daily: the day it was opened; weekly: its Monday), so a
    # catch-up run and a test on a fixed date describe deadlines as of that day.
    today = digest.date
    # The recipient's own choice, else the kommune's målform (the plan text's language).
    with translation.override(language_for(recipient, digest.organization)):
        organization = one_line(digest.organization.name)
        context = {
            "recipient": recipient,
            "organization": organization,
            # For {% content_lang %}: the plan text's language, where it is not the e-mail's.
            "kommune": digest.organization,
            "sections": [],
            "reporting_heading": _("Reporting"),
            "reporting": [],
            "indicators_heading": _("Indicator values due"),
            "indicators": [],
            "site_url": settings.SITE_URL,
            "preferences_note": _("You get this e-mail because reminders are turned on "
                                  "for your user."),
            "preferences_link": _("Change your reminders"),
            "preferences_url": preferences_url(),
        }
        if digest.kind == ReminderDigest.Kind.NOTICE:
            context.update(_notice_context(items, organization))
            subject = context["subject"]
        else:
            context["sections"] = _deadline_sections(items, today)
            reporting = [item for item in items if item.kind in REPORTING_KINDS]
            context["reporting"] = _return_lines(reporting, today)
            context["indicators"] = _indicator_lines(
                [item for item in items if item.kind in ReminderDelivery.INDICATOR_KINDS], today)
            count = len({item.action_id for item in items if item.action_id is not None})
            indicators = len(context["indicators"])
            if digest.kind == ReminderDigest.Kind.SECTOR_WEEKLY:
                subject = _("Weekly overview for your sector – %(organization)s") % {
                    "organization": organization
                }
                context["intro"] = _("These actions in your sector need attention this week.")
            else:
                if count and indicators:
                    subject = _("Actions and indicator values need your attention – "
                                "%(organization)s") % {"organization": organization}
                elif indicators:
                    subject = ngettext(
                        "%(count)d indicator value is due – %(organization)s",
                        "%(count)d indicator values are due – %(organization)s",
                        indicators,
                    ) % {"count": indicators, "organization": organization}
                else:
                    subject = ngettext(
                        "%(count)d action needs your attention – %(organization)s",
                        "%(count)d actions need your attention – %(organization)s",
                        count,
                    ) % {"count": count, "organization": organization}
                if context["sections"]:
                    context["intro"] = _("These are your actions with a deadline coming up, "
                                         "overdue or without a recent status update.")
                elif reporting and all(item.kind == Kind.RETURN_OVERDUE_MANAGER
                                       for item in reporting):
                    context["intro"] = _("These actions in your unit have not been reported "
                                         "on by the deadline.")
                elif reporting:
                    context["intro"] = _("You are asked to report on these actions.")
                else:
                    context["intro"] = _("A new value is due for these indicators you "
                                         "follow up.")
        template = ("actions/email/notice" if digest.kind == ReminderDigest.Kind.NOTICE
                    else "actions/email/reminder_digest")
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
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
