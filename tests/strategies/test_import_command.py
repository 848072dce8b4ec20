"""``manage.py import_plan`` and ``export_plan`` on real files."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from actions.models import Action
from strategies.models import Plan
from tests.factories import ActionFactory
from tests.queries import assert_constant_queries
from tests.strategies.import_files import build_csv, build_docx
from tests.strategies.seed_tables import read_seed_tables


@pytest.fixture
def rendalen_docx(tmp_path):
    path = tmp_path / "Handlingsplan 2025-2030.docx"
    path.write_bytes(build_docx(read_seed_tables()))
    return path


def run(*args):
    out = io.StringIO()
    call_command("import_plan", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_what_would_be_created_and_writes_nothing(rendalen, rendalen_docx):
    output = run(rendalen_docx, "--organization", "rendalen", "--dry-run")
    assert "focus_areas: 6 new, 0 existing" in output
    assert "actions: 75 new, 0 existing" in output
    assert "Dry run" in output
    assert not Plan.objects.exists()


def test_the_command_imports_and_a_second_run_creates_nothing(rendalen, rendalen_docx):
    first = run(rendalen_docx, "--organization", "rendalen")
    assert "actions: 75" in first
    second = run(rendalen_docx, "--organization", "rendalen")
    assert "Created nothing" in second
    assert Action.objects.count() == 75


def test_importing_into_a_chosen_plan(world, tmp_path):
    path = tmp_path / "tillegg.csv"
    path.write_bytes(build_csv([["Satsingsområde", "Delmål", "Tiltak"],
                                ["Nytt område", "Nytt mål", "Nytt tiltak"]]))
    run(path, "--organization", "testkommune", "--plan", world.plan.pk)
    assert world.plan.focus_areas.filter(title="Nytt område").exists()
    assert Plan.objects.count() == 1


def test_errors_are_printed_with_their_place_and_nothing_is_written(world, tmp_path):
    path = tmp_path / "feil.csv"
    path.write_bytes(build_csv([["Delmål", "Tiltak"], ["Et delmål", "Uten område"]]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_plan", str(path), "--organization", "testkommune", stdout=out)
    assert "CSV-fil, rad 2, kolonne «Delmål»" in out.getvalue()
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("args,message", [
    (["--organization", "finnes-ikke"], "finnes-ikke"),
    (["--organization", "testkommune", "--plan", "999999"], "999999"),
])
def test_unknown_kommune_or_plan_is_a_clear_error(world, tmp_path, args, message):
    path = tmp_path / "a.csv"
    path.write_bytes(build_csv([["Delmål", "Tiltak"], ["A", "B"]]))
    with pytest.raises(CommandError, match=message):
        call_command("import_plan", str(path), *args, stdout=io.StringIO())


def test_export_plan_writes_a_workbook_that_imports_back(world, tmp_path):
    path = tmp_path / "plan.xlsx"
    call_command("export_plan", str(world.plan.pk), "--format", "xlsx", "--output", str(path),
                 stdout=io.StringIO())
    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    output = run(path, "--organization", "testkommune", "--plan", world.plan.pk)
    assert "Created nothing" in output
    assert "error" not in output and "warning" not in output


def test_the_xlsx_export_runs_a_constant_number_of_queries(world):
    from actions.exporting.workbook import export_plan_xlsx

    def add_rows(n):
        for _ in range(n):
            action = ActionFactory(goal=world.goal, responsible_unit=world.home_care)
            action.contributing_units.set([world.school])

    assert_constant_queries(add_rows, lambda: export_plan_xlsx(world.plan), expected=None)
