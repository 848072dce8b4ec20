"""Querysets for snapshots, subscriptions and deliveries, scoped as their plan."""

from __future__ import annotations

from typing import Any

from django.db import models

from planportal.permissions import get_access
from strategies.permissions import plan_manage_q, plan_view_q


class ReportSnapshotQuerySet(models.QuerySet):
    """Snapshots: readable by whoever reads the plan."""

    def visible_to(self, user: Any) -> ReportSnapshotQuerySet:
        """Snapshots of plans the user may read (public plans for everyone)."""
        return self.filter(plan_view_q(get_access(user), "plan__"))

    def of_closed_rounds(self, plan: Any) -> ReportSnapshotQuerySet:
        """The frozen reports of *plan*'s closed reporting rounds, newest first (its data
        left unloaded: a list only needs the labels)."""
        return (self.filter(plan=plan, round__state="closed", preliminary=False)
                .select_related("round").defer("data").order_by("-period_end", "-pk"))


class ReportSubscriptionQuerySet(models.QuerySet):
    """Subscriptions: they hold e-mail addresses, so only organisation admins see them."""

    def visible_to(self, user: Any) -> ReportSubscriptionQuerySet:
        """Subscriptions the user may see and manage (the plan's organisation admins)."""
        return self.filter(plan_manage_q(get_access(user), "plan__"))

    def active(self) -> ReportSubscriptionQuerySet:
        return self.filter(is_active=True)


class ReportDeliveryQuerySet(models.QuerySet):
    """Delivery log rows."""

    def visible_to(self, user: Any) -> ReportDeliveryQuerySet:
        return self.filter(plan_manage_q(get_access(user), "subscription__plan__"))
