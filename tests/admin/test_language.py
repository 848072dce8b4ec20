"""The admin speaks Bokmål by default and English on request; æøå survive the round trip."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_speaks_bokmal_by_default(world, superuser_client):
    body = superuser_client.get(reverse("admin:index")).content.decode()
    assert "Tiltak" in body
    assert "Satsingsområder" in body or "satsingsområder" in body.lower()
    action_page = superuser_client.get(
        reverse("admin:actions_action_change", args=[world.action.pk])).content.decode()
    assert "Ansvarlig enhet" in action_page
    assert "Frist" in action_page
    assert "Ærlig øving på å" in action_page


def test_the_admin_switches_to_english_on_request(world, superuser_client):
    body = superuser_client.get(
        reverse("admin:actions_action_change", args=[world.action.pk]),
        headers={"accept-language": "en"},
    ).content.decode()
    assert "Responsible unit" in body
    assert "Deadline" in body


def test_status_choices_are_translated(world, superuser_client):
    body = superuser_client.get(reverse("admin:actions_action_changelist")).content.decode()
    assert "Ikke startet" in body or "ikke startet" in body
