"""Optimistic locking: compare-and-set writes on a ``version`` column.

The version check lives in the ``UPDATE … WHERE version = N`` itself, so it holds on
SQLite (where ``select_for_update`` is a no-op) as well as on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _


class VersionConflict(Exception):
    """Raised when the row changed since the caller read it; nothing was written."""

    def __init__(self, current_version: int, expected_version: int) -> None:
        self.current_version = current_version
        self.expected_version = expected_version
        super().__init__(
            _(
                "Someone else changed this in the meantime (version %(current)s, "
                "you had version %(expected)s). Reload and try again."
            )
            % {"current": current_version, "expected": expected_version}
        )


def cas_update(
    model: type[models.Model], pk: int, expected_version: int, **fields: Any
) -> int:
    """Write *fields* only if the row still has *expected_version*; return the new version."""
    updated = model._default_manager.filter(pk=pk, version=expected_version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        current = (
            model._default_manager.filter(pk=pk).values_list("version", flat=True).first()
        )
        if current is None:
            raise Http404
        raise VersionConflict(current, expected_version)
    return expected_version + 1
