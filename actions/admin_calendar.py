"""Admin for calendar feeds: create your own (the URL is shown once) and revoke them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actions.calendar_feeds import create_calendar_feed, revoke_calendar_feed
from actions.calendar_models import CalendarFeed
from actions.permissions import calendar_unit_q
from planportal.models import Unit
from planportal.permissions import get_access


class CalendarFeedForm(forms.ModelForm):
    class Meta:
        model = CalendarFeed
        fields = ["unit"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    form = CalendarFeedForm
    list_display = ["__str__", "user", "unit", "created_at", "revoked_at"]
    list_select_related = ["user", "unit"]
    readonly_fields = ["user", "key_prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if get_access(request.user).everything:
            return queryset
        return queryset.filter(user=request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "unit":
            # The units whose deadlines the user may subscribe to (the service's rule).
            kwargs["queryset"] = Unit.objects.filter(calendar_unit_q(get_access(request.user)))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: CalendarFeed, form: Any, change: bool
                   ) -> None:
        feed, raw = create_calendar_feed(actor=request.user, user=request.user,
                                         unit=form.cleaned_data.get("unit"))
        # The admin logs and redirects using obj: make it the stored feed.
        for name in ("id", "user_id", "unit_id", "key_prefix", "key_hash", "created_at"):
            setattr(obj, name, getattr(feed, name))
        url = request.build_absolute_uri(reverse("calendar:feed", args=[raw]))
        messages.warning(request, _("Subscribe to this address in your calendar. It is shown "
                                    "only now; keep it secret: %(url)s") % {"url": url})

    @admin.action(description=_("Revoke the selected calendar feeds"))
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        for feed in queryset.select_related("user"):
            revoke_calendar_feed(actor=request.user, feed=feed)
        messages.success(request, _("The feeds were revoked."))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only the revoke action changes a feed; the form itself is read-only.
        return obj is None and self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
