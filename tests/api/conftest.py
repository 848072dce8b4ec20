"""API clients per persona, signed in the way real clients are (tests/api/clients.py)."""

import pytest

from tests.api.clients import SessionClient, TokenClient


@pytest.fixture
def api(world):
    """``api("unit_manager")`` is a browser session signed in as that persona (CSRF
    enforced, the header sent on writes); ``api(None)`` is an anonymous visitor."""

    def make(persona):
        return SessionClient(world.persona(persona) if persona is not None else None)

    return make


@pytest.fixture
def token_api(world):
    """``token_api("unit_manager")`` holds a token the persona obtained with their
    password at POST /api/v1/auth/token/; ``token_api(None)`` has no token."""

    def make(persona):
        return TokenClient(world.persona(persona) if persona is not None else None)

    return make
