"""Imports and exports leave their mark in the audit trail, named by file and format."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from planportal.audit.models import AuditEvent
from tests.api.clients import SessionClient
from tests.strategies.import_files import build_csv

pytestmark = pytest.mark.django_db
HEADER = ["Satsingsområde", "Delmål", "Tiltak", "Ansvar", "Tid"]


def admin_client(world):
    return SessionClient(world.admin)


def test_every_row_an_import_writes_is_tagged_with_the_file(world):
    content = build_csv([HEADER, ["Demens", "Demensvennlig samfunn", "Kurs for pårørende",
                                  "Hjemmetjenesten", "Q3 2026"]])
    response = admin_client(world).post(
        "/api/v1/plans/import/",
        {"file": SimpleUploadedFile("Demensplan.csv", content), "organization": world.org.pk,
         "title": "Demensplan 2026–2029"}, format="multipart")
    assert response.status_code == 201, response.json()
    summary = AuditEvent.objects.get(verb="import")
    assert summary.changes["file"] == [None, "Demensplan.csv"]
    assert summary.changes["created"][1]["actions"] == 1
    created = AuditEvent.objects.filter(verb="create", origin="import")
    assert {e.content_type.model for e in created} >= {"plan", "focusarea", "goal", "action"}
    assert set(created.values_list("reference", flat=True)) == {"Demensplan.csv"}
    assert set(created.values_list("actor", flat=True)) == {world.admin.pk}


@pytest.mark.parametrize(("path", "kind"), [("export/", "json"), ("export-xlsx/", "xlsx")])
def test_an_export_is_recorded_with_its_format(world, path, kind):
    response = admin_client(world).get(f"/api/v1/plans/{world.plan.pk}/{path}")
    assert response.status_code == 200
    event = AuditEvent.objects.get(verb="export")
    assert event.changes == {"format": [None, kind]}
    assert event.object_id == str(world.plan.pk)
