"""Erasure and export of personal data from the admin's user list, through the services."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.messages import get_messages

from planportal.audit.models import AuditEvent
from planportal.models import Membership
from tests.factories import MembershipFactory, UserFactory, root_unit

pytestmark = pytest.mark.django_db

USERS = "/admin/planportal/user/"


def erase(client: Any, *users: Any, confirm: bool = False) -> Any:
    data: dict[str, Any] = {"action": "erase_personal_data",
                            "_selected_action": [user.pk for user in users]}
    if confirm:
        data["confirm"] = "yes"
    return client.post(USERS, data)


def export(client: Any, *users: Any) -> Any:
    return client.post(USERS, {"action": "export_personal_data",
                               "_selected_action": [user.pk for user in users]})


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def erase_events(user: Any) -> Any:
    return AuditEvent.objects.filter(verb=AuditEvent.Verb.ERASE, object_id=str(user.pk))


@pytest.fixture
def in_both_kommuner(world: Any) -> Any:
    """A person with a role here and in the neighbouring kommune: our admin sees them in
    the list, but only an admin of both kommuner (or an operator) may act for them."""
    user = UserFactory(username="pendler", first_name="Pål", last_name="Pendler")
    MembershipFactory(user=user, unit=world.school, role=Membership.Role.READER)
    MembershipFactory(user=user, unit=root_unit(world.other_org), role=Membership.Role.READER)
    return user


def test_the_confirmation_page_lists_the_chosen_users_and_changes_nothing(world, plan_admin):
    page = erase(plan_admin, world.reader, world.unit_manager)

    assert page.status_code == 200
    html = page.content.decode()
    for user in (world.reader, world.unit_manager):
        assert user.username in html and user.get_full_name() in html
        assert f'name="_selected_action" value="{user.pk}"' in html
    assert "Slettet bruker" in html  # what the history will show
    assert 'name="confirm"' in html
    world.reader.refresh_from_db()
    assert world.reader.is_active and world.reader.first_name != "Slettet"
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.ERASE).exists()


def test_confirming_erases_each_user_through_the_service_with_the_admin_as_actor(
    world, plan_admin
):
    name = world.reader.get_full_name()
    response = erase(plan_admin, world.reader, confirm=True)

    assert response.status_code == 302
    world.reader.refresh_from_db()
    assert (world.reader.first_name, world.reader.last_name) == ("Slettet", "bruker")
    assert world.reader.email == "" and not world.reader.is_active
    assert name not in world.reader.username
    assert not Membership.objects.filter(user=world.reader).exists()
    event = erase_events(world.reader).get()
    assert event.actor_id == world.admin.pk
    assert "Personopplysningene til 1 bruker er slettet." in messages_of(response)


def test_a_user_of_another_kommune_is_refused_with_a_message_and_left_unchanged(
    world, plan_admin, in_both_kommuner
):
    page = erase(plan_admin, in_both_kommuner, world.reader)
    html = page.content.decode()
    assert "Du kan ikke slette denne brukeren." in html
    # Only the reader goes on to the confirmation.
    assert f'name="_selected_action" value="{in_both_kommuner.pk}"' not in html
    assert f'name="_selected_action" value="{world.reader.pk}"' in html

    # Confirming anyway (a crafted POST) still changes nothing for them.
    response = erase(plan_admin, in_both_kommuner, world.reader, confirm=True)
    assert any("Du kan ikke slette denne brukeren." in text for text in messages_of(response))
    in_both_kommuner.refresh_from_db()
    assert in_both_kommuner.first_name == "Pål" and in_both_kommuner.is_active
    assert Membership.objects.filter(user=in_both_kommuner).count() == 2
    assert not erase_events(in_both_kommuner).exists()
    world.reader.refresh_from_db()
    assert not world.reader.is_active  # the one the admin may act for was erased


def test_a_user_only_in_another_kommune_is_not_even_reachable(world, plan_admin):
    response = erase(plan_admin, world.other_admin, confirm=True)

    assert any("utenfor det du kan administrere" in text for text in messages_of(response))
    world.other_admin.refresh_from_db()
    assert world.other_admin.is_active and world.other_admin.first_name != "Slettet"
    assert not erase_events(world.other_admin).exists()


def test_an_administrator_cannot_erase_themself(world, plan_admin):
    page = erase(plan_admin, world.admin)
    assert "Be en administrator om å slette din egen konto." in page.content.decode()
    assert 'name="confirm"' not in page.content.decode()

    response = erase(plan_admin, world.admin, confirm=True)
    assert any("Be en administrator" in text for text in messages_of(response))
    world.admin.refresh_from_db()
    assert world.admin.is_active and world.admin.first_name != "Slettet"
    assert not erase_events(world.admin).exists()


def test_the_export_downloads_one_users_data_as_json_with_norwegian_letters_intact(
    world, plan_admin
):
    world.reader.first_name, world.reader.last_name = "Åse Ærlig", "Østby"
    world.reader.save(update_fields=["first_name", "last_name"])

    response = export(plan_admin, world.reader)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="planportal-personopplysninger-{world.reader.pk}.json"')
    assert "Østby".encode() in response.content and b"\\u00d8" not in response.content
    data = json.loads(response.content.decode("utf-8"))
    assert (data["profile"]["first_name"], data["profile"]["last_name"]) == ("Åse Ærlig", "Østby")
    assert data["memberships"][0]["organization"] == "Testkommune"
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.EXPORT, actor=world.admin,
                                     object_id=str(world.reader.pk)).exists()


def test_the_export_wants_exactly_one_user(world, plan_admin):
    response = export(plan_admin, world.reader, world.unit_manager)

    assert response.status_code == 302
    assert "Velg nøyaktig én bruker" in " ".join(messages_of(response))
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.EXPORT).exists()


def test_the_export_of_another_kommunes_user_is_refused(world, plan_admin, in_both_kommuner):
    response = export(plan_admin, in_both_kommuner)

    assert response.status_code == 302
    assert "Du kan ikke eksportere" in " ".join(messages_of(response))
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.EXPORT).exists()
