"""Template context every web page needs: footer links, login methods and the menu."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from planportal.permissions import get_access


def web(request: HttpRequest) -> dict[str, Any]:
    """The accessibility statement, the login providers and which menu items to show.

    ``LOGIN_PROVIDERS`` is a list of ``(label, url)`` pairs: an OIDC backend (Entra ID,
    ID-porten) adds its start URL there and the login page offers it, unchanged.
    """
    user = getattr(request, "user", None)
    access = get_access(user)

    def my_actions() -> bool:
        # Called by the template only: anyone who manages a unit, or who is the
        # responsible person of an action (one small query, only for those who do not).
        if access.everything or access.unit_manager_units or access.admin_org_ids:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        from actions.models import Action

        return Action.objects.filter(responsible_person_id=user.pk).exists()

    return {
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
        "login_providers": getattr(settings, "LOGIN_PROVIDERS", []),
        "menu": {
            "my_actions": my_actions,
            "assign": access.writes_actions_anywhere,
            "admin": bool(getattr(user, "is_staff", False)),
        },
    }
