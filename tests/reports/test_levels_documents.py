"""The documents with tiltak on every level: the web report, the PDF (tagged PDF/UA), the
Word document and the workbook list plan-wide tiltak before the focus areas and an area's
own before its goals, numbered T1 and 1.T1; a report frozen before the levels still
renders, and two reports compare."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from reports.compare import compare_reports
from reports.docx import render_report_docx
from reports.pdf import render_report_html_for_pdf, render_report_pdf
from reports.progress import compute_progress
from reports.rendering import report_context
from reports.xlsx import render_report_xlsx
from tests.reports.conftest import AS_OF, SINCE, ReportPlan
from tests.reports.levels_data import AREA_OWN, PLAN_WIDE, add_levels
from tests.reports.test_docx import all_text, headings, open_docx
from tests.reports.test_pdf_tagging import assert_tagged, template_texts_in_both, text_of

pytestmark = pytest.mark.django_db
PERIOD = "2. tertial 2026"


@pytest.fixture
def levels(report_plan: ReportPlan, world: Any) -> dict[str, Any]:
    return add_levels(report_plan, world)


@pytest.fixture
def full(report_plan: ReportPlan, levels: dict[str, Any], today: Any) -> dict[str, Any]:
    """The report with every tiltak listed (the full PDF, the workbook, a round's data)."""
    return compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, include_actions=True)


def without_levels(data: dict[str, Any]) -> dict[str, Any]:
    """*data* as a report frozen before tiltak could hang on an area or the plan: no
    ``plan_level``, ``own`` or ``level``, and every tiltak under a goal."""
    old = copy.deepcopy(data)
    old.pop("plan_level")
    for area in old["focus_areas"]:
        area.pop("own")
    old["actions"] = [row for row in old["actions"] if row["goal_id"] is not None]
    for row in old["actions"] + old["overdue"]:
        row.pop("level", None)
    old["overdue"] = [row for row in old["overdue"] if row["goal_id"] is not None]
    return old


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_web_report_gives_the_plan_wide_and_area_tiltak_their_own_rows(
        world: Any, report_plan: ReportPlan, levels: dict[str, Any], today: Any) -> None:
    client = Client()
    client.force_login(world.reader)
    html = client.get(reverse("reports:plan-report", args=[report_plan.plan.pk]),
                      {"as_of": AS_OF, "since": SINCE}).text
    summary = html.split('id="sammendrag"')[1].split("</table>")[0]
    # Before the areas: the plan-wide tiltak, 2 of them, 50 % completed.
    assert summary.index("Gjelder hele planen") < summary.index("Helse og mestring")
    row = summary.split("Gjelder hele planen</th>")[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in row and "50,0\xa0%" in row
    area = html.split('id="omrade-')[1].split("</table>")[0]
    assert area.index("Gjelder hele satsingsområdet") < area.index("1.1 Bo trygt hjemme")
    assert 'Satsingsområdet i alt</th><td class="num">7</td>' in area


def test_the_full_pdf_lists_every_level_where_the_plan_puts_it_and_stays_tagged(
        full: dict[str, Any]) -> None:
    reader = assert_tagged(render_report_pdf(full, PERIOD, language="nb"), "nb",
                           "Plan for rapport – Ærø")
    text = flat(text_of(reader))
    for shown in ("T1 Felles kompetanseløft", "T2 Felles rapportering",
                  "1.T1 Områdetiltak helse", "2.T1 Områdetiltak oppvekst"):
        assert shown in text
    # The order is the print HTML's (a PDF's extracted text runs tables out of order).
    html = flat(render_report_html_for_pdf(full, PERIOD, language="nb"))
    listing = html.split('id="alle-tiltak"')[1]
    assert (listing.index("<h3>Gjelder hele planen</h3>")
            < listing.index("<td>T1 Felles kompetanseløft</td>")
            < listing.index("<td>T2 ") < listing.index("<h3>1 Helse og mestring</h3>")
            < listing.index("<td>1.T1 Områdetiltak helse</td>")
            < listing.index("<td>1.1.1 ") < listing.index("<h3>2 Oppvekst</h3>")
            < listing.index("<td>2.T1 Områdetiltak oppvekst</td>")
            < listing.index("<td>2.1.1 "))


def test_the_committee_pdf_counts_the_levels_in_its_tables_and_chart(
        report_plan: ReportPlan, levels: dict[str, Any], today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)
    reader = assert_tagged(render_report_pdf(data, PERIOD, language="nb"), "nb",
                           "Plan for rapport – Ærø")
    text = flat(text_of(reader))
    assert "Gjelder hele planen" in text and "Gjelder hele satsingsområdet" in text
    assert "1.T1 Områdetiltak helse" in text  # overdue, with its number
    html = flat(render_report_html_for_pdf(data, PERIOD, language="nb"))
    assert "Gjelder hele planen: gjennomsnittlig fremdrift 70,0" in html  # the chart's alt
    area = html.split('id="omrade-')[1].split("</table>")[0]
    assert area.index("Gjelder hele satsingsområdet") < area.index("1.1 Bo trygt hjemme")


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_no_text_of_the_levels_stays_english(full: dict[str, Any], language: str) -> None:
    assert template_texts_in_both(full, language) == set()


def test_the_word_document_puts_each_tiltak_under_its_heading(full: dict[str, Any]) -> None:
    document = open_docx(render_report_docx(full, PERIOD))
    found = headings(document)
    part = found[[text for _style, text in found].index("Satsingsområder og delmål"):]
    assert part[1:5] == [("Heading 2", "Gjelder hele planen"),
                         ("Heading 2", "1 Helse og mestring"),
                         ("Heading 3", "Gjelder hele satsingsområdet"),
                         ("Heading 3", "1.1 Bo trygt hjemme")]
    cells = [[cell.text for cell in row.cells] for table in document.tables
             for row in table.rows]
    assert ["T1", PLAN_WIDE[0]] in [row[:2] for row in cells]
    assert ["1.T1", AREA_OWN[0]] in [row[:2] for row in cells]
    assert ["Gjelder hele satsingsområdet", "1"] in [row[:2] for row in cells]
    assert ["Gjelder hele planen", "2"] in [row[:2] for row in cells]
    assert "Tiltak som gjelder hele satsingsområde 1" in all_text(document)


def test_the_workbook_has_a_sheet_for_the_plan_wide_tiltak_and_numbers_them(
        full: dict[str, Any]) -> None:
    book = load_workbook(io.BytesIO(render_report_xlsx(full, PERIOD)))
    assert book.sheetnames[:3] == ["Sammendrag", "Gjelder hele planen", "1 Helse og mestring"]
    plan_sheet = [row for row in book["Gjelder hele planen"].iter_rows(values_only=True)]
    assert [row[:2] for row in plan_sheet if row[0] in ("T1", "T2")] == [
        ("T1", PLAN_WIDE[0]), ("T2", PLAN_WIDE[1])]
    summary = [row for row in book["Sammendrag"].iter_rows(values_only=True)]
    assert ("Gjelder hele planen", 2) in [row[:2] for row in summary]
    area = [row for row in book["1 Helse og mestring"].iter_rows(values_only=True)]
    labels = [row[0] for row in area]
    assert labels.index("Gjelder hele satsingsområdet") < labels.index("1.1 Bo trygt hjemme")
    assert ("1.T1", AREA_OWN[0]) in [row[:2] for row in area]
    assert not any(row[0] in ("T1", "T2") for row in area)  # the plan's are on their sheet


def test_a_report_frozen_before_the_levels_renders_in_every_format(
        full: dict[str, Any]) -> None:
    old = without_levels(full)
    with translation.override("nb"):
        context = report_context(old)
    assert context["report"]["plan_level_html"] == "" and context["plan_action_list"] is None
    assert all(area["own_html"] == "" for area in context["report"]["focus_areas"])
    html = render_report_html_for_pdf(old, PERIOD, language="nb")
    assert "Gjelder hele" not in html and "1.1.1 Tiltak 1.1.1" in flat(html).replace(
        "</td><td>", " ")
    assert "Gjelder hele" not in all_text(open_docx(render_report_docx(old, PERIOD)))
    book = load_workbook(io.BytesIO(render_report_xlsx(old, PERIOD)))
    assert "Gjelder hele planen" not in book.sheetnames


def test_comparing_an_old_report_with_a_new_one_gives_the_levels_rows(
        full: dict[str, Any]) -> None:
    with translation.override("nb"):
        rows = compare_reports(without_levels(full), full)
    levels = [(row.level, row.label) for row in rows]
    assert levels[:4] == [("plan", ""), ("plan_level", "Gjelder hele planen"),
                          ("area", "1 Helse og mestring"),
                          ("own", "Gjelder hele satsingsområdet")]
    plan_level = rows[1].figures["total"]
    assert (plan_level.before, plan_level.after) == (None, 2)
    own = rows[3].figures["average_progress"]
    assert (own.before, own.after) == (None, 20.0)
