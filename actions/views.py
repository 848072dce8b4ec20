"""Web pages for actions: read through ``visible_to``, write through ``actions.services``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView

from actions.models import Action


class ActionDetailView(LoginRequiredMixin, DetailView):
    """One action with its status history and the status-update form (``#ny-status``)."""

    template_name = "actions/action_detail.html"
    context_object_name = "action"

    def get_queryset(self) -> Any:
        return Action.objects.visible_to(self.request.user).for_list()
