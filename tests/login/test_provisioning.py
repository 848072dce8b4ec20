"""The service that creates a user on their first OIDC login through a kommune's provider."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import PermissionDenied, ValidationError

from planportal.login.models import OrganizationLoginProvider
from planportal.login.services import provision_oidc_user
from planportal.models import Membership, User
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CLAIMS = {"sub": "abc", "preferred_username": "kari@rendalen.kommune.no",
          "email": "kari@rendalen.kommune.no", "given_name": "Kari", "family_name": "Nordmann"}


def provider(**fields: object) -> OrganizationLoginProvider:
    org = OrganizationFactory(name="Rendalen kommune")
    return OrganizationLoginProvider.objects.create(
        organization=org, provider_id="rendalen", name="Rendalen kommune",
        server_url="https://idp.test", client_id="c", **fields,
    )


def test_a_first_login_creates_a_reader_at_the_kommunes_top_unit() -> None:
    p = provider()
    user = provision_oidc_user(provider=p, uid="abc", claims=CLAIMS)
    assert (user.username, user.first_name, user.last_name) == (
        "kari@rendalen.kommune.no", "Kari", "Nordmann")
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).uid == "abc"
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.unit.parent_id, membership.unit.organization_id) == (
        "reader", None, p.organization_id)


def test_a_provider_set_to_give_no_role_creates_the_user_without_one() -> None:
    p = provider(new_user_role=OrganizationLoginProvider.NewUserRole.NONE)
    user = provision_oidc_user(provider=p, uid="abc", claims=CLAIMS)
    assert not Membership.objects.filter(user=user).exists()


def test_a_taken_username_gets_a_suffix_instead_of_joining_the_existing_account() -> None:
    existing = UserFactory(username="kari@rendalen.kommune.no")
    user = provision_oidc_user(provider=provider(), uid="abc", claims=CLAIMS)
    assert user.pk != existing.pk
    assert user.username == "kari@rendalen.kommune.no-2"


def test_the_same_subject_is_never_provisioned_twice() -> None:
    p = provider()
    provision_oidc_user(provider=p, uid="abc", claims=CLAIMS)
    with pytest.raises(ValidationError):
        provision_oidc_user(provider=p, uid="abc", claims=CLAIMS)
    assert User.objects.count() == 1


def test_a_switched_off_provider_creates_nobody() -> None:
    p = provider(is_active=False)
    with pytest.raises(PermissionDenied):
        provision_oidc_user(provider=p, uid="abc", claims=CLAIMS)
    assert not User.objects.exists()
