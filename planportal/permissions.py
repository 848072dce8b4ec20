"""Who may do what: every permission rule of the core, in one place (design §3).

The roles themselves, the :class:`Access` object and the rules that need no model live
in :mod:`planportal.access` (the layer below the models) and are re-exported here, so
``from planportal.permissions import …`` is the one import for every rule. The rules
below need the models and build on them; the models never import this module.
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from planportal.access import (
    RESPONSIBLE_ROLES,
    SYSTEM,
    Access,
    Role,
    SystemActor,
    administered_q,
    any_of,
    deny,
    forget_access,
    get_access,
    new_epoch,
    nothing,
    responsible_membership_q,
    sees_people,
    sees_people_q,
    unit_subtree_q,
)
from planportal.login.models import OrganizationLoginProvider
from planportal.models import Membership

__all__ = [
    "RESPONSIBLE_ROLES",
    "SYSTEM",
    "Access",
    "Role",
    "SystemActor",
    "administered_q",
    "any_of",
    "deny",
    "forget_access",
    "get_access",
    "is_self",
    "manages_own",
    "may_act_for",
    "new_epoch",
    "nothing",
    "people_of_q",
    "responsible_membership_q",
    "sees_people",
    "sees_people_q",
    "unit_subtree_q",
    "users_visible_to",
]


def is_self(actor: Any, user: Any) -> bool:
    """True if *actor* is the signed-in person *user* (never for the system or anonymous)."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and getattr(actor, "pk", None) is not None
        and actor.pk == user.pk
    )


def manages_own(actor: Any, user: Any) -> bool:
    """True if *actor* may manage *user*'s personal credentials (API tokens, calendar
    feeds): the user themself or a platform operator, never a kommune's administrator."""
    return get_access(actor).everything or is_self(actor, user)


def may_act_for(actor: Any, user: Any) -> bool:
    """The user themself, a platform operator, or an administrator of every kommune the
    user belongs to (a kommune's admin never locks out a platform operator).

    Who may end a person's sessions, deactivate, export or erase them."""
    access = get_access(actor)
    if access.everything:
        return True
    if is_self(actor, user):
        return True
    if user.is_staff or user.is_superuser:
        return False
    member_orgs = set(
        Membership.objects.filter(user=user).values_list("unit__organization_id", flat=True)
    )
    return bool(member_orgs) and member_orgs <= access.admin_org_ids


def people_of_q(organization_ids: Any) -> Q:
    """Users who belong to one of the organisations: a role there, or an account made by a
    first login through one of its login providers (a provider that gives new users no
    role leaves them for the kommune's administrator to give one).

    Subqueries, not joins: a person with several roles is one row, without DISTINCT.
    """
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
        users = get_user_model()._default_manager.all()
    access = get_access(actor)
    if access.everything:
        return users
    if not access.admin_org_ids:
        return users.none()
    return users.filter(people_of_q(access.admin_org_ids))
