"""Admin for kommune login providers and for the brute-force locks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from planportal.access import get_access
from planportal.admin_forms import ReadOnlyAdmin, ServiceForm
from planportal.login import services
from planportal.login.models import LoginFailure, OrganizationLoginProvider

UNREADABLE = _(
    "The stored secret cannot be decrypted with the configured keys "
    "(FIELD_ENCRYPTION_KEYS). Logins through this provider fail until the secret is "
    "entered again."
)


class SecretField(forms.CharField):
    """A password input that never shows the stored value; blank keeps it."""

    widget = forms.PasswordInput(render_value=False)

    def has_changed(self, initial: Any, data: Any) -> bool:
        # Only a typed value changes the secret (and shows in the admin's history).
        return bool(data)


class OrganizationLoginProviderForm(ServiceForm):
    """Saved through :func:`services.save_login_provider`; the secret is never shown again."""

    secret = SecretField(
        label=_("client secret"),
        required=False,
        max_length=500,
        help_text=_("Leave empty to keep the stored secret."),
    )

    class Meta:
        model = OrganizationLoginProvider
        fields = list(services.PROVIDER_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The stored secret never reaches the page, not even as an unrendered initial value.
        self.initial.pop("secret", None)

    def call_service(
        self, actor: Any, original: OrganizationLoginProvider | None, data: dict[str, Any]
    ) -> OrganizationLoginProvider:
        return services.save_login_provider(actor=actor, provider=original, data=data)


@admin.register(OrganizationLoginProvider)
class OrganizationLoginProviderAdmin(admin.ModelAdmin):
    """One Entra ID (OIDC) app registration per kommune; platform operators only."""

    form = OrganizationLoginProviderForm
    list_display = ["name", "organization", "provider_id", "server_url", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["organization"]
    readonly_fields = ["redirect_path", "secret_status"]

    @admin.display(description=_("redirect URI path"))
    def redirect_path(self, obj: OrganizationLoginProvider) -> str:
        return f"/accounts/oidc/{obj.provider_id}/login/callback/" if obj.pk else "–"

    @admin.display(description=_("stored secret"))
    def secret_status(self, obj: OrganizationLoginProvider) -> str:
        """Whether a secret is stored, never the secret."""
        if not obj.pk:
            return "–"
        if obj.secret_is_unreadable:
            return UNREADABLE
        return _("stored, encrypted") if obj.secret else _("none")

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], add: bool = False,
                           change: bool = False, form_url: str = "", obj: Any = None) -> Any:
        if obj is not None and obj.secret_is_unreadable:
            self.message_user(request, UNREADABLE, messages.WARNING)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by the service during validation."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return get_access(request.user).everything and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are keyed by the provider id: switch a provider off instead.
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Read-only view of failed-login counters; locks can be lifted with an action."""

    list_display = ["kind", "key", "failures", "last_failure_at", "locked_until"]
    list_filter = ["kind"]
    search_fields = ["key"]
    actions = ["lift_locks"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return get_access(request.user).everything and request.user.is_staff

    @admin.action(description=_("Lift the selected locks"))
    def lift_locks(self, request: HttpRequest, queryset: Any) -> None:
        try:
            count = services.unlock(actor=request.user, failures=list(queryset))
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, _("%(count)s locks lifted.") % {"count": count})
