"""One OpenID Connect provider per organisation, and the failed-login counters."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from planportal.fields import EncryptedTextField, Unreadable, readable
from planportal.models import Organization


class OrganizationLoginProvider(models.Model):
    """A kommune's own identity provider (an Entra ID app registration) for OIDC login.

    Whoever signs in through it is a user of :attr:`organization` and of no other one.
    Returning users are recognised by the provider's subject (``sub``), never by e-mail.
    """

    class NewUserRole(models.TextChoices):
        READER = "reader", _("reader at the organisation's top unit")
        NONE = "none", _("no role until an administrator gives one")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="login_providers",
        verbose_name=_("organisation"),
    )
    provider_id = models.CharField(
        _("provider id"),
        max_length=60,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("Use a-z, 0-9 and hyphens."))],
        help_text=_("Part of the redirect URI: /accounts/oidc/<provider id>/login/callback/."),
    )
    name = models.CharField(
        _("button text"),
        max_length=100,
        help_text=_("Shown on the login page, e.g. “Rendalen kommune”."),
    )
    server_url = models.URLField(
        _("issuer URL"),
        help_text=_(
            "For Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0"
        ),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    # Encrypted at rest (FIELD_ENCRYPTION_KEYS); never shown back, never in the audit trail.
    secret = EncryptedTextField(_("client secret"), max_length=500, blank=True)
    new_user_role = models.CharField(
        _("new users get"),
        max_length=10,
        choices=NewUserRole.choices,
        default=NewUserRole.READER,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("login provider")
        verbose_name_plural = _("login providers")

    def __str__(self) -> str:
        return f"{self.name} ({self.provider_id})"

    @property
    def secret_is_unreadable(self) -> bool:
        """The stored secret was encrypted with a key no longer in force: enter it again."""
        return isinstance(self.secret, Unreadable)

    def plain_secret(self) -> str:
        """The client secret in plain text, for the OIDC flow.

        Raises :class:`planportal.encryption.UnreadableValueError` naming this provider
        when no key decrypts it.
        """
        return readable(self.secret, owner=f"The client secret of login provider {self}")


class LoginFailure(models.Model):
    """Failed password logins counted for one account name or one client address.

    ``failures`` counts within the window that began at ``window_start``; reaching the
    threshold sets ``locked_until``. Unknown account names are counted as well, so the
    lockout does not tell whether an account exists.
    """

    class Kind(models.TextChoices):
        USERNAME = "username", _("account")
        ADDRESS = "address", _("client address")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("account or address"), max_length=255)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_start = models.DateTimeField(_("window start"))
    last_failure_at = models.DateTimeField(_("last failure"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        ordering = ["-last_failure_at"]
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="loginfailure_kind_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}: {self.failures}"
