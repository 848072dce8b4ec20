"""The admin upload: preview first, nothing written until confirmed; rullering action."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Action
from strategies.models import Plan
from tests.strategies.import_files import build_csv, build_docx
from tests.strategies.seed_tables import read_seed_tables

URL = "/admin/strategies/plan/import/"


def post_file(client, world, content, name, **fields):
    return client.post(URL, {"file": SimpleUploadedFile(name, content),
                             "organization": world.org.pk, "kind": "action_plan", **fields})


def test_the_plan_list_links_to_the_import(plan_admin_client):
    response = plan_admin_client.get("/admin/strategies/plan/")
    assert URL in response.content.decode()


def test_the_upload_shows_a_preview_and_writes_nothing(plan_admin_client, world):
    content = build_docx(read_seed_tables()[:2])
    response = post_file(plan_admin_client, world, content, "Handlingsplan 2025-2030.docx")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Demens" in page and "Folkehelse" in page
    assert "Opprettholde opplæring til servicenæringen, lag og foreninger" in page
    assert not Plan.objects.filter(title="Handlingsplan 2025-2030").exists()


def test_confirming_the_preview_imports_the_file_once(plan_admin_client, world):
    content = build_docx(read_seed_tables()[:2])
    preview = post_file(plan_admin_client, world, content, "Handlingsplan 2025-2030.docx")
    key = preview.context["key"]
    response = plan_admin_client.post(URL, {"confirm": "1", "key": key})
    plan = Plan.objects.get(title="Handlingsplan 2025-2030")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/strategies/plan/{plan.pk}/change/"
    assert Action.objects.filter(goal__focus_area__plan=plan).count() == 12 + 12
    # The preview cannot be confirmed twice.
    again = plan_admin_client.post(URL, {"confirm": "1", "key": key})
    assert again.status_code == 302 and again["Location"] == URL
    assert Plan.objects.filter(title="Handlingsplan 2025-2030").count() == 1


def test_a_file_with_errors_shows_them_located_and_cannot_be_confirmed(plan_admin_client,
                                                                        world):
    # A delmål needs a satsingsområde, and this table names none.
    content = build_csv([["Delmål", "Tiltak"], ["Et delmål", "Tiltak uten område"]])
    response = post_file(plan_admin_client, world, content, "feil.csv", title="Feil")
    page = response.content.decode()
    assert 'id="import-problems"' in page
    assert response.context["key"] == ""
    assert 'name="confirm"' not in page
    problem = response.context["preview"].errors[0]
    assert (problem.location.row, problem.location.column) == (2, "Delmål")
    assert not Plan.objects.filter(title="Feil").exists()


def test_a_forged_confirmation_imports_nothing(plan_admin_client, world):
    response = plan_admin_client.post(URL, {"confirm": "1", "key": "../../etc/passwd"})
    assert response.status_code == 302
    assert Plan.objects.count() == 1


def test_people_without_the_admin_role_cannot_import(client, world):
    world.sector_leader.is_staff = True
    world.sector_leader.save()
    client.force_login(world.sector_leader)
    response = post_file(client, world, build_csv([["Delmål", "Tiltak"], ["A", "B"]]), "a.csv")
    assert response.status_code == 403


@pytest.mark.parametrize("organization", ["other"])
def test_the_kommune_must_be_ones_own(plan_admin_client, world, organization):
    response = plan_admin_client.post(URL, {
        "file": SimpleUploadedFile("a.csv", build_csv([["Delmål", "Tiltak"], ["A", "B"]])),
        "organization": world.other_org.pk, "kind": "action_plan"})
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors


def test_the_roll_over_action_asks_for_the_period_then_rolls(plan_admin_client, world):
    changelist = "/admin/strategies/plan/"
    step = plan_admin_client.post(changelist, {"action": "roll_over_action",
                                               "_selected_action": [world.plan.pk]})
    assert step.status_code == 200
    assert step.context["form"].initial["period_start"] == 2026
    done = plan_admin_client.post(changelist, {
        "action": "roll_over_action", "_selected_action": [world.plan.pk], "apply": "1",
        "period_start": 2026, "period_end": 2031, "title": "", "close_previous": "on"})
    new = Plan.objects.get(previous_version=world.plan)
    assert done.status_code == 302
    assert done["Location"] == f"/admin/strategies/plan/{new.pk}/change/"
    assert new.focus_areas.get().goals.get().actions.get().carried_over_from == world.action


def test_a_refused_roll_over_shows_the_reason(plan_admin_client, world):
    response = plan_admin_client.post("/admin/strategies/plan/", {
        "action": "roll_over_action", "_selected_action": [world.plan.pk], "apply": "1",
        "period_start": 2024, "period_end": 2029, "close_previous": "on"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Plan.objects.count() == 1
