"""Admin plumbing that routes every admin save through a service function.

The service runs at the end of form validation, so a refused or invalid change
(permission, validation, stale version) comes back as a form error with the user's
input intact, and the admin's own ``save_model``/``save_related`` write nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from planportal.admin_dates import SaneDateHierarchyMixin
from planportal.locking import VersionConflict
from planportal.permissions import get_access


class ServiceForm(forms.ModelForm):
    """A ModelForm whose ``save`` is a service call made during validation."""

    request: HttpRequest  # set by ServiceAdmin.get_form
    #: service field name → form field name, where the form names a field differently
    service_field_names: dict[str, str] = {}

    def call_service(self, actor: Any, original: Model | None, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def _post_clean(self) -> None:
        # Browsers send textarea line breaks as CRLF; stored text uses LF. Without this,
        # every multi-line text would look changed and trigger a needless (and perhaps
        # forbidden) edit.
        for name, value in self.cleaned_data.items():
            if isinstance(value, str):
                self.cleaned_data[name] = value.replace("\r\n", "\n")
        super()._post_clean()
        if self.errors:
            return
        original = None
        if self.instance.pk is not None:
            # construct_instance() has already written the form data onto self.instance;
            # services must start from the stored row.
            original = type(self.instance)._default_manager.get(pk=self.instance.pk)
        try:
            with transaction.atomic():
                self.instance = self.call_service(self.request.user, original, self.cleaned_data)
        except ValidationError as exc:
            self._add_service_errors(exc)
        except (PermissionDenied, VersionConflict) as exc:
            self.add_error(None, str(exc))

    def _add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            field = self.service_field_names.get(name, name)
            if field in self.fields:
                self.add_error(field, errors)
            else:
                # A rule on a field the form does not show: say which field, at the top.
                label = name
                if name != NON_FIELD_ERRORS:
                    try:
                        label = self._meta.model._meta.get_field(name).verbose_name
                    except FieldDoesNotExist:
                        label = name
                for error in ValidationError(errors).messages:
                    self.add_error(None, error if name == NON_FIELD_ERRORS else
                                   f"{capfirst(label)}: {error}")

    def save(self, commit: bool = True) -> Model:
        return self.instance

    def save_m2m(self) -> None:
        """Many-to-many links were set by the service."""


class ServiceAdmin(SaneDateHierarchyMixin, admin.ModelAdmin):
    """Base admin: role-scoped querysets and permissions, saves through ServiceForm."""

    #: lookup from the model to its Organization id, e.g. "plan__organization_id"
    organization_lookup = "organization_id"

    def get_form(self, request: HttpRequest, obj: Model | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        access = get_access(request.user)
        if access.everything:
            return queryset
        # The admin shows the user's own organisations only, not other kommuners'
        # public plans.
        return queryset.filter(**{f"{self.organization_lookup}__in": access.member_org_ids})

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        """Saved by the service during validation."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Related rows are written by services; inlines here are read-only."""
        for formset in formsets:
            # The admin's change message reads these; nothing was saved through them.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def has_module_permission(self, request: HttpRequest) -> bool:
        access = get_access(request.user)
        return request.user.is_staff and (access.everything or bool(access.member_org_ids))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and get_access(request.user).administers_any

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not self.has_add_permission(request):
            return False
        if obj is None:
            return True
        return get_access(request.user).is_admin_of(self.organization_of(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Deleting plan content would lose history; plans are closed by status instead.
        return False

    def organization_of(self, obj: Model) -> int:
        value: Any = obj
        for part in self.organization_lookup.split("__"):
            value = getattr(value, part)
        return value


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log or reference list: viewed in the admin, never added, changed or deleted there
    (its admin actions still call services). Whoever may open the module may view it."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """A child list inside a parent page: read-only, with a link to each child."""

    extra = 0
    can_delete = False
    show_change_link = True
    #: foreign keys the inline's columns show, fetched in the same query
    list_select_related: list[str] = []

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True


def admin_link(obj: Model | None, text: Any = None) -> str:
    """HTML link to an object's admin change page."""
    if obj is None:
        return "–"
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else obj)


def add_link(model: type[Model], text: str, **initial: Any) -> str:
    """HTML link to the admin add page with *initial* values filled in."""
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    query = "&".join(f"{key}={value}" for key, value in initial.items())
    return format_html('<a class="addlink" href="{}?{}">{}</a>', url, query, text)


def link_list(objects: Any) -> str:
    return format_html_join(", ", "{}", ((admin_link(o),) for o in objects)) or "–"
