"""Page-number pagination with a client-chosen page size, capped."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


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
