"""set_indicator_targets and set_indicator_baselines: replace all, validated (a year at
most once, sane years, every baseline before the first target year), audited, all or
nothing; create_indicator and update_indicator take them too."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from planportal.audit.models import AuditEvent
from strategies import services
from strategies.models import Indicator
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(world: Any) -> Indicator:
    return IndicatorFactory(goal=world.goal, name="Lærlingeplasser", unit="antall",
                            targets=[{"year": 2030, "comparison": "gte", "value": 8}],
                            baselines=[{"year": 2024, "value": 5}])


def targets_of(indicator: Indicator) -> list[tuple[Any, ...]]:
    return list(indicator.targets.values_list("year", "comparison", "value",
                                              "relative_to_national"))


def baselines_of(indicator: Indicator) -> list[tuple[Any, ...]]:
    return list(indicator.baselines.values_list("year", "value"))


def events_of(indicator: Indicator) -> Any:
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Indicator),
                                     object_id=str(indicator.pk))


def refused(call: Any) -> dict[str, list[str]]:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def test_the_targets_are_replaced_all_at_once(world, indicator):
    services.set_indicator_targets(actor=world.admin, indicator=indicator, targets=[
        {"year": 2026, "comparison": "gte", "value": 10},
        {"year": 2027, "comparison": "gte", "value": "10"},
        {"year": None, "comparison": "gt", "value": Decimal("50"),
         "relative_to_national": False},
    ])
    assert targets_of(indicator) == [(2026, "gte", Decimal(10), False),
                                     (2027, "gte", Decimal(10), False),
                                     (None, "gt", Decimal(50), False)]
    assert baselines_of(indicator) == [(2024, Decimal(5))]  # untouched


def test_the_baselines_are_replaced_all_at_once_and_may_span_years(world, indicator):
    services.set_indicator_baselines(actor=world.admin, indicator=indicator, baselines=[
        {"year": 2023, "value": "4.5"}, {"year": 2022, "value": 4}])
    assert baselines_of(indicator) == [(2022, Decimal(4)), (2023, Decimal("4.5"))]
    assert targets_of(indicator) == [(2030, "gte", Decimal(8), False)]


def test_an_empty_list_removes_them(world, indicator):
    services.set_indicator_targets(actor=world.admin, indicator=indicator, targets=[])
    services.set_indicator_baselines(actor=world.admin, indicator=indicator, baselines=[])
    assert targets_of(indicator) == [] and baselines_of(indicator) == []


def test_a_change_is_audited_on_the_indicator_with_before_and_after(world, indicator):
    services.set_indicator_targets(actor=world.admin, indicator=indicator, targets=[
        {"year": None, "comparison": "gt", "value": "50.00"}])
    event = events_of(indicator).get()
    assert event.verb == "update"
    assert event.actor == world.admin
    assert event.changes == {"targets": [
        [{"year": 2030, "comparison": "gte", "value": "8", "relative_to_national": False}],
        [{"year": None, "comparison": "gt", "value": "50", "relative_to_national": False}],
    ]}


def test_setting_the_same_rows_again_records_nothing(world, indicator):
    services.set_indicator_targets(actor=world.admin, indicator=indicator, targets=[
        {"year": 2030, "comparison": "gte", "value": "8.00"}])
    assert not events_of(indicator).exists()


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ([{"year": 2026, "comparison": "gte", "value": 1},
          {"year": 2026, "comparison": "gt", "value": 2}],
         "Row 2, year: the year 2026 is given twice."),
        ([{"year": None, "comparison": "gte", "value": 1},
          {"year": None, "comparison": "gt", "value": 2}],
         "Row 2, year: the plan period's target (no year) is given twice."),
        ([{"year": 2026, "comparison": "gte", "value": 1},
          {"year": 1850, "comparison": "gte", "value": 1}],
         "Row 2, year: Ensure this value is greater than or equal to 1900."),
        ([{"year": 2401, "comparison": "gte", "value": 1}],
         "Row 1, year: Ensure this value is less than or equal to 2200."),
        ([{"year": 2026, "comparison": "more", "value": 1}],
         "Row 1, comparison: Value 'more' is not a valid choice."),
        ([{"year": 2026, "comparison": "gte", "value": "mye"}],
         "Row 1, value: “mye” value must be a decimal number."),
        ([{"year": 2026, "comparison": "gte"}], "Row 1, value: This field cannot be null."),
        ([{"year": 2026, "comparison": "gte", "value": 1, "target_year": 2027}],
         "Row 1, target_year: This field cannot be changed here."),
    ],
)
def test_a_wrong_target_refuses_them_all_naming_the_row_and_field(
        world, indicator, targets, message):
    errors = refused(lambda: services.set_indicator_targets(
        actor=world.admin, indicator=indicator, targets=targets))
    assert errors == {"targets": [message]}
    assert targets_of(indicator) == [(2030, "gte", Decimal(8), False)]


def test_a_baseline_year_is_given_once(world, indicator):
    errors = refused(lambda: services.set_indicator_baselines(
        actor=world.admin, indicator=indicator,
        baselines=[{"year": 2023, "value": 1}, {"year": 2023, "value": 2}]))
    assert errors == {"baselines": ["Row 2, year: the year 2023 is given twice."]}
    assert baselines_of(indicator) == [(2024, Decimal(5))]


def test_a_baseline_needs_a_year(world, indicator):
    errors = refused(lambda: services.set_indicator_baselines(
        actor=world.admin, indicator=indicator, baselines=[{"year": None, "value": 1}]))
    assert errors == {"baselines": ["Row 1, year: This field cannot be null."]}


def test_a_baseline_must_come_before_the_first_target_year(world, indicator):
    errors = refused(lambda: services.set_indicator_baselines(
        actor=world.admin, indicator=indicator,
        baselines=[{"year": 2022, "value": 1}, {"year": 2030, "value": 2}]))
    assert errors == {"baselines": [
        "Row 2, year: a baseline year (2030) must be before the first target year (2030)."]}
    assert baselines_of(indicator) == [(2024, Decimal(5))]


def test_a_target_year_before_a_stored_baseline_is_refused(world, indicator):
    errors = refused(lambda: services.set_indicator_targets(
        actor=world.admin, indicator=indicator, targets=[
            {"year": None, "comparison": "gte", "value": 9},
            {"year": 2024, "comparison": "gte", "value": 7}]))
    assert errors == {"targets": [
        "Row 2, year: a baseline year (2024) must be before the first target year (2024)."]}


def test_the_plan_periods_target_has_no_year_to_come_before(world, indicator):
    services.set_indicator_targets(actor=world.admin, indicator=indicator, targets=[
        {"year": None, "comparison": "gte", "value": 9}])
    services.set_indicator_baselines(actor=world.admin, indicator=indicator,
                                     baselines=[{"year": 2029, "value": 1}])
    assert baselines_of(indicator) == [(2029, Decimal(1))]


def test_an_indicator_is_created_with_its_targets_and_baselines(world):
    indicator = services.create_indicator(
        actor=world.admin, goal=world.goal, name="Heltid", unit="%", direction="higher",
        targets=[{"year": None, "comparison": "gt", "value": 50}],
        baselines=[{"year": 2022, "value": "38.5"}])
    assert targets_of(indicator) == [(None, "gt", Decimal(50), False)]
    assert baselines_of(indicator) == [(2022, Decimal("38.5"))]


def test_an_indicator_with_a_wrong_target_is_not_created_at_all(world):
    refused(lambda: services.create_indicator(
        actor=world.admin, goal=world.goal, name="Heltid", direction="higher",
        targets=[{"year": 2026, "comparison": "gt", "value": 50}],
        baselines=[{"year": 2026, "value": 40}]))
    assert not Indicator.objects.filter(name="Heltid").exists()


def test_an_update_with_a_wrong_baseline_changes_nothing_else(world, indicator):
    refused(lambda: services.update_indicator(
        actor=world.admin, indicator=indicator, name="Omdøpt",
        targets=[{"year": 2027, "comparison": "gte", "value": 12}],
        baselines=[{"year": 2027, "value": 40}]))
    indicator.refresh_from_db()
    assert indicator.name == "Lærlingeplasser"
    assert targets_of(indicator) == [(2030, "gte", Decimal(8), False)]


def test_an_update_checks_new_targets_against_new_baselines(world, indicator):
    # Both move at once: valid together, though the new targets precede the old baseline.
    services.update_indicator(actor=world.admin, indicator=indicator,
                              targets=[{"year": 2023, "comparison": "gte", "value": 6}],
                              baselines=[{"year": 2021, "value": 4}])
    assert targets_of(indicator) == [(2023, "gte", Decimal(6), False)]
    assert baselines_of(indicator) == [(2021, Decimal(4))]


def test_the_old_single_fields_are_gone_from_the_services(world, indicator):
    errors = refused(lambda: services.update_indicator(
        actor=world.admin, indicator=indicator, target_value=9))
    assert "target_value" in errors


@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager", "reader", "other_admin"])
def test_only_the_kommunes_administrator_sets_targets(world, indicator, persona):
    for call in (
        lambda: services.set_indicator_targets(actor=world.persona(persona),
                                               indicator=indicator, targets=[]),
        lambda: services.set_indicator_baselines(actor=world.persona(persona),
                                                 indicator=indicator, baselines=[]),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert targets_of(indicator) and baselines_of(indicator)
