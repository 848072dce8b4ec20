"""Roles are read per request (issue 14): a role taken away, or lowered, counts from the
user's very next request, whichever way they are signed in, and from the next check in
the same request when the user takes it away themself."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from planportal import services
from planportal.models import Membership, User
from strategies.models import Plan
from tests.api.clients import AUTH_KINDS
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(world: Any) -> Any:
    """A second administrator of the kommune, who changes the others' roles."""
    user = UserFactory(username="sjef")
    MembershipFactory(user=user, unit=world.root, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def client_of(api: Any, token_api: Any) -> Any:
    """``client_of("session", "reader")`` or ``client_of("token", "reader")``."""
    return lambda auth, persona: (api if auth == "session" else token_api)(persona)


def action_url(world: Any) -> str:
    return f"/api/v1/actions/{world.action.pk}/"


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_a_removed_membership_hides_the_action_from_the_users_next_request(
    world, boss, client_of, auth
):
    client = client_of(auth, "reader")
    assert client.get(action_url(world)).status_code == 200
    assert [row["id"] for row in client.get("/api/v1/actions/").json()["results"]] == [
        world.action.pk]

    services.remove_membership(actor=boss, membership=Membership.objects.get(user=world.reader))

    assert client.get(action_url(world)).status_code == 404
    assert client.get("/api/v1/actions/").json()["results"] == []
    assert client.get("/api/v1/me/").json()["memberships"] == []


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_an_admin_lowered_to_reader_is_refused_the_next_edit(world, boss, client_of, auth):
    client = client_of(auth, "admin")
    url = f"/api/v1/plans/{world.plan.pk}/"
    assert client.patch(url, {"title": "Første"}, format="json").status_code == 200

    admin_role = Membership.objects.get(user=world.admin)
    services.add_membership(actor=boss, user=User.objects.get(pk=world.admin.pk),
                            unit=world.root, role=Membership.Role.READER)
    services.remove_membership(actor=boss, membership=admin_role)

    response = client.patch(url, {"title": "Andre"}, format="json")
    assert response.status_code == 403, response.content
    assert Plan.objects.get(pk=world.plan.pk).title == "Første"
    assert client.get(url).status_code == 200  # still a reader of the plan


def test_a_user_object_that_outlives_a_request_is_read_again_on_the_next(world, boss):
    client = APIClient()
    # force_authenticate on purpose: it hands every request the same user object, the
    # case of a user held across requests (a shell, a worker) that this test is about.
    client.force_authenticate(world.reader)
    assert client.get(action_url(world)).status_code == 200

    services.remove_membership(actor=boss, membership=Membership.objects.get(user=world.reader))

    assert client.get(action_url(world)).status_code == 404


def test_an_admin_who_removes_their_own_role_cannot_go_on_using_it(world, boss):
    own = Membership.objects.get(user=world.admin)
    reader = Membership.objects.get(user=world.reader)
    services.remove_membership(actor=world.admin, membership=own)

    with pytest.raises(PermissionDenied):
        services.remove_membership(actor=world.admin, membership=reader)
    assert Membership.objects.filter(pk=reader.pk).exists()


def test_the_admin_site_reads_the_role_again_on_each_request(world, boss, client):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    client.force_login(world.admin)
    url = reverse("admin:actions_action_changelist")
    page = client.get(url)
    assert page.status_code == 200 and world.action.title in page.text

    services.remove_membership(actor=boss, membership=Membership.objects.get(user=world.admin))

    page = client.get(url)
    assert world.action.title not in getattr(page, "text", "")
