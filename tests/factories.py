"""factory_boy factories for every model. Units and organisations go through the
services, so their tree paths are built the one way the application builds them."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
from factory.django import DjangoModelFactory

from actions.models import Action, ReportingReturn, ReportingRound, StatusUpdate
from planportal import services
from planportal.models import Membership, Organization, Unit, User
from planportal.permissions import SYSTEM
from strategies.models import (
    FocusArea,
    Goal,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Plan,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruker{n}")
    first_name = "Kari"
    last_name = factory.Sequence(lambda n: f"Nordmann{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("riktig-passord-123")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    slug = factory.Sequence(lambda n: f"testkommune-{n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Organization:
        return services.create_organization(actor=SYSTEM, **kwargs)


def root_unit(organization: Organization) -> Unit:
    return organization.units.get(parent__isnull=True)


class UnitFactory(DjangoModelFactory):
    """An enhet under a new sector unless ``parent`` is given."""

    class Meta:
        model = Unit

    organization = factory.SubFactory(OrganizationFactory)
    kind = Unit.Kind.UNIT
    code = factory.Sequence(lambda n: f"enhet-{n}")
    name = factory.Sequence(lambda n: f"Enhet {n}")
    parent = None

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Unit:
        organization = kwargs["organization"]
        parent = kwargs.pop("parent")
        if parent is None and kwargs["kind"] != Unit.Kind.MUNICIPALITY:
            parent = root_unit(organization)
            while Unit.DEPTH[parent.kind] + 1 < Unit.DEPTH[kwargs["kind"]]:
                parent = services.create_unit(
                    actor=SYSTEM,
                    organization=organization,
                    parent=parent,
                    kind=list(Unit.DEPTH)[Unit.DEPTH[parent.kind] + 1],
                    code=f"{kwargs['code']}-over",
                    name=f"Over {kwargs['name']}",
                )
        return services.create_unit(actor=SYSTEM, parent=parent, **kwargs)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.READER


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Helse- og omsorgsplan {n}")
    kind = Plan.Kind.THEMATIC_PLAN
    period_start = 2025
    period_end = 2030
    status = Plan.Status.ADOPTED
    is_public = False


class FocusAreaFactory(DjangoModelFactory):
    class Meta:
        model = FocusArea

    plan = factory.SubFactory(PlanFactory)
    order = factory.Sequence(lambda n: n)
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Satsingsområde {n}")


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    focus_area = factory.SubFactory(FocusAreaFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Delmål {n}")


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    goal = factory.SubFactory(GoalFactory)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "%"
    direction = Indicator.Direction.HIGHER

    @factory.post_generation
    def targets(self, create: bool, rows: Any, **kwargs: Any) -> None:
        """``targets=[{"year": 2030, "comparison": "gte", "value": 80}, …]``; by default
        one target, at least 80 in 2030 (``targets=[]`` for none)."""
        if not create:
            return
        rows = [{"year": 2030, "comparison": "gte", "value": 80}] if rows is None else rows
        IndicatorTarget.objects.bulk_create(IndicatorTarget(indicator=self, **row)
                                            for row in rows)

    @factory.post_generation
    def baselines(self, create: bool, rows: Any, **kwargs: Any) -> None:
        """``baselines=[{"year": 2024, "value": 70}, …]``; none by default."""
        if create and rows:
            IndicatorBaseline.objects.bulk_create(IndicatorBaseline(indicator=self, **row)
                                                  for row in rows)


class MeasurementFactory(DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    period_end = factory.Sequence(lambda n: date(2000 + n % 100, 12, 31))
    value = 50


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    goal = factory.SubFactory(GoalFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Tiltak {n}")


class StatusUpdateFactory(DjangoModelFactory):
    class Meta:
        model = StatusUpdate

    action = factory.SubFactory(ActionFactory)
    status = Action.Status.IN_PROGRESS
    progress = 10


class ReportingRoundFactory(DjangoModelFactory):
    """A round of the second tertial of 2026 (tests of the round's own services open
    rounds with ``actions.rounds.open_round``; this is for the code that reads them)."""

    class Meta:
        model = ReportingRound

    organization = factory.SubFactory(OrganizationFactory)
    frequency = "tertial"
    period_key = "2026-T2"
    period_label = "2. tertial 2026"
    period_start = date(2026, 5, 1)
    period_end = date(2026, 8, 31)
    deadline = date(2026, 9, 15)


class ReportingReturnFactory(DjangoModelFactory):
    class Meta:
        model = ReportingReturn

    round = factory.SubFactory(ReportingRoundFactory)
    action = factory.SubFactory(ActionFactory)
