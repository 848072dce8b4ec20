"""Report data → Excel workbook (openpyxl): a summary sheet plus one sheet per focus area,
and one for the plan-wide tiltak before them when the plan has any (each tiltak on the
sheet of where the plan puts it; an area's own tiltak on its sheet, in a row of their own).

Numbers are numbers and dates are dates (with number formats), so a committee secretary
can sort, sum and chart them; percentages are stored as fractions with a % format.
Every cell is written through :mod:`planportal.spreadsheets`, so a title or comment
starting with "=" stays text and never runs as a formula.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planportal.formatting import excel_date_format, tag_label
from planportal.spreadsheets import write_cell
from reports.rendering import (
    assessment_labels,
    direction_labels,
    has_actions,
    indicator_target_label,
    level_of_row,
    moved_label,
    number_of,
    risk_labels,
    status_labels,
    typed,
    whole_area_label,
    whole_plan_label,
)

# Excel shows "0.0" with the reader's own decimal mark: "33,3 %" in a Norwegian Excel.
PERCENT_FORMAT = "0.0 %"
BOLD = Font(bold=True)
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _fraction(value: float | None) -> float | None:
    return None if value is None else round(value / 100, 4)


def _sheet_title(text: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _INVALID_SHEET_CHARS.sub("-", text).strip("'") or "Ark"
    title, number = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title.lower())
    return title


def _header(sheet: Worksheet, row: int, names: list[str]) -> None:
    for column, name in enumerate(names, start=1):
        cell = write_cell(sheet, row, column, name)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _put(sheet: Worksheet, row: int, values: list[Any], formats: dict[int, str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = write_cell(sheet, row, column, value)
        if column in formats:
            cell.number_format = formats[column]


def _count_columns(statuses: dict[str, str]) -> list[str]:
    return [_("Actions"), *[tag_label(label) for label in statuses.values()],
            _("Completed (%)"), _("Overdue"), _("Unassigned"), _("Continuous"),
            _("Average progress")]


def _count_values(row: dict[str, Any], statuses: dict[str, str]) -> list[Any]:
    # A snapshot frozen before a status or continuous actions existed: 0 of the status,
    # no continuous count (an empty cell, not a false 0).
    return [row["total"], *[row["by_status"].get(key, 0) for key in statuses],
            _fraction(row["completed_percent"]), row["overdue"], row["unassigned"],
            row.get("continuous"), _fraction(row["average_progress"])]


def _count_formats(offset: int, statuses: dict[str, str]) -> dict[int, str]:
    first = offset + 1 + len(statuses) + 1  # columns after the label, actions and statuses
    return {first: PERCENT_FORMAT, first + 4: PERCENT_FORMAT}


def _action_sheet_rows(sheet: Worksheet, row: int, title: str, actions: list[dict[str, Any]],
                       public: bool, statuses: dict[str, str], risks: dict[str, str]) -> int:
    write_cell(sheet, row, 1, title).font = BOLD
    row += 1
    names = [_("No."), _("Action"), _("Responsible unit")]
    if not public:
        names.append(_("Responsible person"))
    names += [_("Deadline"), _("Status"), _("Progress"), _("Risk"), _("Latest comment"),
              _("Latest update")]
    _header(sheet, row, names)
    person = 0 if public else 1
    formats = {4 + person: excel_date_format(), 6 + person: PERCENT_FORMAT,
               9 + person: excel_date_format(with_time=True)}
    for action in actions:
        row += 1
        values = [number_of(action), action["title"], action["responsible_unit"] or None]
        if not public:
            values.append(action.get("responsible_person") or None)
        update_at = action["latest_update_at"]
        values += [action["due_date"], tag_label(statuses.get(action["status"], action["status"])),
                   action["progress"] / 100,
                   tag_label(risks.get(action["risk"])) if action["risk"] else None,
                   action["latest_comment"] or None,
                   update_at.replace(tzinfo=None) if update_at else None]
        _put(sheet, row, values, formats)
    return row + 2


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _table_sheet(book: Workbook, title: str, taken: set[str], names: list[str],
                 rows: list[list[Any]], widths: list[int],
                 formats: dict[int, str] | None = None) -> Worksheet:
    """A sheet holding one table: a bold header row (frozen) and one row per item."""
    sheet = book.create_sheet(_sheet_title(title, taken))
    _header(sheet, 1, names)
    for row, values in enumerate(rows, start=2):
        _put(sheet, row, values, formats or {})
        for column in range(1, len(values) + 1):
            sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True,
                                                                     vertical="top")
    sheet.freeze_panes = "A2"
    _widths(sheet, widths)
    return sheet


def _round_sheets(book: Workbook, report: dict[str, Any], taken: set[str],
                  statuses: dict[str, str], risks: dict[str, str]) -> None:
    """What a closed round adds: the approved returns, the assessments, the final
    evaluations and the moved deadlines (each only when the data has it)."""
    def label(labels: dict[str, str], key: str | None) -> str | None:
        return tag_label(labels.get(key, key)) if key else None

    if report.get("round") and report.get("actions") is not None:
        rows = []
        for action in report["actions"]:
            ret = action.get("return") if isinstance(action.get("return"), dict) else None
            if ret is None:
                continue
            progress = ret.get("progress")
            rows.append([number_of(action), action["title"], action["responsible_unit"] or None,
                         label(statuses, ret.get("status")),
                         None if progress is None else progress / 100,
                         label(risks, ret.get("risk")), ret.get("done") or None,
                         ret.get("next_steps") or None])
        _table_sheet(book, _("Reports"), taken,
                     [_("No."), _("Action"), _("Responsible unit"), _("Status"), _("Progress"),
                      _("Risk"), _("Done this period"), _("Next steps")],
                     rows, [10, 40, 20, 14, 10, 12, 60, 60], {5: PERCENT_FORMAT})
    assessments = [row for row in report.get("assessments") or [] if isinstance(row, dict)]
    if assessments:
        _table_sheet(book, _("Assessments"), taken, [_("Title"), _("Assessment")],
                     [[row.get("title") or None, row.get("text") or None]
                      for row in assessments], [40, 100])
    if "evaluations" in report:
        _table_sheet(book, _("Final evaluations"), taken,
                     [_("No."), _("Action"), _("Status"), _("Evaluated"), _("Final evaluation")],
                     [[number_of(row), row.get("title"), label(statuses, row.get("status")),
                       row.get("evaluated_on"), row.get("evaluation") or None]
                      for row in report.get("evaluations") or [] if isinstance(row, dict)],
                     [10, 40, 14, 12, 100], {4: excel_date_format()})
    changes = report.get("changes") if isinstance(report.get("changes"), dict) else None
    if changes is not None:
        moved = changes.get("moved_deadlines") or []
        _table_sheet(book, _("Moved deadlines"), taken,
                     [_("No."), _("Action"), _("Moved"), _("Times moved"), _("Months"),
                      _("First deadline"), _("Deadline now")],
                     [[number_of(row), row.get("title"),
                       moved_label(int(row.get("moves") or 0), row.get("months")),
                       row.get("moves"), row.get("months"), row.get("first_due"),
                       _day(row.get("due"))] for row in moved],
                     [10, 40, 34, 12, 10, 14, 14], {6: excel_date_format(), 7: excel_date_format()})


def _day(value: Any) -> Any:
    """An ISO date string of the data as a date (the key "due" is not typed)."""
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def build_workbook(data: dict[str, Any], period_label: str) -> Workbook:
    """The workbook for *data*; labels in the active language."""
    report = typed(data)
    statuses, risks = status_labels(), risk_labels()
    assessments, directions = assessment_labels(), direction_labels()
    public = report["public"]
    book = Workbook()
    summary = book.active
    taken: set[str] = set()
    summary.title = _sheet_title(_("Summary"), taken)

    plan = report["plan"]
    facts = [
        (_("Plan"), plan["title"]),
        (_("Organisation"), plan["organization"]),
        (_("Period"), period_label),
        (_("Status as of"), report["as_of"]),
        (_("Changes since"), report["since"]),
    ]
    round_ = report.get("round") if isinstance(report.get("round"), dict) else None
    if round_ is not None:
        facts += [(label, value) for label, value in (
            (_("Reporting round"), round_.get("period_label")),
            (_("Case number"), round_.get("case_number")),
            (_("Committee"), round_.get("committee")),
            (_("Meeting date"), round_.get("meeting_date")),
        ) if value]
    if report.get("preliminary"):
        facts.insert(0, (_("Preliminary report"),
                         _("the period has not ended; the figures can still change.")))
    for row, (label, value) in enumerate(facts, start=1):
        write_cell(summary, row, 1, label).font = BOLD
        cell = write_cell(summary, row, 2, value)
        if hasattr(value, "year"):
            cell.number_format = excel_date_format()
    row = len(facts) + 2
    write_cell(summary, row, 1, _("Progress per focus area")).font = BOLD
    row += 1
    _header(summary, row, [_("Focus area"), *_count_columns(statuses)])
    formats = _count_formats(1, statuses)
    plan_level = report.get("plan_level")
    if has_actions(plan_level):
        row += 1
        _put(summary, row, [whole_plan_label(), *_count_values(plan_level, statuses)], formats)
    for area in report["focus_areas"]:
        row += 1
        _put(summary, row, [f"{area['code']} {area['title']}".strip(),
                            *_count_values(area, statuses)], formats)
    row += 1
    _put(summary, row, [_("Whole plan"), *_count_values(report["totals"], statuses)], formats)
    for column in range(1, 3 + len(statuses) + 6):
        summary.cell(row=row, column=column).font = BOLD

    row += 2
    write_cell(summary, row, 1, _("Indicators")).font = BOLD
    row += 1
    # The latest baseline as numbers to compute with; the targets as the tables write them.
    _header(summary, row, [_("Goal"), _("Indicator"), _("Unit of measure"), _("Direction"),
                           _("Baseline"), _("Baseline year"), _("Target"),
                           _("Latest"), _("Measured to"), _("Assessment")])
    for indicator in report["indicators"]:
        row += 1
        _put(summary, row, [
            indicator["goal_code"], indicator["name"], indicator["unit"] or None,
            capfirst(directions.get(indicator["direction"])), indicator["baseline_value"],
            indicator["baseline_year"], indicator_target_label(indicator) or None,
            indicator["latest_value"], indicator["latest_period_end"],
            capfirst(assessments[indicator["assessment"]]),
        ], {9: excel_date_format()})
    row += 2
    row = _action_sheet_rows(summary, row, _("Overdue actions"), report["overdue"], public,
                             statuses, risks)
    _action_sheet_rows(summary, row, _("Actions at risk"), report["at_risk"], public,
                       statuses, risks)
    _widths(summary, [34, 40, 14, 14, 14, 14, 14, 14, 14, 16, 14, 16])
    summary.freeze_panes = None

    all_actions = report.get("actions")
    listed = all_actions if all_actions is not None else report["overdue"]
    plan_rows = [a for a in listed if level_of_row(a) == "plan"]
    if plan_rows:
        # The plan-wide tiltak on a sheet of their own, before the areas' sheets (their
        # figures are on the summary sheet).
        sheet = book.create_sheet(_sheet_title(whole_plan_label(), taken))
        write_cell(sheet, 1, 1, whole_plan_label()).font = BOLD
        _action_sheet_rows(sheet, 3, _("Actions") if all_actions is not None
                           else _("Overdue actions"), plan_rows, public, statuses, risks)
        _widths(sheet, [34, 40, 20, 20, 12, 14, 10, 12, 40, 16, 14, 16])
    for area in report["focus_areas"]:
        sheet = book.create_sheet(_sheet_title(f"{area['code']} {area['title']}".strip(), taken))
        write_cell(sheet, 1, 1, f"{area['code']} {area['title']}".strip()).font = BOLD
        _header(sheet, 3, [_("Goal"), *_count_columns(statuses)])
        row = 3
        own = area.get("own")
        if has_actions(own):  # the area's own tiltak, before its goals'
            row += 1
            _put(sheet, row, [whole_area_label(), *_count_values(own, statuses)], formats)
        for goal in area["goals"]:
            row += 1
            _put(sheet, row, [f"{goal['code']} {goal['title']}".strip(),
                              *_count_values(goal, statuses)], formats)
        row += 1
        _put(sheet, row, [_("Focus area in all"), *_count_values(area, statuses)], formats)
        row += 2
        rows = [a for a in listed
                if a["focus_area_id"] == area["id"] and level_of_row(a) != "plan"]
        title = _("Actions") if all_actions is not None else _("Overdue actions")
        _action_sheet_rows(sheet, row, title, rows, public, statuses, risks)
        _widths(sheet, [34, 40, 20, 20, 12, 14, 10, 12, 40, 16, 14, 16])
    _round_sheets(book, report, taken, statuses, risks)
    return book


def render_report_xlsx(data: dict[str, Any], period_label: str, language: str = "nb") -> bytes:
    """The workbook as bytes."""
    with translation.override(language):
        book = build_workbook(data, period_label)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
