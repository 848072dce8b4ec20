"""URL configuration: admin now; API, reports and the web interface hang off here later."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Planportal"
admin.site.site_title = "Planportal"

urlpatterns = [
    path("admin/", admin.site.urls),
    # POST language=nb|en sets the language cookie (the language switch).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
