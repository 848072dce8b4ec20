"""The services that issue, revoke and find secret calendar feeds of action deadlines.

Calendar programs (Outlook, Google, Apple) subscribe by URL and cannot sign in, so the
URL itself is the credential. As for API tokens (:mod:`planportal.tokens`), only a
prefix and a keyed hash of the token are stored; the plain URL is shown once.

A feed is either *personal* (``unit`` empty: the actions the owner is responsible for,
as a person, as unit manager or as sector leader) or for one *unit* (the actions of the
unit's subtree), which only the unit's managers, its sector leaders and its kommune's
administrators may have (:func:`actions.permissions.calendar_unit_q`). Either way it never
shows more than the owner may read.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.calendar_models import (
    FEED_TOKEN_PREFIX,
    KEY_PREFIX_LENGTH,
    MAX_FEED_TOKEN_LENGTH,
    CalendarFeed,
)
from actions.permissions import may_subscribe_to_unit
from planportal.permissions import deny, manages_own
from planportal.tokens import hash_token

logger = logging.getLogger(__name__)


def generate_feed_token() -> str:
    """Return a new random plain feed token (url-safe, ``ppc_`` + 32 random bytes)."""
    return FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_calendar_feed(*, actor: Any, user: Any, unit: Any = None) -> tuple[CalendarFeed, str]:
    """Create a feed for *user* (of *unit*, if given); returns it with the plain token.

    The token is shown only this once. A unit feed is for the unit's managers, its sector
    leaders and its kommune's administrators; anyone else is refused (403).
    """
    if not manages_own(actor, user):
        raise deny(_("You can only create calendar feeds for yourself."))
    if not user.is_active:
        raise ValidationError(_("An inactive user cannot get a calendar feed."))
    if unit is not None and not may_subscribe_to_unit(user, unit):
        raise deny(_("Only the unit's managers, its sector leaders and the kommune's "
                     "administrators can subscribe to the unit's deadlines."))
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
    if not manages_own(actor, feed.user):
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
