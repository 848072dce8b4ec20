"""The adversarial corpus through every door: ``manage.py import_plan``, the API (a browser
session with CSRF, and a token obtained with a password) and the admin upload.

Each hostile file is refused with its own Bokmål message and leaves every table as it
was; the two awkward but honest CSVs (Windows-1252, UTF-8 with BOM) import with æ, ø and
å intact. The limits are lowered here so the files stay small; ``python -m bench
imports`` runs the same corpus at full size against the real limits.
"""

from __future__ import annotations

import html
import io
import json

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.middleware.csrf import get_token
from rest_framework.test import APIClient

from actions.models import Action
from planportal.models import User
from strategies.exporting.data import export_plan_data
from strategies.models import FocusArea, Goal, Plan
from tests.factories import UserFactory
from tests.strategies.adversarial_files import (
    CORPUS,
    SMALL_MAX_BYTES,
    SMALL_MAX_ROWS,
    Case,
    zip_package,
)

PASSWORD = "riktig-passord-123"  # UserFactory's
IMPORT_URL = "/api/v1/plans/import/"
ADMIN_URL = "/admin/strategies/plan/import/"
APPS = ("planportal", "login", "audit", "strategies", "actions", "reports")
REFUSED = [case for case in CORPUS if case.message is not None]
IMPORTED = [case for case in CORPUS if case.message is None]
DOORS = ["command", "api-session", "api-token", "admin"]


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.PLAN_IMPORT_MAX_BYTES = SMALL_MAX_BYTES
    settings.PLAN_IMPORT_MAX_ROWS = SMALL_MAX_ROWS


def row_counts() -> dict[str, int]:
    """The number of rows of every model an import (or its refusal) could touch."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()
            if model._meta.app_label in APPS}


def session_client(user) -> APIClient:
    """A browser: a real session, the CSRF cookie a page hands out, the header on writes."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    request = HttpRequest()
    get_token(request)
    token = request.META["CSRF_COOKIE"]
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token
    client.credentials(HTTP_X_CSRFTOKEN=token)
    return client


def token_client(user) -> APIClient:
    """An integration: a token from POST /api/v1/auth/token/, and no cookies."""
    answer = APIClient().post("/api/v1/auth/token/", {"username": user.username,
                                                      "password": PASSWORD,
                                                      "name": "Arkivsystem"}, format="json")
    assert answer.status_code == 201, answer.content
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return client


class Door:
    """One way into the importer, signed in before the rows are counted."""

    def __init__(self, kind: str, world, client, tmp_path) -> None:
        self.kind = kind
        self.world = world
        self.tmp_path = tmp_path
        self.client = None
        if kind == "api-session":
            self.client = session_client(world.admin)
        elif kind == "api-token":
            self.client = token_client(world.admin)
        elif kind == "admin":
            world.admin.is_staff = True
            world.admin.save()
            client.force_login(world.admin)
            self.client = client

    def refuse(self, content: bytes, name: str) -> str:
        """Import *content*; it must be refused. The text the user is shown."""
        if self.kind == "command":
            path = self.tmp_path / name
            path.write_bytes(content)
            out = io.StringIO()
            with pytest.raises(CommandError) as error:
                call_command("import_plan", str(path), "--organization", "testkommune",
                             stdout=out)
            return f"{out.getvalue()}\n{error.value}"
        if self.kind == "admin":
            response = self.client.post(ADMIN_URL, {"file": SimpleUploadedFile(name, content),
                                                    "organization": self.world.org.pk,
                                                    "kind": "action_plan"})
            assert response.status_code == 200
            assert 'name="confirm"' not in response.content.decode()
            return html.unescape(response.content.decode())
        response = self.client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content),
                                                 "organization": self.world.org.pk},
                                    format="multipart")
        assert response.status_code == 400, response.content
        return "\n".join(p["message"] for p in response.json()["problems"])

    def accept(self, content: bytes, name: str) -> None:
        """Import *content*; it must be written."""
        if self.kind == "command":
            path = self.tmp_path / name
            path.write_bytes(content)
            call_command("import_plan", str(path), "--organization", "testkommune",
                         stdout=io.StringIO())
        elif self.kind == "admin":
            preview = self.client.post(ADMIN_URL, {"file": SimpleUploadedFile(name, content),
                                                   "organization": self.world.org.pk,
                                                   "kind": "action_plan"})
            assert preview.context["key"], preview.context["preview"].problems
            done = self.client.post(ADMIN_URL, {"confirm": "1", "key": preview.context["key"]})
            assert done.status_code == 302
        else:
            response = self.client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content),
                                                     "organization": self.world.org.pk},
                                        format="multipart")
            assert response.status_code == 201, response.content


@pytest.fixture(params=DOORS)
def door(request, world, client, tmp_path) -> Door:
    return Door(request.param, world, client, tmp_path)


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.key)
def test_each_hostile_file_is_refused_with_its_reason_and_changes_nothing(door, case: Case):
    content = case.small()
    before = row_counts()
    shown = door.refuse(content, case.name)
    assert case.message in shown
    assert row_counts() == before


@pytest.mark.parametrize("case", IMPORTED, ids=lambda case: case.key)
def test_windows_1252_and_bom_csvs_import_with_norwegian_letters_intact(door, case: Case):
    door.accept(case.small(), case.name)
    area = FocusArea.objects.get(title="Økonomi og særtilskudd")
    assert Goal.objects.get(focus_area=area).title == "Bærekraftig drift"
    assert Action.objects.get(goal__focus_area=area).title == "Åpne møter på Ørsta"


def test_a_too_large_upload_is_refused_with_its_real_size_not_what_was_read(world):
    # The API reads one byte past the limit; the answer must not say "limit + 1".
    content = b"Delm\xc3\xa5l;Tiltak\r\n" + b"x" * (SMALL_MAX_BYTES * 3)
    response = token_client(world.admin).post(
        IMPORT_URL, {"file": SimpleUploadedFile("stor.csv", content),
                     "organization": world.org.pk}, format="multipart")
    assert response.status_code == 400
    assert response.json()["problems"][0]["message"] == (
        f"Filen er {len(content)} byte; grensen er {SMALL_MAX_BYTES} byte.")


def test_a_word_table_without_its_grid_is_read_rather_than_a_server_error(world):
    # python-docx's table.tblGrid raises for a table without <w:tblGrid> (it was a 500).
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    cells = "".join(f"<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"
                    for t in ("Satsingsområde", "Delmål", "Tiltak"))
    row = "".join(f"<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"
                  for t in ("Demens", "Et mål", "Et tiltak"))
    document = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>'
                f"<w:tbl><w:tr>{cells}</w:tr><w:tr>{row}</w:tr></w:tbl></w:body></w:document>")
    from tests.strategies.adversarial_files import DOCX_RELS, DOCX_TYPES

    content = zip_package([("[Content_Types].xml", DOCX_TYPES), ("_rels/.rels", DOCX_RELS),
                           ("word/document.xml", document.encode())])
    response = token_client(world.admin).post(
        IMPORT_URL, {"file": SimpleUploadedFile("uten-rutenett.docx", content),
                     "organization": world.org.pk, "dry_run": "true"}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["actions"]["new"] == 1


# The JSON import and the people it names ---------------------------------------------


def export_naming(world, username: str, title: str) -> bytes:
    """The world's plan exported under a new title, its action assigned to *username*."""
    data = export_plan_data(world.plan)
    data["plan"]["title"] = title
    action = data["plan"]["focus_areas"][0]["goals"][0]["actions"][0]
    action["responsible_person"] = username
    data["people"].append({"username": username, "first_name": "Kari", "last_name": "Nordmann",
                           "email": f"{username}@example.no",
                           "memberships": [{"unit": world.home_care.code,
                                            "role": "unit_manager"}]})
    return json.dumps(data).encode()


def import_json(world, content: bytes) -> dict:
    response = token_client(world.admin).post(
        IMPORT_URL, {"file": SimpleUploadedFile("plan.json", content),
                     "organization": world.org.pk}, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def json_limits(settings):
    # An export of the world's plan is a few kilobytes; the corpus's limits are for files.
    settings.PLAN_IMPORT_MAX_ROWS = 5000


def test_the_json_imports_commit_time_warnings_are_in_the_api_answer(world, json_limits):
    body = import_json(world, export_naming(world, world.other_admin.username, "Kopi 1"))
    warnings = [p["message"] for p in body["problems"] if p["level"] == "warning"]
    assert warnings == [f"Brukeren {world.other_admin.username} er ikke medlem av Testkommune; "
                        f"planen importeres uten vedkommende."]


def test_a_kommune_admins_json_import_does_not_tell_whether_a_username_exists_elsewhere(
        world, json_limits):
    elsewhere = UserFactory(username="kari.elsewhere")
    users = User.objects.count()
    known = import_json(world, export_naming(world, elsewhere.username, "Kopi 1"))
    unknown = import_json(world, export_naming(world, "kari.nowhere", "Kopi 2"))
    assert known["created"] == unknown["created"]
    assert "people" not in unknown["created"]

    def said(body, username):
        return [p["message"].replace(username, "X") for p in body["problems"]]

    assert said(known, elsewhere.username) == said(unknown, "kari.nowhere")
    assert User.objects.count() == users
    for title in ("Kopi 1", "Kopi 2"):
        action = Action.objects.get(goal__focus_area__plan__title=title)
        assert action.responsible_person is None


def test_the_import_command_still_creates_the_people_an_export_names(world, tmp_path,
                                                                     json_limits):
    path = tmp_path / "plan.json"
    path.write_bytes(export_naming(world, "kari.ny", "Kopi 1"))
    out = io.StringIO()
    call_command("import_plan", str(path), "--organization", "testkommune", stdout=out)
    assert "people: 1" in out.getvalue()
    person = User.objects.get(username="kari.ny")
    assert Action.objects.get(goal__focus_area__plan__title="Kopi 1").responsible_person == person
    assert Plan.objects.filter(title="Kopi 1").count() == 1
