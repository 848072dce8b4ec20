"""The admin's upload of a JSON-stat file from SSB's statistics bank, and its report.

Reached from the indicator and measurement lists. A kommune's administrator chooses one
of the kommuner they administer and a file; the file is imported at once (there is no
preview: importing the same file again changes nothing) and the page shows the report,
every skipped cell with why.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planportal.models import Organization
from planportal.permissions import get_access
from strategies.models import Indicator
from strategies.statistics.importing import StatisticsRefused, import_statistics, read_dataset
from strategies.statistics.jsonstat import JsonStatError


class StatisticsUploadForm(forms.Form):
    """The kommune, the file and (when the file does not say it) the table."""

    organization = forms.ModelChoiceField(Organization.objects.none(),
                                          label=gettext_lazy("Organisation"))
    # An empty file reaches the parser, whose refusal says what is wrong.
    file = forms.FileField(label=gettext_lazy("File"), allow_empty_file=True,
                           help_text=gettext_lazy("JSON-stat 2.0 from SSB's statistics bank "
                                                  "(the format json-stat2)."))
    table = forms.CharField(label=gettext_lazy("Table"), required=False, max_length=20,
                            help_text=gettext_lazy("Only when the file does not say which "
                                                   "table it is from."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.administered_by(user)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.STATISTICS_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(_("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                                  % {"size": upload.size, "limit": limit})
        return upload


def import_statistics_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Upload a file and import it; the answer is the report (or the form's errors)."""
    if not get_access(request.user).administers_any:
        raise PermissionDenied
    form = StatisticsUploadForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_statistics(
                actor=request.user, organization=form.cleaned_data["organization"],
                dataset=read_dataset(form.cleaned_data["file"].read()),
                table=form.cleaned_data["table"])
        except (JsonStatError, StatisticsRefused, PermissionDenied) as exc:
            form.add_error("file" if isinstance(exc, JsonStatError) else None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
    context = {**model_admin.admin_site.each_context(request), "opts": Indicator._meta,
               "title": _("Import statistics from SSB"), "form": form, "report": report}
    return TemplateResponse(request, "admin/strategies/indicator/import_statistics.html",
                            context)


class StatisticsImportAdminMixin:
    """Gives an admin list the upload's URL and a link to it above the list."""

    change_list_template = "admin/strategies/statistics_change_list.html"

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()  # type: ignore[misc]
        if self.model is not Indicator:  # type: ignore[attr-defined]
            return urls
        upload = path("import-statistics/",
                      self.admin_site.admin_view(self.import_statistics),  # type: ignore[attr-defined]
                      name="strategies_indicator_import_statistics")
        return [upload, *urls]

    def import_statistics(self, request: HttpRequest) -> HttpResponse:
        return import_statistics_view(self, request)  # type: ignore[arg-type]
