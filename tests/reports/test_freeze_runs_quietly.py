"""Issue 17, item 10: freezing a report on the embedded default (eager Celery, no broker)
renders the PDF in-process and touches no broker: kombu logs nothing, and no connection
to any broker is made (planportal.celery.PlanportalTask)."""

from __future__ import annotations

import logging
from typing import Any
from unittest import mock

import kombu
import pytest
from django.test import Client
from django.urls import reverse

from planportal.celery import app
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


def test_freezing_on_the_eager_default_never_reaches_for_a_broker_connection(
    world: Any, report_plan: ReportPlan, caplog: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    """Not even an in-process one: no kombu connection is made, no producer taken from a
    pool (Celery's own eager path takes one only to ask it for its serializer)."""
    client = Client()
    client.force_login(world.admin)
    url = reverse("reports:snapshot-list", args=[report_plan.plan.pk])
    no_broker = AssertionError("the embedded default reached for a broker")
    with mock.patch.object(kombu.Connection, "__init__", side_effect=no_broker), \
            mock.patch.object(app, "_acquire_producer", side_effect=no_broker), \
            caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"frequency": "tertial", "period_key": "2026-T2"})
    assert response.status_code == 302
    # A refused connection is logged by the robust on-commit hook and leaves it pending.
    assert "reached for a broker" not in caplog.text
    assert ReportSnapshot.objects.get(plan=report_plan.plan).status == ReportSnapshot.Status.READY
    assert [r for r in caplog.records if r.name.startswith("kombu")] == []
