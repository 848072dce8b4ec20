"""Celery tasks for reports. Each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from reports import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=30,
             retry_jitter=True, max_retries=3)
def render_snapshot_pdf(snapshot_id: int) -> str | None:
    """PENDING → READY or FAILED; a READY snapshot is left as it is."""
    snapshot = services.render_snapshot_pdf(snapshot_id)
    return snapshot.status if snapshot else None


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
def requeue_pending_renders() -> int:
    """The beat sweep: queue again the renders of snapshots left PENDING (a lost message)."""
    return len(services.requeue_pending_renders())


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_report_email(self, delivery_id: int) -> str:
    """Send one period's report to one recipient; transient SMTP errors are retried.

    The service counts attempts and gives up after ``REPORT_EMAIL_MAX_ATTEMPTS``. With a
    broker the retry is a Celery retry with backoff; run eagerly (no broker) the delivery
    stays PENDING and the next hourly sweep tries again, which is the backoff there.
    """
    try:
        return services.send_report_delivery(delivery_id)
    except services.TransientDeliveryError as exc:
        if self.request.is_eager:
            logger.warning("Report e-mail %s will be retried by the next sweep: %s",
                           delivery_id, exc)
            return "retry"
        raise self.retry(exc=exc, countdown=services.retry_delay(self.request.retries)) from exc


#: A part not started within this many seconds is dropped; the next hourly tick does it.
PART_EXPIRES = 50 * 60


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=3)
def send_due_reports(day: str | None = None) -> int:
    """The beat sweep: queue every subscribed report whose period has ended.

    With ``REMINDER_SWEEP_PER_KOMMUNE`` (on by default) it queues one
    :func:`send_due_reports_for` per kommune with subscriptions (or pending deliveries),
    all for the same *day*, and returns how many; otherwise it sweeps everything itself
    and returns the number of e-mails queued.
    """
    today = services.sweep_date(day)
    if not settings.REMINDER_SWEEP_PER_KOMMUNE:
        result = services.send_due_reports(today)
        logger.info("Report sweep: %s due, %s queued.", len(result.due), len(result.queued))
        return len(result.queued)
    kommuner = services.kommuner_with_reports()
    for organization_id in kommuner:
        send_due_reports_for.apply_async((organization_id, today.isoformat()),
                                         expires=PART_EXPIRES)
    logger.info("Report sweep for %s: %s kommune part(s) queued.", today, len(kommuner))
    return len(kommuner)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=60,
             max_retries=3)
def send_due_reports_for(organization_id: int, day: str) -> int:
    """One kommune's part of the report sweep, for the whole sweep's *day*."""
    result = services.send_due_reports(services.sweep_date(day),
                                       organization_id=organization_id)
    logger.info("Report sweep, kommune %s: %s due, %s queued.", organization_id,
                len(result.due), len(result.queued))
    return len(result.queued)
