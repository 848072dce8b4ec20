"""Importing a statistics-bank dataset as measurements of a kommune's indicators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from planportal.audit.models import AuditEvent
from planportal.models import Organization
from planportal.permissions import SystemActor
from strategies import services
from strategies.models import Measurement
from strategies.statistics.importing import (
    MAX_LISTED,
    StatisticsRefused,
    import_statistics,
    read_dataset,
)
from tests.factories import IndicatorFactory, MeasurementFactory
from tests.queries import count_queries
from tests.strategies.statistics_files import STANDARD_VALUES, as_bytes, ssb_answer

pytestmark = pytest.mark.django_db

IMPORTER = SystemActor("import")


@pytest.fixture
def kommune(world):
    """Testkommune as Rendalen's region code, with two indicators following table 12345."""
    Organization.objects.filter(pk=world.org.pk).update(kommunenummer="3424")
    world.org.kommunenummer = "3424"
    share = IndicatorFactory(goal=world.goal, name="Andel 80+ i institusjon",
                             statistics_table="12345", statistics_content="KOSandel")
    places = IndicatorFactory(goal=world.goal, name="Institusjonsplasser",
                              statistics_table="12345", statistics_content="KOSantall")
    return world.org, share, places


def run(organization, answer, actor=IMPORTER, **options):
    with translation.override("en"):
        return import_statistics(actor=actor, organization=organization,
                                 dataset=read_dataset(as_bytes(answer)), **options)


def values_of(indicator):
    return [(m.period_end, m.period_label, m.value, m.national_average, m.source)
            for m in indicator.measurements.order_by("period_end")]


def test_the_kommunes_values_become_measurements_with_the_national_average(kommune):
    organization, share, places = kommune
    report = run(organization, ssb_answer(STANDARD_VALUES))
    assert values_of(share) == [
        (date(2023, 12, 31), "2023", Decimal("12.30"), Decimal("10.20"), "SSB, tabell 12345"),
        (date(2024, 12, 31), "2024", Decimal("12.80"), Decimal("10.50"), "SSB, tabell 12345"),
    ]
    assert [m[2:4] for m in values_of(places)] == [(20, 30000), (21, 30100)]
    assert (len(report.created), len(report.updated), report.unchanged) == (4, 0, 0)
    # Engerdal's four cells are another kommune's; the country's rows are not reported.
    assert report.skipped_count == 4
    assert {cell.region for cell in report.skipped} == {"3425"}
    assert "the region is not Testkommune (3424)" in report.skipped[0].reason


def test_the_measurements_are_recorded_by_nobody_and_audited_as_an_import(kommune):
    organization, share, _places = kommune
    run(organization, ssb_answer(STANDARD_VALUES))
    measurement = share.measurements.get(period_end=date(2024, 12, 31))
    assert measurement.recorded_by is None
    event = AuditEvent.objects.get(object_id=str(measurement.pk), verb="import")
    assert event.actor_kind == AuditEvent.ActorKind.IMPORT
    assert event.organization_id == organization.pk
    assert event.changes["value"] == [None, "12.80"]


def test_an_administrator_is_the_recorder_of_what_they_import(kommune, world):
    organization, share, _places = kommune
    run(organization, ssb_answer(STANDARD_VALUES), actor=world.admin)
    assert {m.recorded_by for m in share.measurements.all()} == {world.admin}
    assert AuditEvent.objects.filter(verb="import", actor=world.admin).count() == 4


def test_importing_the_same_file_again_changes_nothing(kommune):
    organization, _share, _places = kommune
    run(organization, ssb_answer(STANDARD_VALUES))
    before = list(Measurement.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    again = run(organization, ssb_answer(STANDARD_VALUES))
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 4)
    assert list(Measurement.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events


def test_a_figure_ssb_revised_is_revised_with_the_old_value_in_the_audit_trail(kommune):
    organization, share, _places = kommune
    run(organization, ssb_answer(STANDARD_VALUES))
    revised = list(STANDARD_VALUES)
    revised[1] = 13.1  # Rendalen, KOSandel, 2024: June's revised KOSTRA figure
    report = run(organization, ssb_answer(revised))
    assert [(v.indicator, v.period, v.value) for v in report.updated] == [
        ("Andel 80+ i institusjon", "2024", Decimal("13.10"))]
    measurement = share.measurements.get(period_end=date(2024, 12, 31))
    assert measurement.value == Decimal("13.10")
    event = AuditEvent.objects.get(object_id=str(measurement.pk), verb="update")
    assert event.changes == {"value": ["12.80", "13.10"]}


def test_a_value_entered_by_hand_is_never_overwritten_but_reported(kommune):
    organization, share, _places = kommune
    MeasurementFactory(indicator=share, period_end=date(2024, 12, 31), value=11,
                       source="Kommunens egen telling")
    report = run(organization, ssb_answer(STANDARD_VALUES))
    assert share.measurements.get(period_end=date(2024, 12, 31)).value == 11
    conflict = [c for c in report.skipped
                if (c.region, c.time, c.content) == ("3424", "2024", "KOSandel")]
    assert len(conflict) == 1
    assert "already has 11 for 2024, entered by hand" in conflict[0].reason
    assert "12.8 is not recorded" in conflict[0].reason
    assert len(report.created) == 3


def test_the_national_average_is_filled_in_on_a_value_already_recorded(kommune):
    organization, share, _places = kommune
    MeasurementFactory(indicator=share, period_end=date(2024, 12, 31), value="12.8",
                       source="")
    report = run(organization, ssb_answer(STANDARD_VALUES))
    measurement = share.measurements.get(period_end=date(2024, 12, 31))
    assert (measurement.value, measurement.national_average, measurement.source) == (
        Decimal("12.80"), Decimal("10.50"), "")
    assert [v.period for v in report.updated] == ["2024"]


def test_kostra_style_region_codes_are_matched(kommune):
    organization, share, _places = kommune
    answer = ssb_answer([12.3, 12.8, 20, 21, 10.2, 10.5, 30000, 30100],
                        regions=["K-3424", "EAK"])
    answer["id"][0] = answer["role"]["geo"][0] = "KOKkommuneregion0000"
    answer["dimension"]["KOKkommuneregion0000"] = answer["dimension"].pop("Region")
    del answer["role"]
    report = run(organization, answer)
    assert [m[2:4] for m in values_of(share)] == [(Decimal("12.30"), Decimal("10.20")),
                                                  (Decimal("12.80"), Decimal("10.50"))]
    assert report.skipped_count == 0


def test_missing_values_and_unknown_content_codes_are_reported_per_cell(kommune):
    organization, share, places = kommune
    # The country's KOSandel 2024 is missing too: no national average, and not reported.
    answer = ssb_answer([None, 12.8, 20, 21, 5, 6, 10.2, None, 30000, 30100, 7, 8],
                        regions=["3424", "0"], contents=["KOSandel", "KOSantall", "KOSukjent"],
                        status={"2": ":", "3": "..", "7": ".."})
    report = run(organization, answer)
    reasons = {(c.content, c.time): c.reason for c in report.skipped}
    assert reasons == {
        ("KOSandel", "2023"): "the value is missing",
        ("KOSantall", "2023"): "the value is missing: the figure is hidden for "
                               "confidentiality (:)",
        ("KOSantall", "2024"): "the value is missing: the figure is not available (..)",
        ("KOSukjent", "2023"): "no indicator of Testkommune follows content code KOSukjent "
                               "of table 12345",
        ("KOSukjent", "2024"): "no indicator of Testkommune follows content code KOSukjent "
                               "of table 12345",
    }
    assert [m[2:4] for m in values_of(share)] == [(Decimal("12.80"), None)]
    assert not places.measurements.exists()
    with translation.override("en"):
        assert str(report.skipped[0]) == ("Table 12345, region 3424, time 2023, content code "
                                          "KOSandel: the value is missing")


def test_tertials_quarters_and_months_end_on_the_last_day_of_the_period(kommune):
    organization, share, _places = kommune
    run(organization, ssb_answer([1, 2, 3, 4], regions=["3424"], contents=["KOSandel"],
                                 times=["2024T2", "2024K3", "2024M02", "2024H1"]))
    # Stored in the kommune's language (Bokmål), whoever imported.
    assert [(m[0], m[1]) for m in values_of(share)] == [
        (date(2024, 2, 29), "februar 2024"), (date(2024, 6, 30), "1. halvår 2024"),
        (date(2024, 8, 31), "2. tertial 2024"), (date(2024, 9, 30), "3. kvartal 2024")]


def test_labels_and_the_source_are_in_the_kommunes_language(kommune):
    organization, share, _places = kommune
    Organization.objects.filter(pk=organization.pk).update(language="nn")
    organization.refresh_from_db()
    run(organization, ssb_answer([1], regions=["3424"], contents=["KOSandel"],
                                 times=["2024K3"]))
    assert values_of(share)[0][1] == "3. kvartal 2024"
    assert values_of(share)[0][4] == "SSB, tabell 12345"


def test_an_unknown_time_code_is_reported_not_guessed(kommune):
    organization, share, _places = kommune
    report = run(organization, ssb_answer([1, 2], regions=["3424"], contents=["KOSandel"],
                                          times=["2024U05", "2023-2024"]))
    assert not share.measurements.exists()
    assert [c.time for c in report.skipped] == ["2024U05", "2023-2024"]
    assert "quarters (2024K3)" in report.skipped[0].reason


def test_values_are_rounded_to_two_decimals_and_absurd_ones_are_skipped(kommune):
    organization, share, _places = kommune
    report = run(organization, ssb_answer([12.345, 1e15], regions=["3424"],
                                          contents=["KOSandel"]))
    assert [m[2] for m in values_of(share)] == [Decimal("12.35")]
    assert "too large to record" in report.skipped[0].reason


def test_two_indicators_following_the_same_content_both_get_the_value(kommune, world):
    organization, share, _places = kommune
    twin = IndicatorFactory(goal=world.goal, name="Samme tall i en annen plan",
                            statistics_table="12345", statistics_content="KOSandel")
    run(organization, ssb_answer(STANDARD_VALUES))
    assert [m[2] for m in values_of(twin)] == [m[2] for m in values_of(share)]


def test_another_kommunes_indicators_are_not_touched(kommune, other_plan):
    organization, _share, _places = kommune
    theirs = IndicatorFactory(goal=other_plan.goal, statistics_table="12345",
                              statistics_content="KOSandel")
    run(organization, ssb_answer(STANDARD_VALUES))
    assert not theirs.measurements.exists()


def test_a_dry_run_reports_the_same_and_writes_nothing(kommune):
    organization, _share, _places = kommune
    report = run(organization, ssb_answer(STANDARD_VALUES), dry_run=True)
    assert len(report.created) == 4 and report.dry_run
    assert not Measurement.objects.exists()


def test_a_long_list_of_skipped_cells_is_cut_and_counted(kommune):
    organization, _share, _places = kommune
    regions = ["3424", *[f"{5000 + i}" for i in range(1, 300)]]
    answer = ssb_answer([1] * (len(regions) * 4), regions=regions)
    report = run(organization, answer)
    assert report.skipped_count == 299 * 4
    assert len(report.skipped) == MAX_LISTED
    assert report.unlisted == 299 * 4 - MAX_LISTED


def test_a_dry_run_reads_in_the_same_few_queries_whatever_the_number_of_cells(kommune):
    organization, share, _places = kommune
    MeasurementFactory(indicator=share, period_end=date(2020, 12, 31))

    def dry_run(regions):
        codes = ["3424", *[f"{5000 + i}" for i in range(1, regions)]]
        answer = ssb_answer([1] * (len(codes) * 4), regions=codes)
        return count_queries(lambda: run(organization, answer, dry_run=True), expected=None)

    assert dry_run(2) == dry_run(200) <= 3


@pytest.mark.parametrize("change,message", [
    (lambda a: a["dimension"]["Region"]["category"].update(index=["3424", "3425", "0"]),
     None),
    (lambda a: (a["extension"]["px"].update(tableid="99999")),
     "from table 99999, not 12345"),
])
def test_a_table_given_must_agree_with_the_file(kommune, change, message):
    organization, _share, _places = kommune
    answer = ssb_answer(STANDARD_VALUES)
    change(answer)
    if message is None:
        assert run(organization, answer, table="12345").created
    else:
        with pytest.raises(StatisticsRefused, match=message):
            run(organization, answer, table="12345")


def test_a_file_that_does_not_name_its_table_needs_it_given(kommune):
    organization, _share, _places = kommune
    answer = ssb_answer(STANDARD_VALUES)
    del answer["extension"]
    answer["label"] = "Institusjonsplasser"
    with pytest.raises(StatisticsRefused, match="does not say which table"):
        run(organization, answer)
    assert len(run(organization, answer, table="12345").created) == 4


def test_a_kommune_without_a_municipality_number_is_refused(world):
    with pytest.raises(StatisticsRefused, match="has no municipality number"):
        run(world.org, ssb_answer(STANDARD_VALUES))


def test_a_dimension_with_several_categories_beyond_the_three_is_refused(kommune):
    organization, _share, _places = kommune
    answer = ssb_answer([1] * 24)
    answer["id"].insert(1, "Kjonn")
    answer["size"].insert(1, 2)
    answer["dimension"]["Kjonn"] = {"label": "kjønn",
                                    "category": {"index": ["1", "2"],
                                                 "label": {"1": "Menn", "2": "Kvinner"}}}
    with pytest.raises(StatisticsRefused, match="«kjønn» has 2 categories"):
        run(organization, answer)
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("dimension,message", [
    ("Region", "no region dimension"), ("ContentsCode", "no content dimension"),
    ("Tid", "no time dimension")])
def test_a_dataset_without_a_region_content_or_time_dimension_is_refused(kommune, dimension,
                                                                         message):
    organization, _share, _places = kommune
    answer = ssb_answer(STANDARD_VALUES)
    del answer["role"]
    position = answer["id"].index(dimension)
    answer["id"][position] = "Noe"
    answer["dimension"]["Noe"] = answer["dimension"].pop(dimension)
    with pytest.raises(StatisticsRefused, match=message):
        run(organization, answer)


@pytest.mark.parametrize("persona", ["sector_leader", "reader", "other_admin"])
def test_only_the_kommunes_administrators_import(kommune, world, persona):
    organization, _share, _places = kommune
    with pytest.raises(PermissionDenied):
        run(organization, ssb_answer(STANDARD_VALUES), actor=world.persona(persona))
    assert not Measurement.objects.exists()


# --- The service that writes them ------------------------------------------------------


def statistics_value(indicator, year, value="1"):
    return services.StatisticsValue(indicator=indicator, period_end=date(year, 12, 31),
                                    period_label=str(year), value=Decimal(value),
                                    national_average=None, source="SSB, tabell 12345")


def test_record_statistics_writes_all_or_nothing(kommune):
    organization, share, places = kommune
    MeasurementFactory(indicator=places, period_end=date(2024, 12, 31))
    # The second value's period was recorded meanwhile (another import, a person).
    with translation.override("en"), pytest.raises(ValidationError, match="run the import again"):
        services.record_statistics(actor=IMPORTER, organization=organization, values=[
            statistics_value(share, 2023), statistics_value(places, 2024)])
    assert not share.measurements.exists()


def test_record_statistics_refuses_another_kommunes_indicator(kommune, other_plan):
    organization, _share, _places = kommune
    theirs = IndicatorFactory(goal=other_plan.goal)
    with pytest.raises(ValidationError):
        services.record_statistics(actor=IMPORTER, organization=organization,
                                   values=[statistics_value(theirs, 2024)])
    assert not theirs.measurements.exists()
