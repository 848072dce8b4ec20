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
    return {
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
        "login_providers": getattr(settings, "LOGIN_PROVIDERS", []),
        "menu": {
            "my_actions": access.everything or bool(access.unit_manager_units)
            or bool(access.admin_org_ids),
            "assign": access.everything or bool(access.sector_leader_units)
            or bool(access.admin_org_ids),
            "admin": bool(getattr(user, "is_staff", False)),
        },
    }
