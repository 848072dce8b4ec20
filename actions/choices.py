"""Choice lists for the assignment forms: units and people per organisation, one query each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from planportal.models import Membership, Unit
from planportal.permissions import get_access


def unit_choices(user: Any, organization_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """The units each organisation's actions may be given to by *user*, in tree order.

    Admins may choose any unit of their organisation; sector leaders only units in their
    own subtree (the service would refuse the others).
    """
    access = get_access(user)
    org_ids = set(organization_ids)
    choices: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not org_ids:
        return choices
    rows = Unit.objects.filter(organization_id__in=org_ids).values_list(
        "pk", "organization_id", "path", "name"
    )
    for pk, org_id, path, name in rows:
        if access.is_admin_of(org_id) or access.leads_unit(org_id, _PathOnly(path)):
            depth = path.count("/") - 1
            choices[org_id].append((pk, "\u2003" * depth + name))
    return choices


def people_choices(organization_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """Active members of each organisation, by name (the service checks membership too)."""
    org_ids = set(organization_ids)
    choices: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not org_ids:
        return choices
    rows = (
        Membership.objects.filter(unit__organization_id__in=org_ids, user__is_active=True)
        .values_list("unit__organization_id", "user_id", "user__first_name",
                     "user__last_name", "user__username")
        .order_by("user__first_name", "user__last_name", "user__username")
        .distinct()
    )
    seen: set[tuple[int, int]] = set()
    for org_id, user_id, first, last, username in rows:
        if (org_id, user_id) in seen:
            continue
        seen.add((org_id, user_id))
        choices[org_id].append((user_id, f"{first} {last}".strip() or username))
    return choices


class _PathOnly:
    """Just enough of a Unit for :meth:`Access.leads_unit`, without loading the row."""

    def __init__(self, path: str) -> None:
        self.path = path
