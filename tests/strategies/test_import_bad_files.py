"""Bad input: every case gives a clear error (or a clean import) and creates nothing wrong."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from actions.exporting.workbook import export_plan_xlsx
from actions.importing.preview import PlanSpec
from actions.importing.service import ImportRefused, commit_import, import_plan
from actions.models import Action
from planportal.models import Unit
from strategies.models import FocusArea, Goal, Plan
from tests.strategies.import_files import build_csv, build_docx, build_xlsx
from tests.strategies.seed_tables import SeedTable

GOOD_ROWS = [["Satsingsområde", "Delmål", "Tiltak"], ["Demens", "Et mål", "Et tiltak"]]


def counts():
    return (Plan.objects.count(), FocusArea.objects.count(), Goal.objects.count(),
            Action.objects.count(), Unit.objects.count())


def preview_of(world, content, name, **spec):
    preview, result = import_plan(actor=world.admin, organization=world.org, content=content,
                                  filename=name, spec=PlanSpec(**spec) if spec else None,
                                  dry_run=True)
    assert result is None
    return preview


def refused(world, content, name, **spec):
    """Import for real: it must be refused, name the problem, and write nothing."""
    before = counts()
    preview = preview_of(world, content, name, **spec)
    assert preview.errors, "expected an error"
    with pytest.raises(ImportRefused) as error:
        commit_import(actor=world.admin, preview=preview)
    assert counts() == before
    return preview.errors, str(error.value)


def test_an_empty_file_is_refused(world):
    errors, _ = refused(world, b"", "tom.docx")
    assert errors[0].message == "Filen er tom."


def test_a_file_of_only_whitespace_is_refused(world):
    errors, _ = refused(world, b"  \r\n\t ", "tom.csv")
    assert errors[0].message == "Filen er tom."


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00",
    bytes(range(256)) * 4,
])
def test_a_file_that_is_not_a_document_is_refused(world, content):
    errors, _ = refused(world, content, "bilde.docx")
    assert "ikke en Word-, Excel-, CSV- eller JSON-fil" in errors[0].message


def test_an_old_binary_word_file_is_refused_with_advice(world):
    errors, _ = refused(world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "plan.doc")
    assert ".docx" in errors[0].message


def test_a_truncated_word_file_is_refused(world):
    content = build_docx([SeedTable("Demens", [*GOOD_ROWS[:1], ["A", "B"]])])
    errors, _ = refused(world, content[: len(content) // 2], "halv.docx")
    assert "skadet" in errors[0].message or "kan ikke leses" in errors[0].message


def test_a_zip_that_is_not_an_office_document_is_refused(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hei")
    errors, _ = refused(world, out.getvalue(), "arkiv.docx")
    assert "zip" in errors[0].message


def test_a_word_document_with_broken_xml_is_refused(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("word/document.xml", "<w:document><w:body>")
    errors, _ = refused(world, out.getvalue(), "plan.docx")
    assert "Word-filen kan ikke leses" in errors[0].message


def test_a_word_document_without_tables_is_refused(world):
    import docx

    document = docx.Document()
    document.add_paragraph("Bare tekst her.")
    out = io.BytesIO()
    document.save(out)
    errors, _ = refused(world, out.getvalue(), "plan.docx")
    assert "ingen tabeller" in errors[0].message


def test_wrong_headers_are_refused_and_the_known_ones_are_listed(world):
    errors, _ = refused(world, build_csv([["Navn", "Adresse"], ["Kari", "Storgata 1"]]),
                        "adresser.csv")
    assert "Delmål" in errors[0].message and "Tiltak" in errors[0].message


def test_a_huge_file_is_refused_before_it_is_read(world, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 2048
    content = build_csv(GOOD_ROWS + [["Demens", "Et mål", f"Tiltak {i}"] for i in range(200)])
    errors, _ = refused(world, content, "stor.csv")
    assert "grensen er 2048 byte" in errors[0].message


def test_a_file_that_unpacks_to_far_more_than_the_limit_is_refused(world, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 4096
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<a/>" + " " * 200_000)
    assert len(out.getvalue()) < 4096
    errors, _ = refused(world, out.getvalue(), "bombe.docx")
    assert "størrelsesgrensen" in errors[0].message


def test_too_many_rows_are_refused(world, settings):
    settings.PLAN_IMPORT_MAX_ROWS = 10
    content = build_csv(GOOD_ROWS + [["Demens", "Et mål", f"Tiltak {i}"] for i in range(20)])
    errors, _ = refused(world, content, "lang.csv")
    assert errors[0].message == "Filen har flere rader enn grensen på 10."


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil.example/","Klikk")',
                                  "=1+1", ' =cmd|" /C calc"!A0'])
def test_a_formula_in_a_csv_cell_is_refused_at_its_row_and_column(world, cell):
    content = build_csv([GOOD_ROWS[0], ["Demens", "Et mål", cell]])
    errors, message = refused(world, content, "farlig.csv")
    assert (errors[0].location.row, errors[0].location.column) == (2, "Tiltak")
    assert "formel" in errors[0].message
    assert "rad 2" in message


def test_a_formula_in_an_excel_cell_is_refused(world):
    content = build_xlsx([GOOD_ROWS[0],
                          ["Demens", "Et mål", '=HYPERLINK("http://evil.example/","Klikk")']])
    errors, _ = refused(world, content, "farlig.xlsx")
    assert errors[0].location.column == "Tiltak"


def test_text_that_merely_starts_with_a_dash_or_plus_imports_as_text(world):
    content = build_csv([GOOD_ROWS[0], ["Demens", "Et mål", "- kurs for ansatte\n+ pårørende"]])
    preview = preview_of(world, content, "a.csv")
    assert preview.errors == []
    assert [a.title for a in preview.focus_areas[0].goals[0].actions] == [
        "- kurs for ansatte", "+ pårørende"]


def test_the_excel_export_never_writes_a_formula(world):
    world.action.title = '=HYPERLINK("http://evil.example/","Klikk")'
    world.action.save()
    sheet = openpyxl.load_workbook(io.BytesIO(export_plan_xlsx(world.plan))).active
    cell = sheet["C2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_an_error_from_a_service_during_the_commit_rolls_everything_back(world):
    # The preview is fine, but the plan period is impossible: create_plan refuses it.
    preview = preview_of(world, build_csv(GOOD_ROWS), "a.csv", title="Baklengs",
                         period_start=2030, period_end=2025)
    assert preview.errors == []
    before = counts()
    with pytest.raises(ImportRefused) as error:
        commit_import(actor=world.admin, preview=preview)
    assert "period_end" in str(error.value) or "slutte" in str(error.value)
    assert counts() == before


def test_an_import_into_another_kommunes_plan_is_refused(world, other_plan):
    from django.core.exceptions import ValidationError

    plan = other_plan.goal.focus_area.plan
    with pytest.raises(ValidationError):
        import_plan(actor=world.admin, organization=world.org, content=build_csv(GOOD_ROWS),
                    filename="a.csv", spec=PlanSpec(plan=plan))


def test_a_unit_manager_cannot_import(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_plan(actor=world.unit_manager, organization=world.org,
                    content=build_csv(GOOD_ROWS), filename="a.csv")


def test_a_table_with_only_its_header_is_refused_rather_than_making_an_empty_plan(world):
    errors, _ = refused(world, build_csv([GOOD_ROWS[0], ["", "", ""]]), "tom.csv")
    assert errors[0].message == ("Filen har ingen rader under overskriftsraden: det er "
                                 "ingenting å importere.")


def test_a_merge_over_a_million_rows_is_refused_quickly(world):
    # Written into the sheet's XML directly: openpyxl itself would take minutes to build it.
    content = build_xlsx([GOOD_ROWS[0], ["Demens", "Et mål", "Et tiltak"]])
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                    b'<mergeCell ref="A2:A1048576"/></mergeCells>')
            target.writestr(item, data)
    errors, _ = refused(world, out.getvalue(), "stor-sammenslaaing.xlsx")
    assert "sammenslåtte celler" in errors[0].message
