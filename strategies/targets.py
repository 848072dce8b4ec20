"""Indicator targets and baselines: the target a value is judged by, whether it meets it,
whether the indicator is on track, and how targets and baselines read.

The one place for these rules; the reports, the plan page, the documents, the admin and
the API all ask here:

- *the target for a year* is the target set for that year, else the next later one,
  else the plan period's (the target with no year); none when none of these exists;
- *meeting a target* is the target's comparison between the value and the target's
  value; relative to the national average, between the value and the measurement's
  national average plus the target's value, and unknown (``None``) without a national
  average: never a guess;
- *the baseline* is the one of the latest baseline year;
- *on track*: see :func:`assess`.

Targets and baselines come in as model rows or as report data (mappings); both are read
into :class:`Target` and :class:`Baseline`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, CharField, QuerySet, Value
from django.utils.translation import gettext as _

from planportal.formatting import MINUS, NBSP, number
from strategies.models import IndicatorBaseline, IndicatorTarget

REACHED, ON_TRACK, OFF_TRACK, UNKNOWN = "reached", "on_track", "off_track", "unknown"

GTE, GT, LTE, LT, EQ = (choice.value for choice in IndicatorTarget.Comparison)
SYMBOLS: dict[str, str] = {GTE: "≥", GT: ">", LTE: "≤", LT: "<", EQ: "="}
_TESTS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    GTE: operator.ge, GT: operator.gt, LTE: operator.le, LT: operator.lt, EQ: operator.eq,
}
#: How a comparison may be written in a fixture or a file: the symbol, its ASCII form, or
#: the stored code.
_WRITTEN: dict[str, str] = {
    **{symbol: code for code, symbol in SYMBOLS.items()},
    ">=": GTE, "<=": LTE, "==": EQ, **{code: code for code in SYMBOLS},
}


def comparison_code(written: str) -> str:
    """The stored code ("gte") of a comparison written as "≥", ">=" or "gte".

    Raises ``ValueError`` for anything else."""
    code = _WRITTEN.get(str(written).strip())
    if code is None:
        raise ValueError(written)
    return code


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _get(row: Any, name: str, default: Any = None) -> Any:
    if isinstance(row, Mapping):
        return row.get(name, default)
    return getattr(row, name, default)


@dataclass(frozen=True)
class Target:
    """What an indicator should reach: ``comparison`` and ``value``, for ``year`` (None:
    the plan period), optionally relative to the national average."""

    year: int | None
    comparison: str
    value: Decimal
    relative_to_national: bool = False

    @classmethod
    def of(cls, row: Any) -> Target:
        """From an :class:`~strategies.models.IndicatorTarget` or report data."""
        return cls(year=_get(row, "year"), comparison=_get(row, "comparison"),
                   value=_decimal(_get(row, "value")),
                   relative_to_national=bool(_get(row, "relative_to_national", False)))

    @property
    def higher_is_better(self) -> bool | None:
        """Which way the target points: up (≥, >), down (≤, <), or neither (=)."""
        if self.comparison in (GTE, GT):
            return True
        if self.comparison in (LTE, LT):
            return False
        return None

    def data(self) -> dict[str, Any]:
        """The target as JSON-ready data (the value a plain number)."""
        return {"year": self.year, "comparison": self.comparison,
                "value": _plain(self.value), "relative_to_national": self.relative_to_national}


@dataclass(frozen=True)
class Baseline:
    """The indicator's value in a year before the plan (the year unknown only in data
    written before baselines had to have one)."""

    year: int | None
    value: Decimal

    @classmethod
    def of(cls, row: Any) -> Baseline:
        return cls(year=_get(row, "year"), value=_decimal(_get(row, "value")))

    def data(self) -> dict[str, Any]:
        return {"year": self.year, "value": _plain(self.value)}


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _targets(rows: Iterable[Any]) -> list[Target]:
    return [row if isinstance(row, Target) else Target.of(row) for row in rows]


def _baselines(rows: Iterable[Any]) -> list[Baseline]:
    return [row if isinstance(row, Baseline) else Baseline.of(row) for row in rows]


def target_for(targets: Iterable[Any], year: int) -> Target | None:
    """The target a value of *year* is judged by: that year's, else the next later
    year's, else the plan period's (no year); None when there is none of these."""
    dated = sorted((t for t in _targets(targets) if t.year is not None), key=lambda t: t.year)
    for target in dated:
        if target.year >= year:
            return target
    return next((t for t in _targets(targets) if t.year is None), None)


def bar(target: Target, national_average: Any = None) -> Decimal | None:
    """The number a value is compared with: the target's value, or for a target relative
    to the national average that average plus the value (None when it is not known)."""
    if not target.relative_to_national:
        return target.value
    if national_average is None:
        return None
    return _decimal(national_average) + target.value


def meets(target: Target, value: Any, national_average: Any = None) -> bool | None:
    """Whether *value* meets *target*; None when that cannot be told (a target relative
    to the national average, and no national average known)."""
    line = bar(target, national_average)
    if line is None or value is None:
        return None
    return _TESTS[target.comparison](_decimal(value), line)


def latest_baseline(baselines: Iterable[Any]) -> Baseline | None:
    """The baseline of the latest year (a multi-year baseline is judged from its end)."""
    rows = _baselines(baselines)
    return max(rows, key=lambda b: b.year or 0) if rows else None


def _at_least_as_good(value: Decimal, expected: Decimal, target: Target) -> bool:
    higher = target.higher_is_better
    if higher is None:  # "=": as close to the target's value as expected, or closer
        return abs(value - target.value) <= abs(expected - target.value)
    return value >= expected if higher else value <= expected


def _better(value: Decimal, baseline: Decimal, target: Target) -> bool:
    higher = target.higher_is_better
    if higher is None:
        return abs(value - target.value) < abs(baseline - target.value)
    return value > baseline if higher else value < baseline


def assess(targets: Iterable[Any], baselines: Iterable[Any], value: Any, year: int | None,
           national_average: Any = None) -> str:
    """Judge a value of *year*: ``reached``, ``on_track``, ``off_track`` or ``unknown``.

    The value is judged by :func:`target_for` the year. It has *reached* the target when
    it :func:`meets` it, and *unknown* when there is no value, no target, or no national
    average for a relative target. Not reached, it is *on track* when it is at least as
    good as the straight line from the baseline (:func:`latest_baseline`) to a later
    year's target would be in *year*; for the plan period's target (no year, so no line)
    when it is better than the baseline. A target of the value's own year that is not
    met, a relative one (the national average of the baseline's year is not known) and
    one without a baseline are *off track*.
    """
    if value is None or year is None:
        return UNKNOWN
    target = target_for(targets, year)
    if target is None:
        return UNKNOWN
    met = meets(target, value, national_average)
    if met is None:
        return UNKNOWN
    if met:
        return REACHED
    baseline = latest_baseline(baselines)
    if target.relative_to_national or baseline is None or target.year == year:
        return OFF_TRACK
    value = _decimal(value)
    if target.year is not None and baseline.year is not None and baseline.year < target.year:
        span = target.year - baseline.year
        share = Decimal(min(max(year - baseline.year, 0), span))
        expected = baseline.value + (target.value - baseline.value) * share / span
        return ON_TRACK if _at_least_as_good(value, expected, target) else OFF_TRACK
    return ON_TRACK if _better(value, baseline.value, target) else OFF_TRACK


# --- How targets and baselines read ------------------------------------------------------


def _years(years: list[int]) -> str:
    """"2026, 2027"; a run of three or more years as "2023–2027"."""
    parts: list[str] = []
    start = previous = years[0]
    for year in [*years[1:], None]:
        if year is not None and year == previous + 1:
            previous = year
            continue
        parts.append(f"{start}–{previous}" if previous - start >= 2
                     else ", ".join(str(y) for y in range(start, previous + 1)))
        if year is not None:
            start = previous = year
    return ", ".join(parts)


def _bar_text(target: Target, unit: str) -> str:
    if target.relative_to_national:
        average = _("the national average")
        if not target.value:
            return average
        sign = "+" if target.value > 0 else MINUS
        return f"{average} {sign} {number(abs(target.value))}"
    return number(target.value) + (f"{NBSP}%" if unit.strip() == "%" else "")


def target_text(target: Target, unit: str = "") -> str:
    """One target without its year: «> 50 %», «≥ 10», «< the national average»."""
    return f"{SYMBOLS[target.comparison]}{NBSP}{_bar_text(target, unit)}"


def target_label(targets: Iterable[Any], unit: str = "") -> str:
    """The targets as a table shows them: «> 50 %», «≥ 10 (2026, 2027)», «< landssnittet»;
    several as «≥ 60 (2025); ≥ 70 (2027)». The same target in several years is written
    once with its years; a "%" unit is written after the number. "" without targets."""
    rows = _targets(targets)
    groups: dict[tuple[str, Decimal, bool], list[int]] = {}
    for target in sorted((t for t in rows if t.year is not None), key=lambda t: t.year):
        groups.setdefault((target.comparison, target.value, target.relative_to_national),
                          []).append(target.year)
    parts = [f"{target_text(Target(None, c, v, r), unit)} ({_years(years)})"
             for (c, v, r), years in sorted(groups.items(), key=lambda item: item[1][0])]
    parts += [target_text(t, unit) for t in rows if t.year is None]
    return "; ".join(parts)


def baseline_label(baselines: Iterable[Any]) -> str:
    """The baselines in year order: «12 (2023)», «10 (2022), 12 (2023)»; "" without."""
    rows = sorted(_baselines(baselines), key=lambda b: b.year or 0)
    return ", ".join(f"{number(b.value)} ({b.year})" if b.year else number(b.value)
                     for b in rows)


# --- Data written before targets and baselines were rows ---------------------------------


def from_old_fields(direction: str, baseline_value: Any, baseline_year: int | None,
                    target_value: Any, target_year: int | None
                    ) -> tuple[list[Target], list[Baseline]]:
    """The targets and baselines that the old single ``target_value``/``target_year``
    and ``baseline_value``/``baseline_year`` meant (frozen reports, old exports): "at
    least" the target when higher is better, else "at most". The baseline's year stays
    None when the old data had none; a value without a year that must be stored needs
    one chosen by the caller."""
    targets = [] if target_value is None else [Target(
        year=target_year, comparison=GTE if direction == "higher" else LTE,
        value=_decimal(target_value))]
    baselines = [] if baseline_value is None else [
        Baseline(year=baseline_year, value=_decimal(baseline_value))]
    return targets, baselines


# --- Reading them for many indicators ----------------------------------------------------


def targets_and_baselines(indicators: QuerySet | Iterable[int]
                          ) -> dict[int, tuple[list[Target], list[Baseline]]]:
    """Every target and baseline of *indicators* (a queryset of them, or their ids),
    per indicator id, in one query whatever their number."""
    targets = IndicatorTarget.objects.filter(indicator__in=indicators).order_by().values_list(
        "indicator_id", "year", "value", "comparison", "relative_to_national")
    # A baseline row has no comparison: "" tells it from a target in the union.
    baselines = IndicatorBaseline.objects.filter(indicator__in=indicators).order_by().annotate(
        comparison=Value("", output_field=CharField()),
        relative_to_national=Value(False, output_field=BooleanField()),
    ).values_list("indicator_id", "year", "value", "comparison", "relative_to_national")
    result: dict[int, tuple[list[Target], list[Baseline]]] = {}
    for indicator_id, year, value, comparison, relative in targets.union(
            baselines, all=True).order_by():
        found = result.setdefault(indicator_id, ([], []))
        if comparison:
            found[0].append(Target(year, comparison, _decimal(value), bool(relative)))
        else:
            found[1].append(Baseline(year, _decimal(value)))
    for found_targets, found_baselines in result.values():
        found_targets.sort(key=lambda t: (t.year is None, t.year or 0))
        found_baselines.sort(key=lambda b: b.year or 0)
    return result
