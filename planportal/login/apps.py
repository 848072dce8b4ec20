from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginConfig(AppConfig):
    """Kommune login providers (Entra ID over OpenID Connect) and brute-force lockout."""

    name = "planportal.login"
    label = "login"
    verbose_name = _("Login")

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth.signals import user_logged_in

        from planportal.login.lockout import count_failed_code, forget_after_code
        from planportal.login.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="planportal.login.stamp_login")
        # Wrong TOTP codes on the login page count in the same lockout as wrong passwords.
        mfa_signals.authentication_failed.connect(
            count_failed_code, dispatch_uid="planportal.login.count_failed_code")
        mfa_signals.authenticator_used.connect(
            forget_after_code, dispatch_uid="planportal.login.forget_after_code")
