"""Inviting a new person sends one e-mail with a one-time link; the admin can send it
again; usernames of invited people say nothing about accounts elsewhere (issue 14.1)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from planportal import services
from planportal.audit.models import AuditEvent
from planportal.login.models import OrganizationLoginProvider
from planportal.models import Membership, User
from planportal.tasks import send_invitation
from tests.actions.reminder_helpers import eager_celery  # noqa: F401 - a fixture
from tests.factories import MembershipFactory, UserFactory, root_unit
from tests.invitation_helpers import invite, link_in, outbox_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

USERS = "/admin/planportal/user/"


def test_inviting_in_the_admin_sends_one_e_mail_in_bokmal_with_a_working_link(
    world, plan_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = plan_admin.post(f"{USERS}add/", {
            "first_name": "Nina", "last_name": "Nyansatt", "email": "nina@testkommune.no",
            "unit": world.school.pk, "role": Membership.Role.READER})

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="nina@testkommune.no")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@testkommune.no"]
    assert message.subject == "Planportal: brukeren din i Testkommune"
    assert "Hei Nina Nyansatt," in message.body
    assert f"Brukernavnet ditt: {user.username}" in message.body
    assert "Lenken virker én gang" in message.body
    page = plan_admin.get(link_in(message))
    assert page.status_code == 200
    assert "Velg passordet ditt" in page.content.decode()
    assert AuditEvent.objects.filter(
        actor=world.admin, verb="token", object_id=str(user.pk),
        organization_id=world.org.pk, changes={"invitation": [None, "sent"]}).exists()


def test_the_e_mail_is_sent_only_after_the_invitation_is_committed(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invite_user(actor=world.admin, email="nina@testkommune.no",
                             first_name="Nina", last_name="Nyansatt", unit=world.school,
                             role=Membership.Role.READER)
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_an_invitation_into_a_kommune_with_its_own_login_promises_no_link_to_it(
    world, django_capture_on_commit_callbacks
):
    # A first login through the provider never finds an account by its e-mail
    # (email_authentication is off): it would make a second account.
    OrganizationLoginProvider.objects.create(
        organization=world.org, provider_id="testkommune", name="Testkommune ID-porten",
        server_url="https://idp.test", client_id="c")

    invite(world, django_capture_on_commit_callbacks)

    body = mail.outbox[0].body
    assert "Testkommune ID-porten" in body
    assert "fører ikke til denne brukeren" in body
    assert "kan også logge inn" not in body


def test_an_invitation_without_a_login_provider_does_not_mention_one(
    world, django_capture_on_commit_callbacks
):
    invite(world, django_capture_on_commit_callbacks)

    assert "Innloggingsknappen" not in mail.outbox[0].body


def test_a_task_delivered_again_after_the_person_signed_in_sends_nothing(
    world, django_capture_on_commit_callbacks
):
    user = invite(world, django_capture_on_commit_callbacks)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())

    assert send_invitation.delay(user.pk, world.org.pk).get() == "skipped"
    assert len(mail.outbox) == 1


# No username oracle


def test_usernames_of_invited_people_look_the_same_whether_or_not_the_address_is_known(
    world, django_capture_on_commit_callbacks
):
    # Elsewhere, someone's username already is the address (the old rule gave "-2"),
    # and someone else has it as e-mail.
    UserFactory(username="nina@testkommune.no", email="nina@testkommune.no")
    MembershipFactory(user=UserFactory(username="ola", email="ola@testkommune.no"),
                      unit=root_unit(world.other_org), role=Membership.Role.READER)

    known = invite(world, django_capture_on_commit_callbacks, email="nina@testkommune.no")
    also_known = invite(world, django_capture_on_commit_callbacks, email="ola@testkommune.no")
    unknown = invite(world, django_capture_on_commit_callbacks, email="per@testkommune.no")

    assert re.fullmatch(r"nina-[a-z2-9]{6}", known.username)
    assert re.fullmatch(r"ola-[a-z2-9]{6}", also_known.username)
    assert re.fullmatch(r"per-[a-z2-9]{6}", unknown.username)
    assert len(mail.outbox) == 3


def test_a_random_part_that_is_taken_is_drawn_again_without_a_suffix(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    UserFactory(username="nina-aaaaaa")
    draws = iter(["aaaaaa", "bbbbbb"])
    monkeypatch.setattr("planportal.services.get_random_string", lambda *a, **k: next(draws))

    user = invite(world, django_capture_on_commit_callbacks)

    assert user.username == "nina-bbbbbb"


def test_inviting_an_address_one_of_his_people_has_tells_him_and_makes_no_second_account(
    world, django_capture_on_commit_callbacks
):
    world.reader.email = "Politiker@Testkommune.no"
    world.reader.save()

    with pytest.raises(ValidationError) as refused:
        invite(world, django_capture_on_commit_callbacks, email=" politiker@testkommune.no ")

    assert "har allerede denne e-postadressen" in str(refused.value.message_dict["email"])
    assert User.objects.filter(email__iexact="politiker@testkommune.no").count() == 1
    assert mail.outbox == []


# Sending the invitation again


def changelist_action(client: Any, users: list[User]) -> Any:
    return client.post(USERS, {"action": "resend_invitations",
                               ACTION_CHECKBOX_NAME: [user.pk for user in users]}, follow=True)


def test_the_admin_sends_the_invitation_again_and_only_the_new_link_works(
    world, plan_admin, django_capture_on_commit_callbacks
):
    user = invite(world, django_capture_on_commit_callbacks)
    first_link = link_in(mail.outbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = changelist_action(plan_admin, [user])

    assert "En invitasjon ble sendt på nytt til 1 person." in response.content.decode()
    assert len(outbox_to("nina@testkommune.no")) == 2
    second_link = link_in(mail.outbox[1])
    assert second_link != first_link
    assert plan_admin.get(first_link).status_code == 404
    assert plan_admin.get(second_link).status_code == 200
    assert AuditEvent.objects.filter(actor=world.admin, verb="token",
                                     object_id=str(user.pk)).count() == 2


def test_the_invitation_is_sent_again_in_the_persons_own_language(
    world, plan_admin, django_capture_on_commit_callbacks
):
    user = invite(world, django_capture_on_commit_callbacks)
    user.preferred_language = "en"
    user.save()

    with django_capture_on_commit_callbacks(execute=True):
        changelist_action(plan_admin, [user])

    message = mail.outbox[-1]
    assert message.subject == "Planportal: your user for Testkommune"
    assert f"Your username: {user.username}" in message.body


def test_no_invitation_goes_to_someone_who_has_signed_in(
    world, plan_admin, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.reader.pk).update(last_login=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = changelist_action(plan_admin, [world.reader])

    assert "har allerede logget inn" in response.content.decode()
    assert mail.outbox == []


def test_no_invitation_goes_to_another_kommunes_person(
    world, plan_admin, django_capture_on_commit_callbacks
):
    outsider = UserFactory(email="ute@nabokommune.no")
    MembershipFactory(user=outsider, unit=root_unit(world.other_org),
                      role=Membership.Role.READER)

    with django_capture_on_commit_callbacks(execute=True):
        changelist_action(plan_admin, [outsider])
    with pytest.raises(Exception) as refused:
        services.resend_invitation(actor=world.admin, user=outsider)

    assert refused.type.__name__ == "PermissionDenied"
    assert mail.outbox == []


def test_no_invitation_goes_to_someone_with_a_password_whose_old_links_would_stay_valid(
    world, plan_admin, django_capture_on_commit_callbacks
):
    # An operator gave her a password; she never signed in. A new link would leave the
    # password hash, and so every earlier link, as it was.
    assert world.reader.has_usable_password() and world.reader.last_login is None

    with django_capture_on_commit_callbacks(execute=True):
        response = changelist_action(plan_admin, [world.reader])

    assert "har allerede et passord" in response.content.decode()
    assert mail.outbox == []
    world.reader.refresh_from_db()
    assert world.reader.check_password("riktig-passord-123")
