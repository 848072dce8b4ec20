"""The admin speaks Bokmål by default and English on request; æøå survive the round trip."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_speaks_bokmal_by_default(world, superuser_client):
    body = superuser_client.get(reverse("admin:index")).content.decode()
    assert "Tiltak" in body
    assert "Satsingsområder" in body or "satsingsområder" in body.lower()
    action_page = superuser_client.get(
        reverse("admin:actions_action_change", args=[world.action.pk])).content.decode()
    assert "Ansvarlig enhet" in action_page
    assert "Frist" in action_page
    assert "Ærlig øving på å" in action_page


def test_an_english_browser_still_gets_bokmal(world, superuser_client):
    body = superuser_client.get(
        reverse("admin:actions_action_change", args=[world.action.pk]),
        headers={"accept-language": "en-US,en;q=0.9"},
    ).content.decode()
    assert "Ansvarlig enhet" in body


def test_the_language_switch_selects_english(world, superuser_client):
    response = superuser_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = superuser_client.get(
        reverse("admin:actions_action_change", args=[world.action.pk])).content.decode()
    assert "Responsible unit" in body
    assert "Deadline" in body


def test_a_user_who_prefers_english_gets_english(world, client):
    from planportal.models import User

    user = UserFactory(is_staff=True, is_superuser=True,
                       preferred_language=User.Language.ENGLISH)
    client.force_login(user)
    body = client.get(reverse("admin:index")).content.decode()
    assert "Actions" in body and "Tiltak" not in body


def test_status_choices_are_translated(world, superuser_client):
    body = superuser_client.get(reverse("admin:actions_action_changelist")).content.decode()
    assert "Ikke startet" in body or "ikke startet" in body
