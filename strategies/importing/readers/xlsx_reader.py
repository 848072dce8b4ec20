"""Excel (.xlsx): every visible sheet is a table; merged ranges are read as merges.

The workbook is opened in normal mode (read-only mode cannot see merged ranges) and
without cached formula values, so a formula shows up as its ``=…`` text and is refused.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

from strategies.importing.readers import max_rows
from strategies.importing.tables import RawRow, RawTable, UnreadableFile

#: Stop reading a sheet after this many blank rows in a row (formatted-but-empty tails).
BLANK_RUN = 50


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


def _read_sheet(sheet: Any) -> RawTable:
    raw = RawTable(label=_("sheet «%(name)s»") % {"name": sheet.title}, heading=sheet.title)
    vertical: dict[tuple[int, int], tuple[int, int]] = {}
    spanning_rows: set[int] = set()
    width = sheet.max_column or 0
    # Rows past this are never read; a merge claiming a million rows must not cost more.
    last_row = min(sheet.max_row or 0, max_rows() + 1)
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row + 1, min(merged.max_row, last_row) + 1):
            vertical[(row, merged.min_col)] = (merged.min_row, merged.min_col)
        if merged.max_col - merged.min_col + 1 >= width > 1 and merged.min_row == merged.max_row:
            spanning_rows.add(merged.min_row)
    blanks = 0
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_text(v) for v in row]
        merged_cols: set[int] = set()
        for index in range(len(cells)):
            origin = vertical.get((number, index + 1))
            if origin:
                cells[index] = _text(sheet.cell(*origin).value)
                merged_cols.add(index)
        raw_row = RawRow(number=number, cells=cells, merged=merged_cols,
                         spanning=number in spanning_rows)
        blanks = blanks + 1 if raw_row.is_blank else 0
        if blanks >= BLANK_RUN:
            break
        raw.rows.append(raw_row)
    return raw


MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)"')


def _check_merges(content: bytes) -> None:
    """Refuse merged ranges covering far more cells than a plan has, before openpyxl
    expands every covered cell into an object (a tiny file could otherwise cost minutes)."""
    from openpyxl.utils.cell import range_boundaries

    limit = max_rows() * 100
    covered = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                continue
            for ref in MERGE_REF.findall(archive.read(name)):
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
                covered += (max_col - min_col + 1) * (max_row - min_row + 1)
                if covered > limit:
                    raise UnreadableFile(_("The Excel file's merged cells cover more than "
                                           "%(limit)s cells.") % {"limit": limit})


def read(content: bytes) -> list[RawTable]:
    """Every visible sheet of the workbook."""
    import openpyxl

    _check_merges(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken package
        raise UnreadableFile(_("The Excel file cannot be read: %(error)s") % {"error": exc}) \
            from None
    return [_read_sheet(sheet) for sheet in workbook.worksheets
            if sheet.sheet_state == "visible"]
