"""Action access rules (design §3) as Q objects over Action.

- view: as the action's plan (public, or the user's organisation);
- manage (create, edit, assign): organisation admins, and sector leaders when the
  responsible unit is in their subtree or not yet set;
- report (post status updates, evaluate): organisation admins, unit managers whose
  subtree holds the responsible unit, and the responsible person.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q

# RESPONSIBLE_ROLES and responsible_membership_q (who may be responsible for a tiltak or
# an indicator) are one rule of the core, re-exported here for the tiltak's forms.
from planportal.permissions import RESPONSIBLE_ROLES as RESPONSIBLE_ROLES
from planportal.permissions import Access, any_of, get_access
from planportal.permissions import responsible_membership_q as responsible_membership_q
from strategies.permissions import plan_view_q

PLAN = "plan__"


def action_view_q(access: Access, prefix: str = "") -> Q:
    return plan_view_q(access, prefix + PLAN)


def action_manage_q(access: Access, prefix: str = "") -> Q:
    if access.everything:
        return Q()
    conditions = []
    if access.admin_org_ids:
        conditions.append(Q(**{f"{prefix}{PLAN}organization_id__in": access.admin_org_ids}))
    for org_id, path in access.sector_leader_units:
        conditions.append(
            Q(**{f"{prefix}{PLAN}organization_id": org_id})
            & (
                Q(**{f"{prefix}responsible_unit__isnull": True})
                | Q(**{f"{prefix}responsible_unit__path__startswith": path})
            )
        )
    return any_of(conditions)


def action_report_q(access: Access, prefix: str = "") -> Q:
    if access.everything:
        return Q()
    conditions = []
    if access.admin_org_ids:
        conditions.append(Q(**{f"{prefix}{PLAN}organization_id__in": access.admin_org_ids}))
    for _org_id, path in access.unit_manager_units:
        conditions.append(Q(**{f"{prefix}responsible_unit__path__startswith": path}))
    if access.user_id is not None and access.member_org_ids:
        conditions.append(
            Q(**{f"{prefix}responsible_person_id": access.user_id})
            & Q(**{f"{prefix}{PLAN}organization_id__in": access.member_org_ids})
        )
    return any_of(conditions)


RULES = {"view": action_view_q, "manage": action_manage_q, "report": action_report_q}



def calendar_unit_q(access: Access, prefix: str = "") -> Q:
    """Units (at ``prefix``) whose deadlines the user may subscribe to as a unit feed: every
    unit of the kommuner he administers, and the subtrees he leads or manages. A reader
    gets his own deadlines only."""
    if access.everything:
        return Q()
    conditions = []
    if access.admin_org_ids:
        conditions.append(Q(**{f"{prefix}organization_id__in": access.admin_org_ids}))
    for org_id, path in (*access.sector_leader_units, *access.unit_manager_units):
        conditions.append(Q(**{f"{prefix}organization_id": org_id,
                               f"{prefix}path__startswith": path}))
    return any_of(conditions)


def may_subscribe_to_unit(user: Any, unit: Any) -> bool:
    """Python mirror of :func:`calendar_unit_q` for one unit."""
    access = get_access(user)
    if access.is_admin_of(unit.organization_id):
        return True
    return any(org_id == unit.organization_id and unit.path.startswith(path)
               for org_id, path in (*access.sector_leader_units, *access.unit_manager_units))


def can_create_action_in(user: Any, organization_id: int, responsible_unit: Any) -> bool:
    """Python mirror of ``action_manage_q`` for an action that does not exist yet."""
    access = get_access(user)
    return access.is_admin_of(organization_id) or access.leads_unit(
        organization_id, responsible_unit
    )


# --- Reporting rounds (design §3 and §7) -------------------------------------------------
#
# - a closed round is read by every member of its kommune (the readers included); an open
#   one, its work in progress, by those who hold a role above reader there (admins, sector
#   leaders, unit managers) and by the person responsible for a tiltak in it, who reports
#   on it; rounds are opened and closed by the kommune's admins;
# - a return is read and submitted by whoever may *report* on its action (the person, the
#   unit's managers, the admins), reviewed (approved, sent back) by whoever may *manage*
#   it (the sector leader of the unit's sector, the admins); readers read the approved
#   returns of closed rounds;
# - an assessment is read as the round's work in progress (a draft until the round
#   closes), and written by the admins and the sector leaders of the kommune.


def _staff_org_ids(access: Access) -> frozenset[int]:
    """The kommuner where the user holds a role above reader."""
    return (access.admin_org_ids | access.sector_leader_org_ids
            | frozenset(org for org, _path in access.unit_manager_units))


def round_work_q(access: Access, prefix: str = "") -> Q:
    """Rounds whose work in progress the user reads: every round of a kommune where they
    hold a role above reader, and the closed rounds of every kommune they belong to."""
    if access.everything:
        return Q()
    return (Q(**{f"{prefix}organization_id__in": _staff_org_ids(access)})
            | Q(**{f"{prefix}organization_id__in": access.member_org_ids,
                   f"{prefix}state": "closed"}))


def round_view_q(access: Access, prefix: str = "") -> Q:
    """:func:`round_work_q`, and the open rounds in which the user is responsible for a
    tiltak (a reader may be: they must see the round to report on it)."""
    if access.everything:
        return Q()
    if access.user_id is None or not access.member_org_ids:
        return round_work_q(access, prefix)
    # Looked up in the registry, as the querysets do: the rules sit below the models. A
    # subquery, not a join, so a round is never listed (or counted) once per return.
    returns = apps.get_model("actions", "ReportingReturn").objects.filter(
        action__responsible_person_id=access.user_id,
        round__organization_id__in=access.member_org_ids,
    ).order_by().values("round_id")
    return round_work_q(access, prefix) | Q(**{f"{prefix}pk__in": returns})


def round_manage_q(access: Access, prefix: str = "") -> Q:
    if access.everything:
        return Q()
    return Q(**{f"{prefix}organization_id__in": access.admin_org_ids})


def return_view_q(access: Access, prefix: str = "") -> Q:
    if access.everything:
        return Q()
    published = Q(**{f"{prefix}state": "approved", f"{prefix}round__state": "closed",
                     f"{prefix}round__organization_id__in": access.member_org_ids})
    return (published | return_report_q(access, prefix) | return_review_q(access, prefix))


def return_report_q(access: Access, prefix: str = "") -> Q:
    return action_report_q(access, f"{prefix}action__")


def return_review_q(access: Access, prefix: str = "") -> Q:
    return action_manage_q(access, f"{prefix}action__")


ROUND_RULES = {"view": round_view_q, "manage": round_manage_q}
RETURN_RULES = {"view": return_view_q, "report": return_report_q, "review": return_review_q}


def can_assess_in(user: Any, organization_id: int) -> bool:
    """Whether *user* may write assessments in a round of the organisation."""
    access = get_access(user)
    return access.is_admin_of(organization_id) or organization_id in access.sector_leader_org_ids
