"""Configuring a kommune's OIDC provider in the admin, and the login page's buttons."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from planportal.login import services
from planportal.login.models import LoginFailure, OrganizationLoginProvider
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/login/organizationloginprovider/add/"


def operator_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def form_data(org: Any, **changes: Any) -> dict[str, Any]:
    return {
        "organization": org.pk, "provider_id": "rendalen", "name": "Rendalen kommune",
        "server_url": "https://login.microsoftonline.com/0000-tenant/v2.0",
        "client_id": "app-id", "secret": "s3cret", "new_user_role": "reader",
        "is_active": "on", **changes,
    }


def test_a_platform_operator_adds_a_kommunes_provider_in_the_admin() -> None:
    org = OrganizationFactory(name="Rendalen kommune")
    answer = operator_client().post(ADD_URL, form_data(org))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    provider = OrganizationLoginProvider.objects.get()
    assert (provider.organization, provider.secret) == (org, "s3cret")


def test_saving_without_a_secret_keeps_the_stored_one_and_it_is_never_shown() -> None:
    org = OrganizationFactory()
    client = operator_client()
    client.post(ADD_URL, form_data(org))
    provider = OrganizationLoginProvider.objects.get()
    url = f"/admin/login/organizationloginprovider/{provider.pk}/change/"
    page = client.get(url).content.decode()
    assert "s3cret" not in page
    assert "/accounts/oidc/rendalen/login/callback/" in page
    assert client.post(url, form_data(org, name="Rendalen")).status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.secret) == ("Rendalen", "s3cret")


def test_a_provider_cannot_be_moved_to_another_kommune() -> None:
    org, other = OrganizationFactory(), OrganizationFactory()
    client = operator_client()
    client.post(ADD_URL, form_data(org))
    provider = OrganizationLoginProvider.objects.get()
    page = client.post(f"/admin/login/organizationloginprovider/{provider.pk}/change/",
                       form_data(other))
    assert page.status_code == 200
    assert "kan ikke flyttes til en annen organisasjon" in page.content.decode()
    provider.refresh_from_db()
    assert provider.organization == org


def test_a_kommune_admin_cannot_configure_providers(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.save_login_provider(actor=world.admin, provider=None, data={
            "organization": world.org, "provider_id": "x", "name": "X",
            "server_url": "https://example.test", "client_id": "c",
        })
    assert not OrganizationLoginProvider.objects.exists()


def test_a_bad_provider_id_is_refused_naming_the_field() -> None:
    org = OrganizationFactory()
    operator = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(ValidationError) as error:
        services.save_login_provider(actor=operator, provider=None, data={
            "organization": org, "provider_id": "Rendalen Kommune", "name": "X",
            "server_url": "https://example.test", "client_id": "c",
        })
    assert "provider_id" in error.value.message_dict


def test_the_login_page_offers_each_active_provider_as_a_post_button() -> None:
    org = OrganizationFactory(name="Rendalen kommune")
    OrganizationLoginProvider.objects.create(
        organization=org, provider_id="rendalen", name="Rendalen kommune",
        server_url="https://idp.test", client_id="c",
    )
    page = Client().get("/logg-inn/?next=/planer/").content.decode()
    assert 'action="/accounts/oidc/rendalen/login/"' in page
    assert "Logg inn med Rendalen kommune" in page
    assert 'name="next" value="/planer/"' in page
    assert 'name="password"' in page  # the password form stays


def test_allauths_own_sign_up_and_login_pages_lead_to_the_planportal_login() -> None:
    client = Client()
    assert client.get("/accounts/signup/")["Location"] == "/logg-inn/"
    assert client.get("/accounts/login/?next=/planer/")["Location"] == "/logg-inn/?next=/planer/"


@pytest.mark.parametrize("path", [
    "/accounts/password/reset/", "/accounts/password/set/", "/accounts/email/",
    "/accounts/3rdparty/",
])
def test_allauth_pages_that_could_bypass_the_kommunes_login_do_not_exist(path: str) -> None:
    client = Client()
    client.force_login(UserFactory())
    assert client.get(path).status_code == 404


def test_an_operator_lifts_a_lock_in_the_admin() -> None:
    from django.utils import timezone

    now = timezone.now()
    failure = LoginFailure.objects.create(kind="username", key="ola", failures=5,
                                          window_start=now, last_failure_at=now,
                                          locked_until=now)
    answer = operator_client().post("/admin/login/loginfailure/", {
        "action": "lift_locks", "_selected_action": [failure.pk],
    })
    assert answer.status_code == 302
    assert not LoginFailure.objects.exists()
