"""Admin pages for importing a plan (upload → preview → confirm) and for rullering.

The uploaded file waits in a private temporary folder between the preview and the
confirmation, named by a random key kept in the user's session; nothing is written to
the database before the user confirms, and the confirmation reads and checks the file
again.
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.importing.preview import PlanSpec
from actions.importing.readers import max_bytes
from actions.importing.service import ImportRefused, commit_import, preview_import
from actions.rollover import roll_over_plan
from planportal.models import Organization
from planportal.permissions import get_access
from strategies.models import Plan

SESSION_KEY = "strategies_plan_import"


def _upload_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / "planportal-imports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


class ImportForm(forms.Form):
    """The upload: the file, the kommune, and the plan to import into (or a new one)."""

    # An empty file reaches the importer, whose refusal is the same through every door.
    file = forms.FileField(label=gettext_lazy("File"), allow_empty_file=True,
                           help_text=gettext_lazy("Word (.docx), Excel (.xlsx), CSV, or a "
                                                  "Planportal JSON export."))
    organization = forms.ModelChoiceField(Organization.objects.none(),
                                          label=gettext_lazy("Organisation"))
    plan = forms.ModelChoiceField(Plan.objects.none(), required=False,
                                  label=gettext_lazy("Import into plan"),
                                  help_text=gettext_lazy("Empty: a new plan (or the plan with "
                                                         "the same title and start year)."))
    title = forms.CharField(required=False, max_length=300, label=gettext_lazy("New plan's "
                                                                               "title"))
    period_start = forms.IntegerField(required=False, min_value=1900, max_value=2200,
                                      label=gettext_lazy("From year"))
    period_end = forms.IntegerField(required=False, min_value=1900, max_value=2200,
                                    label=gettext_lazy("To year"))
    kind = forms.ChoiceField(choices=Plan.Kind.choices, initial=Plan.Kind.ACTION_PLAN,
                             label=gettext_lazy("Kind of plan"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.administered_by(user)
        self.fields["plan"].queryset = Plan.objects.manageable_by(user).select_related(
            "organization")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise ValidationError(_("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                                  % {"size": upload.size, "limit": max_bytes()})
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        plan, organization = data.get("plan"), data.get("organization")
        if plan and organization and plan.organization_id != organization.pk:
            self.add_error("plan", _("The plan belongs to another organisation."))
        return data


def _spec(data: dict[str, Any]) -> PlanSpec:
    return PlanSpec(plan=data.get("plan"), title=data.get("title") or "",
                    kind=data.get("kind") or Plan.Kind.ACTION_PLAN,
                    period_start=data.get("period_start"), period_end=data.get("period_end"))


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """Step 1: upload and preview. Step 2 (``confirm``): commit the same file."""
    if not get_access(request.user).administers_any:
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    context = {**model_admin.admin_site.each_context(request), "opts": Plan._meta,
               "title": _("Import a plan"), "form": form, "max_bytes": max_bytes()}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        preview = preview_import(actor=request.user,
                                 organization=form.cleaned_data["organization"],
                                 content=content, filename=upload.name,
                                 spec=_spec(form.cleaned_data))
        key = ""
        if preview.ok:
            key = secrets.token_urlsafe(24)
            (_upload_dir() / key).write_bytes(content)
            request.session[SESSION_KEY] = {
                "key": key, "name": upload.name,
                "sha256": hashlib.sha256(content).hexdigest(),
                "organization": form.cleaned_data["organization"].pk,
                "plan": getattr(form.cleaned_data.get("plan"), "pk", None),
                "title": form.cleaned_data.get("title") or "",
                "kind": form.cleaned_data.get("kind"),
                "period_start": form.cleaned_data.get("period_start"),
                "period_end": form.cleaned_data.get("period_end"),
            }
        context.update({"title": _("Preview of the import"), "preview": preview,
                        "counts": preview.counts(), "key": key})
        return TemplateResponse(request, "admin/strategies/plan/import_preview.html", context)
    return TemplateResponse(request, "admin/strategies/plan/import_form.html", context)


def _confirm(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    back = reverse("admin:strategies_plan_import")
    if not pending or pending["key"] != request.POST.get("key"):
        messages.error(request, _("The preview has expired. Upload the file again."))
        return HttpResponseRedirect(back)
    path = _upload_dir() / pending["key"]
    try:
        content = path.read_bytes()
    except OSError:
        messages.error(request, _("The preview has expired. Upload the file again."))
        return HttpResponseRedirect(back)
    if hashlib.sha256(content).hexdigest() != pending["sha256"]:
        messages.error(request, _("The uploaded file has changed. Upload it again."))
        return HttpResponseRedirect(back)
    organization = Organization.objects.get(pk=pending["organization"])
    plan = Plan.objects.filter(pk=pending["plan"]).first() if pending["plan"] else None
    spec = PlanSpec(plan=plan, title=pending["title"], kind=pending["kind"],
                    period_start=pending["period_start"], period_end=pending["period_end"])
    preview = preview_import(actor=request.user, organization=organization, content=content,
                             filename=pending["name"], spec=spec)
    previewed = len(preview.problems)
    try:
        result = commit_import(actor=request.user, preview=preview)
    except ImportRefused as exc:
        for problem in exc.problems:
            messages.error(request, str(problem))
        return HttpResponseRedirect(back)
    finally:
        path.unlink(missing_ok=True)
        request.session.pop(SESSION_KEY, None)
    created = sum(result.created.values())
    messages.success(request, _("Imported: %(count)s new objects in «%(plan)s».")
                     % {"count": created, "plan": result.plan})
    if result.filled:
        messages.success(request, _("Filled in a blank Ansvar or Tid on %(count)s existing "
                                    "actions.") % {"count": result.filled})
    # What the commit itself warned about (a JSON export's people who are left out).
    for problem in preview.problems[previewed:]:
        messages.warning(request, str(problem))
    return redirect("admin:strategies_plan_change", result.plan.pk)


class RollOverForm(forms.Form):
    """The new period (and, if wanted, title) of the next version."""

    period_start = forms.IntegerField(min_value=1900, max_value=2200,
                                      label=gettext_lazy("From year"))
    period_end = forms.IntegerField(min_value=1900, max_value=2200,
                                    label=gettext_lazy("To year"))
    title = forms.CharField(required=False, max_length=300, label=gettext_lazy("Title"),
                            help_text=gettext_lazy("Empty: the old title with the new period."))
    close_previous = forms.BooleanField(required=False, initial=True,
                                        label=gettext_lazy("Mark the old version as expired"))


def roll_over_action(model_admin: admin.ModelAdmin, request: HttpRequest,
                     queryset: Any) -> HttpResponse | None:
    """Admin action: roll the selected plan into its next period (one plan at a time)."""
    if queryset.count() != 1:
        model_admin.message_user(request, _("Choose exactly one plan to roll over."),
                                 messages.ERROR)
        return None
    plan = queryset.get()
    step = plan.revision_interval_years or 1
    if "apply" in request.POST:
        form = RollOverForm(request.POST)
        if form.is_valid():
            try:
                new_plan = roll_over_plan(actor=request.user, plan=plan,
                                                   **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                messages_ = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                for message in messages_:
                    form.add_error(None, message)
            else:
                model_admin.message_user(
                    request, _("«%(old)s» was rolled into «%(new)s».")
                    % {"old": plan, "new": new_plan}, messages.SUCCESS)
                return redirect("admin:strategies_plan_change", new_plan.pk)
    else:
        form = RollOverForm(initial={"period_start": plan.period_start + step,
                                     "period_end": plan.period_end + step,
                                     "close_previous": True})
    context = {**model_admin.admin_site.each_context(request), "opts": Plan._meta,
               "title": _("Roll «%(plan)s» into its next period") % {"plan": plan},
               "plan": plan, "form": form,
               "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
    return TemplateResponse(request, "admin/strategies/plan/roll_over.html", context)


roll_over_action.short_description = gettext_lazy("Roll into the next period (rullering)")
roll_over_action.allowed_permissions = ("change",)
