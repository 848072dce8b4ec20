"""The web interface's pages for actions (tiltak)."""

from django.urls import path

from actions import calendar_views, views

app_name = "actions"

urlpatterns = [
    path("mine-tiltak/", views.my_actions, name="mine"),
    path("fordel-ansvar/", views.assign_list, name="assign"),
    path("fordel-ansvar/flere/", views.assign_bulk, name="assign-bulk"),
    path("tiltak/<int:pk>/", views.action_detail, name="detail"),
    path("tiltak/<int:pk>/status/", views.post_status, name="post-status"),
    path("tiltak/<int:pk>/status/skjema/", views.status_form, name="status-form"),
    path("tiltak/<int:pk>/evaluering/", views.post_evaluation, name="post-evaluation"),
    path("tiltak/<int:pk>/fordel/", views.assign_one, name="assign-one"),
    # Every signed-in person's own calendar feeds (the feeds themselves: /calendar/…).
    path("kalender/", calendar_views.calendar_page, name="calendar"),
    path("kalender/<int:feed_id>/trekk-tilbake/", calendar_views.revoke_calendar_page,
         name="calendar-revoke"),
]
