"""The report in every medium writes dates and numbers one way per language: table dates
in tables ("30.06.2026"), running-text dates in sentences ("31. august 2026"), decimal
commas in Bokmål, and a change of a percentage in percentage points ("+1,3 pp")."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.docx import render_report_docx
from reports.models import ReportSnapshot
from reports.pdf import render_report_pdf
from reports.progress import compute_progress
from reports.xlsx import render_report_xlsx
from tests.reports.conftest import AS_OF, SINCE, ReportPlan

pytestmark = pytest.mark.django_db
NBSP = "\xa0"

FORMS = {
    # 1.1.1 is overdue since 30 June; the report is as of 31 August, changes since 30 April.
    "nb": {"table": "30.06.2026", "text": "31. august 2026", "since": "30. april 2026",
           "percent": "14,3 %", "pp": f"+1,3{NBSP}pp", "pp_down": f"\u22121,5{NBSP}pp"},
    "en": {"table": "2026-06-30", "text": "31 August 2026", "since": "30 April 2026",
           "percent": "14.3 %", "pp": f"+1.3{NBSP}pp", "pp_down": f"\u22121.5{NBSP}pp"},
}


@pytest.fixture
def data(report_plan: ReportPlan, today: Any) -> dict[str, Any]:
    return compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_pdf_has_table_dates_in_tables_and_text_dates_in_sentences(
        data: dict[str, Any], language: str) -> None:
    reader = PdfReader(io.BytesIO(render_report_pdf(data, "2. tertial 2026", language)))
    # split() joins on every space, the no-break ones too.
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    forms = FORMS[language]
    assert forms["text"] in text  # the cover and "From 30 April 2026 to 31 August 2026."
    assert forms["since"] in text
    assert forms["table"] in text  # 1.1.1's deadline in the overdue table
    assert forms["percent"] in text


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_word_document_writes_the_same_forms(data: dict[str, Any], language: str) -> None:
    document = Document(io.BytesIO(render_report_docx(data, "2. tertial 2026", language)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows
                      for cell in row.cells)
    forms = FORMS[language]
    assert forms["text"] in paragraphs and forms["since"] in paragraphs
    assert forms["table"] in cells
    assert forms["percent"].replace(" ", NBSP) in paragraphs + cells
    assert "31.8.2026" not in paragraphs + cells  # the old short form is gone


@pytest.mark.parametrize(("language", "date_format"), [("nb", "dd.mm.yyyy"),
                                                       ("en", "yyyy-mm-dd")])
def test_the_workbook_keeps_dates_and_shares_as_real_cells(
        data: dict[str, Any], language: str, date_format: str) -> None:
    book = load_workbook(io.BytesIO(render_report_xlsx(data, "2. tertial 2026", language)))
    summary = book.worksheets[0]
    cells = [cell for row in summary.iter_rows() for cell in row]
    as_of = next(cell for cell in cells if cell.value is not None
                 and getattr(cell.value, "date", None) and cell.value.date() == AS_OF)
    assert as_of.number_format == date_format
    shares = [cell for cell in cells if cell.number_format == "0.0 %"]
    assert shares and all(isinstance(cell.value, float) for cell in shares if cell.value)


def snapshot(plan: Any, label: str, end: date, completed: float, average: float,
             overdue: int) -> ReportSnapshot:
    totals = {"total": 8, "completed_percent": completed, "average_progress": average,
              "overdue": overdue, "unassigned": 1}
    return ReportSnapshot.objects.create(
        plan=plan, frequency="custom", period_key=end.isoformat(), period_label=label,
        period_start=end, period_end=end, data_sha256=label,
        data={"totals": totals, "focus_areas": [], "indicators": []})


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_comparison_gives_percentage_points_and_signed_counts(
        world: Any, report_plan: ReportPlan, language: str) -> None:
    plan = report_plan.plan
    a = snapshot(plan, "A", date(2026, 4, 30), completed=12.5, average=30.0, overdue=1)
    b = snapshot(plan, "B", date(2026, 8, 31), completed=13.8, average=28.5, overdue=4)
    client = Client()
    client.force_login(world.reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("reports:snapshot-compare", args=[plan.pk])
                      + f"?a={a.pk}&b={b.pk}").text
    forms = FORMS[language]
    assert f'<td class="num">{forms["pp"]}</td>' in html  # completed 12.5 % → 13.8 %
    assert f'<td class="num">{forms["pp_down"]}</td>' in html  # average 30.0 % → 28.5 %
    assert '<td class="num">+3</td>' in html  # overdue 1 → 4
    assert (f"12,5{NBSP}%" if language == "nb" else f"12.5{NBSP}%") in html
    if language == "nb":
        assert "+1.3" not in html  # no decimal point beside "12,5 %"
