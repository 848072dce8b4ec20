"""Template context every web page needs: footer links, login methods and the menu.

A menu item whose rule needs an app's data is registered by that app
(:func:`register_menu_item`, from its ``AppConfig.ready``): the core imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from planportal.permissions import Access, get_access

#: name -> shown(user, access): whether ``menu.<name>`` is shown, asked by the template
#: only (so a rule's query runs only on pages that show the menu).
_menu_items: dict[str, Callable[[Any, Access], bool]] = {}


def register_menu_item(name: str, shown: Callable[[Any, Access], bool]) -> None:
    """Add the menu item ``menu.<name>``, shown where ``shown(user, access)`` is true."""
    _menu_items[name] = shown


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
            **{name: partial(shown, user, access) for name, shown in _menu_items.items()},
            "assign": access.writes_actions_anywhere,
            "admin": bool(getattr(user, "is_staff", False)),
        },
    }
