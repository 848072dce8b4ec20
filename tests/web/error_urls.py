"""The project's URLs and error handlers, and views that fail, for the error page tests."""

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from planportal.urls import (  # noqa: F401 - the handlers are read from this module
    handler400,
    handler403,
    handler404,
    handler500,
    urlpatterns,
)


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a tampered request")


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404("No Action matches the given query.")


urlpatterns = [
    path("feiler/", fails),
    path("mistenkelig/", suspicious),
    path("mangler/", missing),
    *urlpatterns,
]
