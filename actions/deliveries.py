"""The reminder delivery log: what is due for whom, and the e-mails that carried it.

The database decides what is due; Celery only delivers (see ``actions.reminders``).
``ReminderDelivery`` has one row per (recipient, action, kind, key), where the key holds
the due date and the window (or the week), so a sweep can run any number of times and a
moved deadline opens new windows. ``ReminderDigest`` is one e-mail: the items of one
recipient in one organisation, claimed by a conditional UPDATE before it is sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderDigest(models.Model):
    """One reminder e-mail to one person about one organisation's actions.

    ``status`` moves pending → sending (claimed, with the Celery task id in
    ``claim_token``) → sent | failed | uncertain | cancelled. *Uncertain* means a worker
    died between claiming and recording the result: the mail may or may not have left,
    so it is never sent again automatically (an administrator can requeue it).
    """

    class Kind(models.TextChoices):
        DAILY = "daily", _("daily deadline digest")
        SECTOR_WEEKLY = "sector_weekly", _("weekly sector digest")
        # What a person is told as it happens (given a tiltak, a return sent back),
        # bundled per person per hour.
        NOTICE = "notice", _("notice")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNCERTAIN = "uncertain", _("uncertain")
        CANCELLED = "cancelled", _("cancelled")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_digests",
        verbose_name=_("recipient"),
    )
    organization = models.ForeignKey(
        "planportal.Organization",
        on_delete=models.CASCADE,
        related_name="reminder_digests",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Daily: the day the digest was opened. Weekly: the Monday of its ISO week.
    date = models.DateField(_("date"))
    # Notices: the hour of the day (Europe/Oslo) the bundle covers; 0 for the others.
    hour = models.PositiveSmallIntegerField(_("hour"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    claim_token = models.CharField(_("claimed by task"), max_length=255, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # After a transient failure: not published again before this time (the backoff).
    not_before = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("reminder e-mail")
        verbose_name_plural = _("reminder e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "organization", "kind", "date", "hour"],
                name="reminder_digest_one_per_recipient_org_kind_date_hour",
                violation_error_message=_("This reminder e-mail already exists."),
            ),
        ]
        indexes = [
            # The sweep's fan-out and lease check: digests still pending or being sent.
            models.Index(
                fields=["status", "date"],
                name="reminder_digest_open_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} → {self.recipient_id}"


class ReminderDelivery(models.Model):
    """One thing a person is told about one action or indicator, at most once (the
    unique keys).

    ``key`` is, per kind: ``<due date>/w<window>`` for a reminder window,
    ``<due date>/o<weeks overdue>`` for the weekly repeat of an overdue action,
    ``<last update date>/s<period>`` for a stale-status nudge, the Monday of the
    week for the sector digest's lines, ``r<round>/…`` for a reporting round's requests
    and reminders, ``a<version>`` for an assignment notice and ``r<round>/b<return
    version>`` for a sent-back one.
    ``sent_at`` is set when the digest carrying the item has been accepted by the mail
    server.
    """

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("deadline approaching")
        OVERDUE = "overdue", _("overdue")
        STALE = "stale", _("no status update")
        SECTOR_OVERDUE = "sector_overdue", _("overdue in the sector")
        SECTOR_UNASSIGNED = "sector_unassigned", _("no responsible person")
        SECTOR_NO_DEADLINE = "sector_no_deadline", _("no deadline")
        # Reporting rounds: asked to report, the deadline approaching or today, overdue
        # (weekly, to the person; once to the unit managers).
        RETURN_REQUESTED = "return_requested", _("asked to report")
        RETURN_DUE = "return_due", _("report due")
        RETURN_OVERDUE = "return_overdue", _("report overdue")
        RETURN_OVERDUE_MANAGER = "return_overdue_mgr", _("report overdue in the unit")
        # Notices: given a tiltak; a return sent back with a comment.
        ASSIGNED = "assigned", _("given an action")
        RETURN_SENT_BACK = "return_sent_back", _("report sent back")
        # Indicators: a value is due, or overdue (weekly), from its responsible person.
        INDICATOR_DUE = "indicator_due", _("indicator value due")
        INDICATOR_OVERDUE = "indicator_overdue", _("indicator value overdue")

    DAILY_KINDS = (Kind.DEADLINE, Kind.OVERDUE, Kind.STALE, Kind.RETURN_REQUESTED,
                   Kind.RETURN_DUE, Kind.RETURN_OVERDUE, Kind.RETURN_OVERDUE_MANAGER,
                   Kind.INDICATOR_DUE, Kind.INDICATOR_OVERDUE)
    INDICATOR_KINDS = (Kind.INDICATOR_DUE, Kind.INDICATOR_OVERDUE)
    SECTOR_KINDS = (Kind.SECTOR_OVERDUE, Kind.SECTOR_UNASSIGNED, Kind.SECTOR_NO_DEADLINE)
    NOTICE_KINDS = (Kind.ASSIGNED, Kind.RETURN_SENT_BACK)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        # The unique constraint's index starts with the recipient and serves its lookups;
        # a second index would only slow the catch-up sweep's inserts (200,000 rows on M).
        db_index=False,
        related_name="reminder_deliveries",
        verbose_name=_("recipient"),
    )
    organization = models.ForeignKey(
        "planportal.Organization",
        on_delete=models.CASCADE,
        related_name="reminder_deliveries",
        verbose_name=_("organisation"),
    )
    # One of the two: a tiltak, or an indicator whose value is due.
    action = models.ForeignKey(
        "actions.Action",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_deliveries",
        verbose_name=_("action"),
    )
    indicator = models.ForeignKey(
        "strategies.Indicator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_deliveries",
        verbose_name=_("indicator"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=40)
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    digest = models.ForeignKey(
        ReminderDigest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("e-mail"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "action", "kind", "key"],
                name="reminder_delivery_once_per_recipient_action_kind_key",
                violation_error_message=_("This reminder has already been recorded."),
            ),
            models.UniqueConstraint(
                fields=["recipient", "indicator", "kind", "key"],
                condition=Q(indicator__isnull=False),
                name="reminder_delivery_once_per_recipient_indicator_kind_key",
                violation_error_message=_("This reminder has already been recorded."),
            ),
            models.CheckConstraint(
                condition=Q(action__isnull=True) ^ Q(indicator__isnull=True),
                name="reminder_delivery_action_or_indicator",
                violation_error_message=_("A reminder is about an action or an indicator."),
            ),
        ]
        indexes = [
            # The sweep's attach step: items not yet carried by a sent e-mail.
            models.Index(
                fields=["recipient", "organization"],
                name="reminder_delivery_unsent_idx",
                condition=Q(sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} → {self.recipient_id}"
