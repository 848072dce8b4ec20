"""The Word document a saksbehandler pastes into the saksframlegg: real headings, tables
with repeating header rows, the charts as pictures with alt text, the round's sections."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from reports.docx import render_report_docx
from reports.progress import compute_progress
from tests.reports.conftest import AS_OF, SINCE, ReportPlan
from tests.reports.round_report_data import EVALUATION, RETURN_NEXT, round_data

pytestmark = pytest.mark.django_db
PERIOD = "2. tertial 2026"


def open_docx(content: bytes) -> Any:
    return Document(io.BytesIO(content))


def headings(document: Any) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name.startswith(("Heading", "Title"))]


def all_text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def closed(report_plan: ReportPlan, today: Any) -> Any:
    return open_docx(render_report_docx(round_data(report_plan), PERIOD))


def test_focus_areas_and_goals_are_real_headings(closed: Any) -> None:
    found = headings(closed)
    assert ("Title", "Fremdriftsrapport: Plan for rapport – Ærø") in found
    assert ("Heading 1", "Sammendrag") in found
    assert ("Heading 1", "Satsingsområder og delmål") in found
    assert ("Heading 2", "1 Helse og mestring") in found
    assert ("Heading 3", "1.1 Bo trygt hjemme") in found
    assert ("Heading 3", "2.2 Tomt delmål") in found


def test_every_table_repeats_its_header_row_on_each_page(closed: Any) -> None:
    assert len(closed.tables) > 5
    for table in closed.tables:
        first = table.rows[0]._tr
        assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        for row in table.rows[1:]:
            assert row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None


def test_the_totals_table_counts_continuous_actions_apart(closed: Any) -> None:
    totals = closed.tables[0]
    header = [cell.text for cell in totals.rows[0].cells]
    assert header[0] == "Satsingsområde"
    continuous = header.index("Løpende")
    assert header[continuous - 1] == "Uten ansvar/frist"
    whole = [cell.text for cell in totals.rows[-1].cells]
    assert whole[0] == "Hele planen" and whole[continuous] == "1"


def test_the_charts_are_pictures_whose_alt_text_states_the_values(closed: Any) -> None:
    shapes = list(closed.inline_shapes)
    assert len(shapes) == 2
    descriptions = [shape._inline.docPr.get("descr") for shape in shapes]
    assert "1 Helse og mestring: gjennomsnittlig fremdrift 44,0\xa0%" in descriptions[0]
    assert descriptions[1].startswith("8 tiltak: ikke startet 3, pågår 2, fullført 1")
    assert [shape._inline.docPr.get("title") for shape in shapes] == [
        "Fremdrift per satsingsområde", "Tiltak etter status"]
    image = shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert closed.part.related_parts[image].content_type == "image/png"


def test_the_round_s_case_facts_returns_evaluations_and_changes_are_in_it(closed: Any) -> None:
    text = all_text(closed)
    assert "Saksnummer: 2026/1234" in text
    assert "Utvalg: Hovedutvalg for helse" in text
    assert "Møtedato: 20. oktober 2026" in text
    assert ("Heading 1", "Vurderinger") in headings(closed)
    assert ("Heading 2", "1 Helse og mestring") in headings(closed)
    assert "Rapport: 1.1.1 Tiltak 1.1.1 – øving" in text
    assert "Status: Pågår · Fremdrift: 60\xa0% · Risiko: Risiko" in text
    assert RETURN_NEXT in text
    assert EVALUATION in text
    assert "Frist flyttet 3 ganger, +14 måneder" in text
    assert "Sammenlignet med forrige rapporteringsrunde, 1. tertial 2026:" in text
    assert "FORELØPIG" not in text.upper()


def test_no_person_is_named_even_in_an_internal_report(closed: Any, world: Any) -> None:
    text = all_text(closed)
    assert world.unit_manager.username not in text
    name = world.unit_manager.get_full_name()
    assert not name or name not in text


def test_a_preliminary_report_says_so_in_every_page_header_and_at_the_top(
        report_plan: ReportPlan, today: Any) -> None:
    document = open_docx(render_report_docx(round_data(report_plan, preliminary=True), PERIOD))
    assert document.sections[0].header.paragraphs[0].text == "FORELØPIG RAPPORT"
    assert document.paragraphs[2].text.startswith("Foreløpig rapport: perioden er ikke over")


def test_control_characters_pasted_into_a_text_do_not_break_the_file(closed: Any) -> None:
    assert "Skolene rapporterer jevnt." in all_text(closed)


def test_the_document_properties_give_title_and_language(closed: Any) -> None:
    assert closed.core_properties.title == (
        "Fremdriftsrapport: Plan for rapport – Ærø – 2. tertial 2026")
    assert closed.core_properties.language == "nb-NO"
    defaults = closed.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(
        qn("w:val")) == "nb-NO"


def test_the_caller_chooses_the_language(report_plan: ReportPlan, today: Any) -> None:
    document = open_docx(render_report_docx(round_data(report_plan), PERIOD, language="en"))
    assert document.core_properties.language == "en-GB"
    assert ("Heading 1", "Summary") in headings(document)
    assert "Deadline moved 3 times, +14 months" in all_text(document)


def test_a_report_frozen_before_rounds_still_makes_a_document(
        report_plan: ReportPlan, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)
    for summary in [data["totals"], *data["focus_areas"]]:
        summary["by_status"].pop("carried_over", None)
    document = open_docx(render_report_docx(data, PERIOD))
    found = headings(document)
    assert ("Heading 2", "1 Helse og mestring") in found
    assert ("Heading 1", "Vurderinger") not in found
    assert ("Heading 1", "Sluttevalueringer") not in found
    assert "Saksnummer" not in all_text(document)
