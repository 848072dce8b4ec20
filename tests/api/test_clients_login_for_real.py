"""The API test clients sign in as real clients do (issue 14): a browser session with CSRF
enforced, or a token obtained with a password, never ``force_authenticate``."""

from __future__ import annotations

import pytest
from django.conf import settings

from actions.models import Action, StatusUpdate
from planportal.services import deactivate_user
from planportal.token_models import ApiToken
from tests.api.clients import SessionClient, TokenClient

pytestmark = pytest.mark.django_db


def status_update_url(world) -> str:
    return f"/api/v1/actions/{world.action.pk}/status-updates/"


BODY = {"status": "in_progress", "progress": 10, "version": 1}


def test_a_session_write_without_the_csrf_header_is_403_and_changes_nothing(world, api):
    client = api("unit_manager")
    client.send_csrf_header = False  # a forged cross-site request: the cookie, no header

    response = client.post(status_update_url(world), BODY, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not StatusUpdate.objects.exists()
    assert Action.objects.get(pk=world.action.pk).version == 1


def test_the_session_client_sends_the_csrf_header_on_writes_by_itself(world, api):
    response = api("unit_manager").post(status_update_url(world), BODY, format="json")

    assert response.status_code == 201, response.content
    assert StatusUpdate.objects.get().author == world.unit_manager


def test_a_wrong_csrf_header_is_refused_too(world, api):
    client = api("unit_manager")
    response = client.post(status_update_url(world), BODY, format="json",
                           HTTP_X_CSRFTOKEN="x" * 32)

    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_the_session_is_read_from_the_database_on_every_request(world, api):
    client = api("unit_manager")
    assert client.get(f"/api/v1/actions/{world.action.pk}/").status_code == 200

    deactivate_user(actor=world.admin, user=world.unit_manager)

    assert client.get(f"/api/v1/actions/{world.action.pk}/").status_code == 404
    assert client.post(status_update_url(world), BODY, format="json").status_code in (401, 403)
    assert not StatusUpdate.objects.exists()


def test_a_person_logs_in_with_the_form_and_writes_through_the_api(world):
    client = SessionClient()
    login = client.log_in_with_form(world.unit_manager.username)
    assert login.status_code == 302, login.content
    assert settings.SESSION_COOKIE_NAME in client.cookies

    response = client.post(status_update_url(world), BODY, format="json")

    assert response.status_code == 201, response.content
    assert StatusUpdate.objects.get().author == world.unit_manager


def test_a_wrong_password_on_the_form_gives_no_session(world):
    client = SessionClient()
    login = client.log_in_with_form(world.unit_manager.username, "feil-passord")
    assert login.status_code == 200  # the form again, with its error
    assert client.post(status_update_url(world), BODY, format="json").status_code in (401,
                                                                                       403)


def test_the_token_client_obtains_its_token_with_the_password(world, token_api):
    client = token_api("unit_manager")

    assert ApiToken.objects.get(user=world.unit_manager).key_prefix == client.token[:8]
    assert client._credentials["HTTP_AUTHORIZATION"] == f"Token {client.token}"
    me = client.get("/api/v1/me/")
    assert me.status_code == 200, me.content
    assert me.json()["username"] == world.unit_manager.username


def test_the_token_client_sends_no_cookies_and_needs_no_csrf_header(world, token_api):
    client = token_api("unit_manager")
    client.cookies[settings.SESSION_COOKIE_NAME] = "from-somewhere-else"

    response = client.post(status_update_url(world), BODY, format="json")

    assert response.status_code == 201, response.content
    assert not response.wsgi_request.COOKIES


def test_a_token_client_without_a_token_is_anonymous(world, token_api):
    client = token_api(None)
    assert client.get(f"/api/v1/actions/{world.action.pk}/").status_code == 404
    assert client.post(status_update_url(world), BODY, format="json").status_code in (401, 403)


def test_a_token_cannot_be_had_with_a_wrong_password(world):
    with pytest.raises(AssertionError):
        TokenClient(world.unit_manager, password="feil-passord")
    assert not ApiToken.objects.exists()
