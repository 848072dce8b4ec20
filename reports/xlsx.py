"""Report data → Excel workbook (openpyxl): a summary sheet plus one sheet per focus area.

Numbers are numbers and dates are dates (with number formats), so a committee secretary
can sort, sum and chart them; percentages are stored as fractions with a % format.
Every cell is written through :mod:`planportal.spreadsheets`, so a title or comment
starting with "=" stays text and never runs as a formula.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from planportal.spreadsheets import write_cell
from reports.rendering import (
    assessment_labels,
    direction_labels,
    risk_labels,
    status_labels,
    typed,
)

DATE_FORMAT = "dd.mm.yyyy"
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
    return [_("Actions"), *[label.capitalize() for label in statuses.values()],
            _("Completed (%)"), _("Overdue"), _("Unassigned"), _("Average progress")]


def _count_values(row: dict[str, Any], statuses: dict[str, str]) -> list[Any]:
    return [row["total"], *[row["by_status"][key] for key in statuses],
            _fraction(row["completed_percent"]), row["overdue"], row["unassigned"],
            _fraction(row["average_progress"])]


def _count_formats(offset: int, statuses: dict[str, str]) -> dict[int, str]:
    first = offset + 1 + len(statuses) + 1  # columns after the label, actions and statuses
    return {first: PERCENT_FORMAT, first + 3: PERCENT_FORMAT}


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
    formats = {4 + person: DATE_FORMAT, 6 + person: PERCENT_FORMAT,
               9 + person: "dd.mm.yyyy hh:mm"}
    for action in actions:
        row += 1
        values = [action["code"], action["title"], action["responsible_unit"] or None]
        if not public:
            values.append(action.get("responsible_person") or None)
        update_at = action["latest_update_at"]
        values += [action["due_date"], capfirst(statuses.get(action["status"], action["status"])),
                   action["progress"] / 100,
                   capfirst(risks.get(action["risk"])) if action["risk"] else None,
                   action["latest_comment"] or None,
                   update_at.replace(tzinfo=None) if update_at else None]
        _put(sheet, row, values, formats)
    return row + 2


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


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
    for row, (label, value) in enumerate(facts, start=1):
        write_cell(summary, row, 1, label).font = BOLD
        cell = write_cell(summary, row, 2, value)
        if hasattr(value, "year"):
            cell.number_format = DATE_FORMAT
    row = len(facts) + 2
    write_cell(summary, row, 1, _("Progress per focus area")).font = BOLD
    row += 1
    _header(summary, row, [_("Focus area"), *_count_columns(statuses)])
    formats = _count_formats(1, statuses)
    for area in report["focus_areas"]:
        row += 1
        _put(summary, row, [f"{area['code']} {area['title']}".strip(),
                            *_count_values(area, statuses)], formats)
    row += 1
    _put(summary, row, [_("Whole plan"), *_count_values(report["totals"], statuses)], formats)
    for column in range(1, 3 + len(statuses) + 5):
        summary.cell(row=row, column=column).font = BOLD

    row += 2
    write_cell(summary, row, 1, _("Indicators")).font = BOLD
    row += 1
    _header(summary, row, [_("Goal"), _("Indicator"), _("Unit of measure"), _("Direction"),
                           _("Baseline"), _("Baseline year"), _("Target"), _("Target year"),
                           _("Latest"), _("Measured to"), _("Assessment")])
    for indicator in report["indicators"]:
        row += 1
        _put(summary, row, [
            indicator["goal_code"], indicator["name"], indicator["unit"] or None,
            capfirst(directions.get(indicator["direction"])), indicator["baseline_value"],
            indicator["baseline_year"], indicator["target_value"], indicator["target_year"],
            indicator["latest_value"], indicator["latest_period_end"],
            capfirst(assessments[indicator["assessment"]]),
        ], {10: DATE_FORMAT})
    row += 2
    row = _action_sheet_rows(summary, row, _("Overdue actions"), report["overdue"], public,
                             statuses, risks)
    _action_sheet_rows(summary, row, _("Actions at risk"), report["at_risk"], public,
                       statuses, risks)
    _widths(summary, [34, 40, 14, 14, 14, 14, 14, 14, 14, 16, 14, 16])
    summary.freeze_panes = None

    all_actions = report.get("actions")
    for area in report["focus_areas"]:
        sheet = book.create_sheet(_sheet_title(f"{area['code']} {area['title']}".strip(), taken))
        write_cell(sheet, 1, 1, f"{area['code']} {area['title']}".strip()).font = BOLD
        _header(sheet, 3, [_("Goal"), *_count_columns(statuses)])
        row = 3
        for goal in area["goals"]:
            row += 1
            _put(sheet, row, [f"{goal['code']} {goal['title']}".strip(),
                              *_count_values(goal, statuses)], formats)
        row += 1
        _put(sheet, row, [_("Focus area in all"), *_count_values(area, statuses)], formats)
        row += 2
        if all_actions is not None:
            rows = [a for a in all_actions if a["focus_area_id"] == area["id"]]
            title = _("Actions")
        else:
            rows = [a for a in report["overdue"] if a["focus_area_id"] == area["id"]]
            title = _("Overdue actions")
        _action_sheet_rows(sheet, row, title, rows, public, statuses, risks)
        _widths(sheet, [34, 40, 20, 20, 12, 14, 10, 12, 40, 16, 14, 16])
    return book


def render_report_xlsx(data: dict[str, Any], period_label: str, language: str = "nb") -> bytes:
    """The workbook as bytes."""
    with translation.override(language):
        book = build_workbook(data, period_label)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
