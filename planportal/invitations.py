"""Invitations: the e-mail with a one-time link, and the form where the invited person
sets a first password (the page itself is :func:`planportal.views.invitation`).

A kommune's administrator invites a new person (:func:`planportal.services.invite_user`)
or sends the invitation again (:func:`planportal.services.resend_invitation`); the
e-mail goes out through Celery once the transaction commits
(:func:`planportal.tasks.send_invitation`). The link carries a signed token with
Django's password-reset semantics: it stops working once the password is set, the
person has signed in, the invitation is sent again, or ``INVITATION_TIMEOUT`` days have
passed. The page sets the password through :func:`planportal.services.accept_invitation`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordMixin
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int
from django.utils.translation import gettext as _

from planportal.forms import AccessibleFormMixin
from planportal.languages import language_for
from planportal.mail import one_line
from planportal.models import Organization

logger = logging.getLogger(__name__)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token, with its own salt and ``INVITATION_TIMEOUT`` days.

    The hash covers the password hash, the last login and the e-mail (Django's), and
    whether the account is active: setting a password, signing in, a new unusable
    password (a re-sent invitation), a changed e-mail or a deactivation each end it.
    """

    key_salt = "planportal.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{int(user.is_active)}"

    def check_token(self, user: Any, token: str | None) -> bool:
        """Django's check, with the invitation's lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret),
                                  token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= settings.INVITATION_TIMEOUT * 24 * 60 * 60


invitation_tokens = InvitationTokenGenerator()


def invitation_url(user: Any) -> str:
    """The one-time link for *user*, from SITE_URL (e-mails have no request)."""
    token = invitation_tokens.make_token(user)
    return f"{settings.SITE_URL}{reverse('invitation', args=[user.pk, token])}"


def needs_invitation(user: Any) -> bool:
    """An active person with an e-mail address who has never signed in."""
    return bool(user.is_active and user.email and user.last_login is None)


def _provider_note(organization: Organization) -> str:
    """What the e-mail says about the kommune's own login, if it has one.

    A first login through a kommune's provider never finds an account by its e-mail
    (``email_authentication`` is off in planportal.login.adapters): it makes a separate
    one. So the e-mail promises nothing of the kind, and warns instead.
    """
    from planportal.login.models import OrganizationLoginProvider

    names = list(OrganizationLoginProvider.objects.filter(
        organization=organization, is_active=True).order_by("name").values_list("name", flat=True))
    if not names:
        return ""
    return _(
        "Sign in with the username above and your password. The login button for "
        "%(provider)s on the login page does not lead to this user."
    ) % {"provider": ", ".join(names)}


def build_invitation_email(user: Any, organization: Organization) -> EmailMultiAlternatives:
    """The invitation to *user* for *organization*, in the invitee's language: their own
    choice, else the målform of the kommune that invites them."""
    with translation.override(language_for(user, organization)):
        expires = timezone.localtime() + timedelta(days=settings.INVITATION_TIMEOUT)
        context = {
            "user": user,
            "name": user.get_full_name() or user.username,
            "organization": one_line(organization.name),
            "username": user.username,
            "url": invitation_url(user),
            "expires": expires,
            "provider_note": _provider_note(organization),
            "site_url": settings.SITE_URL,
        }
        subject = one_line(_("Planportal: your user for %(organization)s") % {
            "organization": organization.name})
        text = render_to_string("planportal/email/invitation.txt", context)
        html = render_to_string("planportal/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def send_invitation_email(user_id: int, organization_id: int) -> str:
    """Send the invitation e-mail, unless the person no longer needs one.

    Returns ``sent`` or ``skipped``; a task delivered again after the person has set
    their password (and so signed in) sends nothing.
    """
    user = get_user_model().objects.filter(pk=user_id).first()
    organization = Organization.objects.filter(pk=organization_id).first()
    if user is None or organization is None or not needs_invitation(user):
        logger.info("Invitation to user %s not sent: no longer needed", user_id)
        return "skipped"
    build_invitation_email(user, organization).send()
    logger.info("Invitation e-mail sent to user %s", user_id)
    return "sent"


# --- The page ------------------------------------------------------------------------


class InvitationPasswordForm(AccessibleFormMixin, SetPasswordMixin, forms.Form):
    """The first password, twice; Django's password validators judge it (for this user)."""

    no_optional_marks = True
    # Django's own fields and labels ("Passord", "Bekreftelse av passord").
    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        self.validate_passwords()
        # Beside the password itself, where its help text lists the rules.
        self.validate_password_for_user(self.user, password_field_name="password1")  # noqa: S106
        return super().clean()
