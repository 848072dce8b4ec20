"""Word (.docx): the tables in body order, each with the heading above it.

python-docx's ``row.cells`` repeats a merged cell at every grid position it covers, so
the rows are read from the real ``w:tc`` elements: a horizontal span gives its text
once, and a vertical continuation (``vMerge="continue"``) is marked as merged.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from strategies.importing.tables import RawRow, RawTable, UnreadableFile

HEADING_STYLES = ("heading", "overskrift", "title", "tittel")


def _cell_text(tc: Any, table: Any) -> tuple[str, bool]:
    """The cell's paragraphs joined by newlines; True if nested tables were flattened."""
    from docx.table import Table, _Cell

    cell = _Cell(tc, table)
    lines = [paragraph.text for paragraph in cell.paragraphs]
    nested = False
    for inner in tc.tbl_lst:
        nested = True
        for row in Table(inner, table).rows:
            lines.extend(c.text for c in row.cells)
    return "\n".join(lines), nested


def _read_table(table: Any, label: str, heading: str) -> RawTable:
    raw = RawTable(label=label, heading=heading)
    width = len(table._tbl.tblGrid.gridCol_lst) or max(
        (sum(tc.grid_span for tc in tr.tc_lst) + tr.grid_before for tr in table._tbl.tr_lst),
        default=0,
    )
    above: list[str] = [""] * width
    for number, tr in enumerate(table._tbl.tr_lst, start=1):
        cells = [""] * width
        merged: set[int] = set()
        spanning = False
        column = tr.grid_before
        for tc in tr.tc_lst:
            span = tc.grid_span
            if column >= width:
                break
            if tc.vMerge == "continue":
                for offset in range(span):
                    if column + offset < width:
                        merged.add(column + offset)
                        cells[column + offset] = above[column + offset]
            else:
                text, nested = _cell_text(tc, table)
                cells[column] = text
                if nested:
                    raw.notes.append((number, _("A table inside a cell was flattened to "
                                                "lines of text.")))
                if span >= width > 1:
                    spanning = True
            column += span
        above = cells
        raw.rows.append(RawRow(number=number, cells=cells, merged=merged, spanning=spanning))
    return raw


def _is_heading(paragraph: Any) -> bool:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return name.lower().startswith(HEADING_STYLES)


def read(content: bytes) -> list[RawTable]:
    """Every table of the document, in order, with the nearest heading above it."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise UnreadableFile(_("The Word file cannot be read: %(error)s") % {"error": exc}) \
            from None
    tables: list[RawTable] = []
    last_heading = ""
    last_text = ""
    previous_heading = ""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = " ".join(block.text.split())
            if not text:
                continue
            if _is_heading(block):
                last_heading = text
            elif len(text) <= 200:
                last_text = text
            else:
                last_text = ""
        elif isinstance(block, Table):
            # A table with no text above it continues the previous one (page break).
            heading = last_heading or last_text or previous_heading
            tables.append(_read_table(block, _("table %(n)s") % {"n": len(tables) + 1},
                                      heading))
            previous_heading = heading
            last_heading = last_text = ""
    if not tables:
        raise UnreadableFile(_("The Word file has no tables. The plan's actions must be in a "
                               "table with the columns Delmål and Tiltak."))
    return tables
