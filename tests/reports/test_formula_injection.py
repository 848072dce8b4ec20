"""No user text runs as a formula in any workbook Planportal writes (issue 14, item 5).

A tiltak title or a status comment entered through the API and starting with =, +, -
or @ comes out of the report workbook, a frozen report's workbook and the plan export
as the same text in a text cell (with Excel's quote prefix), never as a formula.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from planportal.spreadsheets import is_formula_like, write_row
from reports import services

pytestmark = pytest.mark.django_db

PASSWORD = "riktig-passord-123"
EVIL = '=HYPERLINK("http://evil.example/","klikk") æøå'
TITLES = [EVIL, "+47 22 33 44 55 Åse", "- punkt om førskolen", "@SUM(A1:A9) på tvers"]
COMMENT = "=1+1 kommentar med æ, ø og å"
CONTROL = "Tiltak\x01 med kontrolltegn"


def token_client(user: Any) -> APIClient:
    """A client with a token from POST /api/v1/auth/token/, as integrations log in."""
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/api/v1/auth/token/", {"username": user.username,
                                                   "password": PASSWORD, "name": "Test"},
                           format="json")
    assert response.status_code == 201, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


@pytest.fixture
def injected(world: Any) -> APIClient:
    """Overdue actions whose titles (and one status comment) look like formulas, entered
    through the API by the kommune's admin; returns the admin's API client."""
    client = token_client(world.admin)
    yesterday = timezone.localdate() - timedelta(days=1)
    created = [create_action(client, world, title, due_date=yesterday) for title in TITLES]
    response = client.post(f"/api/v1/actions/{created[0]['id']}/status-updates/", {
        "status": "in_progress", "progress": 10, "risk": "at_risk", "comment": COMMENT,
        "version": created[0]["version"]}, format="json")
    assert response.status_code == 201, response.content
    return client


def create_action(client: APIClient, world: Any, title: str, **fields: Any) -> dict:
    response = client.post("/api/v1/actions/", {
        "goal": world.goal.pk, "title": title, "responsible_unit": world.home_care.pk,
        **{name: str(value) for name, value in fields.items()},
    }, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def cells(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def assert_text_not_formulas(content: bytes, texts: list[str]) -> None:
    every = cells(content)
    formulas = [cell.coordinate for cell in every if cell.data_type == "f"]
    assert not formulas, formulas
    values = [cell.value for cell in every if isinstance(cell.value, str)]
    for text in texts:
        assert any(text in value for value in values), text
    for cell in every:
        if isinstance(cell.value, str) and is_formula_like(cell.value):
            assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)


def test_the_report_workbook_keeps_formula_like_titles_and_comments_as_text(
    world: Any, injected: APIClient
) -> None:
    client = Client()
    client.force_login(world.reader)
    response = client.get(reverse("reports:plan-report-xlsx", args=[world.plan.pk]))
    assert response.status_code == 200
    assert_text_not_formulas(response.content, [*TITLES, COMMENT])


def test_a_frozen_reports_workbook_keeps_formula_like_titles_as_text(
    world: Any, injected: APIClient
) -> None:
    snapshot = services.create_snapshot(actor=world.admin, plan=world.plan, frequency="custom",
                                        as_of=timezone.localdate(), preliminary=True)
    client = Client()
    client.force_login(world.reader)
    response = client.get(reverse("reports:snapshot-download",
                                  args=[world.plan.pk, snapshot.pk, "xlsx"]))
    assert response.status_code == 200
    assert_text_not_formulas(response.content, TITLES)


def test_the_plan_export_keeps_formula_like_titles_as_text(
    world: Any, injected: APIClient
) -> None:
    response = injected.get(f"/api/v1/plans/{world.plan.pk}/export-xlsx/")
    assert response.status_code == 200
    assert_text_not_formulas(response.content, TITLES)


def test_a_control_character_in_a_title_is_dropped_not_a_server_error(world: Any) -> None:
    injected = token_client(world.admin)
    assert create_action(injected, world, CONTROL)["title"] == CONTROL
    client = Client()
    client.force_login(world.reader)
    report = client.get(reverse("reports:plan-report-xlsx", args=[world.plan.pk]))
    export = injected.get(f"/api/v1/plans/{world.plan.pk}/export-xlsx/")
    for response in (report, export):
        assert response.status_code == 200
        values = [cell.value for cell in cells(response.content)]
        assert "Tiltak med kontrolltegn" in values


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+1", "@A1", "\t=1+1", "\r=1+1", "#N/A"])
def test_every_formula_start_is_written_as_text(text: str) -> None:
    book = Workbook()
    write_row(book.active, 1, [text, -5, "vanlig tekst"])
    buffer = io.BytesIO()
    book.save(buffer)
    first, number, plain = cells(buffer.getvalue())
    assert (first.value, first.data_type) == (text, "s")
    assert first.quotePrefix == is_formula_like(text)
    assert (number.value, number.data_type) == (-5, "n")  # numbers stay numbers
    assert (plain.value, plain.quotePrefix) == ("vanlig tekst", False)
