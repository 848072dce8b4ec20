"""Querysets for organisations, units and memberships, scoped by the user's roles.

Below the models (which use these classes as managers): they reach other models only
through ``self`` and relations, never by importing them.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from planportal.access import HasPath, Role, administered_q, get_access, sees_people_q


class OrganizationQuerySet(models.QuerySet):
    """Organisations (kommuner)."""

    def visible_to(self, user: Any) -> OrganizationQuerySet:
        """The organisations the user is a member of (all for platform operators)."""
        access = get_access(user)
        if access.everything:
            return self.all()
        return self.filter(pk__in=access.member_org_ids)

    def administered_by(self, user: Any) -> OrganizationQuerySet:
        """The kommuner the user administers (all for platform operators)."""
        access = get_access(user)
        return self.all() if access.everything else self.filter(pk__in=access.admin_org_ids)


class UnitQuerySet(models.QuerySet):
    """Units, with subtree lookups on the materialised path."""

    def subtree_of(self, unit: HasPath) -> UnitQuerySet:
        """The unit itself and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def path_of(self, pk: int) -> str | None:
        """The tree path of unit *pk* (one query), or None if there is none.

        Any unit: call it on ``Unit.objects`` (list filters resolve a subtree with it).
        """
        if self.query.where:
            raise ValueError("path_of() looks units up by id alone: call it on Unit.objects.")
        paths = list(self.filter(pk=pk).order_by().values_list("path", flat=True)[:1])
        return paths[0] if paths else None

    def visible_to(self, user: Any) -> UnitQuerySet:
        """Units of the organisations the user is a member of."""
        access = get_access(user)
        if access.everything:
            return self.all()
        return self.filter(organization_id__in=access.member_org_ids)

    def administered_by(self, user: Any) -> UnitQuerySet:
        """Units of the kommuner the user administers (all for platform operators)."""
        return self.filter(administered_q(user))


class MembershipQuerySet(models.QuerySet):
    """Memberships, scoped like units."""

    def visible_to(self, user: Any) -> MembershipQuerySet:
        """Memberships in the organisations the user belongs to: who holds a role is
        seeing people (:func:`~planportal.access.sees_people_q`)."""
        return self.filter(sees_people_q(user, "unit__"))

    def managers_of(self, unit: HasPath) -> MembershipQuerySet:
        """Unit managers whose role covers *unit* (their unit is the unit or an ancestor)."""
        ancestors = [p for p in _ancestor_paths(unit.path)]
        return self.filter(Q(unit__path__in=ancestors), role=Role.UNIT_MANAGER)


def _ancestor_paths(path: str) -> list[str]:
    """"1/4/9/" → ["1/", "1/4/", "1/4/9/"]."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
