"""The web interface's plan pages, and the public plan pages (no login).

Still the ``strategies`` namespace: the URL names (``strategies:plan-detail``) are older
than the move of these pages into reports.
"""

from django.urls import path

from reports import plan_views as views

app_name = "strategies"

urlpatterns = [
    path("planer/", views.plan_list, name="plan-list"),
    path("planer/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("offentlig/planer/", views.public_plan_list, name="public-plan-list"),
    path("offentlig/planer/<int:pk>/", views.public_plan_detail, name="public-plan-detail"),
]
