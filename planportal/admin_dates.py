"""The admin's date drill-down (``date_hierarchy``) within the sane range of dates.

Django turns ``?due_date__year=9999`` into the range 9999-01-01 – 10000-01-01, which
overflows Python's dates: a 500 on every change list with a drill-down. A year outside
:data:`planportal.dates.MIN_YEAR` – :data:`~planportal.dates.MAX_YEAR` is a bad lookup
instead, which the admin answers as any other (back to the list with ``?e=1``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest

from planportal.dates import MAX_YEAR, MIN_YEAR


class SaneDateHierarchyChangeList(ChangeList):
    """A change list that refuses a drill-down year outside the sane range."""

    def get_filters(self, request: HttpRequest) -> Any:
        if self.date_hierarchy:
            year = request.GET.get(f"{self.date_hierarchy}__year")
            if year is not None:
                try:
                    in_range = MIN_YEAR <= int(year) <= MAX_YEAR
                except ValueError:
                    in_range = False  # Django says so itself; refuse it the same way
                if not in_range:
                    raise IncorrectLookupParameters(f"year {year!r} is out of range")
        return super().get_filters(request)


class SaneDateHierarchyMixin:
    """For a ModelAdmin with ``date_hierarchy``: keep its drill-down in range."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SaneDateHierarchyChangeList
