"""allauth adapters: OIDC apps come from OrganizationLoginProvider rows; no self-signup."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from planportal.encryption import UnreadableValueError
from planportal.login import services
from planportal.login.models import OrganizationLoginProvider

logger = logging.getLogger(__name__)

OIDC = "openid_connect"


def as_social_app(provider: OrganizationLoginProvider) -> SocialApp:
    """An unsaved allauth app for *provider*: PKCE on, subject as the account key.

    Raises :class:`UnreadableValueError` naming the provider when its stored secret cannot
    be decrypted.
    """
    return SocialApp(
        provider=OIDC,
        provider_id=provider.provider_id,
        name=provider.name,
        client_id=provider.client_id,
        secret=provider.plain_secret(),
        settings={
            "server_url": provider.server_url,
            "oauth_pkce_enabled": True,
            "uid_field": "sub",
            # Never log in an existing account because its e-mail matches.
            "email_authentication": False,
        },
    )


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by administrators or by a kommune's provider, never by sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """No self-service sign-up."""
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Each provider app belongs to one organisation; first logins are provisioned there."""

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None,
        client_id: str | None = None,
    ) -> list[SocialApp]:
        """The active organisation providers, as allauth apps (no SocialApp table rows).

        A provider whose secret no key decrypts is left out of a list of all of them (one
        kommune's lost key must not stop the others' logins); asked for by name, it sends
        the person back to the login page with a message. Either way the error, naming
        the provider, is logged.
        """
        rows = OrganizationLoginProvider.objects.filter(is_active=True)
        named = bool(provider and provider != OIDC)
        if named:
            rows = rows.filter(provider_id=provider)
        if client_id:
            rows = rows.filter(client_id=client_id)
        apps = []
        for row in rows:
            try:
                apps.append(as_social_app(row))
            except UnreadableValueError as exc:
                logger.error("%s", exc)
                if named and request is not None:
                    self._refuse(request, _(
                        "Login with %(name)s is not available right now. Ask your "
                        "administrator."
                    ) % {"name": row.name})
                if named:
                    raise
        return apps

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse linking to a signed-in account; create first-time users in the provider's
        organisation only (through :func:`services.provision_oidc_user`)."""
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            self._refuse(request, _("Linking another login to this account is not possible."))
        if sociallogin.is_existing:
            return
        provider_id = sociallogin.account.provider
        provider = OrganizationLoginProvider.objects.filter(
            provider_id=provider_id, is_active=True
        ).first()
        if provider is None:
            self._refuse(request, _("This login provider is not available."))
        claims = self._claims(sociallogin)
        services.provision_oidc_user(provider=provider, uid=sociallogin.account.uid,
                                     claims=claims)
        sociallogin.lookup()

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """Unreachable for known providers (users are provisioned before); closed otherwise."""
        return False

    @staticmethod
    def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
        data = sociallogin.account.extra_data or {}
        return data.get("userinfo") or data.get("id_token") or data

    @staticmethod
    def _refuse(request: HttpRequest, message: str) -> None:
        logger.warning("OIDC login refused: %s", message)
        messages.error(request, message)
        raise ImmediateHttpResponse(HttpResponseRedirect(reverse("login")))
