"""assign_indicator: who follows an indicator up, how often a value is due, and when."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from planportal.audit.models import AuditEvent
from planportal.models import Membership
from strategies.follow_up import first_due_on
from strategies.models import Indicator
from strategies.services import assign_indicator
from tests.factories import IndicatorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(world):
    return IndicatorFactory(goal=world.goal, name="Sykefravær", direction="lower")


def assign(actor, indicator, **fields):
    fields.setdefault("responsible_unit", None)
    return assign_indicator(actor=actor, indicator=indicator, **fields)


def test_an_admin_gives_an_indicator_an_owner_a_frequency_and_a_due_date(world, indicator):
    assign(world.admin, indicator, responsible_unit=world.home_care,
           responsible_person=world.unit_manager, frequency="tertial",
           next_due_on=date(2026, 5, 31))

    indicator.refresh_from_db()
    assert indicator.responsible_unit == world.home_care
    assert indicator.responsible_person == world.unit_manager
    assert (indicator.frequency, indicator.next_due_on) == ("tertial", date(2026, 5, 31))
    event = AuditEvent.objects.get(verb="assign", object_id=str(indicator.pk))
    assert event.changes["frequency"] == ["", "tertial"]
    assert event.changes["next_due_on"] == [None, "2026-05-31"]


def test_a_sector_leader_assigns_the_indicators_of_his_sector(world, indicator):
    assign(world.sector_leader, indicator, responsible_unit=world.nursing_home,
           frequency="yearly", next_due_on=date(2027, 1, 31))
    assert Indicator.objects.get(pk=indicator.pk).responsible_unit == world.nursing_home


def test_a_sector_leader_cannot_give_an_indicator_to_a_unit_outside_his_sector(
        world, indicator):
    with pytest.raises(PermissionDenied):
        assign(world.sector_leader, indicator, responsible_unit=world.school)
    assert Indicator.objects.get(pk=indicator.pk).responsible_unit is None


def test_a_sector_leader_cannot_take_over_another_sectors_indicator(world, indicator):
    indicator.responsible_unit = world.school
    indicator.save()
    with pytest.raises(PermissionDenied):
        assign(world.sector_leader, indicator, responsible_unit=world.home_care)
    assert Indicator.objects.get(pk=indicator.pk).responsible_unit == world.school


@pytest.mark.parametrize("persona", ["unit_manager", "reader", "other_admin"])
def test_other_roles_cannot_assign_an_indicator(world, indicator, persona):
    with pytest.raises(PermissionDenied):
        assign(world.persona(persona), indicator, responsible_unit=world.home_care,
               frequency="yearly")
    assert Indicator.objects.get(pk=indicator.pk).frequency == ""


def test_a_reader_cannot_be_made_responsible(world, indicator):
    with pytest.raises(ValidationError) as error:
        assign(world.admin, indicator, responsible_unit=world.home_care,
               responsible_person=world.reader)
    assert "responsible_person" in error.value.message_dict
    assert Indicator.objects.get(pk=indicator.pk).responsible_person is None


def test_a_person_of_another_kommune_cannot_be_made_responsible(world, indicator):
    with pytest.raises(ValidationError) as error:
        assign(world.admin, indicator, responsible_unit=world.home_care,
               responsible_person=world.other_admin)
    assert "responsible_person" in error.value.message_dict


def test_a_unit_of_another_kommune_is_refused_on_the_unit(world, indicator):
    stranger = MembershipFactory(user=UserFactory(), role=Membership.Role.UNIT_MANAGER,
                                 unit__organization=world.other_org).unit
    with pytest.raises(ValidationError) as error:
        assign(world.admin, indicator, responsible_unit=stranger)
    assert "responsible_unit" in error.value.message_dict


def test_a_person_needs_the_unit_too(world, indicator):
    with pytest.raises(ValidationError) as error:
        assign(world.admin, indicator, responsible_person=world.unit_manager)
    assert "responsible_unit" in error.value.message_dict


def test_an_unknown_frequency_is_refused_on_the_frequency(world, indicator):
    with pytest.raises(ValidationError) as error:
        assign(world.admin, indicator, responsible_unit=world.home_care, frequency="weekly")
    assert "frequency" in error.value.message_dict


def test_a_frequency_without_a_date_starts_with_the_first_value_not_yet_due(world, indicator):
    assign(world.admin, indicator, responsible_unit=world.home_care, frequency="quarterly")
    assert Indicator.objects.get(pk=indicator.pk).next_due_on == first_due_on(
        "quarterly", timezone.localdate())


def test_assigning_the_same_again_writes_no_audit_event(world, indicator):
    fields = {"responsible_unit": world.home_care, "frequency": "yearly",
              "next_due_on": date(2027, 1, 31)}
    assign(world.admin, indicator, **fields)
    assign(world.admin, indicator, **fields)
    assert AuditEvent.objects.filter(verb="assign", object_id=str(indicator.pk)).count() == 1
