"""URLs of the calendar feeds (mounted at ``/calendar/``)."""

from django.urls import re_path

from actions.calendar_views import calendar_feed

app_name = "calendar"

urlpatterns = [
    re_path(r"^(?P<token>[A-Za-z0-9_\-]{1,100})\.ics$", calendar_feed, name="feed"),
]
