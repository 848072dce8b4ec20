"""Deterministic benchmark dataset S, written with bulk inserts (seconds, not minutes)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from actions.models import Action, StatusUpdate
from planportal.models import Membership, Organization, Unit, User
from strategies.models import FocusArea, Goal, Plan

SEED = 42
TODAY = date(2026, 6, 15)
STATUS_WEIGHTS = [("not_started", 25), ("in_progress", 42), ("completed", 17),
                  ("postponed", 8), ("cancelled", 8)]


def _unit(org: Organization, parent: Unit | None, kind: str, code: str, name: str) -> Unit:
    unit = Unit.objects.create(organization=org, parent=parent, kind=kind, code=code,
                               name=name, path="-")
    unit.path = f"{parent.path if parent else ''}{unit.pk}/"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    return unit


@transaction.atomic
def seed_s() -> dict[str, int]:
    """Build dataset S unless it is there already; return the ids the scenarios need."""
    rng = random.Random(SEED)  # noqa: S311 - a reproducible dataset, not a secret
    org = Organization.objects.filter(slug="bench").first()
    if org is None:
        org = Organization.objects.create(name="Benchmark kommune", slug="bench")
        root = _unit(org, None, "kommune", "bench", "Benchmark kommune")
        sectors = [_unit(org, root, "sektor", f"s{i}", f"Sektor {i} – helse og omsorg")
                   for i in range(8)]
        units = [_unit(org, sectors[i % 8], "enhet", f"e{i}", f"Enhet {i} på Østsida")
                 for i in range(40)]
        departments = [_unit(org, units[i % 40], "avdeling", f"a{i}", f"Avdeling {i} Ærlig")
                       for i in range(160)]
        users = User.objects.bulk_create(
            User(username=f"bench{i}", first_name="Åse", last_name=f"Bruker {i}")
            for i in range(500))
        leader = User.objects.create(username="bench-leader")
        Membership.objects.create(user=leader, unit=sectors[0], role="sector_leader")
        Membership.objects.bulk_create(
            Membership(user=u, unit=rng.choice(units), role="unit_manager") for u in users)
        statuses = [s for s, w in STATUS_WEIGHTS for _ in range(w)]
        assignable = units + departments
        for p in range(50):
            plan = Plan.objects.create(organization=org, title=f"Plan {p} for helse og omsorg",
                                       kind="thematic_plan", period_start=2024,
                                       period_end=2028, status="adopted")
            areas = FocusArea.objects.bulk_create(
                FocusArea(plan=plan, order=a, code=str(a + 1), title=f"Satsingsområde {a}")
                for a in range(5))
            goals = Goal.objects.bulk_create(
                Goal(focus_area=area, order=g, title=f"Delmål {g}: bo trygt hjemme")
                for area in areas for g in range(4))
            actions = Action.objects.bulk_create(
                Action(goal=goal, order=n, title=f"Tiltak {n} – pårørendeskole og øving",
                       status=(status := rng.choice(statuses)),
                       progress=100 if status == "completed" else rng.randrange(0, 100, 10),
                       due_date=None if rng.random() < 0.1
                       else TODAY + timedelta(days=rng.randint(-200, 600)),
                       responsible_unit=rng.choice(assignable),
                       responsible_person=rng.choice(users) if rng.random() < 0.7 else None)
                for goal in goals for n in range(5))
            StatusUpdate.objects.bulk_create(
                StatusUpdate(action=action, status=action.status, progress=action.progress,
                             comment=f"Oppdatering {k}: følger planen, små avvik")
                for action in actions for k in range(2))
    leader = User.objects.get(username="bench-leader")
    sector = Membership.objects.get(user=leader).unit
    admin, created = User.objects.get_or_create(username="bench-admin")
    if created:
        root = org.units.get(parent__isnull=True)
        Membership.objects.create(user=admin, unit=root, role="admin")
    return {"org": org.pk, "leader": leader.pk, "sector": sector.pk, "admin": admin.pk}
