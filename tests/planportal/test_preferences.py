"""E-mail preferences (language, reminder e-mails): one service, used by the admin and
``PATCH /api/v1/me/``."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from planportal.models import User
from planportal.services import update_preferences
from tests.api.clients import SessionClient
from tests.factories import UserFactory


def test_a_user_turns_their_reminder_emails_off_and_chooses_english(world):
    update_preferences(actor=world.reader, user=world.reader, reminder_emails=False,
                       preferred_language="en")
    stored = User.objects.get(pk=world.reader.pk)
    assert (stored.reminder_emails, stored.preferred_language) == (False, "en")


def test_an_organisation_admin_changes_a_members_preferences(world):
    update_preferences(actor=world.admin, user=world.unit_manager, reminder_emails=False)
    assert User.objects.get(pk=world.unit_manager.pk).reminder_emails is False


@pytest.mark.parametrize("actor", ["unit_manager", "other_admin"])
def test_nobody_else_changes_someone_elses_preferences(world, actor):
    with pytest.raises(PermissionDenied):
        update_preferences(actor=world.persona(actor), user=world.reader, reminder_emails=False)
    assert User.objects.get(pk=world.reader.pk).reminder_emails is True


def test_an_unknown_language_is_refused_naming_the_field_and_nothing_changes(world):
    with pytest.raises(ValidationError) as error:
        update_preferences(actor=world.reader, user=world.reader, preferred_language="de",
                           reminder_emails=False)
    assert "preferred_language" in error.value.message_dict
    assert User.objects.get(pk=world.reader.pk).reminder_emails is True


def test_patch_me_changes_the_signed_in_users_preferences(world):
    client = SessionClient(world.reader)

    response = client.patch("/api/v1/me/", {"reminder_emails": False,
                                            "preferred_language": "en"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["reminder_emails"] is False
    assert response.json()["preferred_language"] == "en"
    assert User.objects.get(pk=world.reader.pk).reminder_emails is False


def test_patch_me_refuses_fields_it_does_not_change(world):
    client = SessionClient(world.reader)

    response = client.patch("/api/v1/me/", {"username": "ny", "reminder_emails": False},
                            format="json")

    assert response.status_code == 400
    assert "username" in response.content.decode()
    assert User.objects.get(pk=world.reader.pk).reminder_emails is True


def test_an_organisation_admin_turns_a_members_reminders_off_in_the_admin(world, client):
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    url = reverse("admin:planportal_userpreferences_change", args=[world.reader.pk])

    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"preferred_language": "nb"})  # checkbox left unticked

    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=world.reader.pk).reminder_emails is False


def test_the_admin_lists_only_the_organisations_own_members(world, client):
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    stranger = UserFactory(username="fremmed")

    page = client.get(reverse("admin:planportal_userpreferences_changelist"))

    assert page.status_code == 200
    assert world.reader.username in page.content.decode()
    assert stranger.username not in page.content.decode()
