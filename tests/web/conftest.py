"""Web clients per persona, and a plan tree big enough to show grouping and filters."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def browse(world: Any) -> Any:
    """``browse("unit_manager")`` is a test client logged in as that persona;
    ``browse(None)`` is anonymous."""

    def make(persona: str | None) -> Client:
        client = Client()
        if persona is not None:
            client.force_login(world.persona(persona))
        return client

    return make


def htmx(client: Client, url: str, data: dict[str, Any]) -> Any:
    """POST as htmx does (HX-Request header)."""
    return client.post(url, data, headers={"HX-Request": "true"})
