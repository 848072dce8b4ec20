"""The real-world mess of municipal tables: each case imports cleanly or is reported where
it is."""

from __future__ import annotations

import io
from datetime import date, datetime

import docx
import pytest

from actions.importing.preview import PlanSpec
from actions.importing.service import import_plan
from actions.models import Action
from tests.strategies.import_files import build_csv, build_xlsx
from tests.strategies.seed_tables import SeedTable


def run(world, content, name, *, dry_run=False):
    preview, result = import_plan(actor=world.admin, organization=world.org, content=content,
                                  filename=name, spec=PlanSpec(title="Rotete plan 2025-2028"),
                                  dry_run=dry_run)
    return preview, result


def tree(preview):
    return {area.title: {goal.title: [a.title for a in goal.actions] for goal in area.goals}
            for area in preview.focus_areas}


def test_a_cell_with_several_lines_holds_several_tiltak(world):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak"],
                         ["Bolig", "Tilby boliger", "Tilpassede vikarboliger\n\n"
                                                    "Boligprosjekt i kommunen  "]])
    preview, _ = run(world, content, "a.csv", dry_run=True)
    assert tree(preview) == {"Bolig": {"Tilby boliger": ["Tilpassede vikarboliger",
                                                         "Boligprosjekt i kommunen"]}}


def test_a_row_without_a_delmal_continues_the_one_above(world):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak"],
                         ["Samarbeid", "Bedre samhandling", "Strategisk arbeid"],
                         ["", "", "Kompetanseheving"],
                         ["", "  ", "Politisk forankring"]])
    preview, _ = run(world, content, "a.csv", dry_run=True)
    assert tree(preview) == {"Samarbeid": {"Bedre samhandling": [
        "Strategisk arbeid", "Kompetanseheving", "Politisk forankring"]}}
    assert preview.problems == []


def test_empty_rows_and_empty_columns_are_skipped(world):
    content = build_xlsx([
        [None, None, None, None, None],
        ["Handlingsplan for demens", None, None, None, None],
        ["Satsingsområde", None, "Delmål", "Tiltak", "Tid"],
        [None, None, None, None, None],
        ["Demens", None, "Demensvennlig samfunn", "Opplæring", None],
        [None, None, None, None, None],
        ["Demens", None, "Økt kompetanse", "Kurs", None],
        *[[None] * 5 for _ in range(10)],
    ])
    preview, _ = run(world, content, "a.xlsx", dry_run=True)
    assert tree(preview) == {"Demens": {"Demensvennlig samfunn": ["Opplæring"],
                                        "Økt kompetanse": ["Kurs"]}}
    assert preview.problems == []


def _merge_down(table, column: int, first: int, last: int) -> None:
    table.cell(first, column).merge(table.cell(last, column))


def test_merged_word_cells_carry_the_delmal_down_and_a_full_width_row_is_a_focus_area(world):
    document = docx.Document()
    document.add_heading("Handlingsplan", 1)
    table = document.add_table(rows=6, cols=4)
    rows = [["Mål", "Tiltak", "Ansvarleg", "Tidsrom"],
            ["Rus og psykisk helse", "", "", ""],
            ["Tidleg innsats", "Kurs for tilsette", "", "2025"],
            ["", "Gruppetilbod", "", "løpende"],
            ["", "Samtalegrupper", "", "2026"],
            ["Betre samarbeid", "Faste møte", "", ""]]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(1, 3))  # a full-width sub-heading row
    table.cell(1, 0).text = "Rus og psykisk helse"
    _merge_down(table, 0, 2, 4)
    out = io.BytesIO()
    document.save(out)
    preview, result = run(world, out.getvalue(), "a.docx")
    assert preview.errors == []
    assert tree(preview) == {"Rus og psykisk helse": {
        "Tidleg innsats": ["Kurs for tilsette", "Gruppetilbod", "Samtalegrupper"],
        "Betre samarbeid": ["Faste møte"]}}
    assert result.created["actions"] == 4


def test_merged_excel_cells_carry_the_delmal_and_the_tid_down(world):
    content = build_xlsx(
        [["Satsingsområde", "Delmål", "Tiltak", "Frist"],
         ["Kompetanse", "Være attraktiv", "Rekrutteringstilskudd", "Q3 2025"],
         [None, None, "Mentorordning", None],
         [None, None, "Stipend", None]],
        merges=["A2:A4", "B2:B4", "D2:D4"],
    )
    preview, result = run(world, content, "a.xlsx")
    assert tree(preview) == {"Kompetanse": {"Være attraktiv": [
        "Rekrutteringstilskudd", "Mentorordning", "Stipend"]}}
    due = set(Action.objects.filter(goal__focus_area__plan=result.plan)
              .values_list("due_date", flat=True))
    assert due == {date(2025, 9, 30)}


@pytest.mark.parametrize("tid,start,due,warned", [
    ("2024-", date(2024, 1, 1), None, False),
    ("løpende", None, None, False),
    ("2025–2026", date(2025, 1, 1), date(2026, 12, 31), False),
    ("2025 - 2026", date(2025, 1, 1), date(2026, 12, 31), False),
    ("Q3 2025", date(2025, 7, 1), date(2025, 9, 30), False),
    ("3. kvartal 2025", date(2025, 7, 1), date(2025, 9, 30), False),
    ("høst 2025", date(2025, 8, 1), date(2025, 12, 31), False),
    ("2. tertial 2026", date(2026, 5, 1), date(2026, 8, 31), False),
    ("31.12.2025", None, date(2025, 12, 31), False),
    ("2025-12-31", None, date(2025, 12, 31), False),
    ("innen 2027", None, date(2027, 12, 31), False),
    ("desember 2025", None, date(2025, 12, 31), False),
    ("når det passer", None, None, True),
    ("31.02.2025", None, None, True),
])
def test_the_tid_text_is_kept_and_read_as_dates_where_possible(world, tid, start, due, warned):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak", "Tid"],
                         ["Demens", "Et delmål", "Et tiltak", tid]])
    preview, result = run(world, content, "a.csv")
    action = Action.objects.get(goal__focus_area__plan=result.plan)
    assert (action.period_text, action.start_date, action.due_date) == (tid, start, due)
    warnings = [p for p in preview.warnings if p.location.column == "Tid"]
    assert bool(warnings) == warned
    if warned:
        assert warnings[0].location.row == 2


def test_a_spreadsheet_date_in_the_tid_column_becomes_the_deadline(world):
    content = build_xlsx([["Satsingsområde", "Delmål", "Tiltak", "Tidsfrist"],
                          ["Demens", "Et delmål", "Et tiltak", datetime(2026, 6, 30)]])
    _, result = run(world, content, "a.xlsx")
    action = Action.objects.get(goal__focus_area__plan=result.plan)
    assert (action.due_date, action.period_text) == (date(2026, 6, 30), "30.06.2026")


def test_ansvar_is_matched_against_the_units_and_unmatched_names_are_reported(world):
    content = build_csv([
        ["Satsingsområde", "Delmål", "Tiltak", "Ansvar"],
        ["Helse", "Mål", "Ett", "Hjemmetjenesten"],
        ["Helse", "Mål", "To", "hjemmetjeneste"],
        ["Helse", "Mål", "Tre", "Sykehjemmet / Skole"],
        ["Helse", "Mål", "Fire", "Helse og omsorg"],
        ["Helse", "Mål", "Fem", "Kommunalsjefen, Sykehjemmet"],
        ["Helse", "Mål", "Seks", ""],
    ])
    preview, result = run(world, content, "a.csv")
    actions = {a.title: a for a in Action.objects.filter(goal__focus_area__plan=result.plan)}
    assert actions["Ett"].responsible_unit == world.home_care
    assert actions["To"].responsible_unit == world.home_care
    assert actions["Tre"].responsible_unit == world.nursing_home
    assert list(actions["Tre"].contributing_units.all()) == [world.school]
    assert actions["Fire"].responsible_unit == world.health
    assert actions["Fem"].responsible_unit == world.nursing_home
    assert actions["Seks"].responsible_unit is None
    (warning,) = preview.warnings
    assert (warning.location.row, warning.location.column) == (6, "Ansvar")
    assert "«Kommunalsjefen»" in warning.message


@pytest.mark.parametrize("header", [
    ["Delmål", "Tiltak", "Ansvar", "Tid"],
    ["Mål", "Tiltak", "Ansvarleg", "Tidsrom"],
    ["DELMÅL:", "Tiltak*", "Ansvarlig", "Tidsperspektiv"],
    ["Mål/delmål", "Tiltak", "Ansvar", "Frist"],
])
def test_headers_in_bokmal_and_nynorsk_are_recognised(world, header):
    content = build_csv([["Satsingsområde", *header], ["Folkehelse", "Eit mål", "Eit tiltak",
                                                        "Skole", "2026"]])
    _, result = run(world, content, "a.csv")
    action = Action.objects.get(goal__focus_area__plan=result.plan)
    assert (action.title, action.responsible_unit, action.due_date) == (
        "Eit tiltak", world.school, date(2026, 12, 31))


def test_the_status_column_gives_the_actions_status_with_a_history_entry(world):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak", "Status"],
                         ["A", "B", "Ferdig tiltak", "Fullført"],
                         ["A", "B", "Pågående tiltak", "pågår"],
                         ["A", "B", "Nytt tiltak", ""],
                         ["A", "B", "Rart tiltak", "grønn"]])
    preview, result = run(world, content, "a.csv")
    actions = {a.title: a for a in Action.objects.filter(goal__focus_area__plan=result.plan)}
    assert (actions["Ferdig tiltak"].status, actions["Ferdig tiltak"].progress) == (
        "completed", 100)
    assert actions["Ferdig tiltak"].status_updates.count() == 1
    assert actions["Pågående tiltak"].status == "in_progress"
    assert actions["Nytt tiltak"].status_updates.count() == 0
    assert actions["Rart tiltak"].status == "not_started"
    assert [p.location.row for p in preview.warnings] == [5]


def test_the_heading_above_each_word_table_is_its_focus_area(world):
    from tests.strategies.import_files import build_docx

    content = build_docx([SeedTable("Demens", [["Delmål", "Tiltak"], ["A", "B"]]),
                          SeedTable("Folkehelse", [["Delmål", "Tiltak"], ["C", "D"]])])
    preview, _ = run(world, content, "a.docx", dry_run=True)
    assert tree(preview) == {"Demens": {"A": ["B"]}, "Folkehelse": {"C": ["D"]}}


def test_norwegian_excel_csv_in_windows_1252_with_commas(world):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak"],
                         ["Økonomi", "Bærekraftig drift", "Gjennomgå årsbudsjettet, på nytt"]],
                        delimiter=",", encoding="cp1252")
    preview, _ = run(world, content, "a.csv", dry_run=True)
    assert tree(preview) == {"Økonomi": {"Bærekraftig drift": [
        "Gjennomgå årsbudsjettet, på nytt"]}}


def test_a_tiltak_repeated_under_the_same_delmal_is_imported_once_with_a_warning(world):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak"],
                         ["A", "B", "Samme tiltak"], ["A", "B", "Samme  tiltak"]])
    preview, result = run(world, content, "a.csv")
    assert result.created["actions"] == 1
    assert preview.warnings[0].location.row == 3


def test_reimporting_after_adding_rows_creates_only_the_new_rows(world):
    rows = [["Satsingsområde", "Delmål", "Tiltak"], ["A", "B", "Første"]]
    run(world, build_csv(rows), "a.csv")
    preview, result = run(world, build_csv([*rows, ["A", "B", "Andre"], ["A", "C", "Tredje"]]),
                          "a.csv")
    assert result.created == {"actions": 2, "goals": 1}
    assert preview.counts()["goals"] == {"new": 1, "existing": 1}


def test_reimporting_fills_in_a_blank_ansvar_and_tid_but_never_overwrites(world):
    from actions.services import assign_action

    header = ["Satsingsområde", "Delmål", "Tiltak", "Ansvar", "Tid"]
    blank = [header, ["A", "B", "Tomt ansvar", "", ""], ["A", "B", "Satt i appen", "", ""],
             ["A", "B", "Bare tid mangler", "Hjemmetjenesten", ""]]
    _, first = run(world, build_csv(blank), "handlingsplan.csv")
    assert first.filled == 0
    in_app = Action.objects.get(title="Satt i appen")
    assign_action(actor=world.admin, action=in_app, expected_version=in_app.version,
                  responsible_unit=world.school, responsible_person=None,
                  due_date=date(2027, 6, 30))

    filled_in = [header, ["A", "B", "Tomt ansvar", "Hjemmetjenesten", "2026"],
                 ["A", "B", "Satt i appen", "Sykehjemmet", "2025"],
                 ["A", "B", "Bare tid mangler", "Sykehjemmet", "løpende"]]
    dry, _ = run(world, build_csv(filled_in), "handlingsplan.csv", dry_run=True)
    fills = {a.title: a.fills for a in dry.focus_areas[0].goals[0].actions}
    assert fills == {"Tomt ansvar": ["ansvar", "tid"], "Satt i appen": [],
                     "Bare tid mangler": ["tid"]}
    assert dry.counts()["actions"] == {"new": 0, "existing": 3, "filled": 2}
    assert Action.objects.get(title="Tomt ansvar").responsible_unit is None  # dry run

    _, result = run(world, build_csv(filled_in), "handlingsplan.csv")
    assert result.created == {} and result.filled == 2
    empty = Action.objects.get(title="Tomt ansvar")
    assert empty.responsible_unit == world.home_care
    assert empty.due_date == date(2026, 12, 31) and empty.period_text == "2026"
    kept = Action.objects.get(title="Satt i appen")
    assert (kept.responsible_unit, kept.due_date) == (world.school, date(2027, 6, 30))
    only_time = Action.objects.get(title="Bare tid mangler")
    assert only_time.responsible_unit == world.home_care  # not moved to Sykehjemmet
    assert only_time.period_text == "løpende" and only_time.due_date is None
    assert empty.version == 2 and kept.version == 2  # one assignment each, no more

    _, again = run(world, build_csv(filled_in), "handlingsplan.csv")
    assert again.filled == 0 and again.created == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_simultaneous_imports_of_the_same_file_create_every_row_once(world):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("threads need a server database; SQLite serialises writers itself")
    from actions.importing.service import commit_import, preview_import

    content = build_csv([["Satsingsområde", "Delmål", "Tiltak"], ["A", "B", "Første"],
                         ["A", "B", "Andre"], ["A", "C", "Tredje"]])
    # Both previews are made before either commits: each thinks everything is new.
    previews = [preview_import(actor=world.admin, organization=world.org, content=content,
                               filename="samtidig.csv",
                               spec=PlanSpec(title="Samtidig plan 2025-2028"))
                for _ in range(2)]
    assert all(p.counts()["actions"]["new"] == 3 for p in previews)
    barrier = threading.Barrier(2)
    created: list[dict] = []
    errors: list[BaseException] = []

    def importer(preview) -> None:
        try:
            barrier.wait()
            created.append(commit_import(actor=world.admin, preview=preview).created)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=importer, args=(p,)) for p in previews]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Action.objects.filter(goal__focus_area__plan__title="Samtidig plan 2025-2028"
                                 ).count() == 3
    # One plan, one focus area, two goals and three actions, created once.
    assert sorted(sum(c.values()) for c in created) == [0, 7]
