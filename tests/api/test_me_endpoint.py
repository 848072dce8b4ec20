"""GET and PATCH /api/v1/me/ as clients really sign in: a browser session (with CSRF) and a
token from the token endpoint (issue 14, item 4: a session's lazy user made both a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from planportal.audit.models import AuditEvent
from tests.api.clients import token_client

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def browser(user: Any) -> tuple[APIClient, str]:
    """A session as the browser has it, and the CSRF token its pages carry."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/innstillinger/").status_code == 200  # a page with a form
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_browser_session_reads_me(world) -> None:
    client, _csrf = browser(world.unit_manager)

    answer = client.get(ME)

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["username"] == world.unit_manager.username
    assert body["roles"] == ["unit_manager"]
    assert [m["unit"]["id"] for m in body["memberships"]] == [world.home_care.pk]


def test_a_browser_session_changes_its_preferences_and_gets_the_new_state(world) -> None:
    client, csrf = browser(world.unit_manager)

    answer = client.patch(ME, {"reminder_emails": False}, format="json", HTTP_X_CSRFTOKEN=csrf)

    assert answer.status_code == 200, answer.content
    assert answer.json()["reminder_emails"] is False
    world.unit_manager.refresh_from_db()
    assert world.unit_manager.reminder_emails is False
    assert AuditEvent.objects.filter(verb="preferences",
                                     object_id=str(world.unit_manager.pk)).count() == 1


def test_a_browser_patch_without_the_csrf_token_is_403_and_changes_nothing(world) -> None:
    client, _csrf = browser(world.unit_manager)

    answer = client.patch(ME, {"reminder_emails": False}, format="json")

    assert answer.status_code == 403
    world.unit_manager.refresh_from_db()
    assert world.unit_manager.reminder_emails is True


def test_a_token_reads_me_and_changes_its_preferences(world) -> None:
    client = token_client(world.reader)

    assert client.get(ME).json()["username"] == world.reader.username
    answer = client.patch(ME, {"preferred_language": "en"}, format="json")

    assert answer.status_code == 200, answer.content
    assert answer.json()["preferred_language"] == "en"
    world.reader.refresh_from_db()
    assert world.reader.preferred_language == "en"


def test_a_bad_preference_is_400_naming_the_field(world) -> None:
    client, csrf = browser(world.reader)

    answer = client.patch(ME, {"preferred_language": "sv"}, format="json",
                          HTTP_X_CSRFTOKEN=csrf)

    assert answer.status_code == 400
    assert set(answer.json()) == {"preferred_language"}


def test_a_client_chooses_nynorsk_and_then_goes_back_to_following_the_kommune(world) -> None:
    client = token_client(world.reader)

    chosen = client.patch(ME, {"preferred_language": "nn"}, format="json")
    following = client.patch(ME, {"preferred_language": ""}, format="json")

    assert chosen.status_code == following.status_code == 200, following.content
    assert (chosen.json()["preferred_language"], following.json()["preferred_language"]) == (
        "nn", "")
    world.reader.refresh_from_db()
    assert world.reader.preferred_language == ""
