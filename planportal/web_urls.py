"""The web interface's own pages at the root: landing page, login and logout.

Login and logout are Django's auth views under stable names (``login``, ``logout``);
an OIDC provider adds its own URLs and a ``LOGIN_PROVIDERS`` entry, not new pages.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from planportal import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "logg-inn/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
]
