"""A plan exported to JSON and imported into an empty database is the same plan: every
field, the status history, the indicators and their measurements."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from actions import services as action_services
from actions.exporting.data import export_plan_data
from actions.importing.service import import_plan
from actions.models import Action, StatusUpdate
from planportal.models import Organization, Unit, User
from planportal.permissions import SYSTEM
from strategies import services as plan_services
from strategies.models import Indicator, Measurement, Plan
from tests.factories import IndicatorFactory, StatusUpdateFactory
from tests.queries import assert_constant_queries

PLAN_FIELDS = ["title", "kind", "period_start", "period_end", "status", "adopted_on",
               "adopted_by", "vision", "description", "revision_interval_years",
               "next_revision_on", "is_public"]
AREA_FIELDS = ["order", "code", "title", "description", "current_state", "vision", "partners"]
GOAL_FIELDS = ["order", "code", "title", "description", "success_criteria"]
INDICATOR_FIELDS = ["order", "name", "unit", "direction", "source"]
ACTION_FIELDS = ["order", "code", "title", "description", "start_date", "due_date",
                 "period_text", "status", "progress", "budget", "budget_reference",
                 "evaluation", "evaluated_on"]


def snapshot(plan: Plan) -> dict[str, Any]:
    """Everything about the plan except database ids and bookkeeping times."""

    def person(user: Any) -> str | None:
        return user.username if user else None

    def unit(u: Unit | None) -> str | None:
        return u.code if u else None

    areas = []
    for area in plan.focus_areas.order_by("order"):
        goals = []
        for goal in area.goals.order_by("order"):
            indicators = [
                {**{f: getattr(i, f) for f in INDICATOR_FIELDS},
                 "targets": list(i.targets.values_list("year", "comparison", "value",
                                                       "relative_to_national")),
                 "baselines": list(i.baselines.values_list("year", "value")),
                 "measurements": [
                     (m.period_end, m.period_label, m.value, m.note, person(m.recorded_by),
                      m.recorded_at)
                     for m in i.measurements.order_by("period_end")]}
                for i in goal.indicators.order_by("order")
            ]
            actions = [
                {**{f: getattr(a, f) for f in ACTION_FIELDS},
                 "responsible_unit": unit(a.responsible_unit),
                 "responsible_person": person(a.responsible_person),
                 "evaluated_by": person(a.evaluated_by),
                 "contributing": sorted(u.code for u in a.contributing_units.all()),
                 "history": [(u.created_at, person(u.author), u.status, u.progress, u.risk,
                              u.comment)
                             for u in a.status_updates.order_by("created_at", "pk")]}
                for a in goal.actions.order_by("order")
            ]
            goals.append({**{f: getattr(goal, f) for f in GOAL_FIELDS},
                          "indicators": indicators, "actions": actions})
        areas.append({**{f: getattr(area, f) for f in AREA_FIELDS},
                      "sdgs": sorted(s.number for s in area.sdgs.all()),
                      "lead_units": sorted(u.code for u in area.lead_units.all()),
                      "goals": goals})
    return {**{f: getattr(plan, f) for f in PLAN_FIELDS},
            "organization": plan.organization.slug, "owner_unit": unit(plan.owner_unit),
            "focus_areas": areas}


def units_snapshot(org: Organization) -> list[tuple[str, str, str, str | None]]:
    return sorted((u.code, u.name, u.kind, u.parent.code if u.parent else None)
                  for u in org.units.select_related("parent"))


@pytest.fixture
def full_plan(world) -> Plan:
    """The world's plan with every kind of content filled in."""
    plan = plan_services.update_plan(
        actor=SYSTEM, plan=world.plan, status="adopted", adopted_on=date(2025, 6, 19),
        adopted_by="Kommunestyret, sak 45/25", vision="Trygg alderdom i egen heim",
        description="Planen følger opp …", owner_unit=world.health,
        revision_interval_years=1, next_revision_on=date(2026, 6, 1), is_public=True,
    )
    area = world.goal.focus_area
    plan_services.update_focus_area(actor=SYSTEM, focus_area=area, sdg_numbers=[3, 17],
                                    lead_units=[world.health], current_state="Her er vi",
                                    partners="Frivilligsentralen")
    plan_services.update_goal(actor=SYSTEM, goal=world.goal, success_criteria="Vi har lyktes når …")
    indicator = IndicatorFactory(
        goal=world.goal, name="Sykefravær", unit="%", direction="lower",
        baselines=[{"year": 2023, "value": Decimal("10.25")}, {"year": 2024, "value": 9.5}],
        targets=[{"year": 2027, "comparison": "lt", "value": 9},
                 {"year": None, "comparison": "lte", "value": 8},
                 {"year": 2026, "comparison": "lte", "value": 2, "relative_to_national": True}])
    for year, value in [(2024, "9.50"), (2025, "8.75")]:
        plan_services.record_measurement(actor=world.sector_leader, indicator=indicator,
                                         value=value, period_end=date(year, 12, 31),
                                         period_label=str(year), note=f"Tall for {year}")
    action = world.action
    action = action_services.update_action(
        actor=SYSTEM, action=action, expected_version=action.version, code="1.1.1",
        description="Økt kunnskap", budget=Decimal("125000.00"), budget_reference="Post 3",
        start_date=date(2025, 1, 1), contributing_units=[world.nursing_home, world.school],
    )
    action = action_services.assign_action(
        actor=SYSTEM, action=action, expected_version=action.version,
        responsible_unit=world.home_care, responsible_person=world.unit_manager,
        due_date=date(2025, 12, 31), period_text="2025",
    )
    action_services.post_status_update(actor=world.unit_manager, action=action,
                                       expected_version=action.version, status="in_progress",
                                       progress=40, risk="at_risk", comment="Godt i gang")
    action.refresh_from_db()
    action_services.post_status_update(actor=world.unit_manager, action=action,
                                       expected_version=action.version, status="completed",
                                       progress=100, comment="Ferdig – æøå")
    action.refresh_from_db()
    action_services.evaluate_action(actor=world.unit_manager, action=action,
                                    expected_version=action.version,
                                    evaluation="Gikk bra.", evaluated_on=date(2026, 1, 10))
    action_services.create_action(actor=SYSTEM, goal=world.goal, title="Løpende tiltak",
                                  period_text="løpende")
    return plan


def wipe() -> None:
    """Empty every table the export touches: an empty database, in effect.

    The status history is append-only (a trigger refuses DELETE on PostgreSQL), so the
    tables are truncated there; the test's transaction rolls it all back afterwards.
    """
    from django.apps import apps
    from django.db import connection

    models = [m for app in ("actions", "strategies", "planportal", "audit", "login")
              for m in apps.get_app_config(app).get_models()
              if m._meta.db_table != "strategies_sustainabledevelopmentgoal"]
    tables = [m._meta.db_table for m in models]
    tables += [f.remote_field.through._meta.db_table for m in models
               for f in m._meta.local_many_to_many]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(sorted(set(tables)))} CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in sorted(set(tables)):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from models
            cursor.execute("PRAGMA foreign_keys = ON")


def test_json_export_imported_into_an_empty_database_gives_the_same_plan(full_plan, tmp_path):
    before = snapshot(full_plan)
    units_before = units_snapshot(full_plan.organization)
    path = tmp_path / "plan.json"
    call_command("export_plan", str(full_plan.pk), "--output", str(path))
    wipe()
    assert not Plan.objects.exists() and not User.objects.exists()
    assert not Organization.objects.exists()

    out = io.StringIO()
    call_command("import_plan", str(path), "--organization", "testkommune", stdout=out)
    plan = Plan.objects.get()
    assert snapshot(plan) == before
    assert units_snapshot(plan.organization) == units_before
    assert StatusUpdate.objects.count() == 2
    assert "status_updates: 2" in out.getvalue()


def test_the_dry_run_of_a_json_export_writes_nothing_not_even_the_kommune(full_plan, tmp_path):
    path = tmp_path / "plan.json"
    call_command("export_plan", str(full_plan.pk), "--output", str(path))
    wipe()
    out = io.StringIO()
    call_command("import_plan", str(path), "--organization", "testkommune", "--dry-run",
                 stdout=out)
    assert "actions: 2 new, 0 existing" in out.getvalue()
    assert "Dry run" in out.getvalue()
    assert not Organization.objects.exists() and not Plan.objects.exists()


def test_a_json_export_cannot_create_a_kommune_under_another_name(full_plan, tmp_path):
    path = tmp_path / "plan.json"
    call_command("export_plan", str(full_plan.pk), "--output", str(path))
    with pytest.raises(CommandError, match="annen-kommune"):
        call_command("import_plan", str(path), "--organization", "annen-kommune")
    assert not Organization.objects.filter(slug="annen-kommune").exists()


def test_json_round_trip_keeps_history_times_and_authors(full_plan):
    data = export_plan_data(full_plan)
    action = data["plan"]["focus_areas"][0]["goals"][0]["actions"][0]
    assert [u["comment"] for u in action["status_updates"]] == ["Godt i gang", "Ferdig – æøå"]
    assert action["status_updates"][0]["author"] == "enhetsleder1"
    assert {p["username"] for p in data["people"]} == {"enhetsleder1", "sektorleder1"}


def test_importing_the_same_json_export_again_creates_nothing(full_plan, world):
    content = json.dumps(export_plan_data(full_plan)).encode()
    counts = (Action.objects.count(), StatusUpdate.objects.count(), Measurement.objects.count())
    preview, result = import_plan(actor=world.admin, organization=world.org, content=content,
                                  filename="plan.json")
    assert result.created == {}
    assert preview.counts()["actions"]["new"] == 0
    assert (Action.objects.count(), StatusUpdate.objects.count(),
            Measurement.objects.count()) == counts


def test_a_damaged_json_export_is_refused_with_a_clear_error(world):
    preview, _ = import_plan(actor=world.admin, organization=world.org,
                             content=b'{"format": "planportal-plan", "version": 1}',
                             filename="plan.json", dry_run=True)
    assert preview.errors
    assert "ufullstendig" in str(preview.errors[0]) or "incomplete" in str(preview.errors[0])


def test_json_export_runs_a_constant_number_of_queries(world):
    def add_rows(n: int) -> None:
        for i in range(n):
            action = action_services.create_action(actor=SYSTEM, goal=world.goal,
                                                   title=f"Tiltak {i}",
                                                   contributing_units=[world.school])
            StatusUpdateFactory(action=action, author=world.unit_manager)
            IndicatorFactory(goal=world.goal)

    assert_constant_queries(add_rows, lambda: export_plan_data(world.plan), expected=None)


def test_export_times_are_iso_and_timezone_aware(full_plan):
    data = export_plan_data(full_plan)
    recorded_at = data["plan"]["focus_areas"][0]["goals"][0]["indicators"][0][
        "measurements"][0]["recorded_at"]
    assert datetime.fromisoformat(recorded_at).tzinfo is not None
    assert datetime.fromisoformat(recorded_at) <= datetime.now(UTC)


def test_an_export_keeps_every_target_and_baseline(full_plan):
    indicator = export_plan_data(full_plan)["plan"]["focus_areas"][0]["goals"][0][
        "indicators"][0]
    assert indicator["targets"] == [
        {"year": 2026, "comparison": "lte", "value": "2.00", "relative_to_national": True},
        {"year": 2027, "comparison": "lt", "value": "9.00", "relative_to_national": False},
        {"year": None, "comparison": "lte", "value": "8.00", "relative_to_national": False},
    ]
    assert indicator["baselines"] == [{"year": 2023, "value": "10.25"},
                                      {"year": 2024, "value": "9.50"}]
    assert "target_value" not in indicator


def test_an_export_from_before_target_lists_restores_its_one_target_and_baseline(
        full_plan, world):
    data = export_plan_data(full_plan)
    data["plan"]["title"] = "Eksportert før målene ble lister"
    indicator = data["plan"]["focus_areas"][0]["goals"][0]["indicators"][0]
    del indicator["targets"], indicator["baselines"]
    # A lower-is-better target, and a baseline whose year the old file did not give.
    indicator.update(baseline_value="9.50", baseline_year=None, target_value="8.00",
                     target_year=2030)
    preview, _ = import_plan(actor=world.admin, organization=world.org,
                             content=json.dumps(data).encode(), filename="plan.json")
    assert not preview.errors
    restored = Indicator.objects.get(
        goal__focus_area__plan__title="Eksportert før målene ble lister")
    assert list(restored.targets.values_list("year", "comparison", "value")) == [
        (2030, "lte", Decimal(8))]
    # The year before the plan period, as the migration reads the database.
    assert list(restored.baselines.values_list("year", "value")) == [
        (full_plan.period_start - 1, Decimal("9.5"))]
