"""The services that issue, check and revoke the hashed API tokens of integrations.

A token is shown to its owner exactly once, when it is issued. The database keeps only
the first characters (``key_prefix``, to find the row and to tell tokens apart on
screen) and an HMAC-SHA256 of the whole token keyed with ``SECRET_KEY`` (``key_hash``).
A copy of the table is therefore useless without the secret key, and the plain token
is never stored or logged.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planportal.audit import services as audit
from planportal.permissions import deny, manages_own
from planportal.token_models import (
    KEY_PREFIX_LENGTH,
    LAST_USED_RESOLUTION,
    MAX_TOKEN_LENGTH,
    TOKEN_PREFIX,
    ApiToken,
)

logger = logging.getLogger(__name__)


def hash_token(raw: str, *, secret: str | None = None) -> str:
    """Return the hex HMAC-SHA256 of *raw*, keyed with *secret* (default ``SECRET_KEY``)."""
    key = settings.SECRET_KEY if secret is None else secret
    return hmac.new(key.encode(), raw.encode(), hashlib.sha256).hexdigest()


def generate_token() -> str:
    """Return a new random plain token: ``pp_`` followed by 32 random bytes, url-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def issue_token(
    *, actor: Any, user: Any, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for *user* and return it with the plain token, shown only this once."""
    if not manages_own(actor, user):
        raise deny(_("You can only create API tokens for yourself."))
    if not user.is_active:
        raise ValidationError(_("An inactive user cannot get an API token."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry time must be in the future.")})
    raw = generate_token()
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=name,
            key_prefix=raw[:KEY_PREFIX_LENGTH],
            key_hash=hash_token(raw),
            expires_at=expires_at,
        )
        token.full_clean()
        token.save()
        audit.record(actor=actor, verb="token", obj=user, changes={
            "api_token": [None, {"id": token.pk, "name": name,
                                 "expires_at": audit.plain(expires_at)}]})
    logger.info("API token %s (%s…) issued to user %s", token.pk, token.key_prefix, user.pk)
    return token, raw


def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke *token* from now on; revoking an already revoked token changes nothing."""
    if not manages_own(actor, token.user):
        raise deny(_("You can only revoke your own API tokens."))
    with transaction.atomic():
        now = timezone.now()
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        token.refresh_from_db(fields=["revoked_at"])
        if changed:
            audit.record(actor=actor, verb="token", obj=token.user, changes={
                "api_token": [{"id": token.pk, "name": token.name}, "revoked"]})
    if changed:
        logger.info("API token %s (%s…) revoked", token.pk, token.key_prefix)
    return token


def revoke_all_tokens(*, actor: Any, user: Any) -> list[ApiToken]:
    """Revoke every API token *user* still holds, with one audit event per token.

    The events have the shape of :func:`revoke_token`'s. For services that have already
    checked that *actor* may act for *user* (``planportal.permissions.may_act_for``): every
    path that ends a person's access at once goes through
    ``planportal.services.end_sessions_and_tokens``, which calls this (log out
    everywhere, deactivation, erasure, a new password); returns the tokens revoked.
    """
    with transaction.atomic():
        now = timezone.now()
        # Locked, so a token revoked at the same moment elsewhere is not recorded twice.
        tokens = list(ApiToken.objects.select_for_update()
                      .filter(user_id=user.pk, revoked_at__isnull=True).order_by("pk"))
        ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(revoked_at=now)
        for token in tokens:
            token.revoked_at = now
            audit.record(actor=actor, verb="token", obj=user, changes={
                "api_token": [{"id": token.pk, "name": token.name}, "revoked"]})
    if tokens:
        logger.info("API tokens %s of user %s revoked", [token.pk for token in tokens],
                    user.pk)
    return tokens


def _secrets() -> list[str]:
    """The current secret key first, then any fallbacks still accepted during rotation."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def authenticate_token(raw: str) -> ApiToken | None:
    """Return the usable token matching the plain token *raw*, or None.

    Rows are found by prefix and the hashes compared in constant time. On success the
    token's ``last_used_at`` is brought up to date, at most once a minute.
    """
    if (
        not isinstance(raw, str)
        or not raw.startswith(TOKEN_PREFIX)
        or len(raw) > MAX_TOKEN_LENGTH
    ):
        return None
    now = timezone.now()
    candidates = [hash_token(raw, secret=secret) for secret in _secrets()]
    match = None
    rows = ApiToken.objects.usable(now).filter(key_prefix=raw[:KEY_PREFIX_LENGTH])
    for token in rows.select_related("user"):
        # Compare against every candidate, without stopping early, to keep timing flat.
        hits = [hmac.compare_digest(token.key_hash, candidate) for candidate in candidates]
        if any(hits) and match is None:
            match = token
    if match is None:
        return None
    stale = now - LAST_USED_RESOLUTION
    if match.last_used_at is None or match.last_used_at < stale:
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=match.pk
        ).update(last_used_at=now)
        match.last_used_at = now
    return match
