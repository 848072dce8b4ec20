"""Report pages and downloads: who may see them, and what the public sees."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.reports.conftest import ReportPlan, build_report_plan

pytestmark = pytest.mark.django_db

QUERY = "?as_of=2026-08-31&since=2026-04-30"


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["reader", "unit_manager", "sector_leader", "admin"])
def test_every_role_of_the_organisation_sees_the_report(
    persona: str, world: Any, report_plan: ReportPlan, today: Any
) -> None:
    response = client_for(world.persona(persona)).get(
        reverse("reports:plan-report", args=[report_plan.plan.pk]) + QUERY
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Plan for rapport – Ærø" in html
    assert 'role="img"' in html and "<desc" in html  # charts with a text alternative
    assert "Venter på budsjett" in html
    assert world.unit_manager.get_full_name() in html  # members see who is responsible


@pytest.mark.parametrize("name", ["plan-report", "plan-report-pdf", "plan-report-xlsx",
                                  "snapshot-list"])
def test_another_organisation_gets_404(name: str, world: Any, report_plan: ReportPlan) -> None:
    response = client_for(world.other_admin).get(reverse(f"reports:{name}",
                                                         args=[report_plan.plan.pk]))
    assert response.status_code == 404


def test_anonymous_gets_404_for_a_private_plan(report_plan: ReportPlan) -> None:
    response = Client().get(reverse("reports:plan-report", args=[report_plan.plan.pk]))
    assert response.status_code == 404


def test_public_plan_report_is_readable_anonymously_without_names(world: Any,
                                                                  today: Any) -> None:
    public = build_report_plan(world, public=True)
    html = Client().get(
        reverse("reports:plan-report", args=[public.plan.pk]) + QUERY
    ).content.decode()
    assert "Venter på budsjett" in html
    assert world.unit_manager.last_name not in html
    assert world.admin.username not in html
    assert world.unit_manager.email not in html


def test_public_plan_is_without_names_for_another_organisation_too(world: Any,
                                                                    today: Any) -> None:
    public = build_report_plan(world, public=True)
    response = client_for(world.other_admin).get(
        reverse("reports:plan-report-pdf", args=[public.plan.pk]) + QUERY
    )
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Hjemmetjenesten" in text
    assert world.unit_manager.last_name not in text


def test_pdf_download_is_a_pdf(world: Any, report_plan: ReportPlan, today: Any) -> None:
    response = client_for(world.reader).get(
        reverse("reports:plan-report-pdf", args=[report_plan.plan.pk]) + QUERY
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_bad_report_date_is_a_400_naming_the_field(world: Any,
                                                   report_plan: ReportPlan) -> None:
    response = client_for(world.reader).get(
        reverse("reports:plan-report", args=[report_plan.plan.pk]) + "?as_of=2026-13-45"
    )
    assert response.status_code == 400
    # The page again, today's report under the form, the error summarised and on its field.
    text = response.content.decode()
    assert 'class="ds-error-summary"' in text
    assert '<a class="ds-link" href="#id_as_of">Rapportdato: ' in text
    assert 'id="id_as_of_error"' in text and 'value="2026-13-45"' in text
    assert 'id="sammendrag"' in text


def test_focus_area_of_another_plan_is_refused(world: Any, report_plan: ReportPlan) -> None:
    response = client_for(world.reader).get(
        reverse("reports:plan-report", args=[report_plan.plan.pk])
        + f"?focus_area={world.goal.focus_area_id}"
    )
    assert response.status_code == 400
    assert "<li>Satsingsområde: " in response.content.decode()


def test_long_lists_show_their_first_rows_and_a_link_to_all(
    world: Any, report_plan: ReportPlan, today: Any, monkeypatch: Any
) -> None:
    from reports import views

    monkeypatch.setattr(views, "WEB_ROWS", 2)
    client = client_for(world.reader)
    url = reverse("reports:plan-report", args=[report_plan.plan.pk]) + QUERY
    html = client.get(url).content.decode()
    assert "Viser de første 2 av 3." in html
    assert "rows=all" in html
    assert "Tiltak 2.1.2 – øving" not in html.split('id="risiko"')[0]  # third overdue row
    everything = client.get(url + "&rows=all").content.decode()
    assert "Tiltak 2.1.2 – øving" in everything.split('id="risiko"')[0]
    assert "Viser de første" not in everything
