"""Page-number pagination with a client-chosen page size, capped."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M``; M is capped at 500 so one request cannot fetch everything."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
