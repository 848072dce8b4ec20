"""Admin for organisations, units, users and memberships."""

from __future__ import annotations

import copy
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
    UsernameField,
)
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from planportal import privacy, services
from planportal.admin_forms import ReadOnlyInline, ServiceAdmin, ServiceForm
from planportal.models import Membership, Organization, Unit, User, UserPreferences
from planportal.permissions import get_access, users_visible_to

# Access comes from memberships, not from Django groups; hiding them avoids a second,
# unused permission system in the admin.
admin.site.unregister(Group)


class MembershipInline(ReadOnlyInline):
    model = Membership
    fk_name = "user"
    fields = ["unit", "role"]
    readonly_fields = fields
    list_select_related = ["unit"]

    def get_queryset(self, request: HttpRequest) -> Any:
        # A person with roles in two kommuner: each kommune's staff see its roles only.
        return super().get_queryset(request).visible_to(request.user)


class PeopleScopedAdmin:
    """Admin pages of people: a kommune's administrator reaches his own people only
    (:func:`planportal.permissions.users_visible_to`); anyone else's change, history,
    delete or password page is not found (404), and names nobody."""

    def get_queryset(self, request: HttpRequest) -> Any:
        # ModelAdmin's, not ServiceAdmin's: a user has no organisation column.
        return users_visible_to(request.user, admin.ModelAdmin.get_queryset(self, request))

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404(_("There is no such person among the people you administer."))
        return obj

    def get_paginator(self, request: HttpRequest, queryset: Any, per_page: int,
                      orphans: int = 0, allow_empty_first_page: bool = True) -> Any:
        if queryset.model is LogEntry and not get_access(request.user).everything:
            # The history page of a person with roles in two kommuner: the entries of
            # the other kommune's staff (and of operators) would name them.
            queryset = queryset.filter(user__in=users_visible_to(request.user))
        return super().get_paginator(  # type: ignore[misc]
            request, queryset, per_page, orphans, allow_empty_first_page)


class InviteUserForm(ServiceForm):
    """A kommune administrator's "add user": a new person with a role in his kommune."""

    # create_user names the roles it was given "memberships"; here that is the unit.
    service_field_names = {"memberships": "unit"}

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("unit"))
    role = forms.ChoiceField(choices=Membership.Role.choices, label=_("role"),
                             initial=Membership.Role.READER)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        unit = self.fields["unit"]
        unit.queryset = Unit.objects.administered_by(self.request.user)
        unit.label_from_instance = lambda u: "— " * u.depth + u.name

    def call_service(self, actor: Any, original: Any, data: dict[str, Any]) -> Any:
        return services.invite_user(
            actor=actor, email=data["email"], first_name=data["first_name"],
            last_name=data["last_name"], unit=data["unit"], role=data["role"],
        )


class OperatorUserCreationForm(ServiceForm, AdminUserCreationForm):
    """A platform operator's "add user": username, password (or none), names and e-mail,
    made by :func:`planportal.services.create_user`."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]
        field_classes = {"username": UsernameField}

    def call_service(self, actor: Any, original: Any, data: dict[str, Any]) -> Any:
        return services.create_user(
            actor=actor, username=data["username"],
            password=data["password1"] if data["set_usable_password"] else None,
            email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
        )


class OperatorUserChangeForm(ServiceForm, UserChangeForm):
    """A platform operator's change page of an account, saved by
    :func:`planportal.services.update_user` (the active flag is the deactivate action)."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_staff", "is_superuser"]
        field_classes = {"username": UsernameField}

    def call_service(self, actor: Any, original: Any, data: dict[str, Any]) -> Any:
        # The fields the page has (a read-only field is not in the data).
        return services.update_user(actor=actor, user=original, **{
            name: data[name] for name in OperatorUserChangeForm.Meta.fields if name in data})


class OperatorPasswordChangeForm(AdminPasswordChangeForm):
    """The password page, saved by :func:`planportal.services.set_password` during
    validation, so a refusal shows on the form (as :class:`ServiceForm` does)."""

    request: HttpRequest  # set per request by UserAdmin.user_change_password

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        usable = self.cleaned_data["set_usable_password"]
        if not (usable or "unset-password" in self.data):
            return  # Django's view refuses this conflicting submission; nothing is set
        try:
            with transaction.atomic():
                services.set_password(actor=self.request.user, user=self.user,
                                      password=self.cleaned_data["password1"] if usable
                                      else None)
        except ValidationError as exc:
            for name, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                self.add_error(name if name in self.fields else None, errors)
        except PermissionDenied as exc:
            self.add_error(None, str(exc))

    def save(self, commit: bool = True) -> Any:
        """Saved by the service during validation."""
        return self.user


@admin.register(User)
class UserAdmin(PeopleScopedAdmin, DjangoUserAdmin):
    """Users are platform-wide; roles are given as memberships.

    A kommune's administrator sees and invites his own people only; editing an account
    itself (name, e-mail, flags, password) is for platform operators. Every page saves
    through a service: the add page through ``create_user`` (``invite_user`` for a
    kommune's administrator), the change page through ``update_user``, the password
    page through ``set_password``.
    """

    invite_fieldsets = (
        (None, {"fields": ("first_name", "last_name", "email", "unit", "role")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
    )
    # Django's groups and permissions are left out: access comes from memberships.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (_("Preferences"), {"fields": ("preferred_language", "reminder_emails")}),
    )
    form = OperatorUserChangeForm
    add_form = OperatorUserCreationForm
    change_password_form = OperatorPasswordChangeForm
    change_user_password_template = "admin/planportal/user/change_password.html"  # noqa: S105
    # Changed on the "E-mail preferences" page, through services.update_preferences.
    # Deactivation goes through services.deactivate_user (the action below), which also
    # ends sessions and tokens; a checkbox could revive a deactivated user's sessions.
    readonly_fields = ("preferred_language", "reminder_emails", "is_active", "last_login",
                       "date_joined")
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active"]
    actions = ["deactivate_users", "log_out_users_everywhere", "erase_personal_data",
               "export_personal_data", "resend_invitations"]

    def _each_through(self, request: HttpRequest, queryset: Any, service: Any) -> int:
        done = 0
        for user in queryset:
            try:
                service(actor=request.user, user=user)
                done += 1
            except PermissionDenied as exc:
                self.message_user(request, f"{user}: {exc}", messages.ERROR)
        return done

    @admin.action(description=_("Deactivate, ending all sessions and API tokens"))
    def deactivate_users(self, request: HttpRequest, queryset: Any) -> None:
        done = self._each_through(request, queryset, services.deactivate_user)
        self.message_user(request, _("%(count)s users deactivated.") % {"count": done})

    @admin.action(description=_("Log out everywhere (all sessions and API tokens)"))
    def log_out_users_everywhere(self, request: HttpRequest, queryset: Any) -> None:
        done = self._each_through(request, queryset, services.log_out_everywhere)
        self.message_user(request, _("%(count)s users logged out everywhere.") % {"count": done})

    @admin.action(description=_("Send the invitation again (people who never signed in)"))
    def resend_invitations(self, request: HttpRequest, queryset: Any) -> None:
        """A new invitation e-mail for each chosen person; earlier links stop working.
        Anyone who has signed in, or cannot be invited, is named with the reason."""
        done = 0
        for user in queryset.order_by("username"):
            try:
                services.resend_invitation(actor=request.user, user=user)
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                reason = " ".join(getattr(exc, "messages", None) or [str(exc)])
                self.message_user(request, f"{user}: {reason}", messages.ERROR)
        if done:
            self.message_user(request, ngettext(
                "An invitation was sent again to %(count)d person.",
                "An invitation was sent again to %(count)d people.", done,
            ) % {"count": done}, messages.SUCCESS)

    def _report_out_of_reach(self, request: HttpRequest, found: list[Any]) -> int:
        """Say how many ticked users this admin's list does not hold (another kommune's
        people, e.g. from a stale page or a crafted POST); the action leaves them alone."""
        if request.POST.get("select_across") == "1":
            return 0
        selected = set(request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME))
        missing = len(selected - {str(user.pk) for user in found})
        if missing:
            self.message_user(request, ngettext(
                "%(count)d selected user is not yours to act for and was left unchanged.",
                "%(count)d selected users are not yours to act for and were left unchanged.",
                missing) % {"count": missing}, messages.ERROR)
        return missing

    @admin.action(description=_("Erase personal data (anonymise)"))
    def erase_personal_data(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        """Confirmation page first (like Django's delete-selected); a POST carrying
        ``confirm`` erases each user through :func:`planportal.privacy.erase_user`."""
        users = list(queryset.order_by("username"))
        self._report_out_of_reach(request, users)
        if "confirm" in request.POST:
            # The service checks every user again: a refused one gets a message and
            # is left exactly as it was.
            done = self._each_through(request, users, privacy.erase_user)
            if done:
                self.message_user(request, ngettext(
                    "The personal data of %(count)d user was erased.",
                    "The personal data of %(count)d users was erased.", done,
                ) % {"count": done}, messages.SUCCESS)
            return None
        # One may_act_for per user: a confirmation page for a handful of chosen people,
        # and the same rule the service applies when it is confirmed.
        allowed, refused = [], []
        for user in users:
            reason = privacy.erasure_refusal(request.user, user)
            if reason is None:
                allowed.append(user)
            else:
                refused.append((user, reason))
        return TemplateResponse(request, "admin/planportal/user/erase_personal_data.html", {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data"),
            "users": allowed,
            "refused": refused,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })

    @admin.action(description=_("Export personal data"))
    def export_personal_data(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        """Download :func:`planportal.privacy.export_personal_data` for one chosen user."""
        users = list(queryset[:2])
        if self._report_out_of_reach(request, users):
            return None
        if len(users) != 1:
            self.message_user(request, _("Choose exactly one user to export."),
                              messages.ERROR)
            return None
        user = users[0]
        try:
            data = privacy.export_personal_data(actor=request.user, user=user)
        except PermissionDenied as exc:
            self.message_user(request, f"{user}: {exc}", messages.ERROR)
            return None
        # As `manage.py export_personal_data` writes it: UTF-8, æøå as themselves.
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                                content_type="application/json; charset=utf-8")
        # The id, not the username: no personal data (or non-ASCII) in the file name.
        response["Content-Disposition"] = (
            f'attachment; filename="planportal-personopplysninger-{user.pk}.json"')
        return response

    def _invites(self, request: HttpRequest, obj: Any) -> bool:
        """The add page of a kommune's administrator is the invitation form."""
        return obj is None and not get_access(request.user).everything

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if self._invites(request, obj):
            return self.invite_fieldsets
        return super().get_fieldsets(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if self._invites(request, obj):
            kwargs["form"] = InviteUserForm
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # A new person's roles are the form's own unit and role.
        return super().get_inlines(request, obj) if obj is not None else []

    def render_change_form(self, request: HttpRequest, context: dict[str, Any],
                           add: bool = False, change: bool = False, form_url: str = "",
                           obj: Any = None) -> Any:
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if add and self._invites(request, obj):
            response.template_name = "admin/planportal/user/invite_form.html"
        return response

    def user_change_password(self, request: HttpRequest, id: str,
                             form_url: str = "") -> HttpResponse:
        # Django's view builds its form as self.change_password_form(user, data), without
        # the request the service needs for its actor: this request gets its own form
        # class, on a copy of this (shared) admin.
        per_request = copy.copy(self)
        per_request.change_password_form = type(
            "OperatorPasswordChangeForm", (OperatorPasswordChangeForm,), {"request": request})
        return super(UserAdmin, per_request).user_change_password(request, id, form_url)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by the service during validation (the forms are ServiceForms)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Roles are given on their own page (MembershipAdmin); the inline is read-only."""
        ServiceAdmin.save_related(self, request, form, formsets, change)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if get_access(request.user).everything:
            return super().has_change_permission(request, obj)
        # Django's user add page asks for this (with no user) before it shows the form;
        # an existing account is only ever shown to a kommune's administrator.
        return obj is None and self.has_add_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff and get_access(request.user).administers_any

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


class OrganizationForm(ServiceForm):
    class Meta:
        model = Organization
        fields = ["name", "slug", "org_number", "kommunenummer", "language"]

    def call_service(self, actor: Any, original: Any, data: dict[str, Any]) -> Organization:
        if original is None:
            return services.create_organization(actor=actor, **data)
        return services.update_organization(actor=actor, organization=original, **data)


class UnitInline(ReadOnlyInline):
    model = Unit
    fields = ["name", "kind", "code", "parent"]
    readonly_fields = fields
    list_select_related = ["parent"]


@admin.register(Organization)
class OrganizationAdmin(ServiceAdmin):
    form = OrganizationForm
    organization_lookup = "pk"
    list_display = ["name", "slug", "org_number", "kommunenummer", "language"]
    search_fields = ["name", "slug"]
    inlines = [UnitInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        access = get_access(request.user)
        return queryset if access.everything else queryset.filter(pk__in=access.member_org_ids)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return get_access(request.user).everything

    # Changing: a kommune's own administrators, but only its målform; the rest is the
    # platform operator's (services.update_organization).
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        access = get_access(request.user)
        if not (request.user.is_staff and access.administers_any):
            return False
        return obj is None or access.is_admin_of(obj.pk)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or get_access(request.user).everything:
            return ()
        return ("name", "slug", "org_number", "kommunenummer")


class UnitForm(ServiceForm):
    class Meta:
        model = Unit
        fields = ["organization", "parent", "kind", "code", "name", "email"]

    def call_service(self, actor: Any, original: Unit | None, data: dict[str, Any]) -> Unit:
        if original is None:
            return services.create_unit(actor=actor, **data)
        return services.update_unit(actor=actor, unit=original, name=data["name"],
                                    email=data["email"])


class MembershipOfUnitInline(ReadOnlyInline):
    model = Membership
    fk_name = "unit"
    fields = ["user", "role"]
    readonly_fields = fields
    # "unit" too: each row's label is the membership's __str__ (user – role – unit).
    list_select_related = ["user", "unit"]


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    form = UnitForm
    list_display = ["indented_name", "kind", "code", "organization"]
    list_filter = ["organization", "kind"]
    search_fields = ["name", "code"]
    inlines = [MembershipOfUnitInline]
    list_select_related = ["organization"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, unit: Unit) -> str:
        return "— " * unit.depth + unit.name

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> Any:
        # The place in the tree is fixed once created; the path depends on it.
        return ["organization", "parent", "kind", "code"] if obj else []

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # create_unit decides; the choices show only the kommuner he administers, so no
        # other kommune's unit names are listed as possible parents.
        access = get_access(request.user)
        if not access.everything and db_field.name == "organization":
            kwargs["queryset"] = Organization.objects.administered_by(request.user)
        elif not access.everything and db_field.name == "parent":
            kwargs["queryset"] = Unit.objects.administered_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipForm(ServiceForm):
    class Meta:
        model = Membership
        fields = ["user", "unit", "role"]

    def call_service(self, actor: Any, original: Any, data: dict[str, Any]) -> Membership:
        if original is not None:
            return services.change_membership(actor=actor, membership=original,
                                              unit=data["unit"], role=data["role"])
        return services.add_membership(actor=actor, **data)


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    form = MembershipForm
    organization_lookup = "unit__organization_id"
    list_display = ["user", "role", "unit"]
    list_filter = ["role", "unit__organization"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Choices only; add_membership decides. The user autocomplete lists the same
        # people (UserAdmin.get_queryset).
        access = get_access(request.user)
        if db_field.name == "user":
            kwargs["queryset"] = users_visible_to(request.user)
        elif db_field.name == "unit" and not access.everything:
            kwargs["queryset"] = Unit.objects.administered_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return get_access(request.user).is_admin_of(obj.unit.organization_id)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A role changes unit or kind; it never moves to another person.
        return ["user"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return get_access(request.user).is_admin_of(obj.unit.organization_id)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.remove_membership(actor=request.user, membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset.select_related("unit", "user"):
            services.remove_membership(actor=request.user, membership=membership)


class UserPreferencesForm(ServiceForm):
    class Meta:
        model = UserPreferences
        fields = ["preferred_language", "reminder_emails"]

    def call_service(self, actor: Any, original: Any, data: dict[str, Any]) -> UserPreferences:
        if original is None:
            raise forms.ValidationError(_("Preferences belong to an existing user."))
        return services.update_preferences(actor=actor, user=original, **data)


@admin.register(UserPreferences)
class UserPreferencesAdmin(PeopleScopedAdmin, ServiceAdmin):
    """Language and reminder e-mails per user, changed through ``update_preferences``."""

    form = UserPreferencesForm
    list_display = ["username", "first_name", "last_name", "email", "preferred_language",
                    "reminder_emails"]
    list_filter = ["reminder_emails", "preferred_language"]
    search_fields = ["username", "first_name", "last_name", "email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff and get_access(request.user).administers_any
