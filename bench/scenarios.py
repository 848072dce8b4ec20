"""Each scenario returns (ours, floor, check): two callables doing the same work, and a
check that they really produce the same result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from actions.models import Action
from actions.services import post_status_update
from bench.datasets import TODAY
from planportal.models import Unit, User
from planportal.permissions import forget_access

Scenario = tuple[Callable[[], Any], Callable[[], Any], Callable[[], None]]

FLOOR_LIST_SQL = """
SELECT a.id, a.title, p.title, u.name, usr.username, a.due_date, a.status,
       (a.due_date < %(today)s AND a.status NOT IN ('completed', 'cancelled')),
       (SELECT su.comment FROM actions_statusupdate su WHERE su.action_id = a.id
        ORDER BY su.created_at DESC, su.id DESC LIMIT 1)
FROM actions_action a
JOIN strategies_plan p ON p.id = a.plan_id
LEFT JOIN planportal_unit u ON u.id = a.responsible_unit_id
LEFT JOIN planportal_user usr ON usr.id = a.responsible_person_id
WHERE p.organization_id = %(org)s AND u.path LIKE %(path)s
ORDER BY a.due_date, a.id
LIMIT 100
"""


def scoped_list(ids: dict[str, int]) -> Scenario:
    leader = User.objects.get(pk=ids["leader"])
    sector = Unit.objects.get(pk=ids["sector"])

    def ours() -> list[tuple]:
        forget_access(leader)  # a request loads the roles afresh
        rows = (
            Action.objects.visible_to(leader)
            .filter(responsible_unit__path__startswith=sector.path)
            .for_list().with_overdue(TODAY).with_latest_update()
            .order_by("due_date", "pk")[:100]
        )
        return [
            (a.pk, a.title, a.plan.title, a.responsible_unit.name,
             a.responsible_person.username if a.responsible_person else None, a.due_date,
             a.status, a.overdue, a.latest_comment)
            for a in rows
        ]

    def floor() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_LIST_SQL, {"today": TODAY, "org": ids["org"],
                                            "path": sector.path + "%"})
            return [(*row[:7], bool(row[7]), row[8]) for row in cursor.fetchall()]

    def check() -> None:
        assert ours() == floor(), "ours and the floor disagree"
        assert len(floor()) == 100

    return ours, floor, check


def status_update(ids: dict[str, int]) -> Scenario:
    admin = User.objects.get(pk=ids["admin"])
    mine, theirs = Action.objects.filter(plan__organization_id=ids["org"])[:2]
    state = {"n": 0, "floor_version": theirs.version}

    def ours() -> None:
        forget_access(admin)
        state["n"] += 1
        post_status_update(actor=admin, action=mine, expected_version=mine.version,
                           status="in_progress", progress=state["n"] % 100,
                           risk="on_track", comment="Går etter planen – små avvik")

    def floor() -> None:
        state["n"] += 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE actions_action SET status = %s, progress = %s, version = version + 1,"
                " updated_at = %s WHERE id = %s AND version = %s",
                ["in_progress", state["n"] % 100, timezone.now(), theirs.pk,
                 state["floor_version"]])
            assert cursor.rowcount == 1
            state["floor_version"] += 1
            cursor.execute(
                "INSERT INTO actions_statusupdate (action_id, author_id, created_at, status,"
                " progress, risk, comment) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [theirs.pk, admin.pk, timezone.now(), "in_progress", state["n"] % 100,
                 "on_track", "Går etter planen – små avvik"])

    def check() -> None:
        before = (mine.status_updates.count(), theirs.status_updates.count())
        ours()
        floor()
        assert (mine.status_updates.count(), theirs.status_updates.count()) == (
            before[0] + 1, before[1] + 1)

    return ours, floor, check


ALL = {"scoped_list": scoped_list, "status_update": status_update}
