"""Logged-in admin clients."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def plan_admin(world, client):
    """The kommune's plan administrator: staff with the admin role, not a superuser."""
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    return client


@pytest.fixture
def superuser_client(client):
    """A platform operator."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client
