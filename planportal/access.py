"""The roles of design §3, computed once per user: the :class:`Access` object.

The lowest layer of the permission rules: it imports no model (querysets and models
build on it), so it reads the roles through the user's own ``memberships`` relation.
Rules that need models live in :mod:`planportal.permissions`, which re-exports this.
Every rule is expressed as a ``Q`` over the model being filtered, so the same rule
serves lists (``visible_to``), object checks (``can``) and the post-write re-check in
services. The role data is read with one query and cached on the user object for the
current request only: a user object that outlives its request (a worker, a shell, a test
client) reads the roles again in the next one, and a membership change makes every user
object read them again.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from celery.signals import task_prerun
from django.core.exceptions import PermissionDenied
from django.core.signals import request_started
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HasPath(Protocol):
    """Anything with a unit tree path (a ``Unit``), without importing the model."""

    path: str


class Role(models.TextChoices):
    """A membership's role (``Membership.Role``); defined here so the rules need no model."""

    ADMIN = "admin", _("administrator")
    SECTOR_LEADER = "sector_leader", _("sector leader")
    UNIT_MANAGER = "unit_manager", _("unit manager")
    READER = "reader", _("reader")


class SystemActor:
    """The actor for trusted internal callers: the demo loader, importers and tasks.

    Passing it explicitly (never ``None``) keeps a forgotten actor from becoming a
    silent bypass of the permission rules.
    """

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def __init__(self, label: str = "system") -> None:
        self.label = label

    def __str__(self) -> str:
        return self.label


SYSTEM = SystemActor()

_CACHE_ATTR = "_planportal_access"


class _Epoch(threading.local):
    """The request (or membership change) this thread is in; roles cached on a user
    object under another epoch are stale. Per thread, so one thread's new request does
    not make another's read its roles twice."""

    value = 0


_epoch = _Epoch()
_epochs = itertools.count(1)  # unique across threads: a cache carried between them is stale


def new_epoch(**_kwargs: Any) -> None:
    """Start a new epoch: every user object reads its roles again at its next check."""
    _epoch.value = next(_epochs)


request_started.connect(new_epoch, dispatch_uid="planportal.permissions.new_epoch")
# A worker's task is its request: roles read by one task are not trusted by the next.
task_prerun.connect(new_epoch, dispatch_uid="planportal.permissions.new_epoch")


@dataclass(frozen=True)
class Access:
    """A user's effective roles: which organisations and unit subtrees they reach."""

    everything: bool = False
    user_id: int | None = None
    member_org_ids: frozenset[int] = frozenset()
    admin_org_ids: frozenset[int] = frozenset()
    # (organization_id, unit path) per sector-leader / unit-manager membership.
    sector_leader_units: tuple[tuple[int, str], ...] = ()
    unit_manager_units: tuple[tuple[int, str], ...] = ()
    reader_org_ids: frozenset[int] = field(default_factory=frozenset)
    #: The målform of the user's kommune ("" without a membership): of the kommune of
    #: their oldest membership when they have several, so the choice never wavers.
    #: Read with the roles, so choosing the user's language costs no query of its own.
    home_language: str = ""

    @property
    def sector_leader_org_ids(self) -> frozenset[int]:
        return frozenset(org for org, _path in self.sector_leader_units)

    def is_admin_of(self, organization_id: int) -> bool:
        """True if the user administers the organisation (platform operators: any)."""
        return self.everything or organization_id in self.admin_org_ids

    @property
    def administers_any(self) -> bool:
        """True for a platform operator or the administrator of at least one kommune."""
        return self.everything or bool(self.admin_org_ids)

    @property
    def writes_actions_anywhere(self) -> bool:
        """True if some role lets the user create and assign tiltak: an administrator or
        a sector leader somewhere, or a platform operator. (Indicator values are recorded
        by their responsible people and unit managers too: ``measurement_record_q``.)"""
        return self.everything or bool(self.admin_org_ids or self.sector_leader_units)

    def is_member_of(self, organization_id: int) -> bool:
        return self.everything or organization_id in self.member_org_ids

    def leads_unit(self, organization_id: int, unit: HasPath | None) -> bool:
        """True if a sector-leader role covers *unit* (or an unassigned action) in the org."""
        for org_id, path in self.sector_leader_units:
            if org_id != organization_id:
                continue
            if unit is None or unit.path.startswith(path):
                return True
        return False


def get_access(user: Any) -> Access:
    """Return (and cache on *user*, for this request) the roles the user holds."""
    if isinstance(user, SystemActor) or (
        getattr(user, "is_superuser", False) and getattr(user, "is_active", False)
    ):
        return Access(everything=True, user_id=getattr(user, "pk", None))
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Access()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == _epoch.value:
        return cached[1]

    member, admin, reader = set(), set(), set()
    leaders: list[tuple[int, str]] = []
    managers: list[tuple[int, str]] = []
    # One query, through the relation: this module imports no model.
    rows = user.memberships.values_list("role", "unit__organization_id", "unit__path",
                                        "unit__organization__language", "pk")
    home_language, oldest = "", None
    for role, org_id, path, language, membership_id in rows:
        member.add(org_id)
        if oldest is None or membership_id < oldest:
            home_language, oldest = language, membership_id
        if role == Role.ADMIN:
            admin.add(org_id)
        elif role == Role.SECTOR_LEADER:
            leaders.append((org_id, path))
        elif role == Role.UNIT_MANAGER:
            managers.append((org_id, path))
        else:
            reader.add(org_id)
    access = Access(
        user_id=user.pk,
        member_org_ids=frozenset(member),
        admin_org_ids=frozenset(admin),
        sector_leader_units=tuple(leaders),
        unit_manager_units=tuple(managers),
        reader_org_ids=frozenset(reader),
        home_language=home_language,
    )
    setattr(user, _CACHE_ATTR, (_epoch.value, access))
    return access


_HOME_LANGUAGE_ATTR = "_planportal_home_language"


def home_language(user: Any) -> str:
    """The målform of *user*'s kommune ("nb"/"nn"), or "" when they belong to none.

    Read with the roles (:attr:`Access.home_language`), except for platform operators,
    whose roles are not read: their kommune is looked up once per request instead.
    """
    access = get_access(user)
    if not access.everything or getattr(user, "pk", None) is None:
        return access.home_language
    cached = getattr(user, _HOME_LANGUAGE_ATTR, None)
    if cached is not None and cached[0] == _epoch.value:
        return cached[1]
    language = (user.memberships.order_by("pk")
                .values_list("unit__organization__language", flat=True).first()) or ""
    setattr(user, _HOME_LANGUAGE_ATTR, (_epoch.value, language))
    return language


def sees_people(user: Any, organization_id: int) -> bool:
    """True if *user* may see who is responsible for, or wrote, the organisation's content.

    Only its members (and platform operators): a public plan shows everyone else, the
    public and other kommuner's staff alike, no person names (design §1, §3).
    """
    return get_access(user).is_member_of(organization_id)


def sees_people_q(user: Any, prefix: str = "") -> Q:
    """:func:`sees_people` as a filter: objects whose ``{prefix}organization_id`` lets
    *user* see names (so filtering by a person reveals no more than the names would)."""
    access = get_access(user)
    if access.everything:
        return Q()
    return Q(**{f"{prefix}organization_id__in": access.member_org_ids})


def administered_q(user: Any, prefix: str = "") -> Q:
    """Objects whose ``{prefix}organization_id`` is a kommune *user* administers (every
    object for platform operators): the one filter for "what he administers"."""
    access = get_access(user)
    if access.everything:
        return Q()
    return Q(**{f"{prefix}organization_id__in": access.admin_org_ids})


def forget_access(user: Any) -> None:
    """Drop the cached roles after a membership change: *user*'s, and those of every
    other object of the same person (the request's own user, when an administrator
    changes their own roles), by starting a new epoch."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    new_epoch()


def nothing() -> Q:
    """A Q that matches no row (``pk__in=[]``), for users without any role."""
    return Q(pk__in=[])


def any_of(conditions: list[Q]) -> Q:
    """OR the conditions together; no conditions means no rows."""
    if not conditions:
        return nothing()
    result = conditions[0]
    for condition in conditions[1:]:
        result |= condition
    return result


def unit_subtree_q(path: str, prefix: str) -> Q:
    """Rows whose unit (at ``prefix``) lies in the subtree rooted at *path*."""
    return Q(**{f"{prefix}path__startswith": path})


#: The roles whose holders may be made responsible for plan work (a tiltak, an indicator):
#: those whose work is to carry it out or follow it up. A reader (a committee member) reads.
RESPONSIBLE_ROLES = (Role.ADMIN, Role.SECTOR_LEADER, Role.UNIT_MANAGER)


def responsible_membership_q(organization_ids: Any, prefix: str = "") -> Q:
    """Memberships (at ``prefix``) that make their active holder someone a tiltak or an
    indicator of one of the organisations may be given to (:data:`RESPONSIBLE_ROLES`)."""
    return Q(**{f"{prefix}role__in": RESPONSIBLE_ROLES,
                f"{prefix}unit__organization_id__in": organization_ids,
                f"{prefix}user__is_active": True})


def deny(message: str | None = None) -> PermissionDenied:
    """Build the PermissionDenied that services raise, with a user-facing message."""
    return PermissionDenied(message or _("You do not have permission to do this."))
