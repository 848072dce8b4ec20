"""The API: POST /plans/import/ (dry run and commit), the JSON and XLSX exports, rullering."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Action
from strategies.models import Plan
from tests.api.clients import SessionClient
from tests.strategies.import_files import build_csv, build_docx
from tests.strategies.seed_tables import read_seed_tables

HEADER = ["Satsingsområde", "Delmål", "Tiltak", "Ansvar", "Tid"]


@pytest.fixture
def api(world):
    def make(persona):
        return SessionClient(world.persona(persona) if persona else None)
    return make


def upload(client, org, content, name="plan.csv", **fields):
    return client.post("/api/v1/plans/import/",
                       {"file": SimpleUploadedFile(name, content), "organization": org.pk,
                        **fields}, format="multipart")


def small_csv(*rows):
    return build_csv([HEADER, *rows])


def test_a_dry_run_answers_the_preview_and_writes_nothing(api, world):
    content = small_csv(["Demens", "Demensvennlig samfunn", "Opplæring\nKurs", "Hjemmetjenesten",
                         "Q3 2026"])
    response = upload(api("admin"), world.org, content, dry_run="true",
                      title="Demensplan 2026–2029")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["dry_run"] is True
    assert body["counts"]["actions"] == {"new": 2, "existing": 0, "filled": 0}
    action = body["focus_areas"][0]["goals"][0]["actions"][0]
    assert action["responsible_unit"] == "Hjemmetjenesten"
    assert (action["start_date"], action["due_date"]) == ("2026-07-01", "2026-09-30")
    assert not Plan.objects.filter(title="Demensplan 2026–2029").exists()


def test_an_import_creates_the_plan_and_answers_201(api, world):
    content = build_docx(read_seed_tables()[:1])
    response = upload(api("admin"), world.org, content, name="Handlingsplan 2025-2030.docx")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"]["actions"] == 12
    plan = Plan.objects.get(pk=body["plan"]["id"])
    assert Action.objects.filter(goal__focus_area__plan=plan).count() == 12


def test_an_import_with_errors_answers_400_with_located_problems(api, world):
    # A delmål needs a satsingsområde, and this row (the first) has none.
    content = small_csv(["", "Et delmål", "Tiltak uten område", "", ""])
    response = upload(api("admin"), world.org, content, title="Feilplan")
    assert response.status_code == 400
    problem = next(p for p in response.json()["problems"] if p["level"] == "error")
    assert (problem["row"], problem["column"]) == (2, "Delmål")
    assert not Plan.objects.filter(title="Feilplan").exists()


@pytest.mark.parametrize("persona,status", [("sector_leader", 403), ("unit_manager", 403),
                                            ("reader", 403), (None, 403)])
def test_only_administrators_import(api, world, persona, status):
    response = upload(api(persona), world.org, small_csv(["A", "B", "C", "", ""]), title="X")
    assert response.status_code in (status, 401)
    assert not Plan.objects.filter(title="X").exists()


def test_another_kommunes_administrator_cannot_name_this_kommune(api, world):
    response = upload(api("other_admin"), world.org, small_csv(["A", "B", "C", "", ""]))
    assert response.status_code in (400, 403)


def test_the_json_export_can_be_imported_back(api, world):
    response = api("reader").get(f"/api/v1/plans/{world.plan.pk}/export/")
    assert response.status_code == 200
    assert response.json()["plan"]["title"] == world.plan.title
    again = upload(api("admin"), world.org, response.content, name="plan.json")
    assert again.status_code == 201
    assert again.json()["created"] == {}


def test_the_xlsx_export_is_a_workbook_in_the_importers_columns(api, world):
    response = api("reader").get(f"/api/v1/plans/{world.plan.pk}/export-xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["Satsingsområde", "Delmål", "Tiltak"]
    assert sheet["C2"].value == "Ærlig øving på å"


@pytest.mark.parametrize("url", ["export", "export-xlsx"])
def test_people_outside_the_kommune_cannot_export(api, world, url):
    world.plan.is_public = True
    world.plan.save()
    assert api(None).get(f"/api/v1/plans/{world.plan.pk}/{url}/").status_code == 403
    assert api("other_admin").get(f"/api/v1/plans/{world.plan.pk}/{url}/").status_code == 403


def test_roll_over_through_the_api(api, world):
    response = api("admin").post(f"/api/v1/plans/{world.plan.pk}/roll-over/",
                                 {"period_start": 2026, "period_end": 2031}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["previous_version"] == world.plan.pk
    new = Plan.objects.get(pk=response.json()["id"])
    assert new.focus_areas.get().goals.get().actions.get().carried_over_from == world.action


def test_roll_over_is_for_administrators(api, world):
    response = api("sector_leader").post(f"/api/v1/plans/{world.plan.pk}/roll-over/",
                                         {"period_start": 2026, "period_end": 2031},
                                         format="json")
    assert response.status_code == 403
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("url", ["export/", "export-xlsx/"])
def test_a_malformed_plan_id_is_404_not_500(api, world, url):
    assert api("admin").get(f"/api/v1/plans/null,null/{url}").status_code == 404
    assert api("admin").post("/api/v1/plans/abc/roll-over/", {}).status_code == 404


@pytest.mark.parametrize("accept", ["application/json", "application/vnd.openxmlformats-"
                                    "officedocument.spreadsheetml.sheet", "text/html", "*/*"])
def test_the_xlsx_download_answers_any_accept_header_and_errors_in_json(api, world, accept):
    client = api("reader")
    ok = client.get(f"/api/v1/plans/{world.plan.pk}/export-xlsx/", HTTP_ACCEPT=accept)
    assert ok.status_code == 200 and ok.content.startswith(b"PK")
    missing = client.get("/api/v1/plans/0/export-xlsx/", HTTP_ACCEPT=accept)
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"
    assert "detail" in missing.json()


def test_the_import_answer_says_on_which_level_each_row_lands(api, world):
    content = small_csv(["", "", "Planens eget tiltak", "", ""],
                        ["Demens", "", "Områdets eget tiltak", "", ""],
                        ["Demens", "Demensvennlig samfunn", "Opplæring", "", ""])
    response = upload(api("admin"), world.org, content, title="Nivåer 2026–2029")
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert [(a["title"], a["level"], a["row"]) for a in answer["actions"]] == [
        ("Planens eget tiltak", "plan", 2)]
    (area,) = answer["focus_areas"]
    assert [(a["title"], a["level"]) for a in area["actions"]] == [
        ("Områdets eget tiltak", "focus_area")]
    assert [(a["title"], a["level"]) for a in area["goals"][0]["actions"]] == [
        ("Opplæring", "goal")]
    plan = Plan.objects.get(pk=answer["plan"]["id"])
    assert sorted(Action.objects.filter(plan=plan).values_list("title", "focus_area__title",
                                                               "goal__title")) == [
        ("Områdets eget tiltak", "Demens", None), ("Opplæring", "Demens",
                                                   "Demensvennlig samfunn"),
        ("Planens eget tiltak", None, None)]
