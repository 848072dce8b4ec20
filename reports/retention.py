"""The report e-mails' share of the nightly delivery-log pruning (``planportal.retention``)."""

from __future__ import annotations

from datetime import datetime

from reports.models import ReportDelivery


def prune_report_deliveries(cutoff: datetime) -> dict[str, int]:
    """Delete sent or failed report deliveries created before *cutoff*; pending and
    sending ones stay whatever their age."""
    gone, _ = ReportDelivery.objects.filter(
        created_at__lt=cutoff,
        status__in=[ReportDelivery.Status.SENT, ReportDelivery.Status.FAILED]).delete()
    return {"report_emails": gone}
