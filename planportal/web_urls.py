"""The web interface's own pages at the root: landing page, login, logout and settings.

Login and logout are Django's auth views under stable names (``login``, ``logout``);
an OIDC provider adds its own URLs and a ``LOGIN_PROVIDERS`` entry, not new pages.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from planportal import views
from planportal.login import views as login_views
from reports.plan_views import public_plan_list

urlpatterns = [
    path("", views.home, {"public_page": public_plan_list}, name="home"),
    # Django's login page with the lockout and allauth's TOTP step (planportal.login).
    path("logg-inn/", login_views.LoginView.as_view(), name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("logg-ut-overalt/", login_views.log_out_everywhere, name="logout-everywhere"),
    # The signed-in user's own reminder e-mail settings (linked from every reminder).
    path("innstillinger/", views.preferences, name="preferences"),
    # The link in an invitation e-mail: the invited person sets a first password.
    path("invitasjon/<int:user_id>/<str:token>/", views.invitation, name="invitation"),
    path("favicon.ico", views.favicon, name="favicon"),
]
