"""The Excel workbook, read back with openpyxl: sheets, real numbers and real dates."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from reports.progress import compute_progress
from reports.xlsx import _sheet_title, render_report_xlsx
from tests.reports.conftest import AS_OF, SINCE, ReportPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(report_plan: ReportPlan, today: Any) -> Any:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, include_actions=True)
    return load_workbook(io.BytesIO(render_report_xlsx(data, "2. tertial 2026")))


def rows(sheet: Any) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def find(sheet: Any, first: str) -> tuple:
    return next(row for row in rows(sheet) if row[0] == first)


def test_a_summary_sheet_and_one_sheet_per_focus_area(book: Any) -> None:
    assert book.sheetnames == ["Sammendrag", "1 Helse og mestring", "2 Oppvekst"]


def test_summary_holds_numbers_not_text(book: Any) -> None:
    sheet = book["Sammendrag"]
    assert find(sheet, "Status per")[1] == datetime(2026, 8, 31)
    whole = find(sheet, "Hele planen")
    # Actions, six statuses, completed share, overdue, unassigned, continuous, average
    # progress (continuous is empty while the data does not count it).
    assert whole[1:11] == (8, 3, 2, 1, 1, 1, 0, pytest.approx(0.143), 3, 2)
    assert whole[11] in (0, None)
    assert whole[12] == pytest.approx(0.314)
    average_cell = next(c for c in sheet[[r[0] for r in rows(sheet)].index("Hele planen") + 1]
                        if c.column == 13)
    assert average_cell.number_format == "0.0 %"
    area = find(sheet, "1 Helse og mestring")
    assert area[8] == pytest.approx(0.2) and isinstance(area[1], int)
    percent_cell = next(c for c in sheet[[r[0] for r in rows(sheet)].index("Hele planen") + 1]
                        if c.column == 9)
    assert percent_cell.number_format == "0.0 %"


def test_indicator_values_and_dates_are_typed(book: Any) -> None:
    row = find(book["Sammendrag"], "1.2")
    assert row[1] == "Sykefravær"
    # The latest baseline as numbers; the targets as the plan states them, in words.
    assert row[4:8] == (10, 2024, "≤\xa08\xa0% (2026)", 9.5)
    assert row[8] == datetime(2025, 12, 31)
    assert row[9] == "Ikke i rute"


def test_focus_area_sheet_lists_its_goals_and_every_action(book: Any) -> None:
    sheet = book["1 Helse og mestring"]
    goal = find(sheet, "1.1 Bo trygt hjemme")
    assert goal[1] == 3 and goal[-1] == pytest.approx(0.533)
    action = find(sheet, "1.1.1")
    assert action[1] == "Tiltak 1.1.1 – øving"
    assert action[2] == "Hjemmetjenesten"
    assert action[4] == datetime(2026, 6, 30)  # the deadline, as a date
    assert action[6] == pytest.approx(0.6)
    assert action[8] == "Venter på budsjett"
    codes = [r[0] for r in rows(sheet) if r[0] and str(r[0]).startswith("1.")]
    assert {"1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2", "1.2.3"} <= set(codes)


def test_sheet_titles_follow_excels_rules() -> None:
    taken: set[str] = set()
    first = _sheet_title("4.1 Helse/omsorg: [Ærlig] og trygt for alle i hele kommunen", taken)
    assert len(first) <= 31 and not set("[]:*?/\\") & set(first)
    second = _sheet_title("4.1 Helse/omsorg: [Ærlig] og trygt for alle i hele kommunen", taken)
    assert second != first and len(second) <= 31


def test_download_from_the_report_page(world: Any, report_plan: ReportPlan, today: Any) -> None:
    client = Client()
    client.force_login(world.reader)
    response = client.get(reverse("reports:plan-report-xlsx", args=[report_plan.plan.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert find(book["Sammendrag"], "Status per")[1] == datetime(2026, 10, 1)  # today
    assert len(book.sheetnames) == 3
