"""The API token model: a prefix and a keyed hash per token, never the token itself.

The services that issue, check and revoke tokens are in :mod:`planportal.tokens`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Every token starts with this, so a leaked one is easy to recognise (secret scanners).
TOKEN_PREFIX = "pp_"  # noqa: S105 - a public marker, not a secret
#: How many leading characters of the token are stored in clear for lookup and display.
KEY_PREFIX_LENGTH = 8
#: Longest header value worth hashing; real tokens are 46 characters.
MAX_TOKEN_LENGTH = 200
#: ``last_used_at`` is written at most this often per token.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet):
    """API tokens, with the rule for which ones may still sign a request in."""

    def usable(self, now: datetime) -> ApiTokenQuerySet:
        """Tokens that are not revoked, not expired at *now*, and whose user is active."""
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            revoked_at__isnull=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    """A named credential one user holds for one integration (e.g. "Power BI").

    Only a prefix and a keyed hash of the token are stored; see the module docstring.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("integration"),
        max_length=100,
        help_text=_("What the token is used for, e.g. “Power BI”."),
    )
    key_prefix = models.CharField(
        _("token prefix"), max_length=KEY_PREFIX_LENGTH, db_index=True, editable=False
    )
    key_hash = models.CharField(_("token hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        app_label = "planportal"
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(fields=["key_hash"], name="apitoken_key_hash_unique"),
        ]

    def __str__(self) -> str:
        """The integration name and the visible prefix, never more of the token."""
        return f"{self.name} ({self.key_prefix}…)"

    def is_usable(self, now: datetime | None = None) -> bool:
        """True if this token may sign a request in at *now* (default: the current time)."""
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.user.is_active
        )
