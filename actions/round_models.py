"""Reporting rounds (rapporteringsrunder): the request to report, the returns, the assessments.

A round asks everyone responsible for a tiltak in one or more plans to report on one
period (the period keys the snapshots use: "2026-T2", "2026-05", "2026") by a deadline.
Each tiltak in scope gets one *return*; sector leaders approve or send back returns and
write an *assessment* per focus area or sector; closing the round (``reports``) freezes
the report with the approved text.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.querysets import (
    ReportingReturnQuerySet,
    ReportingRoundQuerySet,
    RoundAssessmentQuerySet,
)
from planportal.dates import validate_sane_date

PERIOD_FREQUENCIES = [
    ("monthly", _("monthly")),
    ("tertial", _("tertial")),
    ("yearly", _("yearly")),
]


class ReportingRound(models.Model):
    """One round of reporting for one period, in one kommune, over one or all its plans.

    ``plans`` are fixed when the round opens (with ``all_plans``, every adopted plan of
    the kommune at that moment). Open → closed; a closed round never changes again. The
    case reference, committee and meeting date are recorded when it closes.
    """

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    organization = models.ForeignKey(
        "planportal.Organization",
        on_delete=models.PROTECT,
        related_name="reporting_rounds",
        verbose_name=_("organisation"),
    )
    plans = models.ManyToManyField(
        "strategies.Plan", related_name="reporting_rounds", verbose_name=_("plans")
    )
    all_plans = models.BooleanField(
        _("all adopted plans"), default=False,
        help_text=_("Opened for every adopted plan of the organisation."),
    )
    frequency = models.CharField(_("kind of period"), max_length=10,
                                 choices=PERIOD_FREQUENCIES)
    period_key = models.CharField(_("period key"), max_length=20)
    period_label = models.CharField(_("period"), max_length=60)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    deadline = models.DateField(_("reporting deadline"), validators=[validate_sane_date])
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.OPEN)
    case_number = models.CharField(
        _("case number"), max_length=50, blank=True,
        help_text=_('The case reference (saksnummer), e.g. "2026/1234".'),
    )
    committee = models.CharField(_("committee"), max_length=200, blank=True)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True,
                                    validators=[validate_sane_date])
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ReportingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "-period_end", "-pk"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["open", "closed"]),
                name="reporting_round_state_valid",
                violation_error_message=_("Unknown state."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reporting_round_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "state"], name="round_org_state_idx"),
        ]

    def __str__(self) -> str:
        return str(self.period_label)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class ReportingReturn(models.Model):
    """One tiltak's return (rapport) in a round: what its responsible person reports.

    requested → draft → submitted → approved, or submitted → sent back → (draft) →
    submitted again. Submitting posts the status update (``status_update``) through the
    action services in the same transaction. ``done`` and ``next_steps`` are internal
    until the return is approved: only approved text reaches a report.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        SENT_BACK = "sent_back", _("sent back")
        APPROVED = "approved", _("approved")

    #: States in which the responsible person still has to submit.
    AWAITING_SUBMISSION = (State.REQUESTED, State.DRAFT, State.SENT_BACK)

    round = models.ForeignKey(
        ReportingRound, on_delete=models.CASCADE, related_name="returns",
        verbose_name=_("reporting round"),
    )
    action = models.ForeignKey(
        "actions.Action", on_delete=models.PROTECT, related_name="returns",
        verbose_name=_("action"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices,
                             default=State.REQUESTED)
    status = models.CharField(_("status"), max_length=20, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    risk = models.CharField(_("risk"), max_length=20, blank=True)
    done = models.TextField(
        _("done this period"), blank=True,
        help_text=_("Do not write personal data about patients or employees."),
    )
    next_steps = models.TextField(
        _("next steps"), blank=True,
        help_text=_("Do not write personal data about patients or employees."),
    )
    #: Indicator values reported with the return: [{"indicator": id, "value": "12.5"}].
    indicator_values = models.JSONField(_("indicator values"), default=list, blank=True)
    review_comment = models.TextField(_("comment from the reviewer"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    status_update = models.ForeignKey(
        "actions.StatusUpdate", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("status update"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReportingReturnQuerySet.as_manager()

    class Meta:
        # The plan's reading order: plan-wide tiltak first, then each area's own before
        # its goals' (NULL first on PostgreSQL too, as on SQLite).
        ordering = ["round", F("action__focus_area__order").asc(nulls_first=True),
                    F("action__goal__order").asc(nulls_first=True), "action__order", "pk"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "action"], name="reporting_return_one_per_round_action",
                violation_error_message=_("This action already has a return in the round."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["requested", "draft", "submitted", "sent_back",
                                       "approved"]),
                name="reporting_return_state_valid",
                violation_error_message=_("Unknown state."),
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="reporting_return_progress_between_0_and_100",
                violation_error_message=_("Progress must be between 0 and 100 %."),
            ),
        ]
        indexes = [
            models.Index(fields=["round", "state"], name="return_round_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.action}"


class RoundAssessment(models.Model):
    """A sector leader's assessment (vurdering) in a round: of one focus area, or of one
    sector (a unit and its subtree). Exactly one of the two is set."""

    round = models.ForeignKey(
        ReportingRound, on_delete=models.CASCADE, related_name="assessments",
        verbose_name=_("reporting round"),
    )
    focus_area = models.ForeignKey(
        "strategies.FocusArea", on_delete=models.PROTECT, null=True, blank=True,
        related_name="round_assessments", verbose_name=_("focus area"),
    )
    unit = models.ForeignKey(
        "planportal.Unit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="round_assessments", verbose_name=_("sector"),
    )
    text = models.TextField(
        _("assessment"),
        help_text=_("Do not write personal data about patients or employees."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("author"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoundAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["round", "focus_area__order", "unit__path", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(focus_area__isnull=False, unit__isnull=True)
                           | Q(focus_area__isnull=True, unit__isnull=False)),
                name="round_assessment_focus_area_xor_unit",
                violation_error_message=_("Assess either a focus area or a sector."),
            ),
            models.UniqueConstraint(
                fields=["round", "focus_area"], condition=Q(focus_area__isnull=False),
                name="round_assessment_one_per_focus_area",
                violation_error_message=_("This focus area already has an assessment."),
            ),
            models.UniqueConstraint(
                fields=["round", "unit"], condition=Q(unit__isnull=False),
                name="round_assessment_one_per_unit",
                violation_error_message=_("This sector already has an assessment."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.focus_area or self.unit}"
