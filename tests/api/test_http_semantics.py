"""HTTP semantics of the API (issue 14, item 13): 401 with a challenge when no credentials
were sent, 403 when signed in but not allowed; personal answers never stored by a cache;
every answer varies by token and by session."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from strategies.models import Plan
from tests.api.clients import token_client

pytestmark = pytest.mark.django_db

CHALLENGE = 'Token realm="api"'


def browser(user: Any) -> tuple[APIClient, str]:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/innstillinger/")
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/me/"),
    ("get", "/api/v1/me/personal-data/"),
    ("get", "/api/v1/auth/tokens/"),
    ("post", "/api/v1/plans/"),
])
def test_a_request_without_credentials_is_401_with_a_challenge(world, method, path) -> None:
    answer = getattr(APIClient(), method)(path, {}, format="json")

    assert answer.status_code == 401, answer.content
    assert answer["WWW-Authenticate"] == CHALLENGE


def test_an_anonymous_write_changes_nothing(world) -> None:
    before = Plan.objects.count()
    answer = APIClient().patch(f"/api/v1/plans/{world.plan.pk}/", {"title": "Ny"},
                               format="json")
    assert answer.status_code == 401
    assert Plan.objects.count() == before
    world.plan.refresh_from_db()
    assert world.plan.title != "Ny"


def test_a_wrong_token_is_401_with_the_same_challenge(world) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token pp_not-a-real-token")
    answer = client.get("/api/v1/me/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == CHALLENGE


def test_a_token_user_without_permission_still_gets_403_without_a_challenge(world) -> None:
    answer = token_client(world.reader).patch(f"/api/v1/plans/{world.plan.pk}/", {"title": "Ny"},
                                            format="json")
    assert answer.status_code == 403, answer.content
    assert "WWW-Authenticate" not in answer


def test_a_session_user_without_permission_still_gets_403(world) -> None:
    client, csrf = browser(world.reader)
    answer = client.patch(f"/api/v1/plans/{world.plan.pk}/", {"title": "Ny"}, format="json",
                          HTTP_X_CSRFTOKEN=csrf)
    assert answer.status_code == 403, answer.content
    assert "WWW-Authenticate" not in answer


def test_a_session_write_without_the_csrf_token_stays_403(world) -> None:
    client, _csrf = browser(world.admin)
    answer = client.patch(f"/api/v1/plans/{world.plan.pk}/", {"title": "Ny"}, format="json")
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/me/personal-data/",
                                  "/api/v1/auth/tokens/"])
def test_personal_answers_to_a_token_are_never_stored(world, path) -> None:
    answer = token_client(world.unit_manager).get(path)
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"


def test_personal_answers_to_a_session_are_never_stored_either(world) -> None:
    client, _csrf = browser(world.unit_manager)
    assert client.get("/api/v1/me/")["Cache-Control"] == "no-store"


def vary(answer: Any) -> set[str]:
    return {part.strip().lower() for part in answer.get("Vary", "").split(",") if part.strip()}


@pytest.mark.parametrize("path", ["/api/v1/sdgs/", "/api/v1/plans/", "/api/v1/me/"])
def test_every_api_answer_varies_by_authorization_and_cookie(world, path) -> None:
    anonymous = APIClient().get(path)
    token = token_client(world.reader).get(path)
    for answer in (anonymous, token):
        assert {"authorization", "cookie"} <= vary(answer), (path, answer.get("Vary"))


def test_an_error_answer_varies_too(world) -> None:
    assert {"authorization", "cookie"} <= vary(APIClient().get("/api/v1/plans/999999/"))


def test_the_schema_documents_401_wherever_it_documents_403(world) -> None:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "403" in operation.get("responses", {}):
                assert "401" in operation["responses"], (method, path)


def test_the_token_endpoints_refusals_are_not_stored_either(world):
    # The header was set by hand on the 201 only; the 400 and 429 went out without it.
    answer = APIClient().post("/api/v1/auth/token/", {
        "username": world.reader.username, "password": "feil", "name": "Power BI"},
        format="json")
    assert answer.status_code == 400
    assert answer["Cache-Control"] == "no-store"
