"""The indicator page: what each role sees, recording a value, assigning the follow-up;
and the links to it on the plan page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from strategies.models import Indicator, Measurement, Plan
from tests.factories import IndicatorFactory, MeasurementFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(world):
    """Sykefravær, followed up by tertial by Hjemmetjenesten's manager, one value in."""
    indicator = IndicatorFactory(
        goal=world.goal, name="Sykefravær i hjemmetjenesten", unit="%", direction="lower",
        responsible_unit=world.home_care, responsible_person=world.unit_manager,
        frequency="tertial", next_due_on=date(2026, 5, 31))
    MeasurementFactory(indicator=indicator, period_end=date(2025, 12, 31),
                       period_label="3. tertial 2025", value="8.4", source="HR-systemet",
                       note="Høyt i desember", recorded_by=world.sector_leader)
    return indicator


def page(indicator):
    return reverse("strategies:indicator-detail", args=[indicator.pk])


def record_url(indicator):
    return reverse("strategies:indicator-record", args=[indicator.pk])


def assign_url(indicator):
    return reverse("strategies:indicator-assign", args=[indicator.pk])


def value_data(**overrides):
    data = {"period_end": "2026-04-30", "period_label": "1. tertial 2026", "value": "7,5",
            "national_average": "6,9", "source": "HR-systemet", "note": "Nede etter tiltak"}
    data.update(overrides)
    return {f"verdi-{name}": value for name, value in data.items()}


def test_a_reader_sees_the_indicator_its_values_and_its_owner_but_no_forms(
        browse, world, indicator):
    text = browse("reader").get(page(indicator)).text
    assert "Sykefravær i hjemmetjenesten (%)" in text
    assert "Hjemmetjenesten" in text and world.unit_manager.get_full_name() in text
    assert "Hvert tertial" in text and "31. mai 2026" in text
    assert "3. tertial 2025" in text and "8,4" in text and "Høyt i desember" in text
    assert world.sector_leader.get_full_name() in text
    assert 'id="registrer-verdi"' not in text
    assert record_url(indicator) not in text and assign_url(indicator) not in text


def test_the_unit_manager_gets_the_form_set_to_the_period_due(browse, indicator):
    text = browse("unit_manager").get(page(indicator)).text
    assert 'id="registrer-verdi"' in text
    assert 'value="2026-04-30"' in text and 'value="1. tertial 2026"' in text
    assert assign_url(indicator) not in text


def test_an_admin_gets_both_forms(browse, indicator):
    text = browse("admin").get(page(indicator)).text
    assert record_url(indicator) in text and assign_url(indicator) in text


def test_another_kommunes_admin_cannot_open_a_non_public_plans_indicator(browse, indicator):
    assert browse("other_admin").get(page(indicator)).status_code == 404


def test_a_public_plans_indicator_shows_another_kommune_no_names(browse, world, indicator):
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    response = browse("other_admin").get(page(indicator))
    assert response.status_code == 200
    assert "Sykefravær i hjemmetjenesten" in response.text and "8,4" in response.text
    assert world.unit_manager.last_name not in response.text
    assert world.sector_leader.last_name not in response.text
    assert 'id="registrer-verdi"' not in response.text


def test_the_page_needs_a_login(browse, indicator):
    response = browse(None).get(page(indicator))
    assert response.status_code == 302 and response["Location"].startswith("/logg-inn/")


def test_recording_a_value_saves_it_and_moves_the_next_due_date(browse, world, indicator):
    client = browse("unit_manager")
    response = client.post(record_url(indicator), value_data())
    assert response.status_code == 302
    assert response["Location"] == page(indicator) + "#verdier"
    measurement = Measurement.objects.get(indicator=indicator, period_end=date(2026, 4, 30))
    assert (str(measurement.value), str(measurement.national_average)) == ("7.50", "6.90")
    assert (measurement.source, measurement.note) == ("HR-systemet", "Nede etter tiltak")
    assert measurement.recorded_by == world.unit_manager
    assert Indicator.objects.get(pk=indicator.pk).next_due_on == date(2026, 9, 30)
    text = client.get(page(indicator)).text
    assert "Verdien er registrert." in text and "7,5" in text


def test_a_value_that_is_not_a_number_is_named_and_nothing_is_saved(browse, indicator):
    response = browse("unit_manager").post(record_url(indicator), value_data(value="sju"))
    assert response.status_code == 400
    assert 'id="verdi-feil"' in response.text
    assert 'id="id_verdi-value_error"' in response.text
    assert 'value="sju"' in response.text
    assert Measurement.objects.filter(indicator=indicator).count() == 1


def test_a_second_value_for_a_period_is_a_clear_error_on_the_period(browse, indicator):
    response = browse("unit_manager").post(
        record_url(indicator), value_data(period_end="2025-12-31", value="9"))
    assert response.status_code == 400
    assert 'id="id_verdi-period_end_error"' in response.text
    assert "Det er allerede registrert en verdi for denne indikatoren og perioden." in (
        response.text)
    assert Measurement.objects.get(indicator=indicator).value == Decimal("8.40")


@pytest.mark.parametrize("persona", ["reader", "other_admin"])
def test_someone_who_may_not_record_is_refused(browse, world, indicator, persona):
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    response = browse(persona).post(record_url(indicator), value_data())
    assert response.status_code == 403
    assert Measurement.objects.filter(indicator=indicator).count() == 1


def test_the_sector_leader_gives_the_indicator_to_another_unit_of_his_sector(
        browse, world, indicator):
    response = browse("sector_leader").post(assign_url(indicator), {
        "oppfolging-responsible_unit": world.nursing_home.pk,
        "oppfolging-responsible_person": "",
        "oppfolging-frequency": "quarterly",
        "oppfolging-next_due_on": "2026-07-31"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.responsible_unit, indicator.responsible_person) == (world.nursing_home,
                                                                          None)
    assert (indicator.frequency, indicator.next_due_on) == ("quarterly", date(2026, 7, 31))


def test_a_reader_is_not_offered_as_responsible(browse, world, indicator):
    response = browse("admin").post(assign_url(indicator), {
        "oppfolging-responsible_unit": world.home_care.pk,
        "oppfolging-responsible_person": world.reader.pk,
        "oppfolging-frequency": "yearly", "oppfolging-next_due_on": ""})
    assert response.status_code == 400
    assert 'id="id_oppfolging-responsible_person_error"' in response.text
    assert Indicator.objects.get(pk=indicator.pk).frequency == "tertial"


def test_a_person_without_a_unit_is_refused_on_the_unit(browse, world, indicator):
    response = browse("admin").post(assign_url(indicator), {
        "oppfolging-responsible_unit": "",
        "oppfolging-responsible_person": world.unit_manager.pk,
        "oppfolging-frequency": "yearly", "oppfolging-next_due_on": ""})
    assert response.status_code == 400
    assert 'id="id_oppfolging-responsible_unit_error"' in response.text
    assert Indicator.objects.get(pk=indicator.pk).responsible_unit == world.home_care


def test_a_unit_manager_cannot_assign(browse, world, indicator):
    response = browse("unit_manager").post(assign_url(indicator), {
        "oppfolging-responsible_unit": world.home_care.pk, "oppfolging-frequency": "yearly"})
    assert response.status_code == 403
    assert Indicator.objects.get(pk=indicator.pk).frequency == "tertial"


def test_the_page_runs_a_constant_number_of_queries(browse, world, indicator):
    client = browse("admin")
    years = iter(range(2000, 2025))

    def add(n):
        for _ in range(n):
            MeasurementFactory(indicator=indicator, period_end=date(next(years), 12, 31),
                               recorded_by=world.unit_manager)

    assert_constant_queries(add, lambda: client.get(page(indicator)))


# --- The plan page and Mine tiltak -------------------------------------------------------


def test_the_plan_page_links_each_indicator_and_offers_recording_to_who_may(
        browse, world, indicator):
    plan_page = reverse("strategies:plan-detail", args=[world.plan.pk])
    text = browse("unit_manager").get(plan_page).text
    assert f'href="{page(indicator)}"' in text
    assert f'href="{page(indicator)}#registrer-verdi"' in text
    reader = browse("reader").get(plan_page).text
    assert f'href="{page(indicator)}"' in reader
    assert "#registrer-verdi" not in reader


def test_the_public_plan_page_has_no_indicator_links(browse, world, indicator):
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    text = browse(None).get(reverse("strategies:public-plan-detail",
                                    args=[world.plan.pk])).text
    assert "Sykefravær i hjemmetjenesten" in text
    assert page(indicator) not in text


def test_the_plan_page_reads_who_may_record_once_whatever_the_number_of_indicators(
        browse, world):
    client = browse("unit_manager")
    url = reverse("strategies:plan-detail", args=[world.plan.pk])

    def add(n):
        for _ in range(n):
            IndicatorFactory(goal=world.goal, responsible_unit=world.home_care,
                             next_due_on=date(2026, 5, 31))

    assert_constant_queries(add, lambda: client.get(url))


def test_mine_tiltak_lists_the_indicator_values_owed_soon_or_overdue(browse, world):
    today = timezone.localdate()
    owed = {
        "soon": IndicatorFactory(goal=world.goal, name="Snart", responsible_unit=world.home_care,
                                 next_due_on=today + timedelta(days=10)),
        "overdue": IndicatorFactory(goal=world.goal, name="Forsinket",
                                    responsible_person=world.unit_manager,
                                    responsible_unit=world.school,
                                    next_due_on=today - timedelta(days=3)),
    }
    IndicatorFactory(goal=world.goal, name="Om lenge", responsible_unit=world.home_care,
                     next_due_on=today + timedelta(days=40))
    IndicatorFactory(goal=world.goal, name="Sykehjemmets", responsible_unit=world.nursing_home,
                     next_due_on=today)
    text = browse("unit_manager").get(reverse("actions:mine")).text
    section = text[text.index('id="gruppe-indikatorer"'):]
    assert "Snart" in section and "Forsinket" in section
    assert "Om lenge" not in section and "Sykehjemmets" not in section
    assert section.index("Forsinket") < section.index("Snart")
    for indicator in owed.values():
        assert f'href="{page(indicator)}#registrer-verdi"' in section
    assert 'id="gruppe-indikatorer"' not in browse("reader").get(reverse("actions:mine")).text


def test_mine_tiltak_reads_the_indicators_in_one_query(browse, world):
    client = browse("unit_manager")

    def add(n):
        for _ in range(n):
            IndicatorFactory(goal=world.goal, responsible_unit=world.home_care,
                             next_due_on=timezone.localdate())

    assert_constant_queries(add, lambda: client.get(reverse("actions:mine")))
