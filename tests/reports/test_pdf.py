"""The committee PDF: A4, cover, table of contents with page numbers, Bokmål, the figures."""

from __future__ import annotations

import io
import os
import re
from typing import Any

import pytest
from pypdf import PdfReader

from reports.pdf import render_report_pdf
from reports.progress import compute_progress
from tests.reports.conftest import AS_OF, SINCE, ReportPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf(report_plan: ReportPlan, today: Any) -> PdfReader:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)
    content = render_report_pdf(data, "2. tertial 2026")
    if os.environ.get("REPORT_PDF_OUT"):  # to look at it: REPORT_PDF_OUT=/tmp/r.pdf
        with open(os.environ["REPORT_PDF_OUT"], "wb") as out:
            out.write(content)
    return PdfReader(io.BytesIO(content))


def text_of(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_pages_are_a4(pdf: PdfReader) -> None:
    box = pdf.pages[0].mediabox
    # 210 × 297 mm in points.
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_cover_names_plan_period_and_date_in_bokmal(pdf: PdfReader) -> None:
    cover = text_of(pdf)[0]
    assert "Plan for rapport – Ærø" in cover
    assert "2. tertial 2026" in cover
    assert "31. august 2026" in cover
    assert "FREMDRIFTSRAPPORT" in cover  # text-transform: uppercase
    assert "Side" not in cover  # no page number on the cover


def test_table_of_contents_points_at_real_pages(pdf: PdfReader) -> None:
    pages = text_of(pdf)
    toc = pages[1]
    assert "Innhold" in toc
    for heading in ("Sammendrag", "Forsinkede tiltak", "Siden forrige rapport"):
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)", toc)
        assert match, f"{heading} missing from the contents"
        page = int(match.group(1))
        assert heading in pages[page - 1], f"{heading} is not on page {page}"


def test_every_page_after_the_cover_is_numbered(pdf: PdfReader) -> None:
    pages = text_of(pdf)
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Side {number} av {total}" in text


def test_figures_and_lists_are_in_the_pdf(pdf: PdfReader) -> None:
    text = " ".join(text_of(pdf))
    assert "Venter på budsjett" in text
    assert "Hjemmetjenesten" in text
    assert "14,3 %" in text  # completed share of the whole plan
    assert "31,4 %" in text  # its average progress
    assert "Sykefravær" in text and "ikke i rute" in text.lower()
    assert "Fremdrift per satsingsområde" in text  # the chart's heading and table caption


def test_the_pdf_is_tagged_with_its_structure_and_language(pdf: PdfReader) -> None:
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]).startswith("nb")
    tree = root["/StructTreeRoot"].get_object()
    kinds: set[str] = set()

    def walk(node: Any, depth: int = 0) -> None:
        if depth > 40:
            return
        node = node.get_object()
        if isinstance(node, dict):
            if "/S" in node:
                kinds.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    if hasattr(kid, "get_object"):
                        walk(kid, depth + 1)
        elif isinstance(node, list):
            for kid in node:
                walk(kid, depth + 1)

    walk(tree)
    # Headings and tables are tagged as such, for screen readers.
    assert {"/H1", "/Table", "/TH", "/TD"} <= kinds, kinds
