"""Issue 17, item 10: freezing a report on the embedded default (eager Celery, no broker)
renders the PDF in-process and touches no broker: kombu logs nothing."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import ReportSnapshot
from tests.reports.conftest import ReportPlan

pytestmark = pytest.mark.django_db


def test_freezing_on_the_eager_default_logs_no_broker_warning_and_renders_the_pdf(
    world: Any, report_plan: ReportPlan, today: Any, caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    client.force_login(world.admin)
    url = reverse("reports:snapshot-list", args=[report_plan.plan.pk])
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"frequency": "tertial", "period_key": "2026-T2"})
    assert response.status_code == 302
    snapshot = ReportSnapshot.objects.get(plan=report_plan.plan)
    assert snapshot.status == ReportSnapshot.Status.READY
    assert snapshot.pdf.open("rb").read(5) == b"%PDF-"
    broker = [f"{r.name}: {r.getMessage()}" for r in caplog.records
              if r.name.split(".")[0] in ("kombu", "amqp", "redis")]
    assert broker == []
