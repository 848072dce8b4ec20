"""Admin: snapshots and e-mails read-only; subscriptions saved through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from reports import services
from reports.models import ReportSnapshot, ReportSubscription
from tests.reports.conftest import ReportPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world: Any) -> Client:
    world.admin.is_staff = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    return client


def test_snapshots_are_read_only(staff: Client, world: Any, report_plan: ReportPlan,
                                 django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = services.create_snapshot(actor=world.admin, plan=report_plan.plan,
                                            frequency="tertial", period_key="2026-T1")
    assert staff.get("/admin/reports/reportsnapshot/").status_code == 200
    page = staff.get(f"/admin/reports/reportsnapshot/{snapshot.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert staff.get("/admin/reports/reportsnapshot/add/").status_code == 403
    response = staff.post(f"/admin/reports/reportsnapshot/{snapshot.pk}/change/",
                          {"period_label": "Endret"})
    assert response.status_code == 403
    snapshot.refresh_from_db()
    assert snapshot.period_label == "1. tertial 2026"


def test_a_recipient_is_added_through_the_service(staff: Client,
                                                  report_plan: ReportPlan) -> None:
    form = {"plan": report_plan.plan.pk, "email": "Leder@Komite.no", "name": "Åse Ødegård",
            "frequency": "tertial", "language": "nb", "starts_on": "2026-01-01",
            "is_active": "on"}
    response = staff.post("/admin/reports/reportsubscription/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription = ReportSubscription.objects.get()
    assert subscription.email == "leder@komite.no"  # normalised by the service
    assert subscription.starts_on == date(2026, 1, 1)
    again = staff.post("/admin/reports/reportsubscription/add/", form)
    assert again.status_code == 200
    assert "får allerede rapporten" in again.content.decode()
    assert ReportSubscription.objects.count() == 1


def test_other_organisations_plans_are_not_offered(staff: Client, other_plan: Any) -> None:
    page = staff.get("/admin/reports/reportsubscription/add/").content.decode()
    assert "Nabokommunens plan" not in page


def test_snapshot_admin_hides_other_organisations(world: Any, other_plan: Any,
                                                  django_capture_on_commit_callbacks: Any
                                                  ) -> None:
    plan = other_plan.goal.focus_area.plan
    with django_capture_on_commit_callbacks(execute=True):
        services.create_snapshot(actor=world.other_admin, plan=plan, frequency="yearly",
                                 period_key="2025")
    world.admin.is_staff = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    page = client.get("/admin/reports/reportsnapshot/").content.decode()
    assert ReportSnapshot.objects.count() == 1
    assert "Nabokommunens plan" not in page


@pytest.mark.parametrize("starts_on", ["9999-12-31", "0001-01-01"])
def test_a_recipient_starting_outside_the_sane_dates_is_refused_by_field(
        staff: Client, report_plan: ReportPlan, starts_on: str) -> None:
    form = {"plan": report_plan.plan.pk, "email": "leder@komite.no", "name": "Åse",
            "frequency": "tertial", "language": "nb", "starts_on": starts_on,
            "is_active": "on"}
    response = staff.post("/admin/reports/reportsubscription/add/", form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_on"] == [
        "Skriv en dato mellom 1900-01-01 og 2199-12-31."]
    assert not ReportSubscription.objects.exists()
