from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginConfig(AppConfig):
    """Kommune login providers (Entra ID over OpenID Connect) and brute-force lockout."""

    name = "planportal.login"
    label = "login"
    verbose_name = _("Login")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from planportal.login.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="planportal.login.stamp_login")
