"""Indicator follow-up over the API: owner, frequency and next due date through
assign_indicator; measurements with source and national average. Signed in as real
clients are (session with CSRF, or a token from the token endpoint)."""

from datetime import date

import pytest

from planportal.models import Membership
from strategies.models import Indicator, Measurement, Plan
from tests.api.clients import TokenClient
from tests.factories import IndicatorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(world):
    return IndicatorFactory(goal=world.goal, name="Sykefravær", direction="lower")


def url(indicator):
    return f"/api/v1/indicators/{indicator.pk}/"


def test_a_sector_leader_assigns_the_follow_up_with_a_token(world, token_api, indicator):
    response = token_api("sector_leader").patch(url(indicator), {
        "responsible_unit": world.home_care.pk, "responsible_person": world.unit_manager.pk,
        "frequency": "tertial", "next_due_on": "2026-05-31"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["responsible_unit"], response.json()["responsible_person"],
            response.json()["frequency"], response.json()["next_due_on"]) == (
        world.home_care.pk, world.unit_manager.pk, "tertial", "2026-05-31")
    indicator.refresh_from_db()
    assert (indicator.responsible_person, indicator.next_due_on) == (world.unit_manager,
                                                                     date(2026, 5, 31))


def test_a_partial_update_keeps_the_follow_up_fields_not_sent(world, api, indicator):
    Indicator.objects.filter(pk=indicator.pk).update(
        responsible_unit=world.home_care, frequency="yearly", next_due_on=date(2027, 1, 31))
    response = api("admin").patch(url(indicator), {"frequency": "tertial"}, format="json")
    assert response.status_code == 200, response.json()
    indicator.refresh_from_db()
    assert (indicator.responsible_unit, indicator.frequency, indicator.next_due_on) == (
        world.home_care, "tertial", date(2027, 1, 31))


def test_a_sector_leader_may_not_change_the_definition(world, api, indicator):
    response = api("sector_leader").patch(url(indicator), {
        "frequency": "yearly", "name": "Nytt navn"}, format="json")
    assert response.status_code == 403
    indicator.refresh_from_db()
    assert (indicator.name, indicator.frequency) == ("Sykefravær", "")


def test_a_reader_as_responsible_person_is_a_400_on_the_field(world, api, indicator):
    response = api("admin").patch(url(indicator), {
        "responsible_unit": world.home_care.pk, "responsible_person": world.reader.pk},
        format="json")
    assert response.status_code == 400
    assert "responsible_person" in response.json()
    assert Indicator.objects.get(pk=indicator.pk).responsible_person is None


@pytest.mark.parametrize("persona", ["unit_manager", "reader"])
def test_other_roles_get_403(world, api, indicator, persona):
    response = api(persona).patch(url(indicator), {"frequency": "yearly"}, format="json")
    assert response.status_code == 403
    assert Indicator.objects.get(pk=indicator.pk).frequency == ""


def test_an_admin_creates_an_indicator_already_followed_up(world, api):
    response = api("admin").post("/api/v1/indicators/", {
        "goal": world.goal.pk, "name": "Andel heltid", "direction": "higher",
        "responsible_unit": world.health.pk, "frequency": "yearly",
        "next_due_on": "2027-01-31"}, format="json")
    assert response.status_code == 201, response.json()
    created = Indicator.objects.get(name="Andel heltid")
    assert (created.responsible_unit, created.frequency) == (world.health, "yearly")


def test_another_kommune_reads_a_public_plans_indicator_without_the_person(
        world, api, indicator):
    Indicator.objects.filter(pk=indicator.pk).update(
        responsible_unit=world.home_care, responsible_person=world.unit_manager)
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    assert api("other_admin").get(url(indicator)).json()["responsible_person"] is None
    assert api("reader").get(url(indicator)).json()["responsible_person"] == (
        world.unit_manager.pk)


def test_the_responsible_person_records_a_value_with_source_and_national_average(
        world, indicator):
    person = UserFactory()
    MembershipFactory(user=person, unit=world.school, role=Membership.Role.UNIT_MANAGER)
    Indicator.objects.filter(pk=indicator.pk).update(
        responsible_unit=world.school, responsible_person=person, frequency="tertial",
        next_due_on=date(2026, 5, 31))
    response = TokenClient(person).post("/api/v1/measurements/", {
        "indicator": indicator.pk, "value": "7.5", "period_end": "2026-04-30",
        "source": "HR-systemet", "national_average": "6.9"}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["source"], response.json()["national_average"]) == (
        "HR-systemet", "6.90")
    assert Measurement.objects.get(indicator=indicator).recorded_by == person
    assert Indicator.objects.get(pk=indicator.pk).next_due_on == date(2026, 9, 30)


def test_a_reader_recording_a_value_gets_403_before_any_field_errors(world, api, indicator):
    response = api("reader").post("/api/v1/measurements/", {}, format="json")
    assert response.status_code == 403
