"""Frozen reports: PENDING → READY/FAILED, never changed again, listed, downloaded, compared."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from actions import services as action_services
from planportal.permissions import SYSTEM
from reports import services
from reports.models import ReportSnapshot
from reports.tasks import render_snapshot_pdf
from strategies import services as plan_services
from tests.factories import ActionFactory
from tests.reports.conftest import ReportPlan

pytestmark = pytest.mark.django_db


def freeze(plan: Any, actor: Any, key: str = "2026-T2", capture: Any = None) -> ReportSnapshot:
    with capture(execute=True):
        snapshot = services.create_snapshot(actor=actor, plan=plan, frequency="tertial",
                                            period_key=key)
    snapshot.refresh_from_db()
    return snapshot


def download(client: Client, snapshot: ReportSnapshot, fmt: str = "pdf") -> bytes:
    response = client.get(reverse("reports:snapshot-download",
                                  args=[snapshot.plan_id, snapshot.pk, fmt]))
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_freezing_renders_the_pdf_in_the_task(
    world: Any, report_plan: ReportPlan, today: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot = freeze(report_plan.plan, world.admin, capture=django_capture_on_commit_callbacks)
    assert snapshot.status == ReportSnapshot.Status.READY
    assert (snapshot.period_label, snapshot.period_end, snapshot.since) == (
        "2. tertial 2026", date(2026, 8, 31), date(2026, 4, 30))
    assert snapshot.data["totals"]["overdue"] == 3
    reader = PdfReader(snapshot.pdf.open("rb"))
    assert len(reader.pages) == snapshot.pdf_pages
    assert "2. tertial 2026" in reader.pages[0].extract_text()


def test_snapshot_stays_byte_for_byte_the_same_after_the_plan_changes(
    world: Any, report_plan: ReportPlan, today: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot = freeze(report_plan.plan, world.admin, capture=django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(world.reader)
    pdf_before, json_before = download(client, snapshot), download(client, snapshot, "json")
    data_before = snapshot.data

    # The plan moves on: a new title, a new action, a completed action.
    plan_services.update_plan(actor=SYSTEM, plan=report_plan.plan, title="Nytt navn på planen")
    ActionFactory(goal=report_plan.goals["2.2"], title="Nytt tiltak")
    action = report_plan.actions["1.1.1"]
    action.refresh_from_db()
    action_services.post_status_update(actor=SYSTEM, action=action,
                                       expected_version=action.version, status="completed",
                                       progress=100)
    # Re-running the task, and freezing the same period again, change nothing.
    assert render_snapshot_pdf.apply(args=[snapshot.pk]).get() == "ready"
    again = freeze(report_plan.plan, world.admin, capture=django_capture_on_commit_callbacks)
    assert again.pk == snapshot.pk

    snapshot.refresh_from_db()
    assert snapshot.data == data_before
    assert download(client, snapshot) == pdf_before
    assert download(client, snapshot, "json") == json_before
    assert snapshot.attempts == 1


def test_a_failed_render_keeps_the_error_and_can_run_again(world: Any,
                                                           report_plan: ReportPlan) -> None:
    # Data without the report's sections cannot be laid out.
    snapshot = ReportSnapshot.objects.create(
        plan=report_plan.plan, frequency="custom", period_key="2026-08-31",
        period_label="Per 31.08.2026", period_start=date(2026, 8, 31),
        period_end=date(2026, 8, 31), data={"plan": {}}, data_sha256="x",
    )
    assert render_snapshot_pdf.apply(args=[snapshot.pk]).get() == "failed"
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.FAILED
    assert "KeyError" in snapshot.last_error
    assert not snapshot.pdf
    render_snapshot_pdf.apply(args=[snapshot.pk])
    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.attempts) == (ReportSnapshot.Status.FAILED, 2)


def test_rendering_a_deleted_snapshot_does_nothing() -> None:
    assert render_snapshot_pdf.apply(args=[987654]).get() is None


def test_only_plan_administrators_freeze(world: Any, report_plan: ReportPlan) -> None:
    for persona in ("reader", "unit_manager", "sector_leader"):
        with pytest.raises(PermissionDenied):
            services.create_snapshot(actor=world.persona(persona), plan=report_plan.plan,
                                     frequency="tertial", period_key="2026-T2")
    client = Client()
    client.force_login(world.reader)
    response = client.post(reverse("reports:snapshot-list", args=[report_plan.plan.pk]),
                           {"frequency": "tertial", "period_key": "2026-T2"})
    assert response.status_code == 403
    assert not ReportSnapshot.objects.exists()


def test_a_bad_period_names_the_field(world: Any, report_plan: ReportPlan) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_snapshot(actor=world.admin, plan=report_plan.plan, frequency="tertial",
                                 period_key="2026-T7")
    assert "period_key" in error.value.message_dict
    client = Client()
    client.force_login(world.admin)
    response = client.post(reverse("reports:snapshot-list", args=[report_plan.plan.pk]),
                           {"frequency": "tertial", "period_key": "2026-T7"})
    assert response.status_code == 400
    assert "2026-T7 er ikke en gyldig periode" in response.content.decode()


def test_admin_freezes_from_the_page_and_everyone_lists_and_compares(
    world: Any, report_plan: ReportPlan, today: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = Client()
    admin.force_login(world.admin)
    url = reverse("reports:snapshot-list", args=[report_plan.plan.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(url, {"frequency": "tertial", "period_key": "2026-T1"}).status_code == 302
        assert admin.post(url, {"frequency": "tertial", "period_key": "2026-T2"}).status_code == 302
    first, second = ReportSnapshot.objects.order_by("period_end")
    reader = Client()
    reader.force_login(world.reader)
    page = reader.get(url).content.decode()
    assert "1. tertial 2026" in page and "2. tertial 2026" in page
    assert "Frys rapporten" not in page  # readers cannot freeze

    compare = reader.get(reverse("reports:snapshot-compare", args=[report_plan.plan.pk])
                         + f"?a={second.pk}&b={first.pk}")
    assert compare.status_code == 200
    html = compare.content.decode()
    assert "A: 1. tertial 2026 · B: 2. tertial 2026" in html  # ordered by period
    # Overdue across the plan went from 1 (30 April: 2.1.2) to 3 (31 August).
    assert first.data["totals"]["overdue"] == 1 and second.data["totals"]["overdue"] == 3
    assert "+2" in html


def test_other_organisation_cannot_download_snapshots(
    world: Any, report_plan: ReportPlan, today: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot = freeze(report_plan.plan, world.admin, capture=django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(world.other_admin)
    for fmt in ("pdf", "xlsx", "json"):
        response = client.get(reverse("reports:snapshot-download",
                                      args=[report_plan.plan.pk, snapshot.pk, fmt]))
        assert response.status_code == 404


def test_snapshots_never_name_people(
    world: Any, report_plan: ReportPlan, today: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot = freeze(report_plan.plan, world.admin, capture=django_capture_on_commit_callbacks)
    text = " ".join(page.extract_text() for page in PdfReader(snapshot.pdf.open("rb")).pages)
    assert world.unit_manager.last_name not in text
    assert world.unit_manager.last_name not in str(snapshot.data)


def test_xlsx_of_a_snapshot_is_made_from_the_frozen_data(
    world: Any, report_plan: ReportPlan, today: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from openpyxl import load_workbook

    snapshot = freeze(report_plan.plan, world.admin, capture=django_capture_on_commit_callbacks)
    plan_services.update_plan(actor=SYSTEM, plan=report_plan.plan, title="Endret tittel")
    client = Client()
    client.force_login(world.reader)
    book = load_workbook(io.BytesIO(download(client, snapshot, "xlsx")))
    plan_row = next(r for r in book["Sammendrag"].iter_rows(values_only=True) if r[0] == "Plan")
    assert plan_row[1] == "Plan for rapport – Ærø"
