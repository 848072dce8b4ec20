"""Build real .docx, .xlsx and .csv files in tests (python-docx, openpyxl, csv)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import docx
import openpyxl

from tests.strategies.seed_tables import SeedTable


def build_docx(tables: Iterable[SeedTable], *, title: str = "Handlingsplan 2025-2030") -> bytes:
    """A Word document: a title, then per table a heading and the table itself."""
    document = docx.Document()
    document.add_heading(title, level=1)
    for table in tables:
        document.add_heading(table.heading, level=2)
        width = max(len(row) for row in table.rows)
        word_table = document.add_table(rows=0, cols=width)
        for row in table.rows:
            cells = word_table.add_row().cells
            for cell, text in zip(cells, row, strict=False):
                paragraphs = text.split("\n")
                cell.text = paragraphs[0]
                for paragraph in paragraphs[1:]:
                    cell.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def flat_rows(tables: Iterable[SeedTable]) -> list[list[str]]:
    """One sheet: Satsingsområde, then the table's columns; one header row at the top."""
    tables = list(tables)
    rows = [["Satsingsområde", *tables[0].rows[0]]]
    for table in tables:
        rows.extend([table.heading, *row] for row in table.rows[1:])
    return rows


def build_xlsx(rows: list[list[object]], *, merges: Iterable[str] = (),
               title: str = "Handlingsplan") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def build_csv(rows: list[list[object]], *, delimiter: str = ";", encoding: str = "utf-8-sig"
              ) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)
