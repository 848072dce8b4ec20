"""Plan-level access rules as Q objects (design §3).

``prefix`` is the lookup path from the filtered model to its Plan, e.g.
``"goal__focus_area__plan__"`` for indicators, so one rule serves every model below a plan.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from planportal.permissions import Access, get_access, nothing


def plan_view_q(access: Access, prefix: str = "") -> Q:
    """Public plans for everyone; every plan of the user's own organisations for members."""
    if access.everything:
        return Q()
    condition = Q(**{f"{prefix}is_public": True})
    if access.member_org_ids:
        condition |= Q(**{f"{prefix}organization_id__in": access.member_org_ids})
    return condition


def plan_manage_q(access: Access, prefix: str = "") -> Q:
    """Structure changes (plan, focus areas, goals, indicators): organisation admins only."""
    if access.everything:
        return Q()
    if not access.admin_org_ids:
        return nothing()
    return Q(**{f"{prefix}organization_id__in": access.admin_org_ids})


def measurement_record_q(access: Access, prefix: str = "") -> Q:
    """Recording indicator values: admins and sector leaders of the organisation."""
    if access.everything:
        return Q()
    orgs = access.admin_org_ids | access.sector_leader_org_ids
    if not orgs:
        return nothing()
    return Q(**{f"{prefix}organization_id__in": orgs})


def can_manage_plans_of(user: Any, organization_id: int) -> bool:
    """True if the user may create or edit plan structure in the organisation."""
    return get_access(user).is_admin_of(organization_id)
