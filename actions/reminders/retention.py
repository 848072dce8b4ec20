"""The reminder delivery log's share of the nightly pruning (``planportal.retention``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from actions.deliveries import ReminderDelivery, ReminderDigest

FINISHED = [ReminderDigest.Status.SENT, ReminderDigest.Status.FAILED,
            ReminderDigest.Status.UNCERTAIN, ReminderDigest.Status.CANCELLED]


def prune_reminder_log(cutoff: datetime) -> dict[str, int]:
    """Delete reminder lines and e-mails created before *cutoff* whose e-mail is finished.

    A line whose e-mail is still pending or being sent stays, and so does that e-mail.
    """
    with transaction.atomic():
        lines, _ = ReminderDelivery.objects.filter(created_at__lt=cutoff).filter(
            Q(digest__isnull=True) | Q(digest__status__in=FINISHED)).delete()
        digests, _ = ReminderDigest.objects.filter(created_at__lt=cutoff,
                                                   status__in=FINISHED).delete()
    return {"reminder_lines": lines, "reminder_emails": digests}
