"""strategies.targets: the one rule for which target a value is judged by, whether it is
met or on track, and how targets and baselines read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from strategies.targets import (
    Baseline,
    Target,
    assess,
    baseline_label,
    comparison_code,
    from_old_fields,
    latest_baseline,
    meets,
    target_for,
    target_label,
)

NBSP = "\xa0"


def target(comparison: str, value: float | int, year: int | None = None,
           relative: bool = False) -> Target:
    return Target(year, comparison, Decimal(str(value)), relative)


# --- Meeting a target: each comparison ------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "value", "expected"),
    [
        ("gte", 50, True), ("gte", "50.01", True), ("gte", "49.99", False),
        ("gt", 50, False), ("gt", "50.01", True), ("gt", 49, False),
        ("lte", 8, True), ("lte", "7.5", True), ("lte", "8.01", False),
        ("lt", 8, False), ("lt", "7.99", True), ("lt", 9, False),
        ("eq", 0, False), ("eq", 50, True),
    ],
)
def test_a_value_meets_a_target_by_its_comparison(comparison, value, expected):
    assert meets(target(comparison, 50 if comparison in ("gte", "gt", "eq") else 8), value) \
        is expected


def test_more_than_fifty_is_not_met_by_fifty_but_at_least_fifty_is():
    assert meets(target("gt", 50), 50) is False
    assert meets(target("gte", 50), 50) is True


@pytest.mark.parametrize(
    ("comparison", "difference", "value", "average", "expected"),
    [
        ("gte", 0, 20, 20, True),  # «likt eller bedre enn landsgjennomsnittet»
        ("gte", 0, "19.9", 20, False),
        ("gt", 0, 20, 20, False),  # «bedre enn landsgjennomsnittet»
        ("gt", 0, "20.1", 20, True),
        ("lt", 0, 9, 10, True),  # «lavere enn landssnittet»
        ("lte", -2, 8, 10, True),  # at least 2 below the average
        ("lte", -2, "8.5", 10, False),
        ("gte", 5, 25, 20, True),  # 5 above the average
        ("gte", 5, 24, 20, False),
    ],
)
def test_a_target_relative_to_the_national_average_adds_the_average(
        comparison, difference, value, average, expected):
    assert meets(target(comparison, difference, relative=True), value, average) is expected


def test_without_a_national_average_a_relative_target_is_unknown_not_guessed():
    relative = target("gte", 0, relative=True)
    assert meets(relative, 100, None) is None
    assert assess([relative], [], Decimal(100), 2025, None) == "unknown"


def test_an_absolute_target_does_not_need_the_national_average():
    assert meets(target("gte", 10), 12, None) is True


# --- Which target a year is judged by -------------------------------------------------


YEARLY = [target("gte", 60, 2025), target("gte", 70, 2027), target("gte", 90)]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, target("gte", 60, 2025)),  # before every dated target: the next later one
        (2025, target("gte", 60, 2025)),  # the year's own
        (2026, target("gte", 70, 2027)),  # no target in 2026: the next later year's
        (2027, target("gte", 70, 2027)),
        (2028, target("gte", 90)),  # after the dated ones: the plan period's
    ],
)
def test_the_target_for_a_year_is_its_own_else_the_next_later_else_the_periods(year, expected):
    assert target_for(YEARLY, year) == expected


def test_without_a_later_or_period_target_there_is_none():
    assert target_for([target("gte", 10, 2026)], 2027) is None
    assert target_for([], 2027) is None


def test_the_order_targets_come_in_does_not_matter():
    assert target_for(list(reversed(YEARLY)), 2026) == target("gte", 70, 2027)


def test_model_rows_and_report_data_are_read_alike():
    data = {"year": 2027, "comparison": "gt", "value": 50, "relative_to_national": False}
    assert target_for([data], 2026) == target("gt", 50, 2027)


# --- On track --------------------------------------------------------------------------


BASE_2024 = [Baseline(2024, Decimal(70))]


@pytest.mark.parametrize(
    ("targets", "baselines", "value", "year", "expected"),
    [
        # Line 70 (2024) → 80 (2028): 72.5 expected in 2025.
        ([target("gte", 80, 2028)], BASE_2024, 81, 2025, "reached"),
        ([target("gte", 80, 2028)], BASE_2024, "72.5", 2025, "on_track"),
        ([target("gte", 80, 2028)], BASE_2024, 72, 2025, "off_track"),
        # "more than" 80 is not reached with 80, but 80 is above the line.
        ([target("gt", 80, 2028)], BASE_2024, 80, 2025, "on_track"),
        # Lower is better: 70 (2024) → 60 (2028) expects 67.5 in 2025.
        ([target("lte", 60, 2028)], BASE_2024, 67, 2025, "on_track"),
        ([target("lt", 60, 2028)], BASE_2024, 60, 2025, "on_track"),
        ([target("lt", 60, 2028)], BASE_2024, 68, 2025, "off_track"),
        # The year's own target not met: off track, whatever the line.
        ([target("gte", 80, 2025)], BASE_2024, 79, 2025, "off_track"),
        # The plan period's target (no year, so no line): better than the baseline.
        ([target("gt", 80)], BASE_2024, 75, 2025, "on_track"),
        ([target("gt", 80)], BASE_2024, 70, 2025, "off_track"),
        ([target("lte", 60)], BASE_2024, 65, 2025, "on_track"),
        # "=": closer to the value than the baseline was (period), or than the line.
        ([target("eq", 0)], [Baseline(2024, Decimal(12))], 0, 2025, "reached"),
        ([target("eq", 0)], [Baseline(2024, Decimal(12))], 5, 2025, "on_track"),
        ([target("eq", 0)], [Baseline(2024, Decimal(12))], 14, 2025, "off_track"),
        ([target("eq", 0, 2026)], [Baseline(2024, Decimal(12))], 6, 2025, "on_track"),
        ([target("eq", 0, 2026)], [Baseline(2024, Decimal(12))], 7, 2025, "off_track"),
        # No baseline: not reached is off track.
        ([target("gte", 80, 2028)], [], 79, 2025, "off_track"),
        # No value, no year, no target for the year.
        ([target("gte", 80, 2028)], BASE_2024, None, None, "unknown"),
        ([target("gte", 80, 2024)], BASE_2024, 90, 2025, "unknown"),
        ([], BASE_2024, 90, 2025, "unknown"),
    ],
)
def test_assessment_rule_table(targets, baselines, value, year, expected):
    value = None if value is None else Decimal(str(value))
    assert assess(targets, baselines, value, year) == expected


def test_the_year_selects_the_target_the_assessment_uses():
    targets = [target("gte", 10, 2026), target("gte", 20, 2027)]
    assert assess(targets, [], Decimal(12), 2026) == "reached"
    assert assess(targets, [], Decimal(12), 2027) == "off_track"


def test_a_relative_target_met_is_reached_and_missed_is_off_track():
    relative = [target("gte", 0, relative=True)]
    assert assess(relative, BASE_2024, Decimal(21), 2025, Decimal(20)) == "reached"
    assert assess(relative, BASE_2024, Decimal(19), 2025, Decimal(20)) == "off_track"


def test_the_baseline_is_the_latest_years():
    baselines = [Baseline(2023, Decimal(60)), Baseline(2024, Decimal(70)),
                 Baseline(2022, Decimal(50))]
    assert latest_baseline(baselines) == Baseline(2024, Decimal(70))
    # From 70 (2024), 72 in 2025 is below the line to 80 (2028); from 60 it would be on it.
    assert assess([target("gte", 80, 2028)], baselines, Decimal(72), 2025) == "off_track"


# --- How targets and baselines read -----------------------------------------------------


@pytest.mark.parametrize(
    ("targets", "unit", "expected"),
    [
        ([target("gt", 50)], "%", f">{NBSP}50{NBSP}%"),
        ([target("gte", 10, 2026), target("gte", 10, 2027)], "antall",
         f"≥{NBSP}10 (2026, 2027)"),
        ([target("gte", 10, y) for y in range(2023, 2028)], "", f"≥{NBSP}10 (2023–2027)"),
        ([target("lt", 0, relative=True)], "%", f"<{NBSP}landssnittet"),
        ([target("gte", 2, relative=True)], "", f"≥{NBSP}landssnittet + 2"),
        ([target("lte", "-1.5", relative=True)], "", f"≤{NBSP}landssnittet \u2212 1,5"),
        ([target("gte", 70, 2027), target("gte", 60, 2025)], "",
         f"≥{NBSP}60 (2025); ≥{NBSP}70 (2027)"),
        ([target("eq", 0), target("gte", "4.3", 2026)], "snitt",
         f"≥{NBSP}4,3 (2026); ={NBSP}0"),
        ([], "%", ""),
    ],
)
def test_target_labels(targets, unit, expected):
    with translation.override("nb"):
        assert target_label(targets, unit) == expected


def test_the_national_average_is_written_in_the_readers_language():
    with translation.override("en"):
        assert target_label([target("lt", 0, relative=True)]) == f"<{NBSP}the national average"
    with translation.override("nn"):
        assert target_label([target("lt", 0, relative=True)]) == f"<{NBSP}landssnittet"


def test_baseline_labels_list_every_year_in_order():
    with translation.override("nb"):
        assert baseline_label([{"year": 2024, "value": "7.25"}, {"year": 2023, "value": 6}]) \
            == "6 (2023), 7,25 (2024)"
        assert baseline_label([]) == ""


@pytest.mark.parametrize("written", ["≥", ">=", "gte"])
def test_a_comparison_may_be_written_as_symbol_ascii_or_code(written):
    assert comparison_code(written) == "gte"


def test_an_unknown_comparison_is_refused():
    with pytest.raises(ValueError, match="=>"):
        comparison_code("=>")


def test_old_single_fields_mean_at_least_or_at_most_by_direction():
    assert from_old_fields("higher", Decimal(70), 2024, Decimal(80), 2028) == (
        [target("gte", 80, 2028)], [Baseline(2024, Decimal(70))])
    assert from_old_fields("lower", None, None, 8, None) == ([target("lte", 8)], [])
    assert from_old_fields("lower", None, None, None, 2027) == ([], [])
