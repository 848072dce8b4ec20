"""django-zeal in every test: an N+1 query while Django handles a request raises
``NPlusOneError`` (the test client re-raises it in the test).

Zeal patches Django's related descriptors once (what its app config does in ``ready``),
and its middleware, added first in the test settings, opens a detection context per
request; the product's settings stay as they are. The context covers requests only: test
code and factories load objects one by one on purpose (``.get()`` in a loop is what
zeal counts), and those loops are no product N+1. ``ALLOWLIST`` holds the product loops
that are meant to load one object at a time, each with its reason.
"""

from __future__ import annotations

from typing import Any

from zeal.constants import initialize_app_registry
from zeal.patch import patch

MIDDLEWARE = "zeal.middleware.zeal_middleware"
#: Intended one-at-a-time loads: {"model": "app.Model", "field": "name"} (fnmatch patterns).
ALLOWLIST: list[dict[str, str]] = [
    # Zeal counts any two .get() calls reached from one project line, and for a request
    # that line is often a middleware's get_response: the admin loading its object twice,
    # the session read by two middlewares. Those are single rows, not a loop over rows;
    # the relation checks (one query per row of a list) stay on for every model.
    {"model": "*", "field": "get()"},
    # create_action sets a new action's contributing units: a write per created action
    # (an import creates many), not a read per row of a list.
    {"model": "actions.Action", "field": "contributing_units"},
    # The same for a focus area's SDG and lead-unit links (strategies.services
    # _set_focus_area_links: the links before and after, per area written).
    {"model": "strategies.FocusArea", "field": "sdgs"},
    {"model": "strategies.FocusArea", "field": "lead_units"},
]

_patched = False


def install(settings: Any) -> None:
    """Patch Django once per process and turn detection on for *settings* (pytest-django's
    ``settings`` fixture, so it is undone after the test)."""
    global _patched
    if not _patched:
        initialize_app_registry()
        patch()
        _patched = True
    settings.ZEAL_RAISE = True
    settings.ZEAL_ALLOWLIST = ALLOWLIST
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
