"""Every list and detail endpoint runs the same number of queries for 1 row as for 50."""

from __future__ import annotations

import pytest

from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    PlanFactory,
    StatusUpdateFactory,
    UnitFactory,
    UserFactory,
)
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def _rich_action(world):
    action = ActionFactory(goal=world.goal, responsible_unit=world.home_care,
                           responsible_person=world.unit_manager)
    action.contributing_units.set([world.nursing_home, world.school])
    StatusUpdateFactory(action=action, author=world.unit_manager, comment="ørsmå avvik")
    return action


def _focus_area(world):
    area = FocusAreaFactory(plan=world.plan)
    area.sdgs.set([3, 17])
    area.lead_units.set([world.health])
    return area


LISTS = {
    "/api/v1/plans/": lambda w: PlanFactory(organization=w.org),
    "/api/v1/focus-areas/": _focus_area,
    "/api/v1/goals/": lambda w: GoalFactory(focus_area=w.goal.focus_area),
    "/api/v1/indicators/": lambda w: MeasurementFactory(
        indicator=IndicatorFactory(goal=w.goal)).indicator,
    "/api/v1/measurements/": lambda w: MeasurementFactory(
        indicator=IndicatorFactory(goal=w.goal), recorded_by=w.admin),
    "/api/v1/actions/": _rich_action,
    "/api/v1/status-updates/": lambda w: StatusUpdateFactory(action=w.action,
                                                             author=UserFactory()),
    "/api/v1/units/": lambda w: UnitFactory(organization=w.org, parent=w.health),
}


@pytest.mark.parametrize("url", list(LISTS))
def test_list_queries_are_constant_in_the_number_of_rows(world, api, url):
    client = api("reader")

    def add(n):
        for _ in range(n):
            LISTS[url](world)

    assert_constant_queries(add, lambda: client.get(url + "?page_size=100"), few=1, many=50)


def test_action_detail_queries_do_not_grow_with_history_or_units(world, api):
    client = api("reader")
    action = _rich_action(world)

    def add(n):
        for _ in range(n):
            StatusUpdateFactory(action=action)
            action.contributing_units.add(UnitFactory(organization=world.org,
                                                      parent=world.health))

    assert_constant_queries(add, lambda: client.get(f"/api/v1/actions/{action.pk}/"),
                            few=1, many=50)


def test_focus_area_detail_queries_do_not_grow_with_links(world, api):
    client = api("reader")
    area = _focus_area(world)

    def add(n):
        for _ in range(n):
            area.lead_units.add(UnitFactory(organization=world.org, parent=world.health))

    assert_constant_queries(add, lambda: client.get(f"/api/v1/focus-areas/{area.pk}/"),
                            few=1, many=50)


def test_me_queries_do_not_grow_with_memberships(world, api):
    from tests.factories import MembershipFactory

    client = api("reader")

    def add(n):
        for _ in range(n):
            MembershipFactory(user=world.reader,
                              unit=UnitFactory(organization=world.org, parent=world.health))

    assert_constant_queries(add, lambda: client.get("/api/v1/me/"), few=1, many=50)
