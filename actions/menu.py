"""The web menu's *Mine tiltak* item (registered with ``planportal.context_processors``)."""

from __future__ import annotations

from typing import Any

from actions.models import Action
from planportal.permissions import Access


def shows_my_actions(user: Any, access: Access) -> bool:
    """Anyone who manages a unit, or who is the responsible person of an action (one
    small query, only for those who do not)."""
    if access.everything or access.unit_manager_units or access.admin_org_ids:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return Action.objects.filter(responsible_person_id=user.pk).exists()
