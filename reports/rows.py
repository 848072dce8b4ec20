"""The plan page's action rows as HTML, built in Python for speed.

A plan can hold a thousand actions. Rendering each row through the template engine
(variable lookups, filters, ``{% url %}``, per-row gettext) costs about a quarter of a
millisecond a row; here every label and format is looked up once per page and each row
is one escaped string format, which keeps the page well inside its 300 ms budget.
The markup matches ``strategies/plan_detail.html``'s table head.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from actions.models import Action
from planportal.formatting import percent, table_date, tag_label
from reports.interpretations import PlanInterpretations
from reports.tree import ActionRow

STATUS_COLORS = {
    Action.Status.COMPLETED: "success",
    Action.Status.IN_PROGRESS: "info",
    Action.Status.POSTPONED: "warning",
    Action.Status.CANCELLED: "neutral",
    Action.Status.NOT_STARTED: "neutral",
}
_PK = 999_999_999

ROW = (
    "<tr><td{lang}>{title}</td><td><span{lang}>{unit}</span>{person}</td><td>{deadline}</td>"
    '<td>{overdue}<span class="ds-tag" data-color="{color}">{status}</span></td>'
    '<td><div class="pp-progress"><progress max="100" value="{progress}" '
    'aria-label="{progress_label}">{progress_text}</progress>'
    '<span class="pp-progress__text">{progress_text}</span></div></td></tr>'
)


class ActionRowRenderer:
    """Renders ``<tr>`` elements for action rows; public pages get no links and no names.

    *people* says whether the reader may see names (:func:`planportal.permissions.sees_people`);
    never on a public page. *lang* is the attribute that marks the plan's own text when
    its language is not the page's (``planportal.languages.lang_attribute``). Create one
    per page: the labels and the URL pattern are looked up in the
    constructor, in the active language.
    """

    def __init__(self, *, public: bool, people: bool, lang: str = "",
                 interpretations: PlanInterpretations | None = None) -> None:
        self.public = public
        # The "tolket" markers, for the kommune's administrators only (the view decides).
        self.interpretations = None if public else interpretations
        self.people = people and not public
        self.lang = lang
        self.labels = {value: escape(tag_label(label)) for value, label in Action.Status.choices}
        self.missing = f'<span class="pp-missing">{escape(_("missing"))}</span>'
        self.overdue = (f'<span class="ds-tag" data-color="danger">'
                        f'{escape(pgettext("actions", "Overdue"))}</span> ')
        self.progress_for = _("Progress for %(title)s")
        self.url = reverse("actions:detail", args=[_PK]).replace(str(_PK), "{}")

    def __call__(self, rows: Iterable[ActionRow]) -> SafeString:
        html = [self.row(row) for row in rows]
        return mark_safe("\n".join(html))  # noqa: S308 - every value in a row is escaped

    def row(self, row: ActionRow) -> str:
        label = escape(f"{row.code} {row.title}".strip())
        if not self.public:
            label = f'<a class="ds-link" href="{self.url.format(row.pk)}">{label}</a>'
        if self.interpretations is not None and self.interpretations.of(row):
            label += render_to_string("strategies/_interpretations.html", {
                "interpretations": self.interpretations, "obj": row, "lang": self.lang})
        if row.due_date:
            shown = table_date(row.due_date)
            deadline = f'<time datetime="{row.due_date.isoformat()}">{shown}</time>'
        else:
            deadline = (f"<span{self.lang}>{escape(row.period_text)}</span>" if row.period_text
                        else self.missing)
        short = row.title if len(row.title) <= 60 else row.title[:59] + "…"
        person = (f'<br><span class="pp-lead">{escape(row.person_name)}</span>'
                  if row.person_name and self.people else "")
        return ROW.format(
            lang=self.lang,
            title=label,
            unit=escape(row.unit_name or "–"),
            person=person,
            deadline=deadline,
            overdue=self.overdue if row.overdue else "",
            color=STATUS_COLORS.get(row.status, "neutral"),
            status=self.labels.get(row.status) or escape(row.status),
            progress=int(row.progress),
            progress_text=percent(int(row.progress), 0),
            progress_label=escape(self.progress_for % {"title": short}),
        )
