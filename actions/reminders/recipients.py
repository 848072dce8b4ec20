"""Who is told about an action, worked out from one query over the memberships.

An action's reminders go to its responsible person. When it has none (or that person
can no longer receive them: inactive, no e-mail address, not a member of the action's
organisation), they go to the unit managers of its responsible unit, or of the nearest
unit above it that has managers. For deadline reminders, someone who has turned reminder
e-mails off is still "the responsible person", so nobody else is told in their place: they
simply get nothing. A stale-status nudge asks for a status update that somebody must give,
so it passes an opted-out person over to the managers (``fall_back_when_opted_out``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from planportal.models import Membership


def ancestor_paths(path: str) -> list[str]:
    """ "1/4/9/" → ["1/4/9/", "1/4/", "1/"]: the unit itself first, the root last."""
    parts = [part for part in path.split("/") if part]
    return ["/".join(parts[:length]) + "/" for length in range(len(parts), 0, -1)]


@dataclass
class Directory:
    """The reachable people of some organisations, read in one query."""

    #: organisation → users who can receive e-mail there (active, address, member)
    reachable: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    #: users who have reminder e-mails turned on
    opted_in: set[int] = field(default_factory=set)
    #: organisation → unit path → reachable unit managers on exactly that unit
    managers: dict[int, dict[str, list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    #: (user, organisation, unit path) per reachable sector-leader membership
    sector_leaders: list[tuple[int, int, str]] = field(default_factory=list)

    @classmethod
    def load(cls, organization_ids: Iterable[int] | None) -> Directory:
        """Read the memberships of *organization_ids*, or of all (None); one query."""
        directory = cls()
        rows = Membership.objects.filter(user__is_active=True)
        if organization_ids is not None:
            rows = rows.filter(unit__organization_id__in=set(organization_ids))
        rows = rows.exclude(user__email="").values_list(
            "user_id", "unit__organization_id", "role", "unit__path", "user__reminder_emails"
        )
        for user_id, org_id, role, path, opted_in in rows:
            directory.reachable[org_id].add(user_id)
            if opted_in:
                directory.opted_in.add(user_id)
            if role == Membership.Role.UNIT_MANAGER:
                directory.managers[org_id][path].append(user_id)
            elif role == Membership.Role.SECTOR_LEADER:
                directory.sector_leaders.append((user_id, org_id, path))
        return directory

    def responsible_for(
        self,
        organization_id: int,
        person_id: int | None,
        unit_path: str | None,
        *,
        fall_back_when_opted_out: bool = False,
    ) -> list[int]:
        """The people to tell about an action (opted-in only, sorted).

        With *fall_back_when_opted_out*, a responsible person who turned reminders off is
        treated like a missing one: the unit managers are told instead.
        """
        if person_id is not None and person_id in self.reachable[organization_id]:
            if person_id in self.opted_in:
                return [person_id]
            if not fall_back_when_opted_out:
                return []
        return self.managers_for(organization_id, unit_path)

    def managers_for(self, organization_id: int, unit_path: str | None) -> list[int]:
        """The opted-in unit managers of the unit, or of the nearest unit above it that
        has reachable managers (sorted; empty without a unit)."""
        if not unit_path:
            return []
        by_path = self.managers[organization_id]
        for path in ancestor_paths(unit_path):
            managers = by_path.get(path)
            if managers:
                return sorted({user for user in managers if user in self.opted_in})
        return []
