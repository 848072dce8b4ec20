"""Plan-level access rules as Q objects (design §3).

``prefix`` is the lookup path from the filtered model to its Plan, e.g.
``"goal__focus_area__plan__"`` for indicators, so one rule serves every model below a plan.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from planportal.permissions import Access, any_of, get_access, nothing


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


#: From an indicator to its plan.
INDICATOR_PLAN = "goal__focus_area__plan__"


def measurement_record_q(access: Access, prefix: str = "") -> Q:
    """Recording an indicator's values (``prefix`` leads to the Indicator): admins and
    sector leaders of the organisation, the unit managers whose subtree holds the
    indicator's responsible unit, and its responsible person (as reporting on a tiltak)."""
    if access.everything:
        return Q()
    plan = f"{prefix}{INDICATOR_PLAN}"
    conditions = []
    orgs = access.admin_org_ids | access.sector_leader_org_ids
    if orgs:
        conditions.append(Q(**{f"{plan}organization_id__in": orgs}))
    for org_id, path in access.unit_manager_units:
        conditions.append(Q(**{f"{plan}organization_id": org_id,
                               f"{prefix}responsible_unit__path__startswith": path}))
    if access.user_id is not None and access.member_org_ids:
        conditions.append(Q(**{f"{prefix}responsible_person_id": access.user_id,
                               f"{plan}organization_id__in": access.member_org_ids}))
    return any_of(conditions)


def indicator_assign_q(access: Access, prefix: str = "") -> Q:
    """Who follows an indicator up (owner, frequency, next due date; ``prefix`` leads to
    the Indicator): as a tiltak's assignment (``actions.permissions.action_manage_q``),
    the organisation's admins, and its sector leaders while the responsible unit is in
    their subtree or not yet set."""
    if access.everything:
        return Q()
    plan = f"{prefix}{INDICATOR_PLAN}"
    conditions = []
    if access.admin_org_ids:
        conditions.append(Q(**{f"{plan}organization_id__in": access.admin_org_ids}))
    for org_id, path in access.sector_leader_units:
        conditions.append(
            Q(**{f"{plan}organization_id": org_id})
            & (Q(**{f"{prefix}responsible_unit__isnull": True})
               | Q(**{f"{prefix}responsible_unit__path__startswith": path})))
    return any_of(conditions)


def can_manage_plans_of(user: Any, organization_id: int) -> bool:
    """True if the user may create or edit plan structure in the organisation."""
    return get_access(user).is_admin_of(organization_id)
