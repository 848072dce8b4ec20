"""What a closed (or preliminary) round adds to the PDF, the HTML and the workbook: the case
facts, the assessments, every action's approved return, the final evaluations, the changes
since the previous round and continuous actions counted as such."""

from __future__ import annotations

import copy
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.pdf import render_report_html_for_pdf, render_report_pdf
from reports.progress import compute_progress
from reports.rendering import report_context
from reports.xlsx import render_report_xlsx
from tests.reports.conftest import AS_OF, SINCE, ReportPlan
from tests.reports.round_report_data import (
    ASSESSMENT,
    EVALUATION,
    RETURN_DONE,
    RETURN_NEXT,
    round_data,
)

pytestmark = pytest.mark.django_db
PERIOD = "2. tertial 2026"


def pages_of(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def closed(report_plan: ReportPlan, today: Any) -> dict[str, Any]:
    return round_data(report_plan)


@pytest.fixture
def closed_pdf(closed: dict[str, Any]) -> str:
    return " ".join(pages_of(render_report_pdf(closed, PERIOD)))


def test_a_preliminary_report_says_so_on_every_page_the_cover_too(
        report_plan: ReportPlan, today: Any) -> None:
    pages = pages_of(render_report_pdf(round_data(report_plan, preliminary=True), PERIOD))
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert "FORELØPIG RAPPORT" in text, f"page {number} lacks the label"
    assert "Foreløpig rapport: perioden er ikke over" in " ".join(pages)


def test_a_closed_round_is_not_labelled_preliminary(closed_pdf: str) -> None:
    assert "FORELØPIG" not in closed_pdf.upper()


def test_the_pdf_gives_the_case_facts_of_the_round(closed_pdf: str) -> None:
    assert "Saksnummer 2026/1234" in closed_pdf
    assert "Hovedutvalg for helse" in closed_pdf
    assert "20. oktober 2026" in closed_pdf  # the meeting date
    assert "Rapporteringsrunde 2. tertial 2026" in closed_pdf


def test_the_pdf_holds_the_assessments_returns_and_final_evaluations(closed_pdf: str) -> None:
    assert "Vurderinger" in closed_pdf
    for text in (ASSESSMENT, RETURN_DONE, RETURN_NEXT, EVALUATION):
        for paragraph in text.split("\n\n"):
            assert flat(paragraph) in closed_pdf
    assert "Rapporter fra tiltakene" in closed_pdf
    assert "2 godkjente rapporter fra runden" in closed_pdf
    assert "Sluttevalueringer" in closed_pdf and "20.08.2026" in closed_pdf


def test_the_pdf_lists_what_changed_since_the_previous_round(closed_pdf: str) -> None:
    assert "Sammenlignet med forrige rapporteringsrunde, 1. tertial 2026" in closed_pdf
    assert "1 nytt tiltak" in closed_pdf
    assert "1 avbrutt tiltak" in closed_pdf
    assert "Frist flyttet 3 ganger, +14 måneder" in closed_pdf


def test_continuous_actions_are_counted_as_løpende_not_unassigned(closed_pdf: str) -> None:
    assert "Løpende" in closed_pdf
    assert "1 tiltak er løpende" in closed_pdf
    assert "løpende" in closed_pdf  # the action's period text stands for its deadline


def test_the_table_of_contents_lists_the_new_sections(closed_pdf: str) -> None:
    contents = closed_pdf.split("Innhold", 1)[1][:1500]
    for heading in ("Saken", "Vurderinger", "Rapporter fra tiltakene", "Sluttevalueringer"):
        assert heading in contents


def test_the_pdf_document_is_in_the_language_it_is_rendered_in(closed: dict[str, Any]) -> None:
    assert '<html lang="nb">' in render_report_html_for_pdf(closed, PERIOD)
    html = render_report_html_for_pdf(closed, PERIOD, language="en")
    assert '<html lang="en">' in html
    assert "Deadline moved 3 times, +14 months" in html


def test_control_characters_in_user_text_never_reach_the_html(closed: dict[str, Any]) -> None:
    html = render_report_html_for_pdf(closed, PERIOD)
    assert "Skolene rapporterer jevnt." in html
    assert "\x00" not in html and "\x0b" not in html


def test_a_report_frozen_before_rounds_renders_without_the_new_sections(
        report_plan: ReportPlan, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)
    old = copy.deepcopy(data)
    for summary in [old["totals"], *old["focus_areas"]]:
        summary["by_status"].pop("carried_over", None)  # the status did not exist yet
        summary.pop("continuous", None)
    text = " ".join(pages_of(render_report_pdf(old, PERIOD)))
    assert "Sammendrag" in text
    for absent in ("Saken", "Vurderinger", "Rapporter fra tiltakene", "Sluttevalueringer",
                   "FORELØPIG", "tiltak er løpende"):
        assert absent not in text


def test_the_public_round_page_shows_only_approved_text_and_no_names(
        report_plan: ReportPlan, world: Any, today: Any) -> None:
    data = round_data(report_plan, public=True)
    with translation.override("nb"):
        html = render_to_string("reports/_report_content.html", report_context(data))
    assert RETURN_NEXT in html
    assert "Frist flyttet 3 ganger, +14 måneder" in html
    assert world.unit_manager.username not in html
    name = world.unit_manager.get_full_name()
    assert not name or name not in html
    pdf = " ".join(pages_of(render_report_pdf(data, PERIOD)))
    assert RETURN_NEXT in pdf
    assert not name or name not in pdf


def test_the_workbook_has_sheets_for_returns_evaluations_and_moved_deadlines(
        closed: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(render_report_xlsx(closed, PERIOD)))
    assert {"Rapporter", "Sluttevalueringer", "Vurderinger", "Flyttede frister"} <= set(
        book.sheetnames)
    returns = [[cell.value for cell in row] for row in book["Rapporter"].iter_rows()]
    assert returns[0][:3] == ["Nr.", "Tiltak", "Ansvarlig enhet"]
    assert returns[1][0] == "1.1.1"
    assert returns[1][4] == 0.6
    assert returns[1][6] == RETURN_DONE and returns[1][7] == RETURN_NEXT
    assert len(returns) == 3  # the two approved returns, nothing else
    evaluations = [[cell.value for cell in row] for row in book["Sluttevalueringer"].iter_rows()]
    assert evaluations[1][0] == "1.1.2" and evaluations[1][4] == EVALUATION
    moved = [[cell.value for cell in row] for row in book["Flyttede frister"].iter_rows()]
    assert moved[1][2] == "Frist flyttet 3 ganger, +14 måneder"
    assert moved[1][3:5] == [3, 14]


def test_the_workbook_counts_continuous_actions_in_their_own_column(
        closed: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(render_report_xlsx(closed, PERIOD)))
    summary = book["Sammendrag"]
    header = next(row for row in summary.iter_rows(values_only=True) if row[0] == "Satsingsområde")
    column = header.index("Løpende")
    whole = next(row for row in summary.iter_rows(values_only=True) if row[0] == "Hele planen")
    assert whole[column] == 1
    assert header[column - 1] == "Uten ansvar/frist"
    facts = {row[0]: row[1] for row in summary.iter_rows(max_row=12, values_only=True)}
    assert facts["Saksnummer"] == "2026/1234"


def test_the_public_round_page_template_renders_the_frozen_report(
        report_plan: ReportPlan, world: Any, today: Any) -> None:
    context = report_context(round_data(report_plan, public=True))
    context.update(period_label=PERIOD, base_template="reports/standalone_base.html",
                   pdf_url="/offentlig/planer/1/rapporter/2/rapport.pdf",
                   plan=report_plan.plan, snapshot=SimpleNamespace(pk=2))
    with translation.override("nb"):
        html = render_to_string("reports/round_report_public.html", context)
    assert "Plan for rapport – Ærø" in html and PERIOD in html
    assert 'href="/offentlig/planer/1/rapporter/2/rapport.pdf"' in html
    assert "Saksnummer" in html and RETURN_NEXT in html
    assert world.unit_manager.username not in html


def test_a_round_report_lists_each_action_once_with_its_return_not_again_in_full(
        closed: dict[str, Any], report_plan: ReportPlan, today: Any) -> None:
    # The round's returns section names every action with its approved return; the full
    # listing of the ordinary report would list them all a second time.
    assert not report_context(closed, medium="pdf")["full_listing"]
    ordinary = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, public=True,
                                include_actions=True)
    assert report_context(ordinary, medium="pdf")["full_listing"]
