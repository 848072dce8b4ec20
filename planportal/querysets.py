"""Querysets for units, memberships and the people an administrator may see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from planportal.compiled_queries import CompiledQuery, Param
from planportal.permissions import get_access

if TYPE_CHECKING:
    from planportal.models import Unit


class OrganizationQuerySet(models.QuerySet):
    """Organisations (kommuner)."""

    def visible_to(self, user: Any) -> OrganizationQuerySet:
        """The organisations the user is a member of (all for platform operators)."""
        access = get_access(user)
        if access.everything:
            return self.all()
        return self.filter(pk__in=access.member_org_ids)


class UnitQuerySet(models.QuerySet):
    """Units, with subtree lookups on the materialised path."""

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit itself and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def path_of(self, pk: int) -> str | None:
        """The tree path of unit *pk* (one precompiled query), or None if there is none.

        Any unit: call it on ``Unit.objects`` (list filters resolve a subtree with it on
        every request, so the query is compiled once per process).
        """
        if self.query.where:
            raise ValueError("path_of() looks units up by id alone: call it on Unit.objects.")
        rows = _UNIT_PATH.rows(None, using=self.db, unit=pk)
        return rows[0]["path"] if rows else None

    def visible_to(self, user: Any) -> UnitQuerySet:
        """Units of the organisations the user is a member of."""
        access = get_access(user)
        if access.everything:
            return self.all()
        return self.filter(organization_id__in=access.member_org_ids)


def people_of_q(organization_ids: Any) -> Q:
    """Users who belong to one of the organisations: a role there, or an account made by a
    first login through one of its login providers (a provider that gives new users no
    role leaves them for the kommune's administrator to give one).

    Subqueries, not joins: a person with several roles is one row, without DISTINCT.
    """
    from allauth.socialaccount.models import SocialAccount

    from planportal.login.models import OrganizationLoginProvider
    from planportal.models import Membership

    members = Membership.objects.filter(unit__organization_id__in=organization_ids)
    providers = OrganizationLoginProvider.objects.filter(organization_id__in=organization_ids)
    signed_in = SocialAccount.objects.filter(provider__in=providers.values("provider_id"))
    return Q(pk__in=members.values("user_id")) | Q(pk__in=signed_in.values("user_id"))


def users_visible_to(actor: Any, users: models.QuerySet | None = None) -> models.QuerySet:
    """The people *actor* may see, choose and manage as an administrator (of *users*, or
    of every user): everyone for platform operators; for a kommune's administrator the
    people of the kommuner he administers (:func:`people_of_q`), never another kommune's
    people or accounts without a role anywhere; nobody for anyone else.
    """
    if users is None:
        from django.contrib.auth import get_user_model

        users = get_user_model()._default_manager.all()
    access = get_access(actor)
    if access.everything:
        return users
    if not access.admin_org_ids:
        return users.none()
    return users.filter(people_of_q(access.admin_org_ids))


def _unit_path(_key: None) -> models.QuerySet:
    from planportal.models import Unit

    return Unit.objects.filter(pk=Param("unit", models.BigIntegerField())).order_by().values(
        "path")


_UNIT_PATH = CompiledQuery(_unit_path)


class MembershipQuerySet(models.QuerySet):
    """Memberships, scoped like units."""

    def visible_to(self, user: Any) -> MembershipQuerySet:
        """Memberships in the organisations the user belongs to."""
        access = get_access(user)
        if access.everything:
            return self.all()
        return self.filter(unit__organization_id__in=access.member_org_ids)

    def managers_of(self, unit: Unit) -> MembershipQuerySet:
        """Unit managers whose role covers *unit* (their unit is the unit or an ancestor)."""
        ancestors = [p for p in _ancestor_paths(unit.path)]
        return self.filter(Q(unit__path__in=ancestors), role="unit_manager")


def _ancestor_paths(path: str) -> list[str]:
    """"1/4/9/" → ["1/", "1/4/", "1/4/9/"]."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
