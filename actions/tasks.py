"""Celery tasks for actions: thin wrappers around the reminder sweeps and sender."""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from actions.reminders import sweep
from actions.reminders.sending import TransientSendError, deliver
from planportal.mail import retry_delay

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sweep_deadline_reminders() -> dict[str, int]:
    """Hourly: record due deadline reminders and nudges; publish e-mails in sending hours.

    Split (``REMINDER_SWEEP_PER_KOMMUNE``, on by default): one task per kommune, so N
    worker processes, on one machine or many, share the wall time; the stale claims are
    expired here, once, first.
    """
    now = timezone.now()
    if not settings.REMINDER_SWEEP_PER_KOMMUNE:
        report = sweep.sweep_deadlines(now=now, publish=sweep.in_sending_hours(now))
        return {"items": len(report.items), "published": report.published}
    uncertain = sweep.expire_claims(now)
    kommuner = sweep.kommuner_to_sweep()
    for organization_id in kommuner:
        sweep_deadline_reminders_for.delay(organization_id, now.isoformat())
    return {"parts": len(kommuner), "uncertain": uncertain}


@shared_task(ignore_result=True)
def sweep_deadline_reminders_for(organization_id: int, now: str) -> dict[str, int]:
    """One kommune's part of the hourly sweep (as of the whole sweep's *now*)."""
    at = datetime.fromisoformat(now)
    report = sweep.sweep_deadlines(now=at, publish=sweep.in_sending_hours(at),
                                   organization_id=organization_id)
    return {"items": len(report.items), "published": report.published}


@shared_task(ignore_result=True)
def sweep_sector_digests() -> dict[str, int]:
    """Hourly: open this week's sector digests; publish e-mails in sending hours."""
    now = timezone.now()
    report = sweep.sweep_sector_digests(now=now, publish=sweep.in_sending_hours(now))
    return {"items": len(report.items), "published": report.published}


@shared_task(ignore_result=True)
def sweep_notices() -> dict[str, int]:
    """Every few minutes: bundle new notices (given a tiltak, a return sent back) into one
    e-mail per person per hour; publish e-mails in sending hours."""
    now = timezone.now()
    report = sweep.sweep_notices(now=now, publish=sweep.in_sending_hours(now))
    return {"items": len(report.items), "published": report.published}


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def send_reminder_digest(self, digest_id: int) -> str:
    """Send one reminder e-mail once; retry transient SMTP failures with backoff.

    ``acks_late``: a worker killed mid-task gets the message redelivered, and the claim
    in the database makes that redelivery send nothing twice.
    """
    retries = self.request.retries
    delay = retry_delay(retries)
    try:
        outcome = deliver(digest_id, self.request.id, retry_delay=delay,
                          last_attempt=retries >= settings.REMINDER_MAX_RETRIES)
    except TransientSendError as exc:
        if self.request.is_eager:
            # No worker (the embedded default): the e-mail stays pending with its backoff
            # in the database and the next sweep publishes it again; nothing here sleeps.
            logger.warning("Reminder e-mail %s: %s; the next sweep after %d s retries it",
                           digest_id, exc, delay)
            return "retry"
        logger.warning("Reminder e-mail %s: %s; retry %d in %d s", digest_id, exc,
                       retries + 1, delay)
        raise self.retry(exc=exc, countdown=delay) from exc
    return outcome.result
