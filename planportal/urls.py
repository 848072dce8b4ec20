"""URL configuration: the web interface, the admin, the API and the reports."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

admin.site.site_header = "Planportal"
admin.site.site_title = "Planportal"

urlpatterns = [
    path("admin/", admin.site.urls),
    # allauth: kommune OIDC (/accounts/oidc/<provider id>/login/) and TOTP (/accounts/2fa/).
    path("accounts/", include("planportal.login.urls")),
    path("api/v1/", include(("planportal.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
         name="api-docs"),
    # POST language=nb|en sets the language cookie (the language switch).
    path("i18n/", include("django.conf.urls.i18n")),
    # Progress reports: HTML, PDF, XLSX and frozen snapshots.
    path("reports/", include("reports.urls")),
    # Secret, revocable ICS feeds of action deadlines: /calendar/<token>.ics
    path("calendar/", include("actions.calendar_urls")),
    # The web interface: landing page, login/logout, actions, plans, the public plan pages.
    path("", include("planportal.web_urls")),
    path("", include("actions.urls")),
    path("", include("reports.plan_urls")),
    # Reporting rounds: /rapportering/… and the public round reports.
    path("", include("reports.round_urls")),
]

# The site's own error pages, in its layout and the user's language (JSON under /api/).
handler400 = "planportal.errors.bad_request"
handler403 = "planportal.errors.permission_denied"
handler404 = "planportal.errors.page_not_found"
handler500 = "planportal.errors.server_error"
