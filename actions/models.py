"""Actions (tiltak) and their append-only status history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions import querysets
from actions.querysets import ActionQuerySet, StatusUpdateQuerySet
from planportal.dates import validate_sane_date

PROGRESS_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def action_number(code: str, goal_code: str, place: int, *, level: str = "goal",
                  area_code: str = "") -> str:
    """The tiltak's number as documents show it ("Nr."): its own code, else one made
    from where it hangs (*level*, as ``Action.level``) and its *place* there, counted
    from 1 in the plan's order; "" when the level it hangs on has no number.

    - Under a goal: the goal's number and the place ("1.2" → "1.2.3"), as kommuner
      refer to tiltak. Most plans number only their goals; the Nr. column was empty.
    - Directly on a focus area: the area's number, "T" and the place (area "2", third
      tiltak → "2.T3"). Plans list such tiltak as "T1, T2 …" under the area; the "T"
      keeps the number from ever reading as goal 2.3 or its tiltak ("2.3.1").
    - On the whole plan: "T" and the place ("T1", "T2" …), as a handlingsplan numbers
      its tiltak; no goal or area number starts with a letter, so none clashes.
    """
    if code:
        return code
    if level == "plan":
        return f"T{place}"
    if level == "focus_area":
        return f"{area_code}.T{place}" if area_code else ""
    return f"{goal_code}.{place}" if goal_code else ""


class Action(models.Model):
    """A tiltak: who is responsible, by when, and how far it has come.

    A tiltak hangs on any level of its plan: under a delmål (``goal``), directly on a
    satsingsområde (``focus_area``, no goal) or on the plan as a whole (neither). ``plan``
    is always set and ``focus_area`` whenever ``goal`` is, so the plan and the area are
    read without a join (see :mod:`actions.placement`, which keeps them consistent).

    ``version`` is bumped by every write (see :mod:`planportal.locking`); *overdue* is
    derived (due date passed and neither completed nor cancelled), never stored.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        POSTPONED = "postponed", _("postponed")
        CANCELLED = "cancelled", _("cancelled")
        # Rullering: the tiltak goes on in the plan's next version (``carried_over_to``).
        CARRIED_OVER = "carried_over", _("carried over")

    # Statuses that end an action here: it can no longer be overdue, is in no queue,
    # reminder or round.
    CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED, Status.CARRIED_OVER)
    #: The statuses that take a final evaluation: a carried-over tiltak is evaluated where
    #: it ends, in the plan's next version.
    EVALUABLE_STATUSES = (Status.COMPLETED, Status.CANCELLED)
    #: The statuses a person may report (carried over is set by rullering alone).
    REPORTABLE_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETED,
                           Status.POSTPONED, Status.CANCELLED)

    plan = models.ForeignKey(
        "strategies.Plan",
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("plan"),
    )
    focus_area = models.ForeignKey(
        "strategies.FocusArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("focus area"),
        help_text=_("Empty when the action applies to the whole plan."),
    )
    goal = models.ForeignKey(
        "strategies.Goal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("goal"),
        help_text=_("Empty when the action belongs to the focus area or the whole plan."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("number"), max_length=20, blank=True)
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    responsible_unit = models.ForeignKey(
        "planportal.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("responsible unit"),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for",
        verbose_name=_("responsible person"),
    )
    contributing_units = models.ManyToManyField(
        "planportal.Unit",
        blank=True,
        related_name="contributes_to",
        verbose_name=_("contributing units"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True,
                                  validators=[validate_sane_date])
    due_date = models.DateField(_("deadline"), null=True, blank=True,
                                validators=[validate_sane_date])
    period_text = models.CharField(
        _("period (as written)"),
        max_length=100,
        blank=True,
        help_text=_('The time as the plan writes it, e.g. "2024-" or "løpende".'),
    )
    # Derived by the services from period_text and due_date (actions.periods.is_open_ended):
    # an open-ended period ("løpende", "2024-") with no deadline is continuous, not missing.
    continuous = models.BooleanField(
        _("continuous"), default=False, editable=False,
        help_text=_("An open-ended period such as “løpende”: reported on in every round, "
                    "no deadline."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=PROGRESS_VALIDATORS
    )
    budget = models.DecimalField(
        _("budget (NOK)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_reference = models.CharField(
        _("budget reference"),
        max_length=200,
        blank=True,
        help_text=_("Item in the economic plan (økonomiplan)."),
    )
    evaluation = models.TextField(
        _("final evaluation"),
        blank=True,
        help_text=_("Do not write personal data about patients or users."),
    )
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True,
                                    validators=[validate_sane_date])
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluated_actions",
        verbose_name=_("evaluated by"),
    )
    contributes_to = models.ManyToManyField(
        "strategies.Goal",
        blank=True,
        related_name="contributing_actions",
        verbose_name=_("contributes to"),
        help_text=_("Goals of a higher plan of the kommune this action contributes to "
                    "(“bidrar til”)."),
    )
    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_over_to",
        verbose_name=_("carried over from"),
        help_text=_("The same action in the previous version of the plan (rullering)."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        # The plan's reading order: plan-wide tiltak first, then each area's own before
        # its goals' (the order a document lists them in).
        ordering = [
            "plan_id",
            F("focus_area__order").asc(nulls_first=True),
            F("goal__order").asc(nulls_first=True),
            "order",
            "pk",
        ]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="action_progress_between_0_and_100",
                violation_error_message=_("Progress must be between 0 and 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="action_due_date_not_before_start",
                violation_error_message=_("The deadline cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress", "completed",
                                        "postponed", "cancelled", "carried_over"]),
                name="action_status_valid",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=Q(goal__isnull=True) | Q(focus_area__isnull=False),
                name="action_goal_names_its_focus_area",
                violation_error_message=_("An action under a goal belongs to its focus area."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="action_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]
        indexes = [
            # "My unit's actions" and the sector views: filter by responsible unit + status.
            models.Index(fields=["responsible_unit", "status"], name="action_unit_status_idx"),
            # Deadline sweeps and overdue lists: due date range, then status.
            models.Index(fields=["due_date", "status"], name="action_due_status_idx"),
            # The plan tree: a goal's actions in order; an area's and a plan's own.
            models.Index(fields=["goal", "order"], name="action_goal_order_idx"),
            models.Index(fields=["focus_area", "order"], name="action_area_order_idx"),
            models.Index(fields=["plan", "status"], name="action_plan_status_idx"),
            # "Mine tiltak" for a responsible person.
            models.Index(fields=["responsible_person", "status"], name="action_person_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The levels above the one given follow from it (a factory or a shell may give
        # only the goal); the services set all three through actions.placement. As
        # objects, not ids: the caller's instance then reads its plan without a query.
        if self.goal_id is not None and self.focus_area_id is None:
            self.focus_area = self.goal.focus_area
        if self.focus_area_id is not None and self.plan_id is None:
            self.plan = self.focus_area.plan
        super().save(*args, **kwargs)

    @property
    def level(self) -> str:
        """Where the tiltak hangs: ``"goal"``, ``"focus_area"`` or ``"plan"``."""
        if self.goal_id is not None:
            return "goal"
        return "focus_area" if self.focus_area_id is not None else "plan"

    def clean(self) -> None:
        # Mirrors the date constraint in Python, so services can validate the fields they
        # change without a database round trip per constraint.
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError(
                {"due_date": _("The deadline cannot be before the start date.")}
            )

    def is_overdue(self, today: Any = None) -> bool:
        """Whether the action is overdue on *today* (the rule of ``overdue_q``)."""
        return querysets.is_overdue(self.due_date, self.status, today or timezone.localdate())


class StatusUpdate(models.Model):
    """One entry of an action's status history. Append-only: never edited or deleted."""

    class Risk(models.TextChoices):
        ON_TRACK = "on_track", _("on track")
        AT_RISK = "at_risk", _("at risk")
        OFF_TRACK = "off_track", _("off track")

    action = models.ForeignKey(
        Action,
        # History outlives nothing: an action with history cannot be deleted, only cancelled.
        on_delete=models.PROTECT,
        related_name="status_updates",
        verbose_name=_("action"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_updates",
        verbose_name=_("author"),
    )
    # A default rather than auto_now_add, so an imported history keeps its recorded times.
    created_at = models.DateTimeField(
        _("time"), default=timezone.now, editable=False, db_index=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Action.Status.choices)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=PROGRESS_VALIDATORS)
    risk = models.CharField(
        _("risk"), max_length=20, choices=Risk.choices, default=Risk.ON_TRACK
    )
    comment = models.TextField(
        _("comment"),
        blank=True,
        help_text=_("Do not write personal data about patients or users."),
    )

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="status_update_progress_between_0_and_100",
                violation_error_message=_("Progress must be between 0 and 100 %."),
            ),
        ]
        indexes = [
            # Latest update per action (Subquery ordered by time).
            models.Index(fields=["action", "-created_at"], name="statusupdate_action_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} – {self.get_status_display()} {self.progress} %"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Status updates are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Status updates are append-only and cannot be deleted.")


from actions.calendar_models import CalendarFeed  # noqa: E402,F401
from actions.deliveries import ReminderDelivery, ReminderDigest  # noqa: E402,F401
from actions.interpretation_models import Interpretation  # noqa: E402,F401
from actions.round_models import (  # noqa: E402,F401
    ReportingReturn,
    ReportingRound,
    RoundAssessment,
)
