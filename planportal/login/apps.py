from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginConfig(AppConfig):
    """Kommune login providers (Entra ID over OpenID Connect) and brute-force lockout."""

    name = "planportal.login"
    label = "login"
    verbose_name = _("Login")
