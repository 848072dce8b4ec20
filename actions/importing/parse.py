"""Turn raw tables into a preview: focus areas → goals → actions, problems located.

Rules (the mess real plans have):
- the header row is found anywhere near the top, in Bokmål or Nynorsk (``headers``);
- blank rows, blank columns and repeated header rows are skipped;
- a row with a tiltak but no delmål continues the delmål above; so does a vertically
  merged delmål cell;
- a Tiltak cell with several lines holds several tiltak, one per line;
- a Delmål cell's first line is its title and the rest its description;
- the focus area comes from its column (a blank cell continues the one above), else,
  in a table without that column, from the heading above the Word table or the sheet
  name (not Excel's own "Ark1", "Sheet1" …); a full-width row inside the table starts
  a new one;
- a tiltak hangs where the table puts it: under the delmål above it; directly on the
  focus area when the area has no delmål above it (or the table has no Delmål column),
  as kommuner list tiltak per satsingsområde; on the plan itself when the table names
  neither (only Tiltak rows, and no heading): nothing is invented in between.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from actions.importing import headers
from actions.importing.preview import (
    ActionDraft,
    FocusAreaDraft,
    GoalDraft,
    HoldsActions,
    ImportPreview,
    Location,
)
from actions.importing.tables import RawRow, RawTable
from actions.importing.units import UnitMatcher
from actions.models import Action
from actions.periods import parse_period

TITLE_MAX = 300
PERIOD_TEXT_MAX = 100

STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(["", "ikke startet", "ikkje starta", "ikke påbegynt", "ikkje påbyrja",
                     "ny", "planlagt", "not started"], "not_started"),
    **dict.fromkeys(["pågår", "pågående", "påbegynt", "påbyrja", "i gang", "igang", "starta",
                     "startet", "under arbeid", "in progress"], "in_progress"),
    **dict.fromkeys(["fullført", "fullført", "ferdig", "utført", "gjennomført", "gjennomførd",
                     "avslutta", "avsluttet", "completed"], "completed"),
    **dict.fromkeys(["utsatt", "utsett", "postponed"], "postponed"),
    **dict.fromkeys(["avbrutt", "avbroten", "avlyst", "stoppa", "stoppet", "kansellert",
                     "cancelled"], "cancelled"),
}


def _lines(text: str) -> list[str]:
    """Non-blank lines, each with its spaces collapsed."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def split_goal_text(text: str) -> tuple[str, str]:
    """(title, description) of a Delmål cell.

    A line that breaks mid-sentence (the next starts in lower case and this one ends
    without punctuation) is joined back; "Heading: explanation" on one line is split.
    """
    joined: list[str] = []
    for line in _lines(text):
        if joined and line[:1].islower() and not re.search(r"[.:;!?]$", joined[-1]):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    if not joined:
        return "", ""
    title, rest = joined[0], joined[1:]
    head, colon, tail = title.partition(": ")
    if colon and len(head) <= 60 and "." not in head and tail:
        title, rest = head, [tail, *rest]
    return title.rstrip(":").strip(), "\n".join(rest)


class TableParser:
    """Reads tables into one preview; keeps the current focus area and goal per table."""

    def __init__(self, preview: ImportPreview, matcher: UnitMatcher) -> None:
        self.preview = preview
        self.matcher = matcher

    def parse(self, tables: list[RawTable]) -> None:
        recognised = 0
        for table in tables:
            for row_number, note in table.notes:
                self.preview.warn(note, Location(table.label, row_number))
            if self._parse_table(table):
                recognised += 1
        if (recognised and not self.preview.focus_areas and not self.preview.actions
                and not self.preview.errors):
            # Refused, not warned: importing it would create an empty plan.
            self.preview.error(_("The file has no rows below the header: there is nothing "
                                 "to import."))
        if recognised == 0:
            self.preview.error(
                _("No table has a header row with a Tiltak column and one more column the "
                  "importer knows. Check the header row: the importer knows "
                  "Satsingsområde, Delmål/Mål, Tiltak, Ansvar/Ansvarleg, "
                  "Tid/Tidsrom/Frist/Tidsperspektiv and Status.")
            )

    def _find_header(self, table: RawTable) -> tuple[int, dict[int, str]] | None:
        for index, row in enumerate(table.rows[:20]):
            if headers.is_header_row(row.cells):
                return index, headers.recognise(row.cells)
        return None

    def _parse_table(self, table: RawTable) -> bool:
        found = self._find_header(table)
        if found is None:
            if any(not row.is_blank for row in table.rows):
                self.preview.warn(
                    _("Skipped: no header row with Delmål and Tiltak."), Location(table.label)
                )
            return False
        header_index, columns = found
        header = table.rows[header_index]
        names = {index: " ".join(header.cells[index].split()) for index in columns}
        for index, cell in enumerate(header.cells):
            if cell.strip() and index not in columns:
                self.preview.warn(
                    _("This column is not imported (unknown heading)."),
                    Location(table.label, header.number, " ".join(cell.split())),
                )
        by_key = {key: index for index, key in columns.items()}
        # A Satsingsområde column, where there is one, alone names the area (a blank cell
        # continues the one above; rows above the first have none): the heading or sheet
        # name is for tables without one.
        focus_area_title = "" if headers.FOCUS_AREA in by_key else table.heading
        goal: GoalDraft | None = None
        area: FocusAreaDraft | None = None
        for row in table.rows[header_index + 1:]:
            if row.is_blank or headers.is_header_row(row.cells):
                continue
            if self._has_formula(table, row, header.cells):
                continue
            if row.spanning:
                focus_area_title = " ".join(next(c for c in row.cells if c.strip()).split())
                goal, area = None, None
                continue

            def cell(key: str, row: RawRow = row) -> str:
                index = by_key.get(key)
                return row.cells[index] if index is not None and index < len(row.cells) else ""

            def where(key: str, row: RawRow = row) -> Location:
                index = by_key.get(key)
                return Location(table.label, row.number, names.get(index, "") if index is not
                                None else "")

            area_text = " ".join(cell(headers.FOCUS_AREA).split())
            if area_text:
                focus_area_title = area_text
            if len(focus_area_title) > TITLE_MAX:
                self.preview.error(
                    _("The focus area's title is longer than %(max)s characters.")
                    % {"max": TITLE_MAX},
                    where(headers.FOCUS_AREA),
                )
                continue
            if focus_area_title and (area is None or area.title != focus_area_title):
                area = self.preview.find_focus_area(focus_area_title)
                if area is None:
                    area = FocusAreaDraft(focus_area_title, where(headers.FOCUS_AREA))
                    self.preview.focus_areas.append(area)
                goal = None

            goal_text = cell(headers.GOAL)
            if by_key.get(headers.GOAL) not in row.merged and goal_text.strip():
                if area is None:
                    # A delmål belongs to a satsingsområde; the plan has none to offer.
                    self.preview.error(
                        _("No satsingsområde for this row's delmål: add a Satsingsområde "
                          "column, or a heading above the table."),
                        where(headers.GOAL),
                    )
                    continue
                title, description = split_goal_text(goal_text)
                goal = area.find_goal(title)
                if goal is None:
                    goal = GoalDraft(title, where(headers.GOAL), description=description)
                    area.goals.append(goal)
            action_lines = []
            if by_key.get(headers.ACTION) not in row.merged:
                action_lines = _lines(cell(headers.ACTION))
            if not action_lines:
                if not goal_text.strip() and (cell(headers.RESPONSIBLE).strip()
                                              or cell(headers.PERIOD).strip()):
                    self.preview.warn(_("The row has no tiltak; its Ansvar and Tid are not "
                                        "imported."), where(headers.ACTION))
                continue
            # The lowest level the table gives: the delmål above, else the area, else the
            # plan itself.
            self._add_actions(goal or area or self.preview, action_lines, cell, where)
        return True

    def _has_formula(self, table: RawTable, row: RawRow, header: list[str]) -> bool:
        found = False
        for index, text in enumerate(row.cells):
            if text.lstrip().startswith("="):
                name = header[index] if index < len(header) else ""
                self.preview.error(
                    _("The cell holds a formula (%(start)s…). Formulas are not imported: "
                      "write the text without the leading “=”.") % {"start": text.strip()[:20]},
                    Location(table.label, row.number, " ".join(name.split())),
                )
                found = True
        return found

    def _add_actions(self, holder: HoldsActions, lines: list[str], cell, where) -> None:
        responsible_text = " ".join(cell(headers.RESPONSIBLE).split())
        match = self.matcher.match(responsible_text) if responsible_text else None
        if match and match.unmatched:
            self.preview.warn(
                _("No unit is called %(names)s; the action is imported without it. Add the "
                  "unit or correct the name, then import again.")
                % {"names": ", ".join(f"«{n}»" for n in match.unmatched)},
                where(headers.RESPONSIBLE),
            )
        period = parse_period(cell(headers.PERIOD))
        if len(period.text) > PERIOD_TEXT_MAX:
            self.preview.error(
                _("The time is longer than %(max)s characters; is this the right column?")
                % {"max": PERIOD_TEXT_MAX},
                where(headers.PERIOD),
            )
            return
        if period.unread:
            self.preview.warn(
                _("«%(text)s» could not be read as a date; it is kept as written.")
                % {"text": period.text},
                where(headers.PERIOD),
            )
        status_text = " ".join(cell(headers.STATUS).split()).lower()
        status = STATUS_WORDS.get(status_text)
        if status is None:
            self.preview.warn(
                _("Unknown status «%(text)s»; the action is imported as not started.")
                % {"text": cell(headers.STATUS).strip()},
                where(headers.STATUS),
            )
            status = Action.Status.NOT_STARTED
        description = cell(headers.DESCRIPTION).strip()
        for line in lines:
            if holder.find_action(line):
                self.preview.warn(_twice(holder) % {"title": line[:80]},
                                  where(headers.ACTION))
                continue
            holder.actions.append(
                ActionDraft(
                    title=line,
                    location=where(headers.ACTION),
                    description=description,
                    responsible_unit=match.responsible if match else None,
                    contributing_units=list(match.contributing) if match else [],
                    period=period,
                    status=status,
                    progress=100 if status == Action.Status.COMPLETED else 0,
                )
            )


def _twice(holder: HoldsActions) -> str:
    """The warning for a tiltak listed twice in the same place."""
    if holder.level == "goal":
        return _("«%(title)s» appears twice under the same delmål; it is imported once.")
    if holder.level == "focus_area":
        return _("«%(title)s» appears twice on the same satsingsområde; it is imported once.")
    return _("«%(title)s» appears twice among the plan's own tiltak; it is imported once.")
