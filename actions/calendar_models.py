"""The calendar feed model: a secret URL's prefix and keyed hash, never the URL itself.

The services that create, revoke and find feeds are in :mod:`actions.calendar_feeds`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Every feed token starts with this, so a leaked URL is easy to recognise.
FEED_TOKEN_PREFIX = "ppc_"  # noqa: S105 - a public marker, not a secret
KEY_PREFIX_LENGTH = 10
MAX_FEED_TOKEN_LENGTH = 100


class CalendarFeedQuerySet(models.QuerySet):
    """Calendar feeds."""

    def active(self) -> CalendarFeedQuerySet:
        """Feeds that are not revoked and whose owner is active."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def owned_by(self, user: Any) -> CalendarFeedQuerySet:
        """*user*'s own feeds, which no one else manages (not even an administrator)."""
        return self.filter(user_id=getattr(user, "pk", None))


class CalendarFeed(models.Model):
    """A revocable secret URL that serves one user's (or one unit's) deadlines as ICS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("owner"),
    )
    unit = models.ForeignKey(
        "planportal.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("unit"),
        help_text=_("Empty: the owner's own actions. Otherwise: the unit's actions."),
    )
    key_prefix = models.CharField(
        _("token prefix"), max_length=KEY_PREFIX_LENGTH, db_index=True, editable=False
    )
    key_hash = models.CharField(_("token hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        app_label = "actions"
        ordering = ["-created_at", "-id"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["key_hash"], name="calendarfeed_key_hash_unique"),
        ]

    def __str__(self) -> str:
        """Whose feed it is and the visible prefix, never more of the token."""
        scope = self.unit.name if self.unit_id else str(self.user)
        return f"{scope} ({self.key_prefix}…)"
