"""Pruning the delivery logs once they are old enough to prevent nothing any more.

A delivery row's unique key is what stops a second e-mail; the sweeps only ever look at
the current reminder windows and the last ended report period, so a row older than the
retention period (at least 400 days, longer than a yearly report period) can go. Rows
still pending or being sent stay, whatever their age.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone


def prune_delivery_logs(*, now: datetime | None = None) -> dict[str, int]:
    """Delete finished reminder and report delivery rows older than the retention period.

    Returns how many rows of each kind went. Idempotent.
    """
    from actions.deliveries import ReminderDelivery, ReminderDigest
    from reports.models import ReportDelivery

    cutoff = (now or timezone.now()) - timedelta(days=settings.DELIVERY_LOG_RETENTION_DAYS)
    finished = [ReminderDigest.Status.SENT, ReminderDigest.Status.FAILED,
                ReminderDigest.Status.UNCERTAIN, ReminderDigest.Status.CANCELLED]
    with transaction.atomic():
        lines, _ = ReminderDelivery.objects.filter(created_at__lt=cutoff).filter(
            Q(digest__isnull=True) | Q(digest__status__in=finished)).delete()
        digests, _ = ReminderDigest.objects.filter(created_at__lt=cutoff,
                                                   status__in=finished).delete()
        reports, _ = ReportDelivery.objects.filter(
            created_at__lt=cutoff,
            status__in=[ReportDelivery.Status.SENT, ReportDelivery.Status.FAILED]).delete()
    return {"reminder_lines": lines, "reminder_emails": digests, "report_emails": reports}
