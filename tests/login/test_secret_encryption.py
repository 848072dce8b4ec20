"""A kommune's OIDC client secret is encrypted at rest, rotatable, and never shown or logged."""

from __future__ import annotations

import importlib
import json
import logging
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps as django_apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings

from planportal import env
from planportal.audit.models import AuditEvent
from planportal.checks import check_field_encryption_keys
from planportal.encryption import UnreadableValueError, derive_key
from planportal.login import services
from planportal.login.adapters import SocialAccountAdapter
from planportal.login.models import OrganizationLoginProvider
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PLAIN = "Entra~klienthemmelighet-æøå-0123456789"
OLD_KEY, NEW_KEY, OTHER_KEY = (Fernet.generate_key().decode() for _ in range(3))
migration = importlib.import_module("planportal.login.migrations.0002_encrypt_client_secrets")


def stored(provider: OrganizationLoginProvider) -> str:
    """The secret column as the database holds it, read past the ORM."""
    table = connection.ops.quote_name(OrganizationLoginProvider._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {table} WHERE id = %s", [provider.pk])  # noqa: S608
        return cursor.fetchone()[0]


def store_raw(provider: OrganizationLoginProvider, value: str) -> None:
    table = connection.ops.quote_name(OrganizationLoginProvider._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s",  # noqa: S608
                       [value, provider.pk])


def operator() -> Any:
    return UserFactory(is_staff=True, is_superuser=True)


def make_provider(secret: str = PLAIN, provider_id: str = "rendalen") -> OrganizationLoginProvider:
    return services.save_login_provider(actor=operator(), provider=None, data={
        "organization": OrganizationFactory(name="Rendalen kommune"),
        "provider_id": provider_id, "name": "Rendalen kommune",
        "server_url": "https://login.microsoftonline.com/0000-tenant/v2.0",
        "client_id": "app-id", "secret": secret,
    })


def reloaded(provider: OrganizationLoginProvider) -> OrganizationLoginProvider:
    return OrganizationLoginProvider.objects.get(pk=provider.pk)


def test_the_column_holds_a_fernet_token_and_never_the_plain_secret(settings: Any) -> None:
    provider = make_provider()

    raw = stored(provider)
    assert PLAIN not in raw and "klienthemmelighet" not in raw
    # Without FIELD_ENCRYPTION_KEYS the key is derived from SECRET_KEY.
    assert Fernet(derive_key(settings.SECRET_KEY)).decrypt(raw.encode()).decode() == PLAIN
    assert reloaded(provider).secret == PLAIN


def test_every_save_stores_a_fresh_token_and_a_blank_secret_stays_blank() -> None:
    provider = make_provider()
    first = stored(provider)
    reloaded(provider).save()
    assert stored(provider) != first  # a new IV, so equal secrets are not recognisable
    assert reloaded(provider).secret == PLAIN
    blank = make_provider(secret="", provider_id="tynset")
    assert (stored(blank), reloaded(blank).secret) == ("", "")


def test_the_login_flow_gets_the_plain_secret() -> None:
    make_provider()
    adapter = SocialAccountAdapter()

    named = adapter.get_app(None, provider="rendalen")
    listed = adapter.list_apps(None)

    assert named.secret == PLAIN
    assert [app.secret for app in listed] == [PLAIN]


def test_a_new_key_in_front_keeps_secrets_readable_and_rotation_re_encrypts_them() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        provider = make_provider()
        before = stored(provider)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert reloaded(provider).secret == PLAIN
        call_command("rotate_field_encryption", stdout=(out := StringIO()))
        after = stored(provider)
    assert "Re-encrypted with the newest key: 1." in out.getvalue()
    assert after != before
    assert Fernet(NEW_KEY).decrypt(after.encode()).decode() == PLAIN
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(after.encode())
    # The old key can go now.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert reloaded(provider).plain_secret() == PLAIN


def test_secrets_written_before_keys_were_set_stay_readable_and_move_to_the_new_key() -> None:
    provider = make_provider()  # encrypted with the SECRET_KEY-derived key
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert reloaded(provider).secret == PLAIN
        call_command("rotate_field_encryption", stdout=StringIO())
    # Now independent of SECRET_KEY: a new one does not lose the secret.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY],
                           SECRET_KEY="a-completely-new-secret-key-0123456789-abcdefghijklmnop"):
        assert reloaded(provider).secret == PLAIN


def test_a_secret_no_key_decrypts_raises_a_clear_error_naming_the_provider() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        provider = make_provider()
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]):
        lost = reloaded(provider)  # loading the row still works

        assert lost.secret_is_unreadable
        with pytest.raises(UnreadableValueError,
                           match=r"login provider Rendalen kommune \(rendalen\)"):
            lost.plain_secret()
        with pytest.raises(UnreadableValueError, match="FIELD_ENCRYPTION_KEYS"):
            str(lost.secret)  # never garbage, never an empty string
        with pytest.raises(UnreadableValueError, match=r"\(rendalen\)"):
            SocialAccountAdapter().get_app(None, provider="rendalen")
        # One kommune's lost key does not take the other kommuner's logins down.
        assert SocialAccountAdapter().list_apps(None) == []


def test_pressing_the_button_of_a_provider_with_an_unreadable_secret_explains_and_logs_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        make_provider()
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]), \
            caplog.at_level(logging.ERROR, logger="planportal.login.adapters"):
        client = Client()
        answer = client.post("/accounts/oidc/rendalen/login/", follow=True)

    assert answer.redirect_chain[-1][0].startswith("/logg-inn/")
    assert "Innlogging med Rendalen kommune er ikke tilgjengelig nå" in answer.content.decode()
    assert any("Rendalen kommune (rendalen)" in record.getMessage()
               for record in caplog.records if record.levelno == logging.ERROR)


def test_the_admin_opens_a_provider_with_an_unreadable_secret_and_asks_for_it_again() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        provider = make_provider()
    ciphertext = stored(provider)
    url = f"/admin/login/organizationloginprovider/{provider.pk}/change/"
    client = Client()
    client.force_login(operator())
    form = {"organization": provider.organization_id, "provider_id": "rendalen",
            "server_url": provider.server_url, "client_id": "app-id",
            "new_user_role": "reader", "is_active": "on"}

    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]):
        page = client.get(url)
        assert page.status_code == 200
        assert "kan ikke dekrypteres" in page.content.decode()
        assert ciphertext not in page.content.decode()
        # Saving another change keeps the stored ciphertext as it is (the key may come back).
        answer = client.post(url, {**form, "name": "Rendalen", "secret": ""})
        assert answer.status_code == 302, answer.content.decode()[:2000]
        assert stored(provider) == ciphertext
        # Entering it again makes it readable with the keys in force.
        assert client.post(url, {**form, "name": "Rendalen", "secret": "ny"}).status_code == 302
        assert reloaded(provider).plain_secret() == "ny"
        assert "kan ikke dekrypteres" not in client.get(url).content.decode()


def test_the_admin_page_shows_neither_the_secret_nor_its_token() -> None:
    provider = make_provider()
    client = Client()
    client.force_login(operator())

    page = client.get(f"/admin/login/organizationloginprovider/{provider.pk}/change/")

    text = page.content.decode()
    assert PLAIN not in text and stored(provider) not in text
    assert "lagret, kryptert" in text


def test_the_migration_encrypts_plain_values_once_and_reverses_to_plain_text() -> None:
    provider = make_provider()
    store_raw(provider, PLAIN)  # as 0001 stored it
    editor = SimpleNamespace(connection=connection)

    migration.encrypt_plain_secrets(django_apps, editor)
    token = stored(provider)
    migration.encrypt_plain_secrets(django_apps, editor)  # a second run changes nothing

    assert token != PLAIN and stored(provider) == token
    assert reloaded(provider).secret == PLAIN
    migration.decrypt_secrets(django_apps, editor)
    assert stored(provider) == PLAIN


def test_migrating_back_stops_at_a_secret_no_key_decrypts_naming_the_provider() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        provider = make_provider()
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]), \
            pytest.raises(UnreadableValueError, match="rendalen"):
        migration.decrypt_secrets(django_apps, SimpleNamespace(connection=connection))
    assert stored(provider) != PLAIN


def test_rotation_leaves_unreadable_secrets_alone_and_names_them() -> None:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        provider = make_provider()
    before = stored(provider)
    with override_settings(FIELD_ENCRYPTION_KEYS=[OTHER_KEY]), \
            pytest.raises(CommandError, match=r"Rendalen kommune \(rendalen\)"):
        call_command("rotate_field_encryption", stdout=StringIO())
    assert stored(provider) == before


def test_the_deploy_check_warns_when_production_has_no_encryption_keys() -> None:
    with override_settings(DEBUG=False, FIELD_ENCRYPTION_KEYS=[]):
        warnings = check_field_encryption_keys()
        assert [w.id for w in warnings] == ["planportal.W001"]
        assert "planportal.W001" in [m.id for m in run_checks(include_deployment_checks=True)]
        assert "planportal.W001" not in [m.id for m in run_checks()]  # --deploy only
    with override_settings(DEBUG=False, FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert check_field_encryption_keys() == []
    with override_settings(DEBUG=True, FIELD_ENCRYPTION_KEYS=[]):
        assert check_field_encryption_keys() == []


def test_audit_events_and_admin_history_record_that_the_secret_changed_never_its_value() -> None:
    client = Client()
    client.force_login(operator())
    org = OrganizationFactory()
    form = {"organization": org.pk, "provider_id": "rendalen", "name": "Rendalen kommune",
            "server_url": "https://idp.test", "client_id": "app-id", "new_user_role": "reader",
            "is_active": "on"}
    assert client.post("/admin/login/organizationloginprovider/add/",
                       {**form, "secret": PLAIN}).status_code == 302
    provider = OrganizationLoginProvider.objects.get()
    url = f"/admin/login/organizationloginprovider/{provider.pk}/change/"
    first_token = stored(provider)
    assert client.post(url, {**form, "secret": "andre-hemmelighet"}).status_code == 302
    assert client.post(url, {**form, "name": "Rendalen", "secret": ""}).status_code == 302

    events = list(AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(provider), object_id=str(provider.pk)
    ).order_by("id"))
    assert [(e.verb, e.changes.get("secret")) for e in events] == [
        ("create", [None, services.SECRET_SET]),
        ("update", [services.SECRET_HIDDEN, services.SECRET_SET]),
        ("update", None),
    ]
    assert events[2].changes == {"name": ["Rendalen kommune", "Rendalen"]}
    trail = json.dumps([e.changes for e in events], ensure_ascii=False) + "".join(
        entry.change_message for entry in LogEntry.objects.all()
    )
    for value in (PLAIN, "andre-hemmelighet", first_token, stored(provider)):
        assert value not in trail
    # The admin's history names the secret only when one was typed.
    assert [("client secret" in e.change_message) for e in
            LogEntry.objects.filter(action_flag=2).order_by("id")] == [True, False]


def test_fernet_keys_from_the_environment_are_checked_without_repeating_them() -> None:
    assert env.env_fernet_keys("K", environ={"K": f" {NEW_KEY}, {OLD_KEY} ,"}) == [NEW_KEY, OLD_KEY]
    assert env.env_fernet_keys("K", environ={}) == []
    with pytest.raises(ImproperlyConfigured, match="Key 2 in K") as error:
        env.env_fernet_keys("K", environ={"K": f"{NEW_KEY},not-a-fernet-key"})
    assert "not-a-fernet-key" not in str(error.value)

