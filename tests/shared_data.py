"""Test data built once per module and shared by its tests through savepoints.

A module-scoped fixture builds the rows inside a transaction that stays open until the
module ends and is then rolled back, so the rest of the suite never sees them. Each test
runs in its own savepoint inside it (pytest-django's ``db``), so a test that writes still
leaves a clean state for the next one.

Two kinds of test cannot share: a transactional one (``transaction=True``,
``transactional_db``, ``live_server``) commits and truncates, and one marked
``fresh_db`` needs a database without the shared rows. Before such a test starts, the
root conftest's ``pytest_runtest_setup`` rolls every open block back (``close_all``), and
the fixtures built on a closed block fall back to building per test, as before sharing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.db import connections, transaction
from django.test.utils import override_settings

#: Real hashers cost ~0.5 s per user; shared users need no strong hashes either.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def is_transactional(item: pytest.Item) -> bool:
    """True when *item* commits to the database (TransactionTestCase semantics)."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction_arg = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
    return bool(transaction_arg or marker.kwargs.get("reset_sequences"))


def needs_own_database(item: pytest.Item) -> bool:
    """True when *item* must not run inside any shared block."""
    return is_transactional(item) or item.get_closest_marker("fresh_db") is not None


class SharedBlock:
    """Rows built once in an open transaction, rolled back by ``close``."""

    open_blocks: ClassVar[list[SharedBlock]] = []

    def __init__(self, django_db_blocker: Any, build: Callable[[], Any]) -> None:
        self.blocker = django_db_blocker
        self.build = build
        self.value: Any = None
        self._atomics: dict[str, Any] = {}

    @property
    def is_open(self) -> bool:
        return bool(self._atomics)

    def open(self) -> SharedBlock:
        with self.blocker.unblock():
            for alias in connections:
                atomic = transaction.atomic(using=alias)
                # As Django's TestCase marks its own: durable atomics inside stay allowed.
                atomic._from_testcase = True
                atomic.__enter__()
                self._atomics[alias] = atomic
            SharedBlock.open_blocks.append(self)
            try:
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                    self.value = self.build()
            except BaseException:
                self.close()
                raise
        return self

    def close(self) -> None:
        if not self._atomics:
            return
        with self.blocker.unblock():
            for alias, atomic in reversed(self._atomics.items()):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
        self._atomics = {}
        self.value = None
        SharedBlock.open_blocks.remove(self)

    @classmethod
    def close_all(cls) -> None:
        for block in reversed(list(cls.open_blocks)):
            block.close()


def shared_block(request: pytest.FixtureRequest, django_db_blocker: Any,
                 build: Callable[[], Any]) -> Any:
    """For a module-scoped fixture: the block, opened unless the test asking first cannot
    share (then it stays closed and every test builds its own). Yield it, then ``close``."""
    block = SharedBlock(django_db_blocker, build)
    item = getattr(request, "_pyfuncitem", None)
    if item is None or not needs_own_database(item):
        block.open()
    return block


def shared_value(request: pytest.FixtureRequest, block: SharedBlock) -> tuple[Any, bool]:
    """For the function-scoped fixture: (value, shared). When the block is closed, the
    value is built for this test alone, inside its own transaction."""
    if block.is_open and not needs_own_database(request.node):
        return block.value, True
    return block.build(), False
