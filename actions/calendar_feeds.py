"""Secret calendar feeds of action deadlines, and the services that issue and revoke them.

Calendar programs (Outlook, Google, Apple) subscribe by URL and cannot sign in, so the
URL itself is the credential. As for API tokens (:mod:`planportal.tokens`), only a
prefix and a keyed hash of the token are stored; the plain URL is shown once.

A feed is either *personal* (``unit`` empty: the actions the owner is responsible for,
as a person or as unit manager) or for one *unit* (the actions of the unit's subtree).
Either way it never shows more than the owner may read.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planportal.permissions import deny, get_access
from planportal.tokens import hash_token

logger = logging.getLogger(__name__)

#: Every feed token starts with this, so a leaked URL is easy to recognise.
FEED_TOKEN_PREFIX = "ppc_"  # noqa: S105 - a public marker, not a secret
KEY_PREFIX_LENGTH = 10
MAX_FEED_TOKEN_LENGTH = 100


class CalendarFeedQuerySet(models.QuerySet):
    """Calendar feeds."""

    def active(self) -> CalendarFeedQuerySet:
        """Feeds that are not revoked and whose owner is active."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)


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


def generate_feed_token() -> str:
    """Return a new random plain feed token (url-safe, ``ppc_`` + 32 random bytes)."""
    return FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)


def _may_manage(actor: Any, user: Any) -> bool:
    if get_access(actor).everything:
        return True
    return bool(getattr(actor, "pk", None) is not None and actor.pk == user.pk)


def create_calendar_feed(*, actor: Any, user: Any, unit: Any = None) -> tuple[CalendarFeed, str]:
    """Create a feed for *user* (of *unit*, if given); returns it with the plain token.

    The token is shown only this once. A unit feed needs the user to be a member of the
    unit's organisation.
    """
    if not _may_manage(actor, user):
        raise deny(_("You can only create calendar feeds for yourself."))
    if not user.is_active:
        raise ValidationError(_("An inactive user cannot get a calendar feed."))
    if unit is not None and not get_access(user).is_member_of(unit.organization_id):
        raise ValidationError({"unit": _("You are not a member of this unit's organisation.")})
    raw = generate_feed_token()
    with transaction.atomic():
        feed = CalendarFeed(
            user=user, unit=unit, key_prefix=raw[:KEY_PREFIX_LENGTH], key_hash=hash_token(raw)
        )
        feed.full_clean()
        feed.save()
    logger.info("Calendar feed %s (%s…) created for user %s", feed.pk, feed.key_prefix, user.pk)
    return feed, raw


def revoke_calendar_feed(*, actor: Any, feed: CalendarFeed) -> CalendarFeed:
    """Revoke *feed*: its URL answers 404 from now on. Revoking twice changes nothing."""
    if not _may_manage(actor, feed.user):
        raise deny(_("You can only revoke your own calendar feeds."))
    with transaction.atomic():
        CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed.refresh_from_db(fields=["revoked_at"])
    logger.info("Calendar feed %s (%s…) revoked", feed.pk, feed.key_prefix)
    return feed


def find_calendar_feed(raw: str) -> CalendarFeed | None:
    """Return the active feed for the plain token *raw*, or None (one query)."""
    if (
        not isinstance(raw, str)
        or not raw.startswith(FEED_TOKEN_PREFIX)
        or len(raw) > MAX_FEED_TOKEN_LENGTH
    ):
        return None
    candidates = [hash_token(raw, secret=s) for s in
                  [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]]
    match = None
    rows = CalendarFeed.objects.active().filter(key_prefix=raw[:KEY_PREFIX_LENGTH])
    for feed in rows.select_related("user", "unit"):
        hits = [hmac.compare_digest(feed.key_hash, candidate) for candidate in candidates]
        if any(hits) and match is None:
            match = feed
    return match
