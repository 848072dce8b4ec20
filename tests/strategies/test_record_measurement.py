"""record_measurement: indicator values per period."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from strategies.models import Measurement
from strategies.services import record_measurement
from tests.factories import IndicatorFactory

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
