"""A tiltak is imported onto the level its file puts it on: under the delmål above it,
directly on its satsingsområde, or on the plan itself; the preview says which, row by row.
"""

from __future__ import annotations

import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.importing.preview import PlanSpec
from actions.importing.service import import_plan
from actions.models import Action
from strategies.models import Goal
from tests.strategies.import_files import build_csv, build_docx, build_xlsx
from tests.strategies.seed_tables import SeedTable


def run(world, content, name, *, dry_run=False, plan=None):
    spec = PlanSpec(plan=plan) if plan is not None else PlanSpec(title="Nivåplan 2025-2028")
    return import_plan(actor=world.admin, organization=world.org, content=content,
                       filename=name, spec=spec, dry_run=dry_run)


def landing(preview):
    """(level, area, goal, title, row) of every previewed tiltak, in reading order."""
    rows = [("plan", None, None, a.title, a.location.row) for a in preview.actions]
    for area in preview.focus_areas:
        rows += [("focus_area", area.title, None, a.title, a.location.row)
                 for a in area.actions]
        for goal in area.goals:
            rows += [("goal", area.title, goal.title, a.title, a.location.row)
                     for a in goal.actions]
    return rows


def placed(plan):
    """(level, area, goal, title) of every tiltak written into *plan*."""
    return sorted((a.level, a.focus_area.title if a.focus_area else None,
                   a.goal.title if a.goal else None, a.title)
                  for a in Action.objects.filter(plan=plan).select_related("focus_area", "goal"))


def bare_docx(rows: list[list[str]]) -> bytes:
    """A Word document whose only content is one table: no heading, no text above it."""
    document = docx.Document()
    table = document.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_satsingsomrade_column_without_delmal_puts_the_tiltak_on_the_area(world):
    content = build_csv([["Satsingsområde", "Tiltak", "Ansvar"],
                         ["Bolig", "Kartlegge boligbehovet", "Skole"],
                         ["", "Etablere boligteam", ""],
                         ["Folkehelse", "Turstier for alle", ""]])
    preview, result = run(world, content, "omrader.csv")
    assert landing(preview) == [
        ("focus_area", "Bolig", None, "Kartlegge boligbehovet", 2),
        ("focus_area", "Bolig", None, "Etablere boligteam", 3),
        ("focus_area", "Folkehelse", None, "Turstier for alle", 4)]
    assert preview.problems == []
    assert placed(result.plan) == [
        ("focus_area", "Bolig", None, "Etablere boligteam"),
        ("focus_area", "Bolig", None, "Kartlegge boligbehovet"),
        ("focus_area", "Folkehelse", None, "Turstier for alle")]
    # No delmål was invented to hold them.
    assert not Goal.objects.filter(focus_area__plan=result.plan).exists()
    assert result.created == {"plans": 1, "focus_areas": 2, "actions": 3}
    first = Action.objects.get(title="Kartlegge boligbehovet")
    assert first.responsible_unit == world.school


def test_tiltak_above_an_areas_first_delmal_go_on_the_area_and_those_below_under_it(world):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak"],
                         ["Bolig", "", "Tiltak for hele området"],
                         ["Bolig", "Flere eier egen bolig", "Startlån"],
                         ["Bolig", "", "Leie til eie"],
                         ["Folkehelse", "", "Områdets eget tiltak"]])
    preview, result = run(world, content, "blandet.csv")
    assert landing(preview) == [
        ("focus_area", "Bolig", None, "Tiltak for hele området", 2),
        ("goal", "Bolig", "Flere eier egen bolig", "Startlån", 3),
        ("goal", "Bolig", "Flere eier egen bolig", "Leie til eie", 4),
        ("focus_area", "Folkehelse", None, "Områdets eget tiltak", 5)]
    assert placed(result.plan) == [
        ("focus_area", "Bolig", None, "Tiltak for hele området"),
        ("focus_area", "Folkehelse", None, "Områdets eget tiltak"),
        ("goal", "Bolig", "Flere eier egen bolig", "Leie til eie"),
        ("goal", "Bolig", "Flere eier egen bolig", "Startlån")]


def test_a_table_of_only_tiltak_goes_on_the_chosen_plan_itself(world):
    content = build_csv([["Tiltak", "Ansvar", "Tid"],
                         ["Temaplan for kultur", "Skole", "2026"],
                         ["Temaplan for idrett", "", "løpende"]])
    preview, result = run(world, content, "temaplaner.csv", plan=world.plan)
    assert landing(preview) == [("plan", None, None, "Temaplan for kultur", 2),
                                ("plan", None, None, "Temaplan for idrett", 3)]
    assert result.plan == world.plan
    assert result.created == {"actions": 2}
    culture = Action.objects.get(title="Temaplan for kultur")
    assert (culture.plan, culture.focus_area, culture.goal) == (world.plan, None, None)
    assert culture.responsible_unit == world.school
    # The plan's existing structure is untouched; nothing new in between.
    assert world.plan.focus_areas.count() == 1


def test_a_word_table_with_a_heading_and_no_delmal_puts_its_tiltak_on_that_area(world):
    content = build_docx([SeedTable("Oppvekst", [["Tiltak", "Ansvar"], ["Leksehjelp", ""]]),
                          SeedTable("Helse", [["Delmål", "Tiltak"], ["Trygg alderdom",
                                                                     "Demensteam"]])])
    preview, _ = run(world, content, "plan.docx", dry_run=True)
    assert landing(preview) == [("focus_area", "Oppvekst", None, "Leksehjelp", 2),
                                ("goal", "Helse", "Trygg alderdom", "Demensteam", 2)]


def test_a_word_table_with_nothing_above_it_and_no_area_or_delmal_is_the_plans_own(world):
    content = bare_docx([["Tiltak", "Status"], ["Revidere planen", "Pågår"]])
    preview, result = run(world, content, "plan.docx")
    assert landing(preview) == [("plan", None, None, "Revidere planen", 2)]
    action = Action.objects.get(plan=result.plan)
    assert (action.level, action.status) == ("plan", "in_progress")


def test_an_excel_sheet_with_its_default_name_names_no_area(world):
    content = build_xlsx([["Tiltak", "Tid"], ["Felles tiltak", "2026"]], title="Ark1")
    preview, _ = run(world, content, "plan.xlsx", dry_run=True)
    assert landing(preview) == [("plan", None, None, "Felles tiltak", 2)]


def test_an_excel_sheet_with_a_real_name_is_the_area_of_its_tiltak(world):
    content = build_xlsx([["Overskrift"], ["Tiltak", "Ansvar"], ["Noe", "Skole"]],
                         title="Helse")
    preview, _ = run(world, content, "plan.xlsx", dry_run=True)
    assert landing(preview) == [("focus_area", "Helse", None, "Noe", 3)]
    assert preview.problems == []


def test_a_delmal_without_any_satsingsomrade_is_refused_at_its_row(world):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak"],
                         ["", "Et delmål", "Et tiltak"],
                         ["Bolig", "Et annet", "Et annet tiltak"]])
    preview, _ = run(world, content, "feil.csv", dry_run=True)
    (error,) = preview.errors
    assert (error.location.table, error.location.row, error.location.column) == (
        "CSV-fil", 2, "Delmål")
    assert "satsingsområde" in error.message


def test_the_same_tiltak_twice_on_an_area_or_the_plan_is_imported_once_with_a_warning(world):
    content = build_csv([["Satsingsområde", "Tiltak"],
                         ["", "Planens tiltak"], ["", "Planens  tiltak"],
                         ["Bolig", "Områdets tiltak"], ["Bolig", "områdets tiltak"]])
    preview, result = run(world, content, "dobbelt.csv")
    assert result.created["actions"] == 2
    assert [(w.location.row, w.location.column) for w in preview.warnings] == [
        (3, "Tiltak"), (5, "Tiltak")]
    assert "samme satsingsområde" in preview.warnings[1].message


def test_importing_again_matches_area_and_plan_level_tiltak_and_fills_their_blanks(world):
    rows = [["Satsingsområde", "Delmål", "Tiltak", "Ansvar"],
            ["", "", "Planens tiltak", ""],
            ["Bolig", "", "Områdets tiltak", ""],
            ["Bolig", "Et delmål", "Delmålets tiltak", ""]]
    _, first = run(world, build_csv(rows), "plan.csv")
    filled = [[*row[:3], "Skole"] for row in rows[1:]]
    preview, second = run(world, build_csv([rows[0], *filled]), "plan.csv")
    assert preview.counts()["actions"] == {"new": 0, "existing": 3, "filled": 3}
    assert second.created == {} and second.filled == 3
    assert set(Action.objects.filter(plan=first.plan).values_list("responsible_unit",
                                                                  flat=True)) == {
        world.school.pk}


def test_a_title_is_matched_on_its_own_level_only(world):
    _, first = run(world, build_csv([["Satsingsområde", "Tiltak"], ["Bolig", "Samme"]]),
                   "a.csv")
    preview, _ = run(world, build_csv([["Tiltak", "Ansvar"], ["Samme", ""]]), "a.csv",
                     plan=first.plan)
    assert preview.counts()["actions"]["new"] == 1
    assert placed(first.plan) == [("focus_area", "Bolig", None, "Samme"),
                                  ("plan", None, None, "Samme")]


def test_the_preview_as_data_says_where_each_row_lands(world):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak"],
                         ["", "", "Planens"], ["Bolig", "", "Områdets"],
                         ["Bolig", "Mål", "Målets"]])
    preview, _ = run(world, content, "a.csv", dry_run=True)
    data = preview.as_dict()
    assert [(a["title"], a["level"], a["row"]) for a in data["actions"]] == [
        ("Planens", "plan", 2)]
    (area,) = data["focus_areas"]
    assert [(a["title"], a["level"], a["row"]) for a in area["actions"]] == [
        ("Områdets", "focus_area", 3)]
    assert [(a["title"], a["level"], a["row"]) for a in area["goals"][0]["actions"]] == [
        ("Målets", "goal", 4)]
    assert data["counts"]["actions"]["new"] == 3


def test_the_admin_preview_shows_the_plans_own_and_the_areas_own_tiltak(plan_admin_client,
                                                                       world):
    content = build_csv([["Satsingsområde", "Delmål", "Tiltak"],
                         ["", "", "Planens eget tiltak"], ["Bolig", "", "Områdets eget"],
                         ["Bolig", "Et mål", "Målets tiltak"]])
    response = plan_admin_client.post("/admin/strategies/plan/import/", {
        "file": SimpleUploadedFile("nivaer.csv", content), "organization": world.org.pk,
        "kind": "action_plan"})
    page = response.content.decode()
    assert response.status_code == 200 and response.context["key"]
    whole_plan = page.index("For hele planen (uten satsingsområde)")
    assert whole_plan < page.index("Planens eget tiltak") < page.index("Bolig")
    on_area = page.index("På satsingsområdet (uten delmål)")
    assert on_area < page.index("Områdets eget") < page.index("Målets tiltak")
