"""``manage.py import_statistics`` on real JSON-stat files."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from planportal.models import Organization
from strategies.models import Measurement
from tests.factories import IndicatorFactory
from tests.strategies.statistics_files import STANDARD_VALUES, as_bytes, ssb_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def share(world):
    Organization.objects.filter(pk=world.org.pk).update(kommunenummer="3424")
    return IndicatorFactory(goal=world.goal, name="Andel 80+ i institusjon",
                            statistics_table="12345", statistics_content="KOSandel")


@pytest.fixture
def ssb_file(tmp_path):
    path = tmp_path / "12345.json"
    path.write_bytes(as_bytes(ssb_answer(STANDARD_VALUES)))
    return path


def run(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_statistics", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_command_records_the_values_and_lists_every_skipped_cell(share, ssb_file):
    output = run(ssb_file, "--organization", "testkommune")
    assert "Table 12345 for Testkommune: 2 new, 0 revised, 0 unchanged, 6 cells skipped." \
        in output
    assert "new: Andel 80+ i institusjon, 2024: 12.8 (national average 10.5)" in output
    assert ("skipped: Table 12345, region 3424, time 2023, content code KOSantall: no "
            "indicator of Testkommune follows content code KOSantall of table 12345") in output
    assert "region 3425, time 2024, content code KOSandel: the region is not" in output
    assert share.measurements.count() == 2


def test_a_second_run_changes_nothing(share, ssb_file):
    run(ssb_file, "--organization", "testkommune")
    assert "0 new, 0 revised, 2 unchanged" in run(ssb_file, "--organization", "testkommune")
    assert share.measurements.count() == 2


def test_a_dry_run_writes_nothing(share, ssb_file):
    output = run(ssb_file, "--organization", "testkommune", "--dry-run")
    assert "2 new" in output and "Dry run: nothing was written." in output
    assert not Measurement.objects.exists()


def test_a_refused_file_is_a_non_zero_exit_naming_the_problem(share, tmp_path):
    path = tmp_path / "feil.json"
    path.write_bytes(b'{"class": "collection"}')
    with pytest.raises(CommandError, match=r"feil\.json was not imported: .*«class» must be"):
        run(path, "--organization", "testkommune")


def test_a_file_over_the_limit_is_refused_before_it_is_read(share, tmp_path, settings):
    settings.STATISTICS_IMPORT_MAX_BYTES = 1024
    path = tmp_path / "stor.json"
    path.write_bytes(b" " * 2000)
    with pytest.raises(CommandError, match="2000 bytes; the limit is 1024"):
        run(path, "--organization", "testkommune")


@pytest.mark.parametrize("args,message", [
    (["--organization", "finnes-ikke"], "finnes-ikke"),
    (["--organization", "testkommune", "--table", "54321"], "from table 12345, not 54321"),
])
def test_an_unknown_kommune_or_another_table_is_a_clear_error(share, ssb_file, args, message):
    with pytest.raises(CommandError, match=message):
        run(ssb_file, *args)
    assert not Measurement.objects.exists()


def test_a_missing_file_is_a_clear_error(world, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "borte.json", "--organization", "testkommune")
