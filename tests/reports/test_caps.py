"""Long lists are capped where a reader cannot use them whole (the committee PDF, the web
page by default), with a line saying how many more there are; the XLSX keeps everything."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import rendering
from reports.pdf import render_report_pdf
from reports.progress import compute_progress
from reports.rendering import highest_risk_first, most_overdue_first
from reports.xlsx import render_report_xlsx
from tests.reports.conftest import AS_OF, SINCE, ReportPlan

QUERY = "?as_of=2026-08-31&since=2026-04-30"


def _row(code: str, due: str | None, risk: str = "") -> dict[str, Any]:
    return {"code": code, "due_date": due, "risk": risk}


def test_the_most_overdue_action_comes_first_and_no_deadline_last() -> None:
    rows = [_row("a", "2026-06-30"), _row("b", None), _row("c", "2026-01-31")]
    assert [row["code"] for row in most_overdue_first(rows)] == ["c", "a", "b"]


def test_off_track_comes_before_at_risk_then_the_oldest_deadline() -> None:
    rows = [_row("a", "2026-01-01", "at_risk"), _row("b", "2026-09-01", "off_track"),
            _row("c", "2026-03-01", "off_track")]
    assert [row["code"] for row in highest_risk_first(rows)] == ["c", "b", "a"]


def _section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.django_db
def test_the_committee_pdf_caps_its_lists_and_says_how_many_more_there_are(
    report_plan: ReportPlan, today: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(rendering.PDF_LIMITS, "overdue", 1)
    monkeypatch.setitem(rendering.PDF_LIMITS, "status_updates", 1)
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)
    reader = PdfReader(io.BytesIO(render_report_pdf(data, "2. tertial 2026")))
    # Past the cover and the contents, which name the same headings.
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages[2:])
    overdue = _section(text, "Forsinkede tiltak", "Tiltak med risiko")
    assert "Tiltak 2.1.2 – øving" in overdue  # deadline 31 January: the most overdue
    assert "Tiltak 1.1.1 – øving" not in overdue
    assert "Tiltak 1.2.1 – øving" not in overdue
    assert "2 til vises ikke her." in overdue
    assert ("PDF-en viser 1 av 3; hele listen står i Excel-filen og på nettsiden til rapporten."
            in overdue)
    at_risk = _section(text, "Tiltak med risiko", "Siden forrige rapport")
    assert "vises ikke her" not in at_risk  # under its cap: whole, nothing to say
    updates = _section(text, "Statusoppdateringer", "Om tallene")
    assert "PDF-en viser 1 av" in updates and "hele listen står på nettsiden" in updates


@pytest.mark.django_db
def test_the_xlsx_keeps_every_overdue_action_when_the_pdf_is_capped(
    report_plan: ReportPlan, today: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(rendering.PDF_LIMITS, "overdue", 1)
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)
    book = load_workbook(io.BytesIO(render_report_xlsx(data, "2. tertial 2026")))
    codes = {row[0] for row in book["Sammendrag"].iter_rows(values_only=True)}
    assert {"1.1.1", "1.2.1", "2.1.2"} <= codes


@pytest.mark.django_db
def test_the_web_page_shows_the_first_goals_and_all_of_them_on_request(
    world: Any, report_plan: ReportPlan, today: Any, monkeypatch: Any
) -> None:
    from reports import views

    monkeypatch.setattr(views, "GOAL_ROWS", 1)
    client = Client()
    client.force_login(world.reader)
    url = reverse("reports:plan-report", args=[report_plan.plan.pk]) + QUERY
    html = client.get(url).content.decode()
    assert "Viser de første 1 av 2." in html
    assert "Friskere ansatte" not in html.split('id="satsingsomrader"')[1].split(
        'id="indikatorer"')[0]  # goal 1.2, the second of focus area 1
    everything = client.get(url + "&rows=all").content.decode()
    assert "1.2 Friskere ansatte" in everything
    assert "Viser de første" not in everything


def test_goals_with_the_most_overdue_actions_come_first_then_the_lowest_progress() -> None:
    from reports.rendering import most_overdue_goals_first

    goals = [{"code": "a", "overdue": 0, "average_progress": 10.0},
             {"code": "b", "overdue": 2, "average_progress": 50.0},
             {"code": "c", "overdue": 2, "average_progress": None},
             {"code": "d", "overdue": 0, "average_progress": 5.0}]
    assert [goal["code"] for goal in most_overdue_goals_first(goals)] == ["c", "b", "d", "a"]


@pytest.mark.django_db
def test_the_committee_pdf_caps_goals_per_focus_area_and_the_full_pdf_does_not(
    report_plan: ReportPlan, today: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(rendering, "PDF_GOAL_ROWS", 1)

    def goals_section(include_actions: bool) -> str:
        data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE,
                                include_actions=include_actions)
        reader = PdfReader(io.BytesIO(render_report_pdf(data, "2. tertial 2026")))
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages[2:])
        return _section(text.split("Satsingsområder og delmål", 1)[1], "1 Helse og mestring",
                        "2 Oppvekst")

    committee = goals_section(include_actions=False)
    # Goal 1.2 has one overdue action with 10 % progress, goal 1.1 one with more progress.
    assert "1.2 Friskere ansatte" in committee
    assert "1.1 Bo trygt hjemme" not in committee
    assert "1 til vises ikke her. PDF-en viser 1 av 2;" in committee
    full = goals_section(include_actions=True)
    assert "1.1 Bo trygt hjemme" in full and "1.2 Friskere ansatte" in full
    assert "vises ikke her" not in full


def test_the_full_pdf_listing_shortens_long_titles_and_escapes_them() -> None:
    from reports.rendering import _listing_html, risk_labels, status_labels

    row = {"code": "1.1.1", "title": "<b>" + "Langt tiltak " * 10, "responsible_unit": "Skole",
           "due_date": "2026-06-30", "status": "in_progress", "progress": 40,
           "risk": "at_risk"}
    html = _listing_html(row, status_labels(), risk_labels(), public=True)
    assert "&lt;b&gt;Langt tiltak" in html and "<b>" not in html
    assert "…</td>" in html
    # Three cells: the tiltak, who is responsible, and deadline, status and risk.
    assert html.count("<td>") == 3
    assert "<td>Skole</td><td>30.06.2026 · Pågår 40\xa0% · Risiko</td>" in html
