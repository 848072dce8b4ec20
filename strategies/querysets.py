"""Querysets for the plan hierarchy: one ``visible_to(user)`` per model."""

from __future__ import annotations

from typing import Any

from django.db import models

from planportal.permissions import get_access
from strategies.permissions import (
    indicator_assign_q,
    measurement_record_q,
    plan_manage_q,
    plan_view_q,
)


class _PlanScopedQuerySet(models.QuerySet):
    """Base for every model that hangs below a Plan; ``plan_prefix`` leads to it."""

    plan_prefix = ""

    def visible_to(self, user: Any) -> models.QuerySet:
        """Rows the user may read: public plans, or plans of the user's organisations."""
        return self.filter(plan_view_q(get_access(user), self.plan_prefix))

    def manageable_by(self, user: Any) -> models.QuerySet:
        """Rows whose structure the user may change (organisation admins)."""
        return self.filter(plan_manage_q(get_access(user), self.plan_prefix))


class PlanQuerySet(_PlanScopedQuerySet):
    """Plans."""

    plan_prefix = ""

    def public(self) -> PlanQuerySet:
        return self.filter(is_public=True)


class FocusAreaQuerySet(_PlanScopedQuerySet):
    """Focus areas (satsingsområder)."""

    plan_prefix = "plan__"


class GoalQuerySet(_PlanScopedQuerySet):
    """Goals (delmål)."""

    plan_prefix = "focus_area__plan__"


class IndicatorQuerySet(_PlanScopedQuerySet):
    """Indicators."""

    plan_prefix = "goal__focus_area__plan__"

    def recordable_by(self, user: Any) -> IndicatorQuerySet:
        """Indicators the user may record measurements for."""
        return self.filter(measurement_record_q(get_access(user)))

    def assignable_by(self, user: Any) -> IndicatorQuerySet:
        """Indicators whose follow-up (owner, frequency, due date) the user may set."""
        return self.filter(indicator_assign_q(get_access(user)))

    def followed_up(self) -> IndicatorQuerySet:
        """Indicators with a next value due, in plans still in force (an expired plan's
        indicators are no longer followed up): what *Mine tiltak* and the reminders list."""
        return self.filter(next_due_on__isnull=False).exclude(
            **{f"{self.plan_prefix}status": "expired"})


class MeasurementQuerySet(_PlanScopedQuerySet):
    """Measurements."""

    plan_prefix = "indicator__goal__focus_area__plan__"
