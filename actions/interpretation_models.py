"""Interpretations ("tolket"): where a plan in Planportal says more than its document.

A kommune's document leaves things open (no target year, tiltak listed per chapter, a
merged cell); whoever entered it had to decide. Each decision is recorded where it was
made, with the reason, so nobody mistakes it for the plan's own words.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Interpretation(models.Model):
    """A "tolket" marker: one value or placement the plan did not state, and why.

    It belongs to the plan and, when it concerns one of them, to a focus area, a goal,
    an indicator or a tiltak; ``field`` names the value (``"target_year"``, ``"placement"``
    …), empty for the object as a whole.
    """

    plan = models.ForeignKey(
        "strategies.Plan", on_delete=models.CASCADE, related_name="interpretations",
        verbose_name=_("plan"),
    )
    focus_area = models.ForeignKey(
        "strategies.FocusArea", on_delete=models.CASCADE, null=True, blank=True,
        related_name="interpretations", verbose_name=_("focus area"),
    )
    goal = models.ForeignKey(
        "strategies.Goal", on_delete=models.CASCADE, null=True, blank=True,
        related_name="interpretations", verbose_name=_("goal"),
    )
    indicator = models.ForeignKey(
        "strategies.Indicator", on_delete=models.CASCADE, null=True, blank=True,
        related_name="interpretations", verbose_name=_("indicator"),
    )
    action = models.ForeignKey(
        "actions.Action", on_delete=models.CASCADE, null=True, blank=True,
        related_name="interpretations", verbose_name=_("action"),
    )
    field = models.CharField(_("field"), max_length=60, blank=True)
    reason = models.TextField(_("reason"))
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("interpretation")
        verbose_name_plural = _("interpretations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="interpretation_has_a_reason",
                violation_error_message=_("Say why the value was interpreted."),
            ),
        ]

    def __str__(self) -> str:
        return self.reason[:80]
