"""Page-number pagination with a client-chosen page size, capped."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Window
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from planportal.api.filters import MAX_ID


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M``; M is capped at 500 so one request cannot fetch everything.

    A page size that is not a positive whole number is refused (400) rather than
    silently replaced by the default, so a client's mistake does not go unnoticed.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        value = raw[-1]
        if len(raw) > 1 or not value.isdigit() or int(value) < 1:
            raise ValidationError(
                {self.page_size_query_param: [_("A whole number from 1 (at most 500 rows).")]}
            )
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view: object) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = "Rows per page (default 50; more than 500 gives 500)."
        return parameters


class KeyPagePaginator(Paginator):
    """A paginator whose pages hold primary keys, counted in the same query as the page.

    ``COUNT(*) OVER ()`` beside the page's keys replaces Django's separate ``COUNT``
    query, and leaves the expensive columns to a second query over just this page's rows
    (see ``ActionViewSet.list``). A page past the end is still an error; an empty first
    page is not.
    """

    def validate_number(self, number: Any) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > MAX_ID:  # an OFFSET the database cannot hold
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(
            self.object_list.annotate(_total=Window(Count("pk")))
            .values_list("pk", "_total")[bottom:bottom + self.per_page]
        )
        if rows:
            self.__dict__["count"] = rows[0][1]  # count is a cached_property
        elif number == 1:
            self.__dict__["count"] = 0
        else:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page([pk for pk, _total in rows], number, self)


class KeyPagePagination(StandardPagination):
    """:class:`StandardPagination` whose pages are primary keys (:class:`KeyPagePaginator`)."""

    django_paginator_class = KeyPagePaginator
