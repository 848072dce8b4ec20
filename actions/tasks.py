"""Celery tasks for actions: thin wrappers around the reminder sweeps and sender.

Each sweep is a coordinator (what beat runs) and, with ``REMINDER_SWEEP_PER_KOMMUNE`` (on
by default), one part per kommune, so N worker processes, on one machine or many, share
its wall time. The coordinator expires the stale claims once, then queues the parts with
its own *now*, so every part sweeps as of the same moment; each part is as idempotent as
the whole (the delivery log's unique keys), so a doubled tick or a redelivered part
sends nothing twice. Parts are ``acks_late``: a worker that dies mid-part has it
redelivered (harmless, idempotent), and with a prefetch of one a busy worker holds no
second part back from an idle one.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from actions.reminders import sweep, windows
from actions.reminders.sending import TransientSendError, deliver
from planportal.mail import retry_delay

logger = logging.getLogger(__name__)

#: A part not started within this many seconds is dropped: the next tick does its work
#: (the same bound as the coordinators' beat entries, so no backlog piles up).
HOURLY_PART_EXPIRES = 50 * 60
NOTICE_PART_EXPIRES = 9 * 60


def _moment(now: str | None) -> datetime:
    """The sweep's moment: *now* (ISO 8601, a catch-up or the benchmark), else the clock."""
    return datetime.fromisoformat(now) if now else timezone.now()


def _fan_out(part: object, kommuner: list[int], at: datetime, expires: int) -> None:
    for organization_id in kommuner:
        part.apply_async((organization_id, at.isoformat()), expires=expires)  # type: ignore[attr-defined]


def _answer(report: sweep.SweepReport) -> dict[str, int]:
    return {"items": len(report.items), "published": report.published}


def _hourly(whole: Any, part: Any, now: str | None) -> dict[str, int]:
    """An hourly sweep: *whole* at once, or (split) the stale claims expired here, once,
    and one *part* task per kommune, all as of the same moment."""
    at = _moment(now)
    if not settings.REMINDER_SWEEP_PER_KOMMUNE:
        return _answer(whole(now=at, publish=sweep.in_sending_hours(at)))
    uncertain = sweep.expire_claims(at)
    kommuner = sweep.kommuner_to_sweep()
    _fan_out(part, kommuner, at, HOURLY_PART_EXPIRES)
    return {"parts": len(kommuner), "uncertain": uncertain}


def _part(sweep_of: Any, organization_id: int, now: str) -> dict[str, int]:
    """One kommune's part of a sweep, as of the whole sweep's *now*."""
    at = datetime.fromisoformat(now)
    return _answer(sweep_of(now=at, publish=sweep.in_sending_hours(at),
                            organization_id=organization_id))


@shared_task(ignore_result=True)
def sweep_deadline_reminders(now: str | None = None) -> dict[str, int]:
    """Hourly: record due deadline reminders, nudges and the rounds' return reminders;
    publish e-mails in sending hours. Split: one :func:`sweep_deadline_reminders_for`
    per kommune."""
    return _hourly(sweep.sweep_deadlines, sweep_deadline_reminders_for, now)


@shared_task(acks_late=True, ignore_result=True)
def sweep_deadline_reminders_for(organization_id: int, now: str) -> dict[str, int]:
    """One kommune's part of the hourly deadline sweep (as of the whole sweep's *now*)."""
    return _part(sweep.sweep_deadlines, organization_id, now)


@shared_task(ignore_result=True)
def sweep_sector_digests(now: str | None = None) -> dict[str, int]:
    """Hourly: open this week's sector digests; publish e-mails in sending hours. Split:
    one :func:`sweep_sector_digests_for` per kommune."""
    return _hourly(sweep.sweep_sector_digests, sweep_sector_digests_for, now)


@shared_task(acks_late=True, ignore_result=True)
def sweep_sector_digests_for(organization_id: int, now: str) -> dict[str, int]:
    """One kommune's part of the hourly sector-digest sweep (as of the whole's *now*)."""
    return _part(sweep.sweep_sector_digests, organization_id, now)


@shared_task(ignore_result=True)
def sweep_notices(now: str | None = None) -> dict[str, int]:
    """Every few minutes: bundle new notices (given a tiltak, a return sent back) into one
    e-mail per person per hour; publish e-mails in sending hours. Split: one
    :func:`sweep_notices_for` per kommune that has notices waiting or one to publish."""
    at = _moment(now)
    if not settings.REMINDER_SWEEP_PER_KOMMUNE:
        return _answer(sweep.sweep_notices(now=at, publish=sweep.in_sending_hours(at)))
    uncertain = sweep.expire_claims(at)
    kommuner = sweep.kommuner_with_notices(windows.oslo_date(at), at)
    _fan_out(sweep_notices_for, kommuner, at, NOTICE_PART_EXPIRES)
    return {"parts": len(kommuner), "uncertain": uncertain}


@shared_task(acks_late=True, ignore_result=True)
def sweep_notices_for(organization_id: int, now: str) -> dict[str, int]:
    """One kommune's part of the notice sweep (as of the whole sweep's *now*)."""
    at = datetime.fromisoformat(now)
    return _answer(sweep.sweep_notices(now=at, publish=sweep.in_sending_hours(at),
                                       organization_id=organization_id))


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
