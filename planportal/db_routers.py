"""The database router for an optional read replica (see :mod:`planportal.replica`)."""

from __future__ import annotations

from typing import Any

from planportal.replica import REPLICA, replica_wanted


class PrimaryReplicaRouter:
    """Reads to the replica where :func:`planportal.replica.replica_wanted` allows it;
    writes, migrations and everything else to the primary (``default``)."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return REPLICA if replica_wanted(model) else "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The two aliases hold the same data: objects read from either relate freely.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica follows the primary's schema by replication.
        return db == "default"
