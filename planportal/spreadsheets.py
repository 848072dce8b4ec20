"""Writing cells into Excel workbooks so that no user text ever runs as a formula.

The rule, for every workbook Planportal writes (the progress report, a frozen report's
workbook, the plan export): a text a user typed, such as a tiltak title or a status
comment ``=HYPERLINK("http://evil.example/","klikk")``, comes out as that text and is
never evaluated.

- openpyxl turns any string starting with ``=`` into a formula cell (and ``#N/A`` into
  an error cell), so every string is written as a text cell (``data_type = "s"``).
- Excel and LibreOffice evaluate a text cell starting with ``=``, ``+``, ``-``, ``@``
  (also after a tab or carriage return) once someone edits it, so those cells also get
  the *quote prefix* style: what Excel itself stores when ``'=…`` is typed by hand. The
  text stays exactly as written, with no apostrophe added, so it reads the same, sorts
  the same and imports back unchanged ("- punkt" too).
- Numbers and dates are written as they are: a negative number is a number, not text.
- Characters XML cannot hold (control characters other than tab, newline and carriage
  return) are dropped, instead of failing the whole download.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

#: A text starting with one of these is a formula to some spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet would evaluate *text* typed into a cell."""
    return text.startswith(FORMULA_STARTS)


def set_value(cell: Cell, value: Any) -> Cell:
    """Put *value* into *cell*: strings as plain text (see the module), others as they are."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = text
    cell.data_type = "s"  # openpyxl made "=…" a formula and "#N/A" an error
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell


def write_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """``sheet.cell(row, column, value)``, with the value written by :func:`set_value`."""
    return set_value(sheet.cell(row=row, column=column), value)


def write_row(sheet: Worksheet, row: int, values: Iterable[Any], start: int = 1) -> list[Cell]:
    """Write *values* into *row* from column *start* on; returns the cells."""
    return [write_cell(sheet, row, column, value)
            for column, value in enumerate(values, start=start)]
