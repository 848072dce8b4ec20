"""Indicator targets in the report: judged by the target for the measurement's year and
the national average, written as the plan states them in every format, and a report
frozen before targets were lists still renders its one target."""

from __future__ import annotations

import copy
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.docx import render_report_docx
from reports.pdf import render_report_pdf
from reports.progress import compute_progress
from reports.xlsx import render_report_xlsx
from strategies.models import Measurement
from tests.factories import IndicatorFactory, MeasurementFactory
from tests.reports.conftest import AS_OF, SINCE, ReportPlan

pytestmark = pytest.mark.django_db
NBSP = "\xa0"


def rows_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in data["indicators"]}


@pytest.fixture
def relative(report_plan: ReportPlan) -> Any:
    """«bedre enn landsgjennomsnittet»: more than the national average, no year."""
    goal = report_plan.plan.focus_areas.order_by("order")[0].goals.order_by("order")[0]
    return IndicatorFactory(goal=goal, name="Levekår", unit="", targets=[
        {"year": None, "comparison": "gt", "value": 0, "relative_to_national": True}])


def test_a_relative_target_is_judged_by_the_measurements_national_average(
        report_plan: ReportPlan, relative: Any, today: Any) -> None:
    measurement = MeasurementFactory(indicator=relative, period_end=date(2025, 12, 31),
                                     value=Decimal("61.5"), national_average=Decimal("60"))
    row = rows_of(compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE))["Levekår"]
    assert row["assessment"] == "reached"
    assert row["latest_national_average"] == 60

    Measurement.objects.filter(pk=measurement.pk).update(national_average=Decimal("62"))
    row = rows_of(compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE))["Levekår"]
    assert row["assessment"] == "off_track"

    Measurement.objects.filter(pk=measurement.pk).update(national_average=None)
    row = rows_of(compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE))["Levekår"]
    assert row["assessment"] == "unknown"  # no average known: no guess


def test_the_target_for_the_measurements_year_is_the_one_used(
        report_plan: ReportPlan, today: Any) -> None:
    goal = report_plan.plan.focus_areas.order_by("order")[0].goals.order_by("order")[0]
    indicator = IndicatorFactory(goal=goal, name="Lærlingeplasser", unit="antall", targets=[
        {"year": 2025, "comparison": "gte", "value": 10},
        {"year": 2026, "comparison": "gte", "value": 14}])
    MeasurementFactory(indicator=indicator, period_end=date(2025, 12, 31), value=12)
    as_2025 = rows_of(compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE))
    assert as_2025["Lærlingeplasser"]["assessment"] == "reached"  # 12 ≥ 10 in 2025
    MeasurementFactory(indicator=indicator, period_end=date(2026, 6, 30), value=12)
    as_2026 = rows_of(compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE))
    assert as_2026["Lærlingeplasser"]["assessment"] == "off_track"  # 12 < 14 in 2026


def test_the_report_page_writes_targets_and_baselines_as_the_plan_states_them(
        world: Any, report_plan: ReportPlan, relative: Any, today: Any) -> None:
    client = Client()
    client.force_login(world.reader)
    page = client.get(f"/reports/plans/{report_plan.plan.pk}/?as_of={AS_OF}").content.decode()
    assert f"≥{NBSP}80{NBSP}% (2028)" in page  # Andel hjemmeboende over 80 år
    assert f"≤{NBSP}8{NBSP}% (2026)" in page  # Sykefravær
    assert f"&gt;{NBSP}landssnittet" in page
    assert "70 (2024)" in page  # the baseline with its year


def old_shape(data: dict[str, Any]) -> dict[str, Any]:
    """*data* as a report frozen before targets and baselines were lists kept it."""
    data = copy.deepcopy(data)
    for row in data["indicators"]:
        targets, baselines = row.pop("targets"), row.pop("baselines")
        row.pop("latest_national_average")
        row["target_value"] = targets[0]["value"] if targets else None
        row["target_year"] = targets[0]["year"] if targets else None
        row["baseline_value"] = baselines[-1]["value"] if baselines else None
        row["baseline_year"] = baselines[-1]["year"] if baselines else None
    return data


@pytest.fixture
def frozen_before(report_plan: ReportPlan, today: Any) -> dict[str, Any]:
    return old_shape(compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE))


def test_an_old_frozen_report_renders_its_target_in_the_word_document(
        frozen_before: dict[str, Any]) -> None:
    document = Document(io.BytesIO(render_report_docx(frozen_before, "2. tertial 2026", "nb")))
    cells = [[cell.text for cell in row.cells] for table in document.tables
             for row in table.rows]
    sick = next(row for row in cells if row[1].startswith("Sykefravær"))
    # "Lower is better" meant "at most".
    assert sick[3:5] == ["10 (2024)", f"≤{NBSP}8{NBSP}% (2026)"]


def test_an_old_frozen_report_renders_its_target_in_the_workbook(
        frozen_before: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(render_report_xlsx(frozen_before, "2. tertial 2026", "nb")))
    home = next(row for row in book["Sammendrag"].iter_rows(values_only=True)
                if row[1] == "Andel hjemmeboende over 80 år")
    assert home[4:7] == (70, 2024, f"≥{NBSP}80{NBSP}% (2028)")


def test_an_old_frozen_report_renders_its_target_in_the_pdf(
        frozen_before: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(render_report_pdf(frozen_before, "2. tertial 2026", "nb")))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "≥ 80 % (2028)" in text and "≤ 8 % (2026)" in text


def test_the_word_document_and_workbook_write_the_new_targets(
        report_plan: ReportPlan, relative: Any, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)
    document = Document(io.BytesIO(render_report_docx(data, "2. tertial 2026", "nb")))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert f">{NBSP}landssnittet" in cells
    book = load_workbook(io.BytesIO(render_report_xlsx(data, "2. tertial 2026", "nb")))
    values = {cell for row in book["Sammendrag"].iter_rows(values_only=True) for cell in row}
    assert f">{NBSP}landssnittet" in values
