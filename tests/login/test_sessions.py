"""Sessions: new key at login, log out everywhere, deactivation, lifetimes (B1–B4, B7)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from planportal import services
from planportal.models import Membership
from planportal.tokens import issue_token
from tests.factories import MembershipFactory, UserFactory
from tests.login_helpers import PASSWORD, is_logged_in, logged_in

pytestmark = pytest.mark.django_db





def token_works(raw: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client.get("/api/v1/me/").status_code == 200


def test_login_gives_a_new_session_key_and_logout_ends_it_on_the_server() -> None:
    user = UserFactory()
    client = Client()
    client.get("/logg-inn/")
    client.session.save()
    before = client.session.session_key
    assert client.post("/logg-inn/", {"username": user.username, "password": PASSWORD}
                       ).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    client.post("/logg-ut/")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = after
    assert not is_logged_in(replay)


def test_the_log_out_everywhere_button_ends_every_session_and_token_of_the_user() -> None:
    user, other = UserFactory(), UserFactory()
    laptop, phone, others = logged_in(user), logged_in(user), logged_in(other)
    _token, raw = issue_token(actor=user, user=user, name="Power BI")
    assert "Avslutt alle økter" in laptop.get("/planer/").content.decode()

    answer = laptop.post("/logg-ut-overalt/")

    assert answer.status_code == 302 and answer["Location"].endswith("/logg-inn/")
    assert not is_logged_in(laptop) and not is_logged_in(phone)
    assert not token_works(raw)
    assert is_logged_in(others)
    # The password still works: a new login starts a fresh, valid session.
    assert is_logged_in(logged_in(user))


def test_log_out_everywhere_needs_a_post() -> None:
    user = UserFactory()
    client = logged_in(user)
    assert client.get("/logg-ut-overalt/").status_code == 405
    assert is_logged_in(client)


def test_a_deactivated_user_loses_every_session_and_token_at_once(world: Any) -> None:
    user = world.unit_manager
    user.set_password(PASSWORD)
    user.save()
    browser = logged_in(user)
    _token, raw = issue_token(actor=user, user=user, name="Power BI")
    assert token_works(raw)

    services.deactivate_user(actor=world.admin, user=user)

    assert not is_logged_in(browser)
    assert not token_works(raw)
    assert user.api_tokens.get().revoked_at is not None
    assert Client().post("/logg-inn/", {"username": user.username, "password": PASSWORD}
                         ).status_code == 200
    # Reactivating does not bring the old tokens back.
    type(user).objects.filter(pk=user.pk).update(is_active=True)
    assert not token_works(raw)


def test_a_kommune_admin_cannot_deactivate_someone_of_another_kommune(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.deactivate_user(actor=world.admin, user=world.other_admin)
    with pytest.raises(PermissionDenied):
        services.log_out_everywhere(actor=world.reader, user=world.unit_manager)
    world.other_admin.refresh_from_db()
    assert world.other_admin.is_active and world.other_admin.session_epoch == 0


def test_nobody_deactivates_their_own_account(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.deactivate_user(actor=world.admin, user=world.admin)


def test_the_admin_action_deactivates_the_selected_users(world: Any) -> None:
    operator = UserFactory(is_staff=True, is_superuser=True)
    target = UserFactory()
    MembershipFactory(user=target, unit=world.root, role=Membership.Role.READER)
    target_browser = logged_in(target)
    admin = Client()
    admin.force_login(operator)

    answer = admin.post("/admin/planportal/user/", {
        "action": "deactivate_users", "_selected_action": [target.pk],
    }, follow=True)

    assert answer.status_code == 200
    assert "1 brukere deaktivert" in answer.content.decode()
    target.refresh_from_db()
    assert not target.is_active and target.session_epoch == 1
    assert not is_logged_in(target_browser)


def test_a_session_ends_after_the_idle_timeout(settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 2 * 3600
    client = logged_in(UserFactory())
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=1, minutes=59)):
        assert is_logged_in(client)
    # That request counted as activity: the idle clock starts again from it.
    with time_machine.travel(start + timedelta(hours=3, minutes=50)):
        assert is_logged_in(client)
    with time_machine.travel(start + timedelta(hours=5, minutes=51)):
        assert not is_logged_in(client)


def test_an_active_session_still_ends_at_the_absolute_lifetime(settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 2 * 3600
    settings.SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
    client = logged_in(UserFactory())
    start = timezone.now()
    for hour in range(1, 12):
        with time_machine.travel(start + timedelta(hours=hour)):
            assert is_logged_in(client), hour
    with time_machine.travel(start + timedelta(hours=12, minutes=1)):
        assert not is_logged_in(client)


def test_the_login_form_refuses_a_post_without_a_csrf_token() -> None:
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    answer = client.post("/logg-inn/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 403


def test_deactivation_is_in_the_audit_trail(world: Any) -> None:
    from planportal.audit.models import AuditEvent

    services.deactivate_user(actor=world.admin, user=world.unit_manager)
    event = AuditEvent.objects.get(verb="deactivate")
    assert (event.actor, event.object_id) == (world.admin, str(world.unit_manager.pk))
    assert event.changes["is_active"] == [True, False]
