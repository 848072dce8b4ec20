"""Helpers for "constant in N" query-count tests.

A request that fails proves nothing about its query count (three 500s in a row run the
same few queries), so every counted call returns its response and the helpers check its
status, every time, before the count is used. A call that is not a request (a service, a
sweep) says so with ``expected=None``.
"""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def check_status(result: Any, expected: int | None) -> None:
    """Fail unless *result* is a response with status *expected* (None: not a request)."""
    if expected is None:
        return
    status = getattr(result, "status_code", None)
    assert status is not None, (
        f"the counted call returned {result!r}, not a response: return the response "
        "(or pass expected=None for a call that is not a request)")
    assert status == expected, (
        f"the counted request answered {status}, not {expected}: a failed request's "
        f"query count proves nothing ({getattr(result, 'content', b'')[:300]!r})")


def count_queries(call: Callable[[], Any], expected: int | None = 200) -> int:
    """Run *call* and return how many SQL queries it made.

    *call* returns its response, whose status must be *expected* (default 200); pass
    ``expected=None`` when *call* is not a request.
    """
    with CaptureQueriesContext(connection) as context:
        result = call()
    check_status(result, expected)
    return len(context.captured_queries)


def assert_constant_queries(
    add_rows: Callable[[int], Any], request: Callable[[], Any], few: int = 1, many: int = 10,
    expected: int | None = 200,
) -> int:
    """Query count of *request* is the same with *few* rows as with *many* rows.

    *request* returns its response, checked against *expected* on every call, the
    warm-up included (``expected=None`` for a call that is not a request).
    """
    add_rows(few)
    # Warm caches (content types, sessions) so both counts compare like with like.
    check_status(request(), expected)
    few_count = count_queries(request, expected)
    add_rows(many - few)
    many_count = count_queries(request, expected)
    few, many = few_count, many_count
    assert few == many, f"{few} queries with few rows, {many} with many"
    return many
