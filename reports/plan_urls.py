"""The web interface's plan pages and indicator pages, and the public plan pages (no login).

Still the ``strategies`` namespace: the URL names (``strategies:plan-detail``) are older
than the move of these pages into reports.
"""

from django.urls import path

from reports import indicator_views
from reports import plan_views as views

app_name = "strategies"

urlpatterns = [
    path("planer/", views.plan_list, name="plan-list"),
    path("planer/<int:pk>/", views.plan_detail, name="plan-detail"),
    # An indicator: its values, who follows it up, the forms to record and to assign.
    path("indikatorer/<int:indicator_id>/", indicator_views.indicator_detail,
         name="indicator-detail"),
    path("indikatorer/<int:indicator_id>/verdi/", indicator_views.record_value,
         name="indicator-record"),
    path("indikatorer/<int:indicator_id>/oppfolging/", indicator_views.assign_follow_up,
         name="indicator-assign"),
    path("offentlig/planer/", views.public_plan_list, name="public-plan-list"),
    path("offentlig/planer/<int:pk>/", views.public_plan_detail, name="public-plan-detail"),
]
