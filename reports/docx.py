"""Report data → Word document (python-docx) a saksbehandler pastes into the saksframlegg.

Real heading styles (Heading 1 per part, 2 per focus area and for the plan-wide tiltak, 3
per goal and for an area's own tiltak: each where the plan puts it), tables whose first
row repeats on every page (``w:tblHeader``), the two charts as PNG pictures whose alt text
(``wp:docPr/@descr``) states every value, and the document's title and language in its
properties. Labels are in the active language (the caller overrides it). Every piece of
user text goes through :func:`reports.rendering.clean_text`: a control character in a
title or a return cannot make the file unreadable. No person's name is written: a
saksframlegg is a public document.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from lxml import etree

from planportal.formatting import number, percent, table_date, tag_label, text_date
from reports.charts import chart_png, progress_chart_data, status_chart_data
from reports.rendering import (
    assessment_labels,
    clean_text,
    direction_labels,
    due_label,
    has_actions,
    indicator_baseline_label,
    indicator_target_label,
    level_of_row,
    moved_label,
    number_of,
    risk_labels,
    round_return,
    status_labels,
    whole_area_label,
    whole_plan_label,
)

TABLE_TEXT_HALF_POINTS = 16  # 8 pt: a 13-column counts table fits a portrait A4 page
LANGUAGE_TAGS = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}


def _run_xml(text: Any, bold: bool = False, size: int | None = None) -> str:
    """A text run: cleaned, escaped, line breaks as ``<w:br/>`` and tabs as ``<w:tab/>``."""
    properties = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/>' if size else "")
    pieces = []
    for line_number, line in enumerate(clean_text(text).replace("\r", "").split("\n")):
        if line_number:
            pieces.append("<w:br/>")
        for tab_number, chunk in enumerate(line.split("\t")):
            if tab_number:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(f'<w:t xml:space="preserve">{xml_escape(chunk)}</w:t>')
    return f"<w:r>{f'<w:rPr>{properties}</w:rPr>' if properties else ''}{''.join(pieces)}</w:r>"


def _paragraph_xml(runs: list[str], style_id: str | None = None,
                   align: str | None = None) -> str:
    properties = ((f'<w:pStyle w:val="{style_id}"/>' if style_id else "")
                  + (f'<w:jc w:val="{align}"/>' if align else ""))
    return f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}{''.join(runs)}</w:p>"


def _day(value: Any, long: bool = True) -> str:
    """A date of the data: in running text "31. august 2026", in a table (``long=False``)
    "31.08.2026"; "–" when there is none."""
    if not value:
        return "–"
    if isinstance(value, str):
        value = value[:10]  # a datetime's date; a malformed one is shown as it is
    return clean_text((text_date if long else table_date)(value)) or "–"


def _label(labels: dict[str, str], key: str | None) -> str:
    if not key:
        return "–"
    return tag_label(labels.get(key, key))


class _Writer:
    """Adds the report's parts to one python-docx document."""

    def __init__(self, data: dict[str, Any], period_label: str) -> None:
        self.data = data
        self.period_label = period_label
        self.statuses = status_labels()
        self.risks = risk_labels()
        self.doc: DocumentObject = Document()
        self._parts: list[str] = []
        self._pictures = 0
        self.table_style = self._table_style()

    # Building blocks ------------------------------------------------------------------
    # Paragraphs and tables are written as WordprocessingML text and parsed once each:
    # python-docx's object API costs ~40 ms per action row, 200 s for a round of 5,000.

    def _table_style(self) -> str | None:
        names = {style.name: style.style_id for style in self.doc.styles}
        return names.get("Table Grid")

    def _style_id(self, name: str | None) -> str | None:
        if name is None:
            return None
        if not hasattr(self, "_style_ids"):
            self._style_ids = {style.name: style.style_id for style in self.doc.styles}
        return self._style_ids.get(name)

    def _append(self, xml: str) -> None:
        """Queue WordprocessingML block elements (paragraphs, tables) for the body."""
        self._parts.append(xml)

    def _flush(self) -> None:
        """Parse the queued body once and put it before the section properties (each
        insertion one by one walks the whole body: quadratic in the number of rows)."""
        fragment = parse_xml(f"<w:body {nsdecls('w', 'r', 'wp', 'a', 'pic')}>"
                             + "".join(self._parts) + "</w:body>")
        self._parts = []
        body = self.doc.element.body
        end = body.sectPr
        if end is not None:
            body.remove(end)
        body.extend(list(fragment))
        if end is not None:
            body.append(end)

    def heading(self, text: str, level: int) -> None:
        self._append(_paragraph_xml([_run_xml(text)],
                                    self._style_id("Title" if level == 0 else f"Heading {level}")))

    def paragraph(self, text: str = "", style: str | None = None, bold_lead: str = "") -> None:
        runs = []
        if bold_lead:
            runs.append(_run_xml(bold_lead, bold=True))
        if text:
            runs.append(_run_xml(text))
        self._append(_paragraph_xml(runs, self._style_id(style)))

    def text_block(self, text: str) -> None:
        """Plain text as paragraphs: blank lines part them, single line breaks stay."""
        parts = clean_text(text).replace("\r\n", "\n").split("\n\n")
        self._append("".join(_paragraph_xml([_run_xml(part.strip())])
                             for part in parts if part.strip()))

    def table(self, caption: str, header: list[str], rows: Iterable[list[Any]],
              numeric: Iterable[int] = ()) -> None:
        """A captioned table whose header row repeats on every page it runs over."""
        right = set(numeric)
        section = self.doc.sections[0]
        width = int((section.page_width - section.left_margin - section.right_margin) / 635)
        column = width // len(header)

        def row_xml(values: list[Any], head: bool) -> str:
            cells = "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="{column}" w:type="dxa"/></w:tcPr>'
                + _paragraph_xml([_run_xml("–" if value is None else value, bold=head,
                                           size=TABLE_TEXT_HALF_POINTS)],
                                 align="right" if index in right else None)
                + "</w:tc>"
                for index, value in enumerate(values))
            properties = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if head else ""
            return f"<w:tr>{properties}{cells}</w:tr>"

        style = f'<w:tblStyle w:val="{self.table_style}"/>' if self.table_style else ""
        grid = "".join(f'<w:gridCol w:w="{column}"/>' for _name in header)
        body = "".join(row_xml(list(values), False) for values in rows)
        self.paragraph(caption, style="Caption")
        self._append(
            f'<w:tbl><w:tblPr>{style}<w:tblW w:w="0" w:type="auto"/>'
            f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
            f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{row_xml(header, True)}{body}</w:tbl>"
        )

    def picture(self, png: bytes, title: str, description: str) -> None:
        """A chart as a picture; *description* is its alt text (what a screen reader says)."""
        self._pictures += 1
        inline = self.doc.part.new_pic_inline(io.BytesIO(png), Cm(16), None)
        doc_pr = inline.docPr
        doc_pr.set("id", str(self._pictures))
        doc_pr.set("descr", clean_text(description))
        doc_pr.set("title", clean_text(title))
        drawing = etree.tostring(inline, encoding="unicode")
        self._append(f"<w:p><w:r><w:drawing>{drawing}</w:drawing></w:r></w:p>")

    # The document's parts -------------------------------------------------------------

    def properties(self) -> None:
        language = translation.get_language() or "nb"
        tag = LANGUAGE_TAGS.get(language.split("-")[0], language)
        plan = self.data["plan"]
        core = self.doc.core_properties
        core.title = clean_text(f"{_('Progress report')}: {plan['title']} – {self.period_label}")
        core.subject = clean_text(self.period_label)
        core.author = clean_text(plan.get("organization") or "")
        core.language = tag
        core.keywords = clean_text(", ".join(filter(None, [
            _("Progress report"), plan.get("organization"),
            (self.data.get("round") or {}).get("case_number"),
        ])))
        # Spell checking and screen readers take the language from the text runs.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
        run_properties = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
        if run_properties is not None:
            lang = run_properties.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                run_properties.append(lang)
            lang.set(qn("w:val"), tag)
        self.doc.styles["Normal"].font.size = Pt(10)

    def title(self) -> None:
        plan = self.data["plan"]
        preliminary = bool(self.data.get("preliminary"))
        if preliminary:
            # In the page header too, so every printed page says it.
            header = self.doc.sections[0].header.paragraphs[0]
            header.add_run(_("Preliminary report").upper()).bold = True
        self.heading(f"{_('Progress report')}: {plan['title']}", 0)
        self.paragraph(self.period_label, style="Subtitle")
        if preliminary:
            self.paragraph(_("the period has not ended; the figures can still change."),
                           bold_lead=_("Preliminary report") + ": ")
        facts = [(_("Organisation"), plan.get("organization")),
                 (_("Status as of"), _day(self.data.get("as_of"))),
                 (_("Changes since"), _day(self.data.get("since")))]
        round_ = self.data.get("round") if isinstance(self.data.get("round"), dict) else None
        if round_ is not None:
            facts = [
                (_("Reporting round"), round_.get("period_label")),
                (_("Case number"), round_.get("case_number")),
                (_("Committee"), round_.get("committee")),
                (_("Meeting date"),
                 _day(round_["meeting_date"]) if round_.get("meeting_date") else None),
                *facts,
            ]
        for label, value in facts:
            if value:
                self.paragraph(str(value), bold_lead=f"{label}: ")

    def _count_row(self, label: str, row: dict[str, Any]) -> list[Any]:
        by_status = row.get("by_status", {})
        return [label, row.get("total", 0), *(by_status.get(key, 0) for key in self.statuses),
                percent(row.get("completed_percent")), row.get("overdue", 0),
                row.get("unassigned", 0), row.get("continuous", "–"),
                percent(row.get("average_progress"))]

    def _count_header(self, first: str) -> list[str]:
        return [first, _("Actions"), *(tag_label(label) for label in self.statuses.values()),
                _("Completed (%)"), _("Overdue"), _("Unassigned"), _("Continuous"),
                _("Average progress")]

    def summary(self) -> None:
        totals = self.data["totals"]
        self.heading(_("Summary"), 1)
        self.paragraph(
            ngettext("The plan has %(total)s action.", "The plan has %(total)s actions.",
                     totals["total"]) % {"total": totals["total"]} + " "
            + _("%(completed)s of the actions that are not cancelled are completed, the "
                "average progress is %(average)s, %(overdue)s are overdue and "
                "%(unassigned)s lack a responsible unit or a deadline.") % {
                "completed": percent(totals.get("completed_percent")),
                "average": percent(totals.get("average_progress")),
                "overdue": totals.get("overdue", 0),
                "unassigned": totals.get("unassigned", 0)}
            + ("" if "continuous" not in totals else " " + ngettext(
                "%(continuous)s action is continuous (it runs without a deadline).",
                "%(continuous)s actions are continuous (they run without a deadline).",
                totals["continuous"]) % {"continuous": totals["continuous"]})
        )
        plan_level = self.data.get("plan_level")
        for chart in (progress_chart_data(self.data["focus_areas"], plan_level),
                      status_chart_data(totals.get("by_status", {}), self.statuses)):
            self.picture(chart_png(chart), chart.title, chart.description)
        count_columns = range(1, len(self.statuses) + 7)
        self.table(_("Progress per focus area"), self._count_header(_("Focus area")), [
            *([self._count_row(whole_plan_label(), plan_level)]
              if has_actions(plan_level) else []),
            *(self._count_row(f"{area['code']} {area['title']}".strip(), area)
              for area in self.data["focus_areas"]),
            self._count_row(_("Whole plan"), totals),
        ], numeric=count_columns)

    def assessments(self) -> None:
        rows = [row for row in self.data.get("assessments") or [] if isinstance(row, dict)]
        if not rows:
            return
        self.heading(_("Assessments"), 1)
        for row in rows:
            self.heading(row.get("title") or _("Assessment"), 2)
            self.text_block(row.get("text") or "")

    def _action_cells(self, row: dict[str, Any]) -> list[Any]:
        return [number_of(row), row.get("title"), row.get("responsible_unit") or "–",
                due_label(row), _label(self.statuses, row.get("status")),
                percent(row.get("progress", 0), 0), _label(self.risks, row.get("risk"))]

    def _action_header(self) -> list[str]:
        return [_("No."), _("Action"), _("Responsible unit"), _("Deadline"), _("Status"),
                _("Progress"), _("Risk")]

    def _return(self, row: dict[str, Any], ret: dict[str, Any]) -> None:
        """An action's approved return: status, progress and risk, then the texts."""
        self.paragraph(f"{number_of(row)} {row.get('title') or ''}".strip(),
                       bold_lead=_("Report") + ": ")
        progress = ret.get("progress")
        self.paragraph(" · ".join([
            f"{_('Status')}: {_label(self.statuses, ret.get('status'))}",
            f"{_('Progress')}: {percent(progress, 0)}",
            f"{_('Risk')}: {_label(self.risks, ret.get('risk'))}",
        ]))
        for label, text in ((_("Done this period"), ret.get("done")),
                            (_("Next steps"), ret.get("next_steps"))):
            if text:
                self.paragraph("", bold_lead=label)
                self.text_block(text)

    def _actions_with_returns(self, caption: str, rows: list[dict[str, Any]]) -> None:
        """A table of tiltak, then each one's approved return in the round (if any)."""
        self.table(caption, self._action_header(), (self._action_cells(row) for row in rows),
                   numeric=(5,))
        for row in rows:
            ret = round_return(row)
            if ret is not None:
                self._return(row, ret)

    def focus_areas(self) -> None:
        """Per focus area its figures and, with the actions in the data, its tiltak where
        the plan puts them: the plan-wide ones first, an area's own before its goals'."""
        self.heading(_("Focus areas and goals"), 1)
        # Keyed by (area, goal) the tiltak hang on: (area, None) an area's own, (None,
        # None) the plan-wide ones; a row of older data hangs under its goal.
        actions_by_place: dict[Any, list[dict[str, Any]]] = {}
        for row in self.data.get("actions") or []:
            level = level_of_row(row)
            area_id = None if level == "plan" else row.get("focus_area_id")
            goal_id = row.get("goal_id") if level == "goal" else None
            actions_by_place.setdefault((area_id, goal_id), []).append(row)
        listed = "actions" in self.data
        plan_rows = actions_by_place.get((None, None), [])
        if listed and plan_rows:
            self.heading(whole_plan_label(), 2)
            self._actions_with_returns(_("Actions that apply to the whole plan"), plan_rows)
        for area in self.data["focus_areas"]:
            self.heading(f"{area['code']} {area['title']}".strip(), 2)
            own = area.get("own")
            self.table(_("Goals of focus area %(area)s") % {"area": area["code"]},
                       self._count_header(_("Goal")), [
                           *([self._count_row(whole_area_label(), own)]
                             if has_actions(own) else []),
                           *(self._count_row(f"{goal['code']} {goal['title']}".strip(), goal)
                             for goal in area["goals"]),
                           self._count_row(_("Focus area in all"), area),
                       ], numeric=range(1, len(self.statuses) + 7))
            if not listed:
                continue
            own_rows = actions_by_place.get((area["id"], None), [])
            if own_rows:
                self.heading(whole_area_label(), 3)
                self._actions_with_returns(
                    _("Actions that apply to the whole of focus area %(area)s")
                    % {"area": area["code"]}, own_rows)
            for goal in area["goals"]:
                rows = actions_by_place.get((area["id"], goal["id"]), [])
                self.heading(f"{goal['code']} {goal['title']}".strip(), 3)
                if not rows:
                    self.paragraph(_("No actions."))
                    continue
                self._actions_with_returns(
                    _("Actions of goal %(goal)s") % {"goal": goal["code"]}, rows)

    def action_list(self, title: str, rows: list[dict[str, Any]], empty: str,
                    level: int = 1) -> None:
        self.heading(title, level)
        if not rows:
            self.paragraph(empty)
            return
        self.table(title, self._action_header(), (self._action_cells(row) for row in rows),
                   numeric=(5,))

    def evaluations(self) -> None:
        if "evaluations" not in self.data:
            return
        self.heading(_("Final evaluations"), 1)
        rows = [row for row in self.data.get("evaluations") or [] if isinstance(row, dict)]
        if not rows:
            self.paragraph(_("No action closed in the period has a final evaluation."))
        for row in rows:
            self.paragraph(f"{number_of(row)} {row.get('title') or ''}".strip(),
                           bold_lead=_("Final evaluation") + ": ")
            self.paragraph(f"{_('Status')}: {_label(self.statuses, row.get('status'))} · "
                           f"{_('Evaluated')}: {_day(row.get('evaluated_on'))}")
            self.text_block(row.get("evaluation") or "")

    def since_previous(self) -> None:
        since = self.data.get("since_previous") or {}
        self.heading(_("Since the previous report"), 1)
        self.paragraph(_("From %(since)s to %(as_of)s.") % {
            "since": _day(self.data.get("since")), "as_of": _day(self.data.get("as_of"))})
        self.action_list(_("Completed"), since.get("completed") or [],
                         _("No action was completed in the period."), level=2)
        self.action_list(_("Became overdue"), since.get("became_overdue") or [],
                         _("No action became overdue in the period."), level=2)
        changes = self.data.get("changes")
        if not isinstance(changes, dict):
            return
        previous = changes.get("previous_round")
        if isinstance(previous, dict) and previous.get("period_label"):
            self.paragraph(_("Compared with the previous reporting round, %(round)s:") % {
                "round": previous["period_label"]})
        self.action_list(_("New actions"), changes.get("new") or [], _("No new actions."),
                         level=2)
        self.action_list(_("Cancelled actions"), changes.get("cancelled") or [],
                         _("No actions were cancelled."), level=2)
        moved = changes.get("moved_deadlines") or []
        self.heading(_("Moved deadlines"), 2)
        if not moved:
            self.paragraph(_("No deadline was moved."))
            return
        self.table(_("Moved deadlines"),
                   [_("No."), _("Action"), _("Moved"), _("First deadline"), _("Deadline now")],
                   ([number_of(row), row.get("title"),
                     moved_label(int(row.get("moves") or 0), row.get("months")),
                     _day(row.get("first_due"), long=False), _day(row.get("due"), long=False)]
                    for row in moved))

    def indicators(self) -> None:
        self.heading(_("Indicators"), 1)
        rows = self.data.get("indicators") or []
        if not rows:
            self.paragraph(_("The plan has no indicators."))
            return
        directions, assessments = direction_labels(), assessment_labels()

        def with_year(value: Any, year: Any) -> str:
            return f"{number(value)} ({year})" if year else number(value)

        self.table(_("Indicators: baseline, target and latest measurement"),
                   [_("Goal"), _("Indicator"), _("Direction"), _("Baseline"), _("Target"),
                    _("Latest"), _("Assessment")],
                   ([row.get("goal_code"),
                     f"{row['name']} ({row['unit']})" if row.get("unit") else row.get("name"),
                     _label(directions, row.get("direction")),
                     indicator_baseline_label(row) or number(None),
                     indicator_target_label(row) or number(None),
                     with_year(row.get("latest_value"), row.get("latest_period_label")
                               or (_day(row["latest_period_end"], long=False)
                                   if row.get("latest_period_end") else "")),
                     _label(assessments, row.get("assessment"))] for row in rows),
                   numeric=(3, 4, 5))

    def about(self) -> None:
        self.heading(_("About the figures"), 1)
        notes = [
            _("The status of an action on the report date is that of its latest status "
              "update on or before that date."),
            _("Overdue: the deadline has passed and the action is neither completed nor "
              "cancelled."),
            _("Unassigned: the action has no responsible unit or no deadline."),
        ]
        if "continuous" in self.data.get("totals", {}):
            notes.append(_('Continuous: the action runs for an open-ended period (such as '
                           '"løpende") instead of to a deadline; it is not counted as '
                           'unassigned.'))
        if self.data.get("round"):
            notes.append(_("Reports from the actions: only reports approved by the sector "
                           "leader are shown."))
        for note in notes:
            self.paragraph(note, style="List Bullet")

    def build(self) -> bytes:
        self.properties()
        self.title()
        self.summary()
        self.assessments()
        self.focus_areas()
        self.evaluations()
        self.action_list(_("Overdue actions"), self.data.get("overdue") or [],
                         _("No action is overdue."))
        self.action_list(_("Actions at risk"), self.data.get("at_risk") or [],
                         _("No open action is reported at risk."))
        self.since_previous()
        self.indicators()
        self.about()
        self._flush()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def report_docx(data: dict[str, Any], period_label: str) -> bytes:
    """The report as a .docx file, in the active language.

    *data* is what :func:`reports.progress.compute_progress` returns, with the round's keys
    when it was frozen by closing a round (each one optional: older snapshots have none).
    """
    return _Writer(data, period_label).build()


def render_report_docx(data: dict[str, Any], period_label: str, language: str = "nb") -> bytes:
    """The .docx in *language* (Bokmål unless told otherwise), like the PDF and XLSX."""
    with translation.override(language):
        return report_docx(data, period_label)
