"""The web menu's *Rapportering* item (registered with ``planportal.context_processors``)."""

from __future__ import annotations

from typing import Any

from planportal.permissions import Access


def shows_rounds(user: Any, access: Access) -> bool:
    """Every member of a kommune sees its reporting rounds (no query)."""
    return access.everything or bool(access.member_org_ids)
