"""Reporting rounds with tiltak on every level: the chase list and a return's page for a
plan-wide tiltak, and the round's frozen report (web page, Word) with the approved
returns of plan-wide and area tiltak where the plan puts them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actions import rounds
from actions.models import ReportingReturn, ReportingRound
from reports.docx import render_report_docx
from reports.models import ReportSnapshot
from reports.round_services import close_round
from tests.reports.conftest import ReportPlan, build_report_plan
from tests.reports.levels_data import AREA_OWN, PLAN_WIDE, add_levels
from tests.reports.test_docx import all_text, open_docx

pytestmark = pytest.mark.django_db


def client_for(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def report(world: Any, round_: ReportingRound, action: Any, done: str) -> None:
    """The responsible unit's manager reports on *action*; the sector leader approves."""
    ret = ReportingReturn.objects.get(round=round_, action=action)
    rounds.submit_return(actor=world.unit_manager, ret=ret, expected_version=ret.version,
                         status="in_progress", progress=50, risk="on_track", done=done,
                         next_steps="Fortsette.")
    ret.refresh_from_db()
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)


@pytest.fixture
def plan(world: Any, today: Any) -> ReportPlan:
    public = build_report_plan(world, public=True)
    public.actions.update(add_levels(public, world))
    return public


@pytest.fixture
def open_round(world: Any, plan: ReportPlan) -> ReportingRound:
    return rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                             period_key="2026-T2", deadline=date(2026, 9, 15),
                             plans=[plan.plan])


@pytest.fixture
def closed(world: Any, plan: ReportPlan, open_round: ReportingRound) -> ReportSnapshot:
    report(world, open_round, plan.actions[PLAN_WIDE[0]], "Kurs for alle enheter holdt.")
    report(world, open_round, plan.actions[AREA_OWN[0]], "Felles rutine for området.")
    report(world, open_round, plan.actions["1.1.1"], "Kartlagt behovet.")
    open_round.refresh_from_db()
    [snapshot] = close_round(actor=world.admin, round=open_round,
                             expected_version=open_round.version, today=date(2026, 9, 20),
                             case_number="2026/1234", committee="Helseutvalget",
                             meeting_date=date(2026, 10, 15))
    return snapshot


def test_the_round_lists_the_plan_wide_returns_first_then_each_areas_own(
        world: Any, plan: ReportPlan, open_round: ReportingRound) -> None:
    html = client_for(world.admin).get(reverse("rounds:detail", args=[open_round.pk])).text
    assert (html.index(PLAN_WIDE[0]) < html.index(AREA_OWN[0])
            < html.index("Tiltak 1.1.1 – øving") < html.index(AREA_OWN[1])
            < html.index("Tiltak 2.1.1 – øving"))


def test_the_return_page_of_a_plan_wide_tiltak_says_it_applies_to_the_whole_plan(
        world: Any, plan: ReportPlan, open_round: ReportingRound) -> None:
    ret = ReportingReturn.objects.get(round=open_round, action=plan.actions[PLAN_WIDE[0]])
    page = client_for(world.unit_manager).get(
        reverse("rounds:return", args=[open_round.pk, ret.pk]))
    assert page.status_code == 200
    assert "Gjelder hele planen" in page.text
    area_ret = ReportingReturn.objects.get(round=open_round, action=plan.actions[AREA_OWN[0]])
    area_page = client_for(world.unit_manager).get(
        reverse("rounds:return", args=[open_round.pk, area_ret.pk])).text
    assert "Helse og mestring" in area_page.split('class="pp-meta"')[1].split("</dl>")[0]


def test_the_frozen_round_report_keeps_where_each_tiltak_hangs(
        closed: ReportSnapshot) -> None:
    rows = {row["title"]: row for row in closed.data["actions"]}
    assert rows[PLAN_WIDE[0]]["level"] == "plan" and rows[PLAN_WIDE[0]]["number"] == "T1"
    assert rows[AREA_OWN[0]]["level"] == "focus_area"
    assert rows[AREA_OWN[0]]["return"]["done"] == "Felles rutine for området."
    assert closed.data["plan_level"]["total"] == 2


def test_the_public_round_report_shows_the_plan_wide_returns_before_the_areas(
        closed: ReportSnapshot) -> None:
    html = client_for().get(reverse("rounds:public-report",
                                    args=[closed.plan_id, closed.pk])).text
    returns = html.split('id="rapporter"')[1].split("</section>")[0]
    assert "Godkjente rapporter, hele planen" in returns
    assert (returns.index("Kurs for alle enheter holdt.") < returns.index("Helse og mestring")
            < returns.index("Felles rutine for området.") < returns.index("Kartlagt behovet."))
    assert "<td>1.T1</td><td>Områdetiltak helse</td>" in returns


def test_the_round_reports_word_document_has_the_plan_wide_returns(
        closed: ReportSnapshot) -> None:
    text = all_text(open_docx(render_report_docx(closed.data, closed.period_label)))
    assert "Rapport: T1 Felles kompetanseløft" in text
    assert "Rapport: 1.T1 Områdetiltak helse" in text
    assert text.index("Kurs for alle enheter holdt.") < text.index("Felles rutine for området.")
