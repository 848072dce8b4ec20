"""Helpers for "constant in N" query-count tests."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(call: Callable[[], Any]) -> int:
    """Run *call* and return how many SQL queries it made."""
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def assert_constant_queries(
    add_rows: Callable[[int], Any], request: Callable[[], Any], few: int = 1, many: int = 10
) -> int:
    """Query count of *request* is the same with *few* rows as with *many* rows."""
    add_rows(few)
    request()  # warm caches (content types, sessions) so both counts compare like with like
    few_count = count_queries(request)
    add_rows(many - few)
    many_count = count_queries(request)
    few, many = few_count, many_count
    assert few == many, f"{few} queries with few rows, {many} with many"
    return many
