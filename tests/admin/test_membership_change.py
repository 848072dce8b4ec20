"""A kommune's administrator changes a role in place: the person stays one of his people.

Removing the only role and adding a new one cannot work once roles are granted only to
the administrator's own people, so the role's unit and kind are changed in one step.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from planportal import services
from planportal.audit.models import AuditEvent
from planportal.models import Membership
from tests.factories import MembershipFactory, root_unit

pytestmark = pytest.mark.django_db


def change_url(membership: Membership) -> str:
    return f"/admin/planportal/membership/{membership.pk}/change/"


def test_an_admin_changes_a_persons_only_role_from_reader_to_unit_manager(client, world):
    membership = world.reader.memberships.get()
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    client.force_login(world.admin)
    response = client.post(change_url(membership), {
        "unit": world.home_care.pk, "role": Membership.Role.UNIT_MANAGER})
    assert response.status_code == 302, response.content[:500]
    membership.refresh_from_db()
    assert (membership.unit, membership.role) == (world.home_care, Membership.Role.UNIT_MANAGER)
    assert membership.user == world.reader
    event = AuditEvent.objects.filter(verb="role_change").latest("pk")
    assert event.changes["membership"] == [
        {"unit": world.root.pk, "role": Membership.Role.READER},
        {"unit": world.home_care.pk, "role": Membership.Role.UNIT_MANAGER}]


def test_the_person_of_a_role_cannot_be_swapped_on_its_change_page(client, world):
    membership = world.reader.memberships.get()
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    client.force_login(world.admin)
    client.post(change_url(membership), {"user": world.unit_manager.pk,
                                         "unit": world.root.pk, "role": "reader"})
    membership.refresh_from_db()
    assert membership.user == world.reader


def test_a_role_cannot_be_moved_to_a_unit_of_another_kommune(world):
    membership = world.reader.memberships.get()
    elsewhere = root_unit(world.other_org)
    MembershipFactory(user=world.admin, unit=root_unit(world.other_org), role="admin")
    with pytest.raises(ValidationError) as error:
        services.change_membership(actor=world.admin, membership=membership, unit=elsewhere,
                                   role=Membership.Role.READER)
    assert "unit" in error.value.error_dict
    membership.refresh_from_db()
    assert membership.unit == world.root


def test_another_kommunes_admin_cannot_change_the_role(world):
    membership = world.reader.memberships.get()
    with pytest.raises(Exception) as error:
        services.change_membership(actor=world.other_admin, membership=membership,
                                   unit=world.root, role=Membership.Role.ADMIN)
    assert error.type.__name__ == "PermissionDenied"
    membership.refresh_from_db()
    assert membership.role == Membership.Role.READER


def test_another_kommunes_admin_gets_no_change_page_for_the_role(client, world):
    membership = world.reader.memberships.get()
    world.other_admin.is_staff = True
    world.other_admin.save(update_fields=["is_staff"])
    client.force_login(world.other_admin)
    # Django's admin answers an object outside its queryset by sending you back to the
    # index ("does not exist"), telling nothing about the role.
    for response in (client.get(change_url(membership)),
                     client.post(change_url(membership), {"unit": world.root.pk,
                                                          "role": "admin"})):
        assert response.status_code == 302 and response["Location"] == "/admin/"
    membership.refresh_from_db()
    assert membership.role == Membership.Role.READER
