"""*Mine tiltak*'s cards as HTML, built in Python for speed.

A page holds fifty cards. Through the template engine each cost about a millisecond (the
includes for its place, status, risk and progress, and per-card gettext); here every
label and URL pattern is looked up once per page and a card is a few escaped string
formats, as :mod:`reports.rows` does for the plan page's rows. The markup is that of the
templates the rest of the site uses: the state block is ``actions/_action_state.html``
(which htmx swaps in after an update), the place ``actions/_placement.html`` (style
"meta"); ``tests/web/test_mine_cards.py`` holds the two to the same output.

A card carries no status form: its "Update status" loads one when opened
(``actions:status-form``), or, without JavaScript, links to the action's page. Only the
card whose update failed without JavaScript comes with its form, open, with the errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from actions.models import Action, StatusUpdate
from planportal.formatting import percent, tag_label, text_date
from planportal.languages import lang_attribute

_PK = 999_999_999

#: The colours of ``actions/_status_tag.html`` and ``actions/_risk_tag.html``.
STATUS_COLORS = {"completed": "success", "cancelled": "neutral", "carried_over": "accent",
                 "postponed": "warning", "in_progress": "info"}
RISK_COLORS = {"off_track": "danger", "at_risk": "warning"}


def _truncated(text: str, length: int) -> str:
    return Truncator(text).chars(length)


class MineCardRenderer:
    """Renders *Mine tiltak*'s ``<li>`` cards. Create one per page: labels and URL
    patterns are looked up in the constructor, in the active language."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.detail = reverse("actions:detail", args=[_PK]).replace(str(_PK), "{}")
        self.form_url = reverse("actions:status-form", args=[_PK]).replace(str(_PK), "{}")
        self.statuses = {value: escape(tag_label(label)) for value, label in
                         Action.Status.choices}
        self.risks = {value: escape(tag_label(label)) for value, label in
                      StatusUpdate.Risk.choices}
        self.overdue = f'<span class="ds-tag" data-color="danger">{escape(_("Overdue"))}</span> '
        self.labels = {name: escape(text) for name, text in (
            ("plan", _("Plan")), ("goal", _("Goal")), ("area", _("Focus area")),
            ("whole_plan", _("Applies to the whole plan")), ("deadline", _("Deadline")),
            ("unit", _("Unit")), ("no_deadline", _("no deadline")),
            ("last_update", _("Last update")), ("update", _("Update status")),
            ("on_page", _("Post the status update on the action's page")),
            ("evaluate", _("Write the final evaluation")))}
        self.progress_for = _("Progress for %(title)s")
        self.langs: dict[int, str] = {}

    def __call__(self, actions: Iterable[Action], *, evaluate: bool = False) -> SafeString:
        html = "\n".join(self.card(action, evaluate=evaluate) for action in actions)
        return mark_safe(html)  # noqa: S308 - every value in a card is escaped

    def lang(self, action: Action) -> str:
        """The ``lang`` attribute of the action's plan text (one lookup per kommune)."""
        org = action.plan.organization
        if org.pk not in self.langs:
            self.langs[org.pk] = str(lang_attribute(org))
        return self.langs[org.pk]

    def placement(self, action: Action, lang: str) -> str:
        """Where the tiltak hangs, as ``_placement.html`` style "meta" writes it."""
        labels = self.labels
        if action.goal_id:
            return (f'<div><dt>{labels["goal"]}:</dt> '
                    f'<dd{lang}>{escape(_truncated(str(action.goal), 90))}</dd></div>')
        if action.focus_area_id:
            return (f'<div><dt>{labels["area"]}:</dt> '
                    f'<dd{lang}>{escape(_truncated(str(action.focus_area), 90))}</dd></div>')
        return f'<div><dt>{labels["area"]}:</dt> <dd>{labels["whole_plan"]}</dd></div>'

    def state(self, action: Action) -> str:
        """The status, risk, last update and progress, as ``_action_state.html`` writes
        them (with ``show_updated``)."""
        color = STATUS_COLORS.get(action.status, "neutral")
        status = (f'{self.overdue if getattr(action, "overdue", False) else ""}'
                  f'<span class="ds-tag" data-color="{color}">'
                  f'{self.statuses.get(action.status) or escape(tag_label(action.status))}</span>')
        risk_value = getattr(action, "latest_risk", None)
        risk = (f'<span class="ds-tag" data-color="{RISK_COLORS.get(risk_value, "success")}">'
                f'{self.risks.get(risk_value, "")}</span>' if risk_value else "")
        updated_at = getattr(action, "latest_update_at", None)
        updated = (f' <span class="pp-lead">{self.labels["last_update"]} '
                   f'{text_date(updated_at)}</span>' if updated_at else "")
        progress = int(action.progress or 0)
        shown = percent(progress, 0)
        label = escape(self.progress_for % {"title": _truncated(action.title, 60)})
        return (f'<div id="tilstand-{action.pk}" class="pp-state">'
                f'<p class="ds-paragraph">{status} {risk}{updated}</p>'
                f'<div class="pp-progress"><progress max="100" value="{progress}" '
                f'aria-label="{label}">{shown}</progress>'
                f'<span class="pp-progress__text">{shown}</span></div></div>')

    def card(self, action: Action, *, evaluate: bool = False) -> str:
        """One card: the title linking to the action, plan, place, deadline, unit, the
        state, and the way to report (or, *evaluate*, to the final evaluation)."""
        labels, lang = self.labels, self.lang(action)
        url = self.detail.format(action.pk)
        title = escape(f"{action.code} {action.title}" if action.code else action.title)
        if action.due_date:
            deadline = (f'<time datetime="{action.due_date.isoformat()}">'
                        f'{text_date(action.due_date)}</time>')
        else:
            deadline = escape(action.period_text) if action.period_text else labels["no_deadline"]
        unit = (f'<div><dt>{labels["unit"]}:</dt> '
                f'<dd{lang}>{escape(action.responsible_unit.name)}</dd></div>'
                if action.responsible_unit_id else "")
        return (f'<li id="tiltak-{action.pk}" class="ds-card pp-card">'
                f'<h3 class="ds-heading" data-size="xs"{lang}><a class="ds-link" href="{url}">'
                f'{title}</a></h3>'
                f'<dl class="pp-meta"><div><dt>{labels["plan"]}:</dt> '
                f'<dd{lang}>{escape(action.plan.title)}</dd></div>'
                f'{self.placement(action, lang)}'
                f'<div><dt>{labels["deadline"]}:</dt> <dd>{deadline}</dd></div>{unit}</dl>'
                f'{self.state(action)}{self.tail(action, url, evaluate)}</li>')

    def tail(self, action: Action, url: str, evaluate: bool) -> str:
        """The card's way onwards: the final evaluation, the failed form, or the status
        form that loads when opened."""
        if evaluate:
            return (f'<p><a class="ds-link" href="{url}#sluttevaluering">'
                    f'{self.labels["evaluate"]}</a></p>')
        summary = f'<summary>{self.labels["update"]}</summary>'
        form: Any = getattr(action, "status_form", None)
        if form is not None:
            panel = render_to_string("actions/_status_panel.html", {
                "action": action, "form": form, "view": "mine", "history": None,
                "saved": None}, request=self.request)
            return f'<details class="ds-details" open>{summary}<div>{panel}</div></details>'
        return (f'<details class="ds-details" hx-get="{self.form_url.format(action.pk)}" '
                f'hx-trigger="toggle once" hx-target="find .pp-status-slot" '
                f'hx-swap="innerHTML">{summary}<div class="pp-status-slot">'
                f'<p class="ds-paragraph"><a class="ds-link" href="{url}#ny-status">'
                f'{self.labels["on_page"]}</a></p></div></details>')
