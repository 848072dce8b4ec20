"""strategies 0006: each old target/baseline becomes a row (higher → at least, lower → at
most), then the old fields go; and back again."""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

MIGRATION = importlib.import_module(
    "strategies.migrations.0006_indicator_targets_and_baselines")
BEFORE = [("strategies", "0005_plan_levels_sdgs_golden_thread_indicator_follow_up")]
AFTER = [("strategies", "0006_indicator_targets_and_baselines")]


def old(direction: str = "higher", baseline_value: Any = None, baseline_year: Any = None,
        target_value: Any = None, target_year: Any = None) -> SimpleNamespace:
    return SimpleNamespace(direction=direction, baseline_value=baseline_value,
                           baseline_year=baseline_year, target_value=target_value,
                           target_year=target_year)


@pytest.mark.parametrize(
    ("indicator", "baselines", "targets"),
    [
        (old("higher", 70, 2024, 80, 2028), [{"year": 2024, "value": 70}],
         [{"year": 2028, "comparison": "gte", "value": 80, "relative_to_national": False}]),
        (old("lower", target_value=8), [],
         [{"year": None, "comparison": "lte", "value": 8, "relative_to_national": False}]),
        # A year with no value says nothing to compare with (Elverum's relative ones).
        (old("higher", target_year=2027), [], []),
        # A baseline without a year: the year before the plan period (2025 here).
        (old("lower", baseline_value=10), [{"year": 2024, "value": 10}], []),
    ],
)
def test_each_old_field_pair_becomes_a_row(indicator, baselines, targets):
    assert MIGRATION.new_rows(indicator, 2025) == (baselines, targets)


def row(**fields: Any) -> SimpleNamespace:
    return SimpleNamespace(**{"relative_to_national": False, **fields})


def test_the_way_back_keeps_the_latest_baseline_and_the_periods_target():
    fields = MIGRATION.old_fields(
        [row(year=2023, value=6), row(year=2024, value=7)],
        [row(year=2027, comparison="gt", value=9), row(year=None, comparison="gte", value=10)])
    assert fields == {"baseline_value": 7, "baseline_year": 2024, "target_value": 10,
                      "target_year": None}


def test_the_way_back_takes_the_latest_year_and_leaves_out_relative_targets():
    fields = MIGRATION.old_fields([], [
        row(year=2026, comparison="gte", value=9), row(year=2027, comparison="gte", value=10),
        row(year=None, comparison="gt", value=0, relative_to_national=True)])
    assert fields == {"target_value": 10, "target_year": 2027}


def test_the_migration_copies_the_data_and_reverses(transactional_db: Any) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        org = apps.get_model("planportal", "Organization").objects.create(
            name="Migrasjonskommune", slug="migrasjon")
        plan = apps.get_model("strategies", "Plan").objects.create(
            organization=org, title="Plan", kind="thematic_plan", period_start=2023,
            period_end=2027)
        area = apps.get_model("strategies", "FocusArea").objects.create(plan=plan, title="1")
        goal = apps.get_model("strategies", "Goal").objects.create(focus_area=area, title="1.1")
        indicator_model = apps.get_model("strategies", "Indicator")
        made = {name: indicator_model.objects.create(goal=goal, name=name, **fields).pk
                for name, fields in {
                    "sick": {"direction": "lower", "baseline_value": Decimal("9.5"),
                             "baseline_year": 2022, "target_value": 8, "target_year": 2027},
                    "share": {"direction": "higher", "target_value": 50},
                    "empty": {"direction": "higher", "target_year": 2027},
                    "no-year": {"direction": "higher", "baseline_value": 3},
                }.items()}

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        targets = apps.get_model("strategies", "IndicatorTarget").objects
        baselines = apps.get_model("strategies", "IndicatorBaseline").objects
        assert sorted(targets.values_list("indicator_id", "year", "comparison", "value")) == [
            (made["sick"], 2027, "lte", Decimal(8)), (made["share"], None, "gte", Decimal(50))]
        assert sorted(baselines.values_list("indicator_id", "year", "value")) == [
            (made["sick"], 2022, Decimal("9.5")), (made["no-year"], 2022, Decimal(3))]
        assert "target_value" not in {
            f.name for f in apps.get_model("strategies", "Indicator")._meta.get_fields()}

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        apps = executor.loader.project_state(BEFORE).apps
        back = {i.name: (i.baseline_value, i.baseline_year, i.target_value, i.target_year)
                for i in apps.get_model("strategies", "Indicator").objects.all()}
        assert back == {"sick": (Decimal("9.5"), 2022, Decimal(8), 2027),
                        "share": (None, None, Decimal(50), None),
                        "empty": (None, None, None, None),
                        "no-year": (Decimal(3), 2022, None, None)}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
