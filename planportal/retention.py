"""Pruning the delivery logs once they are old enough to prevent nothing any more.

A delivery row's unique key is what stops a second e-mail; the sweeps only ever look at
the current reminder windows and the last ended report period, so a row older than the
retention period (at least 400 days, longer than a yearly report period) can go. Rows
still pending or being sent stay, whatever their age.

Each app that keeps a delivery log registers its prune function here from its
``AppConfig.ready`` (actions: the reminder e-mails; reports: the report e-mails), so the
core runs them all without importing any app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

#: Deletes an app's finished rows created before the cutoff; returns rows gone per kind.
Pruner = Callable[[datetime], dict[str, int]]

_pruners: dict[str, Pruner] = {}


def register(name: str, prune: Pruner) -> None:
    """Add (or, under the same *name*, replace) one app's prune function.

    Keyed by name, so an app registry set up twice (tests) registers each once.
    """
    _pruners[name] = prune


def registered() -> dict[str, Pruner]:
    """The prune functions by name, in registration order."""
    return dict(_pruners)


def prune_delivery_logs(*, now: datetime | None = None) -> dict[str, int]:
    """Delete finished delivery rows older than the retention period, in every app's log.

    Returns how many rows of each kind went. Idempotent; one transaction for all.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.DELIVERY_LOG_RETENTION_DAYS)
    gone: dict[str, int] = {}
    with transaction.atomic():
        for prune in _pruners.values():
            gone.update(prune(cutoff))
    return gone
