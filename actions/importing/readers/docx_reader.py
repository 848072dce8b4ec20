"""Word (.docx): the tables in body order, each with the heading above it.

The package was checked before python-docx opens it (``package``: sizes, lying zip
headers, DOCTYPEs, the number of XML elements), and the paragraphs and table rows are
counted in the parsed tree before any is read, stopping at the limits, so a document of
a million short paragraphs is refused in well under a second.

python-docx's ``row.cells`` repeats a merged cell at every grid position it covers, so
the rows are read from the real ``w:tc`` elements: a horizontal span gives its text
once, and a vertical continuation (``vMerge="continue"``) is marked as merged.
"""

from __future__ import annotations

import io
from itertools import islice
from typing import Any

from django.utils.translation import gettext as _

from actions.importing.tables import RawRow, RawTable, UnreadableFile

HEADING_STYLES = ("heading", "overskrift", "title", "tittel")
#: Paragraphs per table row allowed on top of the rows: headings and text between tables.
PARAGRAPHS_PER_ROW = 10


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
    from docx.oxml.ns import qn

    raw = RawTable(label=label, heading=heading)
    # python-docx's tblGrid property raises when the (required) grid is missing.
    grid = table._tbl.find(qn("w:tblGrid"))
    width = (len(grid.findall(qn("w:gridCol"))) if grid is not None else 0) or max(
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


def _is_heading(paragraph: Any, styles: dict[str | None, bool]) -> bool:
    # The style is looked up by id in styles.xml for each paragraph: once per id is enough.
    style_id = paragraph._p.style
    if style_id not in styles:
        name = (paragraph.style.name if paragraph.style is not None else "") or ""
        styles[style_id] = name.lower().startswith(HEADING_STYLES)
    return styles[style_id]


def _words(paragraph: Any) -> str:
    """A body paragraph's text, spaces collapsed: only used to pick a table's heading.

    python-docx's ``Paragraph.text`` runs two XPath queries per paragraph (~150 µs);
    50,000 paragraphs would take seconds. Tabs and breaks count as spaces here.
    """
    from docx.oxml.ns import qn

    text, tab, br, cr = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
    return " ".join("".join((node.text or "") if node.tag == text else " "
                            for node in paragraph._p.iter(text, tab, br, cr)).split())


def _check_counts(document: Any) -> None:
    """Refuse more table rows or paragraphs than the limits, counting no further."""
    from docx.oxml.ns import qn

    from actions.importing.readers import max_rows, too_many_rows

    body = document.element.body
    rows = max_rows()
    if sum(1 for _ in islice(body.iter(qn("w:tr")), rows + 1)) > rows:
        raise too_many_rows()
    paragraphs = PARAGRAPHS_PER_ROW * rows
    if sum(1 for _ in islice(body.iter(qn("w:p")), paragraphs + 1)) > paragraphs:
        raise UnreadableFile(_("The Word file has more paragraphs than the limit of "
                               "%(limit)s.") % {"limit": paragraphs})


def read(content: bytes) -> list[RawTable]:
    """Every table of the document, in order, with the nearest heading above it."""
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise UnreadableFile(_("The Word file cannot be read: %(error)s") % {"error": exc}) \
            from None
    try:
        _check_counts(document)
        tables = _read_body(document)
    except UnreadableFile:
        raise
    except Exception as exc:  # python-docx raises on a required element that is missing
        raise UnreadableFile(_("The Word file cannot be read: %(error)s") % {"error": exc}) \
            from None
    if not tables:
        raise UnreadableFile(_("The Word file has no tables. The plan's actions must be in a "
                               "table with the columns Delmål and Tiltak."))
    return tables


def _read_body(document: Any) -> list[RawTable]:
    """The tables in body order, each with the heading (or short text) above it."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    styles: dict[str | None, bool] = {}
    tables: list[RawTable] = []
    last_heading = ""
    last_text = ""
    previous_heading = ""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = _words(block)
            if not text:
                continue
            if _is_heading(block, styles):
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
    return tables
