"""The part of allauth Planportal uses, under /accounts/.

Only kommune OIDC, TOTP and what those flows need. allauth's sign-up, password reset,
e-mail and account-connection pages are left out on purpose: a password reset would let
a person whose kommune has closed their Entra ID account give themself a local password.
"""

from allauth.account import views as account_views
from allauth.socialaccount import views as social_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # allauth's flows send people to these names; the login page is /logg-inn/.
    path("login/", RedirectView.as_view(pattern_name="login", query_string=True),
         name="account_login"),
    path("signup/", RedirectView.as_view(pattern_name="login"), name="account_signup"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/login/cancelled/", social_views.login_cancelled,
         name="socialaccount_login_cancelled"),
    path("3rdparty/login/error/", social_views.login_error, name="socialaccount_login_error"),
    path("3rdparty/signup/", RedirectView.as_view(pattern_name="login"),
         name="socialaccount_signup"),
    # /accounts/oidc/<provider id>/login/ and …/login/callback/
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
]
