"""A platform operator's user pages save through services, and leave a trail (issue 14).

Django's own user forms saved the account directly: an operator could add a user, rename
them, make them staff or set their password without an audit event. The add page now goes
through ``create_user``, the change page through ``update_user``, the password page
through ``set_password``; none writes a name, e-mail or password into the trail.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from planportal import services
from planportal.audit.models import AuditEvent
from planportal.models import User
from planportal.token_models import ApiToken
from planportal.tokens import issue_token
from tests.factories import UserFactory
from tests.login_helpers import PASSWORD, is_logged_in, logged_in

pytestmark = pytest.mark.django_db

USERS = "/admin/planportal/user/"
NEW_PASSWORD = "Blåbærsyltetøy-på-vaffel-42"


@pytest.fixture
def operator() -> User:
    return UserFactory(username="operatør", email="drift@planportal.no", is_staff=True,
                       is_superuser=True)


@pytest.fixture
def operator_client(operator: User) -> Client:
    client = Client()
    client.force_login(operator)
    return client


def new_events(before: set[int]) -> list[AuditEvent]:
    return list(AuditEvent.objects.exclude(pk__in=before).order_by("pk"))


def event_ids() -> set[int]:
    return set(AuditEvent.objects.values_list("pk", flat=True))


def trail_text(events: list[AuditEvent]) -> str:
    return json.dumps([(e.object_repr, e.changes) for e in events], ensure_ascii=False)




def change_page_data(user: User, **fields: Any) -> dict[str, Any]:
    # The roles inline is read-only: its management form, with no rows, is enough.
    data = {"username": user.username, "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email,
            "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}
    if user.is_staff:
        data["is_staff"] = "on"
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


# The add page


def test_an_operator_adding_a_user_in_the_admin_is_audited_without_the_password(
    operator, operator_client
):
    before = event_ids()

    response = operator_client.post(f"{USERS}add/", {
        "username": "ase.odegard", "usable_password": "true", "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD, "first_name": "Åse", "last_name": "Ødegård",
        "email": "ase.odegard@elverum.kommune.no"})

    assert response.status_code == 302
    user = User.objects.get(username="ase.odegard")
    assert (user.first_name, user.last_name, user.email) == (
        "Åse", "Ødegård", "ase.odegard@elverum.kommune.no")
    assert user.check_password(NEW_PASSWORD)
    events = new_events(before)
    assert [(e.verb, e.actor_id, e.object_id) for e in events] == [
        ("create", operator.pk, str(user.pk))]
    assert events[0].changes == {"is_staff": [None, False], "is_superuser": [None, False]}
    text = trail_text(events)
    for secret in (NEW_PASSWORD, user.password, "pbkdf2", "Åse", "Ødegård", "ase.odegard"):
        assert secret not in text


def test_an_operator_may_add_an_account_without_a_password(operator_client):
    response = operator_client.post(f"{USERS}add/", {
        "username": "kun-innlogging", "usable_password": "false", "first_name": "Kari",
        "last_name": "Nordmann", "email": ""})

    assert response.status_code == 302
    assert not User.objects.get(username="kun-innlogging").has_usable_password()


def test_a_weak_password_on_the_add_page_names_the_field_and_creates_nobody(operator_client):
    before = event_ids()

    response = operator_client.post(f"{USERS}add/", {
        "username": "svak", "usable_password": "true", "password1": "123",
        "password2": "123", "first_name": "", "last_name": "", "email": ""})

    assert response.status_code == 200
    assert "password2" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="svak").exists()
    assert new_events(before) == []


# The change page


def test_an_operator_editing_names_and_e_mail_leaves_a_diff_that_names_no_values(
    world, operator, operator_client
):
    person = world.unit_manager
    person.first_name, person.last_name, person.email = "Ola", "Hansen", ""
    person.save()
    before = event_ids()

    response = operator_client.post(f"{USERS}{person.pk}/change/", change_page_data(
        person, first_name="Åse", last_name="Hansen", email="ase@testkommune.no"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.email) == ("Åse", "ase@testkommune.no")
    events = new_events(before)
    assert [(e.verb, e.actor_id, e.object_id) for e in events] == [
        ("update", operator.pk, str(person.pk))]
    # Which fields changed (and that the e-mail was set, not changed), never the values.
    assert events[0].changes == {
        "email": [None, services.PERSONAL_DATA],
        "first_name": [services.PERSONAL_DATA, services.PERSONAL_DATA]}
    for detail in ("Åse", "Ola", "ase@testkommune.no"):
        assert detail not in trail_text(events)


def test_making_someone_staff_is_recorded_with_the_flag(world, operator, operator_client):
    person = world.reader
    before = event_ids()

    response = operator_client.post(f"{USERS}{person.pk}/change/",
                                    change_page_data(person, is_staff="on"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_staff
    assert [e.changes for e in new_events(before)] == [{"is_staff": [False, True]}]


def test_saving_the_change_page_unchanged_records_nothing(world, operator_client):
    before = event_ids()

    response = operator_client.post(f"{USERS}{world.reader.pk}/change/",
                                    change_page_data(world.reader))

    assert response.status_code == 302
    assert new_events(before) == []


def test_the_change_page_has_no_groups_permissions_or_dates_to_edit(world, operator_client):
    page = operator_client.get(f"{USERS}{world.reader.pk}/change/")

    assert page.status_code == 200
    fields = set(page.context["adminform"].form.fields)
    assert {"username", "first_name", "last_name", "email", "is_staff",
            "is_superuser"} <= fields
    assert not fields & {"groups", "user_permissions", "last_login", "date_joined",
                         "is_active"}


def test_a_username_taken_in_another_case_is_refused_on_the_username(world, operator_client):
    response = operator_client.post(f"{USERS}{world.reader.pk}/change/",
                                    change_page_data(world.reader, username="ADMIN1"))

    assert response.status_code == 200
    assert "username" in response.context["adminform"].form.errors
    world.reader.refresh_from_db()
    assert world.reader.username == "politiker1"


def test_an_operator_cannot_take_away_his_own_operator_rights(operator, operator_client):
    response = operator_client.post(f"{USERS}{operator.pk}/change/",
                                    change_page_data(operator, is_superuser=None))

    assert response.status_code == 200
    assert "is_superuser" in response.context["adminform"].form.errors
    operator.refresh_from_db()
    assert operator.is_superuser


# The password page


def test_an_operator_setting_a_password_is_audited_without_the_secret(
    world, operator, operator_client
):
    person = world.unit_manager
    person.set_password(PASSWORD)
    person.save()
    browser = logged_in(person)
    token, _raw = issue_token(actor=person, user=person, name="Power BI")
    before = event_ids()

    response = operator_client.post(f"{USERS}{person.pk}/password/", {
        "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    events = new_events(before)
    assert [(e.verb, e.actor_id, e.changes) for e in events] == [
        ("token", operator.pk, {"api_token": [{"id": token.pk, "name": "Power BI"},
                                              "revoked"]}),
        ("update", operator.pk, {"password": [services.PASSWORD_HIDDEN,
                                              services.PASSWORD_SET],
                                 "session_epoch": [0, 1]}),
    ]
    for secret in (NEW_PASSWORD, person.password, "pbkdf2"):
        assert secret not in trail_text(events)
    # What the old password let in has ended: the person's session and API token.
    assert not is_logged_in(browser)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_switching_password_sign_in_off_is_audited_too(world, operator, operator_client):
    person = world.unit_manager
    before = event_ids()

    response = operator_client.post(f"{USERS}{person.pk}/password/", {
        "usable_password": "false", "unset-password": "1"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert [e.changes for e in new_events(before)] == [
        {"password": [services.PASSWORD_HIDDEN, None], "session_epoch": [0, 1]}]


def test_an_operator_changing_his_own_password_stays_signed_in(operator, operator_client):
    response = operator_client.post(f"{USERS}{operator.pk}/password/", {
        "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert is_logged_in(operator_client)


def test_a_weak_password_on_the_password_page_changes_and_records_nothing(
    world, operator_client
):
    before = event_ids()

    response = operator_client.post(f"{USERS}{world.reader.pk}/password/", {
        "usable_password": "true", "password1": "123", "password2": "123"})

    assert response.status_code == 200
    assert response.context["form"].errors
    world.reader.refresh_from_db()
    assert world.reader.check_password(PASSWORD)
    assert new_events(before) == []


# A kommune's administrator


@pytest.fixture
def kommune_admin(world) -> Client:
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(world.admin)
    return client


def test_a_kommune_admin_cannot_set_his_own_peoples_passwords_or_edit_their_accounts(
    world, kommune_admin
):
    person = world.reader
    before = event_ids()

    password = kommune_admin.post(f"{USERS}{person.pk}/password/", {
        "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    change = kommune_admin.post(f"{USERS}{person.pk}/change/", change_page_data(
        person, first_name="Kapret", is_staff="on"))

    assert (password.status_code, change.status_code) == (403, 403)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert (person.first_name, person.is_staff) != ("Kapret", True)
    assert new_events(before) == []


def test_another_kommunes_person_has_no_password_or_change_page_for_a_kommune_admin(
    world, kommune_admin
):
    stranger = world.other_admin
    for page in ("password/", "change/"):
        assert kommune_admin.post(f"{USERS}{stranger.pk}/{page}", {
            "usable_password": "true", "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.check_password(PASSWORD)


def test_the_services_refuse_a_kommune_admin_too(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.set_password(actor=world.admin, user=world.reader, password=NEW_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.update_user(actor=world.admin, user=world.reader, first_name="Kapret")
    world.reader.refresh_from_db()
    assert world.reader.check_password(PASSWORD)
    assert world.reader.first_name != "Kapret"


def test_the_service_refuses_a_new_username_that_differs_only_in_case(db):
    from django.core.exceptions import ValidationError

    from planportal import services
    from planportal.permissions import SYSTEM
    from tests.factories import UserFactory

    UserFactory(username="kari")
    with pytest.raises(ValidationError) as error:
        services.create_user(actor=SYSTEM, username="Kari", password=None)
    assert "username" in error.value.error_dict
