"""The request id that tags audit events (issue 14, item 12): a client's own X-Request-ID
is taken only from behind a proxy that sets it (TRUST_X_REQUEST_ID); otherwise every
request gets a fresh one."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from planportal.audit.context import request_id_from
from planportal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "riktig-passord-123"  # UserFactory's


def obtain_token(user: Any, **headers: str) -> Any:
    return APIClient().post("/api/v1/auth/token/", {
        "username": user.username, "password": PASSWORD, "name": "Power BI"},
        format="json", **headers)


def test_by_default_a_clients_request_id_is_replaced_by_a_fresh_one(world) -> None:
    answer = obtain_token(world.reader, HTTP_X_REQUEST_ID="forged-by-client")

    assert answer.status_code == 201
    ours = answer["X-Request-ID"]
    assert ours != "forged-by-client" and len(ours) == 32
    event = AuditEvent.objects.get(verb="token")
    assert (event.origin, event.reference) == ("request", ours)
    assert not AuditEvent.objects.filter(reference="forged-by-client").exists()


def test_two_requests_with_the_same_client_id_get_different_ids(client, world) -> None:
    first = client.get("/api/v1/sdgs/", HTTP_X_REQUEST_ID="abc-123")
    second = client.get("/api/v1/sdgs/", HTTP_X_REQUEST_ID="abc-123")
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_behind_a_trusted_proxy_its_request_id_is_kept_and_recorded(settings, world) -> None:
    settings.TRUST_X_REQUEST_ID = True

    answer = obtain_token(world.reader, HTTP_X_REQUEST_ID="proxy-7f3a")

    assert answer["X-Request-ID"] == "proxy-7f3a"
    assert AuditEvent.objects.get(verb="token").reference == "proxy-7f3a"


def test_even_a_trusted_id_that_is_not_a_plain_token_is_replaced(settings, client) -> None:
    settings.TRUST_X_REQUEST_ID = True
    answer = client.get("/api/v1/sdgs/", HTTP_X_REQUEST_ID="bad id with spaces")
    assert answer["X-Request-ID"] != "bad id with spaces"
    assert len(answer["X-Request-ID"]) == 32


@pytest.mark.parametrize(("header", "trusted", "kept"), [
    ("abc-123", False, False),
    ("abc-123", True, True),
    ("x" * 65, True, False),
    (None, True, False),
])
def test_request_id_from_keeps_the_header_only_when_trusted_and_sane(header, trusted,
                                                                      kept) -> None:
    result = request_id_from(header, trusted=trusted)
    assert (result == header) is kept
    assert result
