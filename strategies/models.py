"""The plan hierarchy: plan → focus area (satsingsområde) → goal (delmål) → indicator."""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
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
        COMMUNITY_PLAN = "community_plan", _("municipal master plan, social element")
        STRATEGIC_PLAN = "strategic_plan", _("strategic plan")
        MUNICIPAL_SUB_PLAN = "municipal_sub_plan", _("municipal sub-plan")
        THEMATIC_PLAN = "thematic_plan", _("thematic plan")
        PROFESSIONAL_PLAN = "professional_plan", _("professional plan")
        ACTION_PLAN = "action_plan", _("action plan")
        BUSINESS_PLAN = "business_plan", _("business plan")

    class Level(models.IntegerChoices):
        """The plan's place in the kommune's plan system, top first (the golden thread
        runs down it: a lower plan's goals and tiltak contribute to a higher one's)."""

        COMMUNITY = 1, _("municipal master plan (social element)")
        SECTOR = 2, _("municipal sub-plan or thematic plan")
        ACTION = 3, _("action plan")
        BUSINESS = 4, _("business plan")

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
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, default=Level.SECTOR,
        help_text=_("Where the plan sits in the kommune's plan system."),
    )
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
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal,
        blank=True,
        related_name="plans",
        verbose_name=_("UN sustainable development goals"),
        help_text=_("The goals the plan as a whole names."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_plans",
        verbose_name=_("parent plan"),
        help_text=_("The higher plan of the kommune this plan follows up."),
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
    contributes_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="contributing_goals",
        verbose_name=_("contributes to"),
        help_text=_("Goals of a higher plan of the kommune this goal contributes to "
                    "(“bidrar til”)."),
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
    """A measurable criterion for a goal, with its direction; its targets and baselines
    are rows of their own (:class:`IndicatorTarget`, :class:`IndicatorBaseline`), read
    through :mod:`strategies.targets`."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Frequency(models.TextChoices):
        NONE = "", _("not followed up")
        YEARLY = "yearly", _("every year")
        TERTIAL = "tertial", _("every tertial")
        QUARTERLY = "quarterly", _("every quarter")
        MONTHLY = "monthly", _("every month")

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
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.INTERNAL
    )
    responsible_unit = models.ForeignKey(
        "planportal.Unit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="responsible_for_indicators", verbose_name=_("responsible unit"),
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="responsible_for_indicators", verbose_name=_("responsible person"),
    )
    frequency = models.CharField(
        _("reporting frequency"), max_length=10, choices=Frequency.choices, blank=True,
        default=Frequency.NONE,
    )
    next_due_on = models.DateField(
        _("next value due"), null=True, blank=True, validators=[validate_sane_date],
    )
    # SSB's statistics bank (PxWebApi): the table and the ContentsCode whose values this
    # indicator follows, and optionally the query a scheduled fetch posts.
    statistics_table = models.CharField(
        _("statistics table"), max_length=20, blank=True,
        help_text=_("The table's number in SSB's statistics bank, e.g. 12345."),
    )
    statistics_content = models.CharField(
        _("statistics content code"), max_length=60, blank=True,
        help_text=_("The table's ContentsCode for this indicator."),
    )
    statistics_query = models.JSONField(
        _("statistics query"), default=dict, blank=True,
        help_text=_("The JSON query a scheduled fetch posts to the statistics bank."),
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
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The statistics fields name a table and content code the statistics bank knows
        the form of (the table goes into the scheduled fetch's URL), and a query it takes."""
        super().clean()
        errors = statistics_field_errors(self.statistics_table, self.statistics_content,
                                         self.statistics_query)
        if errors:
            raise ValidationError(errors)


_TABLE_CODE = re.compile(r"[A-Za-z0-9_]{1,20}")
_CONTENT_CODE = re.compile(r"[A-Za-z0-9_.-]{1,60}")
#: The longest scheduled query kept, in characters of JSON.
MAX_STATISTICS_QUERY = 20_000


def statistics_field_errors(table: str, content: str, query: Any) -> dict[str, str]:
    """What is wrong with an indicator's statistics table, content code and query."""
    errors: dict[str, str] = {}
    if table and not _TABLE_CODE.fullmatch(table):
        errors["statistics_table"] = _("Write the table's number as the statistics bank "
                                       "gives it, e.g. 12345.")
    if content and not _CONTENT_CODE.fullmatch(content):
        errors["statistics_content"] = _("Write the content code as the statistics bank "
                                         "gives it, e.g. KOSAG110000.")
    if content and not table:
        errors["statistics_table"] = _("Name the table the content code belongs to.")
    if query in (None, {}):
        return errors
    if not isinstance(query, dict) or not _is_pxweb_query(query.get("query")):
        errors["statistics_query"] = _(
            "The query must be a JSON object whose «query» lists the table's variables, "
            "each with a «code» and a «selection» (a «filter» and its «values»), as the "
            "statistics bank's «API query for this table» gives it.")
    elif len(json.dumps(query)) > MAX_STATISTICS_QUERY:
        errors["statistics_query"] = _("The query is longer than %(limit)s characters.") % {
            "limit": MAX_STATISTICS_QUERY}
    elif not (table and content):
        errors.setdefault("statistics_query", _(
            "A scheduled fetch needs the table and the content code as well."))
    return errors


def _is_pxweb_query(variables: Any) -> bool:
    """True for PxWebApi v0's ``query`` list: ``[{"code": …, "selection": {"filter": …,
    "values": […]}}, …]``."""
    if not isinstance(variables, list):
        return False
    for variable in variables:
        if not isinstance(variable, dict) or not isinstance(variable.get("code"), str):
            return False
        selection = variable.get("selection")
        if not (isinstance(selection, dict) and isinstance(selection.get("filter"), str)
                and isinstance(selection.get("values"), list)
                and all(isinstance(v, str) for v in selection["values"])):
            return False
    return True


class IndicatorBaseline(models.Model):
    """The indicator's value in one year before the plan (a baseline may span years)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="baselines",
        verbose_name=_("indicator"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="indicator_baseline_one_per_year",
                violation_error_message=_("The indicator already has a baseline for this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.year})"


class IndicatorTarget(models.Model):
    """What the indicator should reach: a comparison with a value, for a year or (no
    year) for the plan period, optionally relative to the national average.

    «mer enn 50 %» is ``>`` 50; «10 eller flere per år» is ``≥`` 10 in each year named;
    «lavere enn landssnittet» is ``<`` 0 relative to the national average.
    """

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", "≥"
        MORE_THAN = "gt", ">"
        AT_MOST = "lte", "≤"
        LESS_THAN = "lt", "<"
        EQUAL = "eq", "="

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets",
        verbose_name=_("indicator"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=YEAR_VALIDATORS,
        help_text=_("Empty when the plan names no year: the target holds for its period."),
    )
    comparison = models.CharField(_("comparison"), max_length=3, choices=Comparison.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    relative_to_national = models.BooleanField(
        _("relative to the national average"), default=False,
        help_text=_("The value is a difference from the national average (0: the average "
                    "itself)."),
    )

    class Meta:
        ordering = ["indicator", F("year").asc(nulls_last=True), "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="indicator_target_one_per_year",
                violation_error_message=_("The indicator already has a target for this year."),
            ),
            models.CheckConstraint(
                condition=Q(comparison__in=["gte", "gt", "lte", "lt", "eq"]),
                name="indicator_target_comparison_valid",
                violation_error_message=_("Unknown comparison."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.get_comparison_display()} {self.value}"


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
    national_average = models.DecimalField(
        _("national average"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("The national figure for the same period, when known."),
    )
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(
        _("source"), max_length=200, blank=True,
        help_text=_('Where the value comes from, e.g. "SSB, tabell 12345".'),
    )
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
