"""Choice lists for the assignment and calendar forms: units and people per organisation,
one query each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from actions.permissions import calendar_unit_q, responsible_membership_q
from planportal.models import Membership, Unit, User
from planportal.permissions import get_access

#: An option group of people: (the unit's name, [(user id, the person's name), …]).
PeopleGroup = tuple[str, list[tuple[int, str]]]


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
            choices[org_id].append((pk, _indented(path, name)))
    return choices


def people_choices(organization_ids: Iterable[int]) -> dict[int, list[PeopleGroup]]:
    """The people each organisation's tiltak may be given to, as option groups by unit.

    Only active holders of a role that may be responsible
    (:data:`actions.permissions.RESPONSIBLE_ROLES`: no readers). The groups follow the
    unit tree and the people their names; a person with several such roles is listed once,
    under the unit of the most specific one (a unit manager who also administers the
    kommune under the unit he manages). Every form that offers a responsible person uses
    this: *Fordel ansvar* (one and several), and the admin's action form and bulk action.
    """
    org_ids = set(organization_ids)
    choices: dict[int, list[PeopleGroup]] = defaultdict(list)
    if not org_ids:
        return choices
    rows = (
        Membership.objects.filter(responsible_membership_q(org_ids))
        .values_list("unit__organization_id", "unit__path", "unit__name", "user_id",
                     "user__first_name", "user__last_name", "user__username")
        .order_by("unit__path", "pk")
    )
    # (org, user) → (depth, path, unit name, person's name): the deepest unit wins.
    placed: dict[tuple[int, int], tuple[int, str, str, str]] = {}
    for org_id, path, unit_name, user_id, first, last, username in rows:
        depth = path.count("/")
        key = (org_id, user_id)
        if key not in placed or depth > placed[key][0]:
            placed[key] = (depth, path, unit_name, person_name(first, last, username))
    groups: dict[int, dict[str, tuple[str, list[tuple[int, str]]]]] = defaultdict(dict)
    for (org_id, user_id), (_depth, path, unit_name, name) in placed.items():
        groups[org_id].setdefault(path, (unit_name, []))[1].append((user_id, name))
    for org_id, by_path in groups.items():
        for path in sorted(by_path):
            unit_name, people = by_path[path]
            choices[org_id].append((unit_name, sorted(people, key=lambda p: p[1].casefold())))
    return choices


def with_current_person(groups: list[PeopleGroup], person: Any) -> list[PeopleGroup]:
    """*groups*, plus the tiltak's current person if no group holds him (a reader given it
    before, someone whose role is gone): a form must not drop him unasked."""
    if person is None or any(person.pk == pk for _unit, people in groups for pk, _n in people):
        return groups
    name = person_name(person.first_name, person.last_name, person.username)
    return [*groups, (_("Responsible now, without a role that may be responsible"),
                      [(person.pk, name)])]


def merge_people(per_org: dict[int, list[PeopleGroup]],
                 names: dict[int, str] | None = None) -> list[PeopleGroup]:
    """One list of option groups: one organisation's as they are; several organisations'
    with the kommune before each unit (``names``: organisation id → name)."""
    if len(per_org) <= 1 or names is None:
        return [group for groups in per_org.values() for group in groups]
    return [(f"{names.get(org_id, '')} – {unit_name}", people)
            for org_id, groups in per_org.items() for unit_name, people in groups]


def responsible_people(organization_ids: Iterable[int], current: Any = None) -> QuerySet:
    """:func:`people_choices` as a queryset of users (for a model choice field to validate
    against), with *current*, the tiltak's present person, kept."""
    members = Membership.objects.filter(responsible_membership_q(set(organization_ids)))
    people = User.objects.filter(pk__in=members.values("user_id"))
    if current is not None:
        people = people | User.objects.filter(pk=current.pk)
    return people


def calendar_unit_choices(user: Any) -> list[tuple[str, list[tuple[int, str]]]]:
    """The units whose deadlines *user* may subscribe to, as option groups by kommune, in
    tree order (:func:`actions.permissions.calendar_unit_q`; one query)."""
    rows = (
        Unit.objects.filter(calendar_unit_q(get_access(user)))
        .values_list("pk", "organization__name", "path", "name")
        .order_by("organization__name", "path")
    )
    by_kommune: dict[str, list[tuple[int, str, str]]] = {}
    for pk, org_name, path, name in rows:
        by_kommune.setdefault(org_name, []).append((pk, path, name))
    groups = []
    for org_name, units in by_kommune.items():
        # Indented from the highest unit offered: a unit manager's own unit is not indented.
        top = min(path.count("/") for _pk, path, _name in units) - 1
        groups.append((org_name, [(pk, _indented(path, name, top)) for pk, path, name in units]))
    return groups


def person_name(first: str, last: str, username: str) -> str:
    """How a person is named in a choice: the full name, else the username."""
    return f"{first} {last}".strip() or username


def _indented(path: str, name: str, top: int = 0) -> str:
    """The unit's name, indented by its depth in the tree below depth *top* (em spaces)."""
    return "\u2003" * (path.count("/") - 1 - top) + name


class _PathOnly:
    """Just enough of a Unit for :meth:`Access.leads_unit`, without loading the row."""

    def __init__(self, path: str) -> None:
        self.path = path
