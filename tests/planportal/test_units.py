"""The unit tree: materialised paths, levels and constraints."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from planportal import services
from planportal.models import Unit
from planportal.permissions import SYSTEM
from tests.factories import OrganizationFactory, UnitFactory, root_unit

pytestmark = pytest.mark.django_db


def test_creating_an_organisation_creates_its_municipality_root():
    org = OrganizationFactory(name="Åsnes kommune", slug="asnes")
    root = root_unit(org)
    assert root.kind == Unit.Kind.MUNICIPALITY
    assert root.name == "Åsnes kommune"
    assert root.path == f"{root.pk}/"


def test_a_subtree_holds_the_unit_and_everything_below_it(world):
    subtree = set(Unit.objects.subtree_of(world.health))
    assert subtree == {world.health, world.home_care, world.nursing_home}
    assert world.school not in subtree


def test_a_subtree_does_not_match_units_whose_id_merely_starts_the_same():
    org = OrganizationFactory()
    root = root_unit(org)
    sectors = [
        services.create_unit(actor=SYSTEM, organization=org, parent=root, kind="sektor",
                             code=f"s{i}", name=f"S{i}")
        for i in range(12)
    ]
    # Ids like 3 and 13 share a prefix; the trailing slash keeps them apart.
    for sector in sectors:
        assert list(Unit.objects.subtree_of(sector)) == [sector]


def test_a_unit_must_sit_one_level_below_its_parent(world):
    with pytest.raises(ValidationError) as error:
        services.create_unit(actor=SYSTEM, organization=world.org, parent=world.root,
                             kind="avdeling", code="feil", name="Feil")
    assert "kind" in error.value.message_dict


def test_a_unit_cannot_hang_under_another_organisations_unit(world):
    with pytest.raises(ValidationError) as error:
        services.create_unit(actor=SYSTEM, organization=world.other_org, parent=world.health,
                             kind="enhet", code="x", name="X")
    assert "parent" in error.value.message_dict


def test_unit_codes_are_unique_within_an_organisation(world):
    with pytest.raises(ValidationError) as error:
        UnitFactory(organization=world.org, parent=world.health, code="hjemme")
    assert "__all__" in error.value.message_dict


def test_the_database_refuses_a_second_root(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(organization=world.org, kind="enhet", code="flytende",
                            name="Uten forelder", path="x/")


def test_only_an_admin_of_the_organisation_can_add_units(world):
    for persona in ("sector_leader", "unit_manager", "reader", "other_admin"):
        with pytest.raises(PermissionDenied):
            services.create_unit(actor=world.persona(persona), organization=world.org,
                                 parent=world.health, kind="enhet", code=f"ny-{persona}",
                                 name="Ny")
    unit = services.create_unit(actor=world.admin, organization=world.org,
                                parent=world.health, kind="enhet", code="ny", name="Ny enhet")
    assert unit.path.startswith(world.health.path)
