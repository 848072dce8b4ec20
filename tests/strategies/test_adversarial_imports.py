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

from actions.exporting.data import export_plan_data
from actions.models import Action
from planportal.models import User
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


# The package rules one by one, and the JSON export's own limits ------------------------


def preview_errors(world, content: bytes, name: str) -> list[str]:
    from actions.importing.service import preview_import

    before = row_counts()
    preview = preview_import(actor=world.admin, organization=world.org, content=content,
                             filename=name)
    assert row_counts() == before
    return [problem.message for problem in preview.errors]


def docx_with(document: bytes) -> bytes:
    from tests.strategies.adversarial_files import DOCX_RELS, DOCX_TYPES

    return zip_package([("[Content_Types].xml", DOCX_TYPES), ("_rels/.rels", DOCX_RELS),
                        ("word/document.xml", document)])


def test_a_part_packed_far_more_tightly_than_office_ever_does_is_refused(world, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 1024 * 1024  # 5 MB unpacked may pass; 2 MB of spaces do
    errors = preview_errors(world, docx_with(b"<a/>" + b" " * (2 * 1024 * 1024)), "tett.docx")
    assert errors[0].startswith("Filen er mistenkelig tett pakket (word/document.xml pakkes "
                                "ut til ")


def test_a_part_in_utf16_is_refused_as_its_doctype_would_not_be_seen(world):
    document = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x "y">]>'
                "<a>&x;</a>").encode("utf-16")
    errors = preview_errors(world, docx_with(document), "utf16.docx")
    assert errors == ["Delen word/document.xml av filen er ikke XML i UTF-8; lagre filen på "
                      "nytt fra Word eller Excel."]


def test_a_part_declaring_another_encoding_is_refused(world):
    document = b'<?xml version="1.0" encoding="UTF-7"?><a>+ADw-!DOCTYPE</a>'
    errors = preview_errors(world, docx_with(document), "utf7.docx")
    assert errors[0].startswith("Delen word/document.xml av filen er ikke XML i UTF-8")


def test_more_xml_elements_than_a_plan_has_are_refused_before_parsing(world, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 1024 * 1024
    from actions.importing.package import max_elements

    limit = max_elements(SMALL_MAX_ROWS)
    body = "".join(f'<w:p w:rsidR="{n:08X}"/>' for n in range(limit + 10))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    document = f'<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
    errors = preview_errors(world, docx_with(document.encode()), "mange.docx")
    assert errors == [f"Filen inneholder mer enn {limit} XML-elementer; det er langt mer enn "
                      f"en plan har."]


def test_a_member_whose_central_directory_understates_its_size_is_refused(world):
    import struct

    content = bytearray(docx_with(b"<a>" + b"x" * 5000 + b"</a>"))
    # The central directory is what zipfile (and so every parser) believes; its local
    # header still tells the truth.
    central = content.index(b"PK\x01\x02", content.index(b"word/document.xml") + 1)
    while content[central + 46:central + 46 + 17] != b"word/document.xml":
        central = content.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<L", content, central + 24, 100)
    errors = preview_errors(world, bytes(content), "loyer.docx")
    assert errors[0].startswith("Zip-hodene i filen oppgir feil størrelser "
                                "(word/document.xml pakkes ut til mer enn de 100 bytene")


def test_a_json_export_with_a_title_that_is_not_text_is_a_400_not_a_500(world, json_limits):
    data = export_plan_data(world.plan)
    data["plan"]["title"] = "Kopi"
    data["plan"]["focus_areas"][0]["title"] = 5
    response = token_client(world.admin).post(
        IMPORT_URL, {"file": SimpleUploadedFile("plan.json", json.dumps(data).encode()),
                     "organization": world.org.pk}, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["problems"][0]["message"].startswith(
        "Eksporten er ufullstendig eller skadet")
    assert not Plan.objects.filter(title="Kopi").exists()


def test_a_json_export_holding_more_objects_than_the_limit_is_refused(world):
    data = export_plan_data(world.plan)
    data["plan"]["title"] = "Kopi"
    goal = data["plan"]["focus_areas"][0]["goals"][0]
    goal["actions"] = [{**goal["actions"][0], "title": f"Tiltak {n}"} for n in range(250)]
    errors = preview_errors(world, json.dumps(data).encode(), "plan.json")
    assert errors == [f"Eksporten inneholder mer enn {20 * SMALL_MAX_ROWS} objekter (enheter, "
                      "personer, satsingsområder, delmål, indikatorer, målinger, tiltak og "
                      "statusoppdateringer); det er mer enn importgrensen tillater."]


def test_the_admin_shows_the_json_imports_commit_time_warnings(world, client, json_limits):
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    content = export_naming(world, world.other_admin.username, "Kopi 1")
    preview = client.post(ADMIN_URL, {"file": SimpleUploadedFile("plan.json", content),
                                      "organization": world.org.pk, "kind": "action_plan"})
    done = client.post(ADMIN_URL, {"confirm": "1", "key": preview.context["key"]}, follow=True)
    shown = [str(message) for message in done.context["messages"]]
    assert any(f"Brukeren {world.other_admin.username} er ikke medlem av Testkommune" in text
               for text in shown), shown


def test_the_command_prints_the_json_imports_commit_time_warnings(world, tmp_path,
                                                                  json_limits):
    path = tmp_path / "plan.json"
    path.write_bytes(export_naming(world, world.other_admin.username, "Kopi 1"))
    out = io.StringIO()
    call_command("import_plan", str(path), "--organization", "testkommune", stdout=out)
    assert (f"warning: JSON, kolonne «people[{world.other_admin.username}]»: Brukeren "
            f"{world.other_admin.username} er ikke medlem av Testkommune") in out.getvalue()
