"""Login with allauth's login stages (TOTP), and "log out everywhere"."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planportal import services
from planportal.login.forms import LockoutAuthenticationForm
from planportal.login.models import OrganizationLoginProvider


class LoginView(auth_views.LoginView):
    """Django's login page with the lockout form; a correct password then passes
    allauth's login stages, which ask for a TOTP code when the user has one."""

    form_class = LockoutAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add a "Log in with <kommune>" button per active organisation provider."""
        context = super().get_context_data(**kwargs)
        providers = OrganizationLoginProvider.objects.filter(is_active=True).order_by("name")
        context["login_providers"] = [
            *settings.LOGIN_PROVIDERS,
            *(
                (
                    _("Log in with %(name)s") % {"name": provider.name},
                    reverse("openid_connect_login", kwargs={"provider_id": provider.provider_id}),
                )
                for provider in providers
            ),
        ]
        return context

    def form_valid(self, form: LockoutAuthenticationForm) -> HttpResponse:
        """Hand the authenticated user to allauth's login flow instead of logging in here."""
        login = Login(user=form.get_user(), redirect_url=self.get_success_url())
        return perform_password_login(
            self.request, {"username": form.cleaned_data["username"]}, login
        )


@login_required
@require_POST
def log_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End all of the signed-in user's sessions (this one too) and revoke their API tokens."""
    services.log_out_everywhere(actor=request.user, user=request.user)
    logout(request)
    messages.success(request, _("You are logged out on all devices."))
    return redirect("login")
