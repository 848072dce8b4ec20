"""record_measurement: indicator values per period."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planportal.audit.models import AuditEvent
from planportal.models import Membership
from strategies.models import Indicator, Measurement
from strategies.services import record_measurement
from tests.factories import IndicatorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(world):
    return IndicatorFactory(goal=world.goal, name="Sykefravær", direction="lower",
                            targets=[{"year": None, "comparison": "lte", "value": 8}])


@pytest.mark.parametrize("persona", ["admin", "sector_leader"])
def test_admins_and_sector_leaders_record_values(world, indicator, persona):
    measurement = record_measurement(actor=world.persona(persona), indicator=indicator,
                                     value="9.4", period_end=date(2024, 12, 31),
                                     period_label="2024", note="Fra HR-systemet")
    measurement.refresh_from_db()
    assert measurement.value == Decimal("9.40")
    assert measurement.recorded_by == world.persona(persona)


@pytest.mark.parametrize("persona", ["unit_manager", "reader", "other_admin"])
def test_other_roles_cannot_record_values(world, indicator, persona):
    with pytest.raises(PermissionDenied):
        record_measurement(actor=world.persona(persona), indicator=indicator, value=9,
                           period_end=date(2024, 12, 31))
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("value", ["ni", "NaN", "Infinity", ""])
def test_a_value_that_is_not_a_number_is_refused(world, indicator, value):
    with pytest.raises(ValidationError) as error:
        record_measurement(actor=world.admin, indicator=indicator, value=value,
                           period_end=date(2024, 12, 31))
    assert "value" in error.value.message_dict


def test_one_value_per_indicator_and_period(world, indicator):
    record_measurement(actor=world.admin, indicator=indicator, value=9,
                       period_end=date(2024, 12, 31))
    with pytest.raises(ValidationError):
        record_measurement(actor=world.admin, indicator=indicator, value=8,
                           period_end=date(2024, 12, 31))
    assert Measurement.objects.get().value == 9


# --- Follow-up: who records, and the next due date -------------------------------------


@pytest.fixture
def followed(world, indicator):
    """Followed up by tertial by Hjemmetjenesten's manager: the first tertial's value due."""
    Indicator.objects.filter(pk=indicator.pk).update(
        responsible_unit=world.home_care, frequency="tertial", next_due_on=date(2026, 5, 31))
    indicator.refresh_from_db()
    return indicator


def test_the_unit_manager_of_the_responsible_unit_records_values(world, followed):
    record_measurement(actor=world.unit_manager, indicator=followed, value="7.5",
                       period_end=date(2026, 4, 30))
    assert Measurement.objects.get().recorded_by == world.unit_manager


def test_the_responsible_person_records_values_whatever_his_role(world, followed):
    person = UserFactory()
    MembershipFactory(user=person, unit=world.school, role=Membership.Role.UNIT_MANAGER)
    Indicator.objects.filter(pk=followed.pk).update(responsible_person=person)
    record_measurement(actor=person, indicator=followed, value="7.5",
                       period_end=date(2026, 4, 30))
    assert Measurement.objects.get().recorded_by == person


def test_a_unit_manager_of_another_unit_cannot_record(world, followed):
    Indicator.objects.filter(pk=followed.pk).update(responsible_unit=world.nursing_home)
    with pytest.raises(PermissionDenied):
        record_measurement(actor=world.unit_manager, indicator=followed, value=7,
                           period_end=date(2026, 4, 30))


def test_source_and_national_average_are_kept(world, followed):
    measurement = record_measurement(
        actor=world.admin, indicator=followed, value="7.5", period_end=date(2026, 4, 30),
        source="HR-systemet", national_average="6.9")
    measurement.refresh_from_db()
    assert (measurement.source, measurement.national_average) == ("HR-systemet",
                                                                  Decimal("6.90"))


def test_a_national_average_that_is_not_a_number_is_refused_on_its_field(world, followed):
    with pytest.raises(ValidationError) as error:
        record_measurement(actor=world.admin, indicator=followed, value=7,
                           period_end=date(2026, 4, 30), national_average="snitt")
    assert "national_average" in error.value.message_dict
    assert not Measurement.objects.exists()


def test_the_value_for_the_period_due_moves_the_next_due_date_on(world, followed):
    record_measurement(actor=world.admin, indicator=followed, value=7,
                       period_end=date(2026, 4, 30))
    assert Indicator.objects.get(pk=followed.pk).next_due_on == date(2026, 9, 30)
    assert followed.next_due_on == date(2026, 9, 30)
    event = AuditEvent.objects.get(verb="update", object_id=str(followed.pk))
    assert event.changes == {"next_due_on": ["2026-05-31", "2026-09-30"]}


def test_a_value_for_an_earlier_period_leaves_the_due_date(world, followed):
    record_measurement(actor=world.admin, indicator=followed, value=7,
                       period_end=date(2025, 12, 31))
    assert Indicator.objects.get(pk=followed.pk).next_due_on == date(2026, 5, 31)


def test_without_a_frequency_the_newest_value_ends_a_one_off_due_date(world, indicator):
    Indicator.objects.filter(pk=indicator.pk).update(next_due_on=date(2026, 9, 1))
    record_measurement(actor=world.admin, indicator=indicator, value=7,
                       period_end=date(2026, 6, 30))
    assert Indicator.objects.get(pk=indicator.pk).next_due_on is None


def test_a_second_value_for_the_same_period_is_refused_on_the_period(world, followed):
    record_measurement(actor=world.admin, indicator=followed, value=7,
                       period_end=date(2026, 4, 30))
    with pytest.raises(ValidationError) as error:
        record_measurement(actor=world.admin, indicator=followed, value=8,
                           period_end=date(2026, 4, 30))
    assert "period_end" in error.value.message_dict
    assert Indicator.objects.get(pk=followed.pk).next_due_on == date(2026, 9, 30)
