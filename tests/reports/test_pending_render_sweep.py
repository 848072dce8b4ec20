"""A report frozen while Redis is down gets its PDF from the sweep (issue 14, item 8).

The freeze queues the render after its commit, robustly: with the broker down the
snapshot is saved and the message lost. ``requeue_pending_renders`` (beat, every five
minutes) queues it again once it has been pending longer than REPORT_RENDER_RETRY_AFTER,
never doubling a render that is running or done. The real-Redis version of this is
tests/celery/test_render_sweep_outage.py.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from planportal.celery import app
from reports import services
from reports.models import ReportSnapshot
from reports.tasks import render_snapshot_pdf, requeue_pending_renders

pytestmark = pytest.mark.django_db

LATER = timedelta(seconds=301)  # just past the default REPORT_RENDER_RETRY_AFTER


def freeze_while_broker_is_down(world: Any, capture: Any, as_of: date) -> ReportSnapshot:
    """Freeze as the page does, with publishing the render failing as with Redis down."""
    refused = BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch.object(render_snapshot_pdf, "delay", side_effect=refused), \
            capture(execute=True):
        # Today's report can only be preliminary (the day has not ended).
        snapshot = services.create_snapshot(actor=world.admin, plan=world.plan,
                                            frequency="custom", as_of=as_of, preliminary=True)
    snapshot.refresh_from_db()
    return snapshot


def pdf(client: Client, snapshot: ReportSnapshot) -> Any:
    return client.get(reverse("reports:snapshot-download",
                              args=[snapshot.plan_id, snapshot.pk, "pdf"]))


def test_a_report_frozen_while_the_broker_is_down_gets_its_pdf_from_the_sweep(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot = freeze_while_broker_is_down(world, django_capture_on_commit_callbacks,
                                           timezone.localdate())
    assert snapshot.status == ReportSnapshot.Status.PENDING
    reader = Client()
    reader.force_login(world.reader)
    waiting = pdf(reader, snapshot)
    assert waiting.status_code == 409
    # The sweep may take up to twice its interval: "a minute" promised too much.
    assert waiting.content.decode() == "PDF-en lages fortsatt; prøv igjen om noen minutter."

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.requeue_pending_renders(now=timezone.now() + LATER)
    assert queued == [snapshot.pk]
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.READY
    response = pdf(reader, snapshot)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_sweep_takes_only_snapshots_pending_longer_than_the_threshold(
    world: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.REPORT_RENDER_RETRY_AFTER = 600
    day = timezone.localdate()
    old, young, ready, failed = [
        freeze_while_broker_is_down(world, django_capture_on_commit_callbacks,
                                    day - timedelta(days=n)) for n in range(4)]
    now = timezone.now()
    ReportSnapshot.objects.filter(pk__in=[old.pk, ready.pk, failed.pk]).update(
        created_at=now - timedelta(minutes=11))
    ReportSnapshot.objects.filter(pk=young.pk).update(created_at=now - timedelta(minutes=9))
    ReportSnapshot.objects.filter(pk=ready.pk).update(status=ReportSnapshot.Status.READY)
    ReportSnapshot.objects.filter(pk=failed.pk).update(status=ReportSnapshot.Status.FAILED,
                                                       last_error="WeasyPrint: no fonts")

    assert list(services.renders_left_pending(now).values_list("pk", flat=True)) == [old.pk]
    with django_capture_on_commit_callbacks() as queued:
        assert services.requeue_pending_renders(now=now) == [old.pk]
    assert len(queued) == 1  # one render queued, after the sweep's commit


def test_a_render_queued_twice_renders_once(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot = freeze_while_broker_is_down(world, django_capture_on_commit_callbacks,
                                           timezone.localdate())
    later = timezone.now() + LATER
    with django_capture_on_commit_callbacks() as first, \
            django_capture_on_commit_callbacks() as second:
        services.requeue_pending_renders(now=later)
        services.requeue_pending_renders(now=later)  # e.g. two beats, before any worker ran
    for callback in [*first, *second]:
        callback()
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.READY
    assert snapshot.attempts == 1
    rendered = (snapshot.pdf.name, snapshot.rendered_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_pending_renders(now=later) == []  # READY: nothing to do
    render_snapshot_pdf(snapshot.pk)
    snapshot.refresh_from_db()
    assert (snapshot.pdf.name, snapshot.rendered_at, snapshot.attempts) == (*rendered, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_render_in_progress_is_not_queued_again(world: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need a server database; SQLite runs tasks in-process")
    with mock.patch.object(render_snapshot_pdf, "delay"):
        snapshot = services.create_snapshot(actor=world.admin, plan=world.plan,
                                            frequency="custom",
                                            as_of=timezone.localdate() - timedelta(days=1))
    rendering, done = threading.Event(), threading.Event()

    def worker() -> None:
        # What render_snapshot_pdf holds while WeasyPrint runs: the row, locked.
        try:
            with transaction.atomic():
                ReportSnapshot.objects.select_for_update().get(pk=snapshot.pk)
                rendering.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert rendering.wait(timeout=30)
        with mock.patch.object(render_snapshot_pdf, "delay") as delay:
            assert services.requeue_pending_renders(now=timezone.now() + LATER) == []
        delay.assert_not_called()
    finally:
        done.set()
        thread.join(timeout=30)
    with mock.patch.object(render_snapshot_pdf, "delay") as delay:
        assert services.requeue_pending_renders(now=timezone.now() + LATER) == [snapshot.pk]
    delay.assert_called_once_with(snapshot.pk)


@pytest.mark.django_db(transaction=True)
def test_the_freeze_message_does_not_claim_a_pdf_that_is_not_made_yet(world: Any) -> None:
    # Committed for real, as in production: the render is queued right after the freeze.
    admin = Client()
    admin.force_login(world.admin)
    url = reverse("reports:snapshot-list", args=[world.plan.pk])
    refused = BrokerDown("Connection refused.")
    with mock.patch.object(render_snapshot_pdf, "delay", side_effect=refused):
        response = admin.post(url, {"frequency": "tertial", "period_key": "2026-T1"},
                              follow=True)
    text = response.content.decode()
    assert "Rapporten for 1. tertial 2026 er frosset. PDF-en lages" in text
    assert "PDF-en er klar" not in text

    # Rendered in-process (the embedded default) before the answer: then it is ready.
    response = admin.post(url, {"frequency": "tertial", "period_key": "2026-T2"}, follow=True)
    assert "Rapporten for 2. tertial 2026 er frosset, og PDF-en er klar." in (
        response.content.decode())


def test_the_sweep_is_in_the_beat_schedule_and_its_task_is_registered() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["report-renders"]
    assert entry["task"] == "reports.tasks.requeue_pending_renders"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(minute="*/5")
    assert entry["options"]["expires"] < 5 * 60  # a missed tick never piles up
    assert requeue_pending_renders() == 0  # nothing pending: a harmless no-op


def test_a_render_that_never_finishes_is_given_up_after_three_sweeps(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # A render that kills its worker (memory, time limit) never reaches its own error
    # handling: without a count that survives it, the sweep would queue it for ever.
    class WorkerKilled(BaseException):
        pass

    snapshot = freeze_while_broker_is_down(world, django_capture_on_commit_callbacks,
                                           timezone.localdate())
    queued = []

    def dying_render(pk: int) -> None:
        queued.append(pk)
        with mock.patch("reports.pdf.html_to_pdf", side_effect=WorkerKilled), \
                pytest.raises(WorkerKilled):
            render_snapshot_pdf(pk)

    with mock.patch.object(render_snapshot_pdf, "delay", side_effect=dying_render):
        for _sweep in range(4):
            with django_capture_on_commit_callbacks(execute=True):
                services.requeue_pending_renders(now=timezone.now() + LATER)
    assert queued == [snapshot.pk] * services.RENDER_SWEEP_MAX_ATTEMPTS
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.FAILED
    assert "never finished" in snapshot.last_error
