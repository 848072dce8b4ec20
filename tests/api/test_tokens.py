"""Hashed API tokens: obtain, use, list and revoke; and CSRF for browser sessions."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from actions.models import StatusUpdate
from planportal.token_models import ApiToken
from planportal.tokens import authenticate_token, hash_token, issue_token
from tests.api.clients import SessionClient

pytestmark = pytest.mark.django_db

PASSWORD = "riktig-passord-123"
TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


def obtain(user, name="Power BI", **extra):
    return APIClient().post(TOKEN_URL, {"username": user.username, "password": PASSWORD,
                                        "name": name, **extra}, format="json")


def with_token(raw, keyword="Token"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return client


def me(raw, keyword="Token"):
    return with_token(raw, keyword).get("/api/v1/me/")


def test_a_user_obtains_a_token_with_the_password_and_reads_me_with_it(world):
    response = obtain(world.unit_manager)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "token", "name", "expires_at"}
    assert body["token"].startswith("pp_") and body["name"] == "Power BI"
    assert body["expires_at"] is None
    assert response["Cache-Control"] == "no-store"
    answer = me(body["token"])
    assert answer.status_code == 200
    assert answer.json()["username"] == world.unit_manager.username
    assert me(body["token"], keyword="Bearer").status_code == 200


def test_the_plain_token_is_stored_in_no_field_of_the_row(world):
    raw = obtain(world.unit_manager).json()["token"]
    row = ApiToken.objects.get()
    for field in ApiToken._meta.concrete_fields:
        value = field.value_from_object(row)
        assert raw not in str(value), field.name
        assert raw[len(row.key_prefix):] not in str(value), field.name
    assert row.key_prefix == raw[:8]
    assert row.key_hash == hash_token(raw)
    assert len(row.key_hash) == 64


def test_an_expiry_in_days_sets_expires_at(world):
    response = obtain(world.unit_manager, expires_in_days=30)
    assert response.status_code == 201
    expires = ApiToken.objects.get().expires_at
    assert timedelta(days=29) < expires - timezone.now() <= timedelta(days=30)


@pytest.mark.parametrize("days", [0, 3651])
def test_an_expiry_outside_one_to_3650_days_is_400(world, days):
    response = obtain(world.unit_manager, expires_in_days=days)
    assert response.status_code == 400
    assert "expires_in_days" in response.json()
    assert not ApiToken.objects.exists()


def test_a_user_may_hold_two_tokens_and_both_work(world):
    first = obtain(world.unit_manager, name="Power BI").json()["token"]
    second = obtain(world.unit_manager, name="Arkiv").json()["token"]
    assert first != second
    assert ApiToken.objects.filter(user=world.unit_manager).count() == 2
    assert me(first).status_code == 200
    assert me(second).status_code == 200


def test_a_revoked_token_is_401(world):
    raw = obtain(world.unit_manager).json()["token"]
    token_id = ApiToken.objects.get().pk
    client = with_token(raw)
    assert client.post(f"{TOKENS_URL}{token_id}/revoke/").status_code == 200
    response = me(raw)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    assert "tilbakekalt" in response.json()["detail"]  # the message, in Bokmål


def test_an_expired_token_is_401(world):
    raw = obtain(world.unit_manager, expires_in_days=1).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert me(raw).status_code == 401


def test_a_deactivated_users_token_is_401(world):
    raw = obtain(world.unit_manager).json()["token"]
    world.unit_manager.is_active = False
    world.unit_manager.save(update_fields=["is_active"])
    assert me(raw).status_code == 401


@pytest.mark.parametrize("header", ["Token pp_not-a-real-token", "Token", "Bearer a b",
                                    "Token pp_x\u00e6"])
def test_a_malformed_or_unknown_token_is_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert client.get("/api/v1/me/").status_code == 401


def test_a_wrong_password_is_400_and_creates_no_token(world):
    response = APIClient().post(TOKEN_URL, {"username": world.unit_manager.username,
                                            "password": "feil-passord", "name": "Power BI"},
                                format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ApiToken.objects.exists()


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(world):
    wrong = APIClient().post(TOKEN_URL, {"username": world.unit_manager.username,
                                         "password": "feil-passord", "name": "x"}, format="json")
    unknown = APIClient().post(TOKEN_URL, {"username": "finnes-ikke", "password": "feil",
                                           "name": "x"}, format="json")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()


def test_an_inactive_user_cannot_obtain_a_token(world):
    world.reader.is_active = False
    world.reader.save(update_fields=["is_active"])
    response = obtain(world.reader)
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not ApiToken.objects.exists()


def test_the_token_list_shows_only_own_tokens_and_never_a_hash_or_token(world):
    raw = obtain(world.unit_manager).json()["token"]
    obtain(world.reader, name="Annen")
    response = with_token(raw).get(TOKENS_URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["Power BI"]
    assert set(rows[0]) == {"id", "name", "key_prefix", "created_at", "expires_at",
                            "last_used_at", "revoked_at"}
    text = response.content.decode()
    for token in ApiToken.objects.all():
        assert token.key_hash not in text
    assert raw not in text


def test_revoking_another_users_token_is_404_and_leaves_it_working(world):
    mine = obtain(world.unit_manager).json()["token"]
    theirs = obtain(world.reader).json()["token"]
    their_id = ApiToken.objects.get(user=world.reader).pk
    assert with_token(mine).post(f"{TOKENS_URL}{their_id}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=their_id).revoked_at is None
    assert me(theirs).status_code == 200


def test_revoking_twice_keeps_the_first_revocation_time(world):
    token, _raw = issue_token(actor=world.admin, user=world.admin, name="Power BI")
    client = SessionClient(world.admin)
    first = client.post(f"{TOKENS_URL}{token.pk}/revoke/").json()["revoked_at"]
    second = client.post(f"{TOKENS_URL}{token.pk}/revoke/").json()["revoked_at"]
    assert first is not None and first == second


def test_only_the_user_or_a_superuser_may_issue_a_token(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        issue_token(actor=world.admin, user=world.reader, name="Power BI")
    world.admin.is_superuser = True
    world.admin.save(update_fields=["is_superuser"])
    token, raw = issue_token(actor=world.admin, user=world.reader, name="Power BI")
    assert authenticate_token(raw) == token


def test_last_used_is_written_at_most_once_a_minute(world, django_assert_num_queries):
    token, raw = issue_token(actor=world.reader, user=world.reader, name="Power BI")
    assert authenticate_token(raw).last_used_at is not None
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    with django_assert_num_queries(1):
        authenticate_token(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=2))
    authenticate_token(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - timedelta(minutes=2)


def test_a_session_post_without_a_csrf_token_is_403(world):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username=world.unit_manager.username, password=PASSWORD)
    response = client.post(f"/api/v1/actions/{world.action.pk}/status-updates/",
                           {"status": "in_progress", "progress": 10, "version": 1},
                           format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not StatusUpdate.objects.exists()


def test_a_token_post_needs_no_csrf_token(world):
    raw = obtain(world.unit_manager).json()["token"]
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    response = client.post(f"/api/v1/actions/{world.action.pk}/status-updates/",
                           {"status": "in_progress", "progress": 10, "version": 1},
                           format="json")
    assert response.status_code == 201, response.json()
    assert StatusUpdate.objects.get().author == world.unit_manager


def test_obtaining_a_token_needs_no_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(TOKEN_URL, {"username": world.reader.username, "password": PASSWORD,
                                       "name": "Power BI"}, format="json")
    assert response.status_code == 201
