"""API clients per persona."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api(world):
    """``api("unit_manager")`` is an APIClient signed in as that persona; ``api(None)`` is
    anonymous."""

    def make(persona):
        client = APIClient()
        if persona is not None:
            client.force_authenticate(world.persona(persona))
        return client

    return make
