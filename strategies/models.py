"""The plan hierarchy: plan → focus area (satsingsområde) → goal (delmål) → indicator."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from planportal.dates import validate_sane_date
from strategies.querysets import (
    FocusAreaQuerySet,
    GoalQuerySet,
    IndicatorQuerySet,
    MeasurementQuerySet,
    PlanQuerySet,
)

YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2200)]


class SustainableDevelopmentGoal(models.Model):
    """One of the 17 UN Sustainable Development Goals (FNs bærekraftsmål), reference data."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    name_nb = models.CharField(_("name (Bokmål)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        ordering = ["number"]
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=17),
                name="sdg_number_between_1_and_17",
                violation_error_message=_("The UN goals are numbered 1 to 17."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nb").startswith("en") else self.name_nb


class Plan(models.Model):
    """A municipal plan (strategi, temaplan, handlingsplan …) owned by one organisation."""

    class Kind(models.TextChoices):
        STRATEGIC_PLAN = "strategic_plan", _("strategic plan")
        MUNICIPAL_SUB_PLAN = "municipal_sub_plan", _("municipal sub-plan")
        THEMATIC_PLAN = "thematic_plan", _("thematic plan")
        PROFESSIONAL_PLAN = "professional_plan", _("professional plan")
        ACTION_PLAN = "action_plan", _("action plan")
        BUSINESS_PLAN = "business_plan", _("business plan")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        CONSULTATION = "consultation", _("public consultation")
        ADOPTED = "adopted", _("adopted")
        UNDER_REVISION = "under_revision", _("under revision")
        EXPIRED = "expired", _("expired")

    organization = models.ForeignKey(
        "planportal.Organization",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind of plan"), max_length=30, choices=Kind.choices)
    period_start = models.PositiveSmallIntegerField(_("from year"), validators=YEAR_VALIDATORS)
    period_end = models.PositiveSmallIntegerField(_("to year"), validators=YEAR_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True,
                                  validators=[validate_sane_date])
    adopted_by = models.CharField(
        _("adopted by"),
        max_length=300,
        blank=True,
        help_text=_('Body and case number, e.g. "Kommunestyret, sak 126/21".'),
    )
    vision = models.TextField(_("vision"), blank=True)
    description = models.TextField(_("description"), blank=True)
    owner_unit = models.ForeignKey(
        "planportal.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_plans",
        verbose_name=_("owner unit"),
    )
    revision_interval_years = models.PositiveSmallIntegerField(
        _("revision interval (years)"), null=True, blank=True
    )
    next_revision_on = models.DateField(_("next revision"), null=True, blank=True,
                                        validators=[validate_sane_date])
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Public plans can be read by anyone, without personal data."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_plans",
        verbose_name=_("parent plan"),
    )
    previous_version = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("previous version"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "-period_start", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "title", "period_start"],
                name="plan_title_unique_per_organization_and_period",
                violation_error_message=_(
                    "The organisation already has a plan with this title for this period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plan_period_end_not_before_start",
                violation_error_message=_("The plan period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")) & ~Q(previous_version=F("id")),
                name="plan_not_its_own_parent_or_version",
                violation_error_message=_("A plan cannot be its own parent or version."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class FocusArea(models.Model):
    """A satsingsområde: a chapter of the plan with its own current state and vision."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="focus_areas", verbose_name=_("plan")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    current_state = models.TextField(_("current state ('Her er vi')"), blank=True)
    vision = models.TextField(_("vision"), blank=True)
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal,
        blank=True,
        related_name="focus_areas",
        verbose_name=_("UN sustainable development goals"),
    )
    lead_units = models.ManyToManyField(
        "planportal.Unit",
        blank=True,
        related_name="led_focus_areas",
        verbose_name=_("lead units"),
    )
    partners = models.TextField(
        _("external partners"),
        blank=True,
        help_text=_("Volunteers, user organisations and others who take part."),
    )

    objects = FocusAreaQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"],
                name="focus_area_order_unique_per_plan",
                violation_error_message=_("Two focus areas of the plan have the same position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Goal(models.Model):
    """A delmål under a focus area, with its success criteria ('Vi har lyktes når …')."""

    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, related_name="goals", verbose_name=_("focus area")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("number"), max_length=20, blank=True)
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    success_criteria = models.TextField(
        _("success criteria"), blank=True, help_text=_("“We have succeeded when …”")
    )

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["focus_area", "order"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(
                fields=["focus_area", "order"],
                name="goal_order_unique_per_focus_area",
                violation_error_message=_("Two goals of the focus area have the same position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Indicator(models.Model):
    """A measurable criterion for a goal, with baseline, target and direction."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Source(models.TextChoices):
        KOSTRA = "kostra", "KOSTRA"
        IPLOS = "iplos", "IPLOS"
        UNGDATA = "ungdata", "Ungdata"
        PUBLIC_HEALTH_PROFILE = "folkehelseprofil", _("public health profile")
        INTERNAL = "internal", _("internal")
        OTHER = "other", _("other")

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("goal")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    target_value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.INTERNAL
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["goal", "order", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "name"],
                name="indicator_name_unique_per_goal",
                violation_error_message=_("The goal already has an indicator with this name."),
            ),
            models.CheckConstraint(
                condition=Q(target_year__isnull=True)
                | Q(baseline_year__isnull=True)
                | Q(target_year__gte=F("baseline_year")),
                name="indicator_target_year_not_before_baseline",
                violation_error_message=_("The target year cannot be before the baseline year."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    """A recorded value of an indicator for one period (e.g. the year 2024)."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
    )
    period_end = models.DateField(
        _("period end"), help_text=_("The last day of the period the value applies to."),
        validators=[validate_sane_date],
    )
    period_label = models.CharField(
        _("period"), max_length=60, blank=True, help_text=_('E.g. "2024" or "2. tertial 2025".')
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("recorded by"),
    )
    # A default rather than auto_now_add, so an imported measurement keeps its time.
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "-period_end"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        get_latest_by = "period_end"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_end"],
                name="measurement_one_per_indicator_and_period",
                violation_error_message=_(
                    "A value is already recorded for this indicator and period."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_label or self.period_end})"
