"""Template tags for the indicators on the plan page."""

from __future__ import annotations

from django import template

from strategies.models import Indicator

register = template.Library()

_CACHE_ATTR = "_planportal_recordable_indicators"


@register.simple_tag(takes_context=True)
def may_record_indicator(context: template.Context, indicator: Indicator) -> bool:
    """Whether the signed-in user may record values of *indicator*, one of the page's
    ``plan``: the plan's recordable indicators are read once per request (one query,
    whatever the number of indicators), not once per row."""
    request = context.get("request")
    plan = context.get("plan")
    user = getattr(request, "user", None)
    if user is None or plan is None or not user.is_authenticated:
        return False
    cache: dict[int, set[int]] = getattr(request, _CACHE_ATTR, None) or {}
    if plan.pk not in cache:
        cache[plan.pk] = set(Indicator.objects.recordable_by(user)
                             .filter(goal__focus_area__plan=plan)
                             .values_list("pk", flat=True))
        setattr(request, _CACHE_ATTR, cache)
    return indicator.pk in cache[plan.pk]
