"""The web interface's pages for actions (tiltak)."""

from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("tiltak/<int:pk>/", views.ActionDetailView.as_view(), name="detail"),
]
