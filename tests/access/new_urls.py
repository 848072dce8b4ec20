"""A URLconf with two pages the walk has never seen, for the walk's own test."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def page(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("ny side")


urlpatterns = [
    # A new plan page: its <pk> is a plan, as on every page of the strategies app.
    path("", include(([path("planer/<int:pk>/ny-side/", page, name="new-page")],
                      "strategies"))),
    # A kind of argument the walk does not know.
    path("ukjent/<slug:hemmelighet>/", page, name="unknown-kind"),
]
