"""Reads that may go to a read replica (``DATABASE_REPLICA_URL``), and the ones that may not.

A replica lags behind the primary by a little: a report read there may miss the last
second's status updates, which is fine for a report and not for the page that shows
what the user just saved. So the replica serves only reads that say they may use it:

- the views named in :data:`REPLICA_VIEWS` (reports, progress, exports, lists), on GET and
  HEAD, and code inside :func:`replica_reads` (a Celery task building a report);
- never a read inside a transaction on the primary (a write's own reads, a lock), and
  never, for :data:`settings.REPLICA_PIN_SECONDS`, the reads of a client that has just
  written: its next pages show what it wrote (:class:`ReplicaMiddleware`).

Writes always go to the primary (:class:`planportal.db_routers.PrimaryReplicaRouter`).
Without ``DATABASE_REPLICA_URL`` there is no ``replica`` alias and everything reads from
the primary, as before.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from fnmatch import fnmatchcase
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
logger = logging.getLogger(__name__)

#: The URL names (``namespace:name``, shell patterns) whose GET requests read from the
#: replica: progress reports, exports and lists, not the pages people work in.
REPLICA_VIEWS = (
    "reports:*",                 # progress reports, their PDF/Excel, frozen snapshots
    "strategies:plan-list",
    "strategies:plan-detail",
    "strategies:public-plan-*",
    "rounds:download",           # a closed round's documents
    "rounds:public-report*",
    "api:plan-progress",
    "api:plan-export*",
    "api:*-list",                # every API list (their detail and write answers stay)
)

#: Read from the primary always: logging in and checking a token must see the session
#: or token created a moment ago, whatever the replica's lag; a content type is created
#: on first use, and looked up on a lagging replica it would be created twice.
PRIMARY_MODELS = frozenset({"sessions.session", "planportal.apitoken",
                            "contenttypes.contenttype"})

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PIN_PREFIX = "replica-pin:"

_wanted: ContextVar[bool] = ContextVar("planportal_replica_wanted", default=False)


def replica_configured() -> bool:
    """Whether a replica alias exists (``DATABASE_REPLICA_URL`` was set)."""
    return REPLICA in settings.DATABASES


def replica_wanted(model: Any = None) -> bool:
    """Whether the current read (of *model*) may go to the replica (the module's rules)."""
    if not _wanted.get() or not replica_configured():
        return False
    if model is not None and model._meta.label_lower in PRIMARY_MODELS:
        return False
    # Inside a transaction on the primary, reads belong to it: they must see its writes.
    return not connections["default"].in_atomic_block


@contextmanager
def replica_reads(enabled: bool = True) -> Iterator[None]:
    """Let the reads inside go to the replica (or, with *enabled* False, keep them off)."""
    token = _wanted.set(enabled)
    try:
        yield
    finally:
        _wanted.reset(token)


def may_use_replica(view_name: str | None) -> bool:
    """Whether the view of that URL name reads from the replica."""
    return bool(view_name) and any(fnmatchcase(view_name, p) for p in REPLICA_VIEWS)


def client_key(request: HttpRequest) -> str | None:
    """Who is asking, without a database read: the session cookie or the API token."""
    credential = (request.headers.get("Authorization")
                  or request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    if not credential:
        return None
    return _PIN_PREFIX + hashlib.sha256(credential.encode()).hexdigest()[:32]


def pin_to_primary(request: HttpRequest) -> None:
    """Send this client's reads to the primary for ``REPLICA_PIN_SECONDS``."""
    key = client_key(request)
    if key is None:
        return
    try:
        cache.set(key, 1, timeout=settings.REPLICA_PIN_SECONDS)
    except Exception:  # the cache (Redis) is down: the write stands, and so does this
        logger.warning("Could not pin a client to the primary: the cache is unavailable.")


def pinned_to_primary(request: HttpRequest) -> bool:
    """Whether this client wrote within the last ``REPLICA_PIN_SECONDS`` (or the cache
    cannot say: then the primary, the side that cannot show stale data)."""
    key = client_key(request)
    if key is None:
        return False
    try:
        return cache.get(key) is not None
    except Exception:
        return True


class ReplicaMiddleware:
    """Routes a request's reads: to the replica for the views that may use it, unless the
    client wrote a moment ago; and pins the client to the primary after a write.

    Installed only when a replica is configured, so a single-database installation pays
    nothing for it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            # Pinned even when the write failed half-way: the cheap side of the doubt.
            pin_to_primary(request)
            return response
        with replica_reads(False):
            return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        match = request.resolver_match
        if (request.method in SAFE_METHODS and match is not None
                and may_use_replica(match.view_name) and not pinned_to_primary(request)):
            # Reset by __call__'s replica_reads(False) when the response is done.
            _wanted.set(True)
        return None
