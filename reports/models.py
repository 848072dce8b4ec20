"""Frozen report snapshots, e-mail subscriptions to a plan's report, and their delivery log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planportal.dates import validate_sane_date
from reports.querysets import (
    ReportDeliveryQuerySet,
    ReportSnapshotQuerySet,
    ReportSubscriptionQuerySet,
)


class Frequency(models.TextChoices):
    """How often a report period comes round (tertials end 30 April, 31 August, 31 December)."""

    MONTHLY = "monthly", _("monthly")
    TERTIAL = "tertial", _("tertial")
    YEARLY = "yearly", _("yearly")
    CUSTOM = "custom", _("custom period")


class ReportSnapshot(models.Model):
    """A report frozen for a period: the computed data and its PDF never change again.

    ``data`` is written once by :func:`reports.services.create_snapshot`; the PDF is
    rendered from ``data`` (never from the live plan) by the ``render_snapshot_pdf`` task,
    which moves ``status`` from PENDING to READY or FAILED and keeps the error.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    plan = models.ForeignKey(
        "strategies.Plan",
        on_delete=models.PROTECT,
        related_name="report_snapshots",
        verbose_name=_("plan"),
    )
    focus_area = models.ForeignKey(
        "strategies.FocusArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_snapshots",
        verbose_name=_("focus area"),
    )
    unit = models.ForeignKey(
        "planportal.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_snapshots",
        verbose_name=_("unit"),
    )
    # The reporting round this report closed, if any (its scope_key is "round:<id>").
    round = models.ForeignKey(
        "actions.ReportingRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="snapshots",
        verbose_name=_("reporting round"),
    )
    # A report frozen before its period ended: labelled foreløpig, never sent by the sweep.
    preliminary = models.BooleanField(_("preliminary"), default=False)
    # "" for the whole plan, "fa:<id>" / "unit:<id>" when narrowed, "round:<id>" for a
    # round's report, "p<date>:…" for a preliminary one; part of the unique key because
    # NULLs would make two whole-plan snapshots of one period look distinct.
    scope_key = models.CharField(_("scope"), max_length=40, default="", editable=False)
    frequency = models.CharField(_("kind of period"), max_length=10, choices=Frequency.choices)
    period_key = models.CharField(_("period key"), max_length=20)
    period_label = models.CharField(_("period"), max_length=60)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("as of"))
    since = models.DateField(_("changes since"), null=True, blank=True)
    data = models.JSONField(_("report data"), editable=False)
    data_sha256 = models.CharField(_("data checksum"), max_length=64, editable=False)
    status = models.CharField(
        _("PDF status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    pdf = models.FileField(_("PDF"), upload_to="reports/snapshots/", blank=True, editable=False)
    pdf_sha256 = models.CharField(_("PDF checksum"), max_length=64, blank=True, editable=False)
    pdf_size = models.PositiveIntegerField(_("PDF size (bytes)"), null=True, blank=True)
    pdf_pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_snapshots",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)

    objects = ReportSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-period_end", "-pk"]
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scope_key", "frequency", "period_key"],
                name="report_snapshot_one_per_plan_scope_period",
                violation_error_message=_(
                    "A snapshot of this report already exists for this period."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} – {self.period_label}"

    @property
    def language(self) -> str:
        """The language the report was frozen in, its kommune's målform then: its PDF,
        Word document and workbook are in it. Snapshots older than målform were frozen
        in Bokmål."""
        return self.data.get("language") or "nb"


class ReportSubscription(models.Model):
    """A committee recipient who gets a plan's report by e-mail once each period."""

    plan = models.ForeignKey(
        "strategies.Plan",
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        verbose_name=_("plan"),
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=[c for c in Frequency.choices if c[0] != Frequency.CUSTOM],
        default=Frequency.TERTIAL,
    )
    # Blank: the målform of the plan's kommune (planportal.languages.content_language),
    # so a kommune that switches to nynorsk sends its reports in nynorsk.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("", _("The kommune's written standard")), ("nb", _("Norwegian Bokmål")),
                 ("nn", _("Norwegian Nynorsk")), ("en", _("English"))],
        default="",
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    starts_on = models.DateField(
        _("first period ends on or after"),
        default=timezone.localdate,
        validators=[validate_sane_date],
        help_text=_("Periods that ended before this date are not sent."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ReportSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "email"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "email", "frequency"],
                name="report_subscription_unique_recipient",
                violation_error_message=_(
                    "This address already receives this plan's report at this frequency."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.plan} ({self.get_frequency_display()})"


class ReportDelivery(models.Model):
    """One e-mail of one period's report to one subscriber; the key that stops doubles.

    The unique (subscription, period_key) row is created before anything is sent; a
    sender claims it by a conditional update (PENDING → SENDING) and marks it SENT only
    after the SMTP server has accepted the message.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    subscription = models.ForeignKey(
        ReportSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    snapshot = models.ForeignKey(
        ReportSnapshot,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("snapshot"),
    )
    period_key = models.CharField(_("period key"), max_length=20)
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attached = models.BooleanField(_("PDF attached"), null=True, blank=True)
    message_id = models.CharField(_("message id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ReportDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_key"],
                name="report_delivery_one_per_subscription_period",
                violation_error_message=_("This period's report was already sent."),
            ),
        ]
        indexes = [
            # The sweep re-enqueues deliveries still pending.
            models.Index(fields=["status"], name="report_delivery_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.period_key} ({self.get_status_display()})"
