"""The indicator and measurement admin: the follow-up fields, saved through the services."""

from datetime import date

import pytest
from django.urls import reverse

from planportal.audit.models import AuditEvent
from strategies.models import Indicator, Measurement
from tests.admin.test_plan_admin import _save_as_rendered
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(world):
    return IndicatorFactory(goal=world.goal, name="Sykefravær", direction="lower")


def change_url(indicator):
    return reverse("admin:strategies_indicator_change", args=[indicator.pk])


def test_the_follow_up_is_saved_through_assign_indicator(world, plan_admin, indicator):
    response = _save_as_rendered(
        plan_admin, change_url(indicator), responsible_unit=str(world.home_care.pk),
        responsible_person=str(world.unit_manager.pk), frequency="tertial",
        next_due_on="2026-05-31")
    assert response.status_code == 302, response.content.decode()[:1000]
    indicator.refresh_from_db()
    assert (indicator.responsible_person, indicator.frequency, indicator.next_due_on) == (
        world.unit_manager, "tertial", date(2026, 5, 31))
    assert AuditEvent.objects.filter(verb="assign", object_id=str(indicator.pk)).exists()


def test_the_admin_offers_no_reader_as_responsible(world, plan_admin, indicator):
    page = plan_admin.get(change_url(indicator))
    people = page.context["adminform"].form.fields["responsible_person"].queryset
    assert world.unit_manager in people and world.reader not in people
    assert world.other_admin not in people


def test_a_person_without_a_unit_is_a_form_error_and_nothing_is_saved(
        world, plan_admin, indicator):
    response = _save_as_rendered(plan_admin, change_url(indicator), name="Nytt navn",
                                 responsible_person=str(world.unit_manager.pk))
    assert response.status_code == 200
    assert "responsible_unit" in response.context["adminform"].form.errors
    assert Indicator.objects.get(pk=indicator.pk).name == "Sykefravær"


def test_saving_the_definition_alone_writes_no_assignment(world, plan_admin, indicator):
    response = _save_as_rendered(plan_admin, change_url(indicator), name="Sykefravær i alt")
    assert response.status_code == 302, response.content.decode()[:1000]
    assert Indicator.objects.get(pk=indicator.pk).name == "Sykefravær i alt"
    assert not AuditEvent.objects.filter(verb="assign", object_id=str(indicator.pk)).exists()


def test_a_measurement_added_in_the_admin_keeps_source_and_national_average(
        world, plan_admin, indicator):
    response = plan_admin.post(reverse("admin:strategies_measurement_add"), {
        "indicator": indicator.pk, "period_end": "2025-12-31", "period_label": "2025",
        "value": "8.1", "note": "", "source": "SSB, tabell 12345",
        "national_average": "6.5"})
    assert response.status_code == 302, response.content.decode()[:1000]
    measurement = Measurement.objects.get(indicator=indicator)
    assert (measurement.source, str(measurement.national_average)) == ("SSB, tabell 12345",
                                                                       "6.50")


def test_the_present_person_stays_a_choice_after_losing_his_role(world, plan_admin,
                                                                  indicator):
    Indicator.objects.filter(pk=indicator.pk).update(responsible_unit=world.home_care,
                                                     responsible_person=world.reader)
    response = _save_as_rendered(plan_admin, change_url(indicator), name="Sykefravær i alt")
    assert response.status_code == 302, response.content.decode()[:1000]
    assert Indicator.objects.get(pk=indicator.pk).responsible_person == world.reader
