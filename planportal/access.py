"""Who may do what: the roles of design §3, computed once per user.

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
from typing import TYPE_CHECKING, Any

from celery.signals import task_prerun
from django.core.exceptions import PermissionDenied
from django.core.signals import request_started
from django.db.models import BigIntegerField, Q
from django.utils.translation import gettext_lazy as _

from planportal.compiled_queries import CompiledQuery, Param

if TYPE_CHECKING:
    from planportal.models import Unit


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

    @property
    def sector_leader_org_ids(self) -> frozenset[int]:
        return frozenset(org for org, _path in self.sector_leader_units)

    def is_admin_of(self, organization_id: int) -> bool:
        return self.everything or organization_id in self.admin_org_ids

    def is_member_of(self, organization_id: int) -> bool:
        return self.everything or organization_id in self.member_org_ids

    def leads_unit(self, organization_id: int, unit: Unit | None) -> bool:
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

    from planportal.models import Membership

    member, admin, reader = set(), set(), set()
    leaders: list[tuple[int, str]] = []
    managers: list[tuple[int, str]] = []
    for row in _MEMBERSHIP_ROWS.rows(None, user=user.pk):
        role, org_id, path = row["role"], row["unit__organization_id"], row["unit__path"]
        member.add(org_id)
        if role == Membership.Role.ADMIN:
            admin.add(org_id)
        elif role == Membership.Role.SECTOR_LEADER:
            leaders.append((org_id, path))
        elif role == Membership.Role.UNIT_MANAGER:
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
    )
    setattr(user, _CACHE_ATTR, (_epoch.value, access))
    return access


def _membership_rows(_key: None) -> Any:
    """A user's roles: read on every request, so compiled once per process."""
    from planportal.models import Membership

    return Membership.objects.filter(user_id=Param("user", BigIntegerField())).values(
        "role", "unit__organization_id", "unit__path")


_MEMBERSHIP_ROWS = CompiledQuery(_membership_rows)


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


def deny(message: str | None = None) -> PermissionDenied:
    """Build the PermissionDenied that services raise, with a user-facing message."""
    return PermissionDenied(message or _("You do not have permission to do this."))
