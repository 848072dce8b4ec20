"""The PDFs in budget (issue 18): what keeps WeasyPrint's time and memory down, and the
committee document a round's PDF stays (15–40 pages, not 360), each cut list saying how
many more there are and where the whole of it is.

``python -m bench report`` measures the figures; these tests hold the means."""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import pytest
from django.conf import settings
from pypdf import PdfReader

from reports import rendering
from reports.pdf import _page_references, _user_agent_sheet, html_to_pdf, render_report_html_for_pdf
from reports.progress import compute_progress
from reports.rendering import PDF_RETURN_ROWS, PDF_ROUND_LIMITS, report_context
from tests.reports.conftest import AS_OF, SINCE, ReportPlan
from tests.reports.round_report_data import round_data

pytestmark = pytest.mark.django_db
PERIOD = "2. tertial 2026"


def flat(text: str) -> str:
    return " ".join(text.split())


# --- WeasyPrint ------------------------------------------------------------------------------


def test_the_user_agent_sheet_gives_no_element_the_pseudo_elements_of_notes() -> None:
    from weasyprint.html import UA, UA_STYLESHEET

    # WeasyPrint's own sheet still has the rules dropped here (else it is used as it is,
    # and the PDFs silently cost twice the memory again: look at the rules anew).
    assert _user_agent_sheet() is not UA_STYLESHEET
    assert "\n::marker {" in UA and len(re.findall(r"\n::(footnote|note)-", UA)) == 5


def test_a_list_item_keeps_its_bullet_with_the_lighter_sheet() -> None:
    content, pages = html_to_pdf(
        "<!doctype html><html lang='nb'><title>Liste</title><ul><li>Første</li></ul></html>")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert pages == 1 and "•" in text and "Første" in text


def test_the_page_references_are_made_once_per_number_of_pages() -> None:
    import pydyf

    html_to_pdf("<!doctype html><html lang='nb'><title>x</title><p>x</p></html>")
    assert pydyf.PDF.page_references.fget is _page_references
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({}))
    first = pdf.page_references
    expected = tuple(f"{number} 0 R".encode() for number in pdf.pages["Kids"][::3])
    assert first == expected and pdf.page_references is first  # the same tuple, not anew
    pdf.add_page(pydyf.Dictionary({}))
    assert len(pdf.page_references) == 4


def test_the_garbage_collector_runs_again_after_a_render_as_it_did_before() -> None:
    import gc

    html = "<!doctype html><html lang='nb'><title>x</title><p>x</p></html>"
    assert gc.isenabled()
    html_to_pdf(html)
    assert gc.isenabled()
    gc.disable()
    try:
        html_to_pdf(html)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


# --- The full listing ------------------------------------------------------------------------


@pytest.fixture
def full(report_plan: ReportPlan, today: Any) -> dict[str, Any]:
    return compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, include_actions=True)


def listing_rows(html: str) -> list[str]:
    listing = html.split('id="alle-tiltak"')[1].split('id="om-rapporten"')[0]
    return re.findall(r"<tr><td>.*?</tr>", listing)


def test_the_full_listing_has_three_cells_a_row(full: dict[str, Any]) -> None:
    rows = listing_rows(render_report_html_for_pdf(full, PERIOD, language="nb"))
    assert len(rows) == len(full["actions"]) == 8
    assert all(row.count("<td>") == 3 for row in rows)
    # The tiltak, who is responsible (unit and person inside the kommune), and the state.
    person = next(row["responsible_person"] for row in full["actions"] if row["code"] == "1.1.1")
    shown = person if len(person) <= 14 else person[:13].rstrip() + "…"  # shortened to fit
    assert (f"<tr><td>1.1.1 Tiltak 1.1.1 – øving</td><td>Hjemmetjenesten · {shown}</td>"
            "<td>30.06.2026 · Pågår 60\xa0% · Risiko</td></tr>") in rows


def test_the_public_full_listing_names_no_person(report_plan: ReportPlan, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, public=True,
                            include_actions=True)
    html = render_report_html_for_pdf(data, PERIOD, language="nb")
    assert "<td>Hjemmetjenesten</td><td>30.06.2026 · Pågår 60\xa0% · Risiko</td>" in html
    assert "Ansvarlig enhet og person" not in html


def test_no_element_with_an_id_holds_a_whole_section(full: dict[str, Any]) -> None:
    # WeasyPrint keeps the box of every element with an id for the whole render: on a
    # section that is all of it, the listing of 5,000 tiltak too.
    html = render_report_html_for_pdf(full, PERIOD, language="nb")
    assert re.findall(r"<section[^>]* id=", html) == []
    for target in re.findall(r'<a href="#([^"]+)"', html):  # the table of contents
        assert re.search(rf'<h[23] id="{target}">', html), target


# --- A round's PDF ---------------------------------------------------------------------------


def with_returns(data: dict[str, Any], area_id: int, risks: list[str]) -> dict[str, Any]:
    """*data* with one more tiltak in focus area *area_id* per entry of *risks*, each with
    an approved return of that risk, and deadlines a day apart (the latest first)."""
    data = copy.deepcopy(data)
    model = next(row for row in data["actions"] if row["focus_area_id"] == area_id
                 and row.get("goal_id"))
    for index, risk in enumerate(risks):
        row = {**model, "id": 10_000 + index, "code": f"9.{index}", "number": f"9.{index}",
               "title": f"Ekstra {index} {risk}", "due_date": f"2026-07-{28 - index:02d}"}
        row["return"] = {"status": "in_progress", "progress": 50, "risk": risk,
                         "done": f"Gjort {index}.", "next_steps": "Videre."}
        data["actions"].append(row)
    return data


def returns_of_area(html: str, code: str) -> str:
    section = html.split('id="rapporter"')[1].split('id="evalueringer"')[0]
    return section.split(f"<h3>{code} ")[1].split("<h3>")[0]


def test_a_rounds_pdf_shows_the_most_urgent_returns_of_an_area_and_says_where_the_rest_are(
        report_plan: ReportPlan, today: Any) -> None:
    area = report_plan.areas[0]
    risks = ["on_track"] * 8 + ["at_risk", "off_track", "on_track", "at_risk", "off_track"]
    data = with_returns(round_data(report_plan), area.pk, risks)
    html = render_report_html_for_pdf(data, PERIOD, language="nb")
    block = returns_of_area(html, "1")
    titles = re.findall(r"<td>(Ekstra \d+ \w+|Tiltak [\d.]+ – øving)</td>", block)
    assert len(titles) == PDF_RETURN_ROWS == 10
    # Off track, then at risk (1.1.1's return too), then the oldest deadline first.
    assert titles[:2] == ["Ekstra 12 off_track", "Ekstra 9 off_track"]
    assert set(titles[2:5]) == {"Ekstra 11 at_risk", "Ekstra 8 at_risk",
                                "Tiltak 1.1.1 – øving"}
    assert titles[5] == "Ekstra 10 on_track"  # 18 July, the oldest deadline of the rest
    assert "Godkjente rapporter, satsingsområde 1, de mest presserende først" in block
    total = len(risks) + 1  # and 1.1.1's
    assert flat(f"{total - 10} til vises ikke her. PDF-en viser 10 av {total}; hele listen "
                "står i Word- og Excel-filene for runden.") in flat(block)
    url = f"{settings.SITE_URL}/rapportering/7/"
    assert flat("Denne PDF-en viser de 10 mest presserende rapportene for hvert "
                "satsingsområde") in flat(html)
    assert f'kan lastes ned fra siden for rapporteringsrunden i Planportal: <a href="{url}">' \
        in flat(html)
    # Area 2 has one return: neither cut nor sorted.
    assert "vises ikke her" not in returns_of_area(html, "2")
    # The web page of the round's report lists every one of them.
    web = report_context(data)
    assert web["returns"][0]["count"] == total
    assert web["returns"][0]["list"]["cut"] is False and web["round_files_url"] == ""


def test_a_rounds_pdf_caps_its_other_long_lists_and_the_web_page_does_not(
        report_plan: ReportPlan, today: Any) -> None:
    data = round_data(report_plan)
    data["evaluations"] = [{**data["evaluations"][0], "title": f"Evaluert {index}"}
                           for index in range(30)]
    data["changes"]["cancelled"] = [data["changes"]["cancelled"][0]] * 40
    html = flat(render_report_html_for_pdf(data, PERIOD, language="nb"))
    assert html.count("Evaluert ") == PDF_ROUND_LIMITS["evaluations"] == 25
    assert ("5 til vises ikke her. PDF-en viser 25 av 30; hele listen står i Word- og "
            "Excel-filene for runden.") in html
    assert ("15 til vises ikke her. PDF-en viser 25 av 40; hele listen står i Word-filen "
            "for runden.") in html
    assert "40 avbrutte tiltak" in html  # the caption counts them all
    assert "Lange lister er forkortet i denne PDF-en" in html  # About the figures
    web = report_context(data)
    assert web["evaluations"]["shown"] == 30 and web["changes"]["cancelled"]["shown"] == 40


def test_a_rounds_pdf_caps_the_goals_as_the_committee_pdf_does(
        report_plan: ReportPlan, today: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The round's data holds every tiltak (for the returns); that is no full listing.
    monkeypatch.setattr(rendering, "PDF_GOAL_ROWS", 1)
    html = flat(render_report_html_for_pdf(round_data(report_plan), PERIOD, language="nb"))
    assert "Delmål i satsingsområde 1, de med flest forsinkede tiltak først" in html
    assert 'id="alle-tiltak"' not in html


def test_a_short_rounds_pdf_cuts_nothing_and_says_nothing_of_it(
        report_plan: ReportPlan, today: Any) -> None:
    html = render_report_html_for_pdf(round_data(report_plan), PERIOD, language="nb")
    assert "vises ikke her" not in html and "mest presserende" not in html


def overflowing_texts(html: str) -> list[str]:
    """The laid-out texts that run past the edge of their table cell."""
    from weasyprint.formatting_structure import boxes

    from reports.pdf import _html_class

    found: list[str] = []

    def walk(box: Any, cell: Any) -> None:
        if isinstance(box, boxes.TableCellBox):
            cell = box
        if (isinstance(box, boxes.TextBox) and cell is not None
                and box.position_x + box.width > cell.content_box_x() + cell.width + 0.5):
            found.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child, cell)

    for page in _html_class()(string=html).render().pages:
        walk(page._page_box, None)
    return found


def test_the_full_listings_long_texts_are_shortened_to_fit_their_column(
        world: Any, report_plan: ReportPlan, today: Any) -> None:
    # Long Norwegian names, as in a kommune's real plan: shortened with "…" to fit, never
    # cut at the column's edge (the listing clips what still runs over).
    world.home_care.name = "Hjemmetjenesten og hjemmesykepleien i Nordre Østbygda"
    world.home_care.save()
    world.unit_manager.first_name, world.unit_manager.last_name = "Kari-Mette", "Løvås Bråten"
    world.unit_manager.save()
    action = report_plan.actions["1.1.1"]
    action.title = "Opprettholde opplæring til servicenæringen, lag og foreninger i hele kommunen"
    action.save()
    for public in (False, True):
        data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, public=public,
                                include_actions=True)
        html = render_report_html_for_pdf(data, PERIOD, language="nb")
        assert overflowing_texts(html) == [], public
        assert "Opprettholde opplæring til servicenæringen" in html and "…" in html
