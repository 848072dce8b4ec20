"""Rendalen kommune with its demo unit tree (from fixtures/plans/rendalen.json), for imports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from planportal import services
from planportal.models import Membership, Organization
from planportal.permissions import SYSTEM
from tests.factories import MembershipFactory, UserFactory

RENDALEN = Path(settings.BASE_DIR) / "fixtures" / "plans" / "rendalen.json"


def rendalen_data() -> dict[str, Any]:
    return json.loads(RENDALEN.read_text(encoding="utf-8"))


@pytest.fixture
def rendalen(db: Any) -> Organization:
    """Rendalen kommune and its units (no plan)."""
    data = rendalen_data()
    org = services.create_organization(actor=SYSTEM, **data["organization"])
    units = {u.code: u for u in org.units.all()}
    for row in data["units"]:
        if row["code"] in units or row["parent"] is None:
            continue
        units[row["code"]] = services.create_unit(
            actor=SYSTEM, organization=org, parent=units[row["parent"]], kind=row["kind"],
            code=row["code"], name=row["name"],
        )
    return org


@pytest.fixture
def rendalen_admin(rendalen: Organization) -> Any:
    user = UserFactory(username="plan-admin-rendalen")
    MembershipFactory(user=user, unit=rendalen.units.get(parent__isnull=True),
                      role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def plan_admin_client(world: Any, client: Any) -> Any:
    """The kommune's plan administrator in the admin (staff with the admin role)."""
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    return client
