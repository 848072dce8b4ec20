"""Excel (.xlsx): every visible sheet is a table; merged ranges are read as merges.

The workbook is opened in read-only mode, which streams each sheet's rows (nothing is
read past the row limit), and without cached formula values, so a formula shows up as
its ``=…`` text and is refused. Read-only mode cannot see merged ranges, so they are
read from the sheet's XML here; the package was checked before (``package``), so that
XML is of a known, bounded size.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from actions.importing.readers import max_rows, too_many_rows
from actions.importing.tables import RawRow, RawTable, UnreadableFile

#: Stop reading a sheet after this many blank rows in a row (formatted-but-empty tails).
BLANK_RUN = 50
#: Columns read from a row: a plan has fewer than ten, a crafted sheet may claim 16,384.
MAX_COLUMNS = 64


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: The names Excel gives a new sheet (Norwegian and Danish, English, Swedish): they name
#: no satsingsområde, so such a sheet's tiltak without one go on the plan itself.
DEFAULT_SHEET_NAME = re.compile(r"(ark|sheet|blad)\s*\d*", re.IGNORECASE)


def sheet_heading(title: str) -> str:
    """The focus area a sheet's name gives: the name, unless it is Excel's own."""
    return "" if DEFAULT_SHEET_NAME.fullmatch(title.strip()) else title


def _read_sheet(sheet: Any, merges: list[tuple[int, int, int, int]], budget: int) -> RawTable:
    """The sheet's rows up to *budget* (more raises), with its merged ranges applied."""
    raw = RawTable(label=_("sheet «%(name)s»") % {"name": sheet.title},
                   heading=sheet_heading(sheet.title))
    # The <dimension> element is the file's own claim; the rows themselves decide.
    sheet.reset_dimensions()
    rows: list[list[Any]] = []
    blanks = 0
    for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
        if len(rows) >= budget:
            raise too_many_rows()
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        blanks = 0 if any(v is not None and _text(v).strip() for v in values) else blanks + 1
        if blanks >= BLANK_RUN:
            break
        rows.append(values)
    width = max((len(values) for values in rows), default=0)
    last_row = len(rows)
    vertical: dict[tuple[int, int], tuple[int, int]] = {}
    spanning_rows: set[int] = set()
    for min_col, min_row, max_col, max_row in merges:
        for row_number in range(min_row + 1, min(max_row, last_row) + 1):
            vertical[(row_number, min_col)] = (min_row, min_col)
        if max_col - min_col + 1 >= width > 1 and min_row == max_row:
            spanning_rows.add(min_row)
    for number, values in enumerate(rows, start=1):
        cells = [_text(v) for v in values] + [""] * (width - len(values))
        merged_cols: set[int] = set()
        for index in range(len(cells)):
            origin = vertical.get((number, index + 1))
            if origin:
                origin_row, origin_col = origin
                source = rows[origin_row - 1] if origin_row <= len(rows) else []
                cells[index] = _text(source[origin_col - 1]) if origin_col <= len(source) \
                    else ""
                merged_cols.add(index)
        raw.rows.append(RawRow(number=number, cells=cells, merged=merged_cols,
                               spanning=number in spanning_rows))
    return raw


MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)"')


def _merges(content: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Each sheet part's merged ranges (min_col, min_row, max_col, max_row).

    Refuses merged ranges covering far more cells than a plan has (a tiny file could
    otherwise claim a million merged rows).
    """
    from openpyxl.utils.cell import range_boundaries

    limit = max_rows() * 100
    covered = 0
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                continue
            ranges = found.setdefault(name, [])
            for ref in MERGE_REF.findall(archive.read(name)):
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
                covered += (max_col - min_col + 1) * (max_row - min_row + 1)
                if covered > limit:
                    raise UnreadableFile(_("The Excel file's merged cells cover more than "
                                           "%(limit)s cells.") % {"limit": limit})
                ranges.append((min_col, min_row, max_col, max_row))
    return found


def read(content: bytes) -> list[RawTable]:
    """Every visible sheet of the workbook, stopping at the first row past the limit."""
    import openpyxl

    merges = _merges(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True,
                                          data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken package
        raise UnreadableFile(_("The Excel file cannot be read: %(error)s") % {"error": exc}) \
            from None
    tables: list[RawTable] = []
    budget = max_rows()
    try:
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                continue
            path = getattr(sheet, "_worksheet_path", "").lstrip("/")
            table = _read_sheet(sheet, merges.get(path, []), budget)
            budget -= len(table.rows)
            tables.append(table)
    except UnreadableFile:
        raise
    except Exception as exc:  # a sheet's XML is only parsed while its rows are read
        raise UnreadableFile(_("The Excel file cannot be read: %(error)s") % {"error": exc}) \
            from None
    finally:
        workbook.close()
    return tables
