"""A plan as an Excel workbook for people: one row per tiltak, in the import's own columns.

The columns are the ones the importer reads (Satsingsområde, Delmål, Tiltak, Ansvar, Tid,
Status …), so an edited export can be imported again; a tiltak on an area or on the plan
itself has the columns above its level blank, and comes before the rows that fill them.
Every cell is written through :mod:`planportal.spreadsheets`: a tiltak that starts with
"=" stays text and cannot run in Excel.
"""

from __future__ import annotations

import io
from typing import Any

from django.db.models import F, Prefetch

from actions.models import Action
from planportal.models import Unit
from planportal.spreadsheets import write_row
from strategies.models import Plan

HEADERS = ["Satsingsområde", "Delmål", "Tiltak", "Beskrivelse", "Ansvar", "Medvirkende",
           "Tid", "Startdato", "Frist (dato)", "Status", "Framdrift (%)", "Nummer"]
STATUS_LABELS = {
    "not_started": "Ikke startet", "in_progress": "Pågår", "completed": "Fullført",
    "postponed": "Utsatt", "cancelled": "Avbrutt", "carried_over": "Videreført",
}
WIDTHS = [28, 45, 55, 40, 25, 25, 14, 12, 12, 14, 12, 10]


def plan_rows(plan: Plan) -> list[list[Any]]:
    """The rows under the header, in plan order (two queries)."""
    actions = (
        Action.objects.filter(plan=plan)
        .select_related("goal", "focus_area", "responsible_unit")
        .prefetch_related(Prefetch("contributing_units", queryset=Unit.objects.only("name")))
        # The plan's reading order: its own tiltak first, then each area's before its
        # goals' (so a blank Satsingsområde or Delmål never continues the row above).
        .order_by(F("focus_area__order").asc(nulls_first=True), "focus_area_id",
                  F("goal__order").asc(nulls_first=True), "goal_id", "order", "pk")
    )
    rows = []
    for action in actions:
        # An area's own tiltak has no Delmål, the plan's own neither Satsingsområde nor
        # Delmål: blank, as the importer reads them back onto the same level.
        goal = action.goal
        goal_text = "" if goal is None else (
            goal.title + (f"\n{goal.description}" if goal.description else ""))
        rows.append([
            action.focus_area.title if action.focus_area else "", goal_text, action.title,
            action.description,
            action.responsible_unit.name if action.responsible_unit else "",
            ", ".join(u.name for u in action.contributing_units.all()),
            action.period_text or (action.due_date.strftime("%d.%m.%Y")
                                   if action.due_date else ""),
            action.start_date, action.due_date, STATUS_LABELS[action.status], action.progress,
            action.code,
        ])
    return rows


def export_plan_xlsx(plan: Plan) -> bytes:
    """The workbook's bytes: frozen header, auto-filter, real dates, no formulas."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tiltak"
    for cell in write_row(sheet, 1, HEADERS):
        cell.font = Font(bold=True)
    for index, row in enumerate(plan_rows(plan), start=2):
        for cell in write_row(sheet, index, row):
            if isinstance(cell.value, str):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif cell.is_date:
                cell.number_format = "DD.MM.YYYY"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = plan.title
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
