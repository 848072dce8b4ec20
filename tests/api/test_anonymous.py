"""Anonymous visitors read public plans only, and never see a person."""

import pytest

from planportal.models import User
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    PlanFactory,
    StatusUpdateFactory,
)

pytestmark = pytest.mark.django_db

LISTS = ["plans", "focus-areas", "goals", "indicators", "measurements", "actions",
         "status-updates", "units", "sdgs"]


@pytest.fixture
def public_plan(world):
    plan = PlanFactory(organization=world.org, title="Offentlig plan", is_public=True)
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan))
    action = ActionFactory(goal=goal, responsible_unit=world.home_care,
                           responsible_person=world.unit_manager, evaluated_by=world.admin,
                           status="completed", progress=100, evaluation="Vel gjennomført")
    StatusUpdateFactory(action=action, author=world.unit_manager, comment="Ferdig")
    MeasurementFactory(indicator=IndicatorFactory(goal=goal), recorded_by=world.sector_leader)
    return plan


@pytest.mark.parametrize("resource", LISTS)
def test_no_person_appears_in_any_public_list_or_detail(world, public_plan, api, resource):
    client = api(None)
    listing = client.get(f"/api/v1/{resource}/")
    assert listing.status_code == 200
    bodies = [listing.content.decode()]
    for row in listing.json()["results"]:
        key = row.get("id", row.get("number"))
        bodies.append(client.get(f"/api/v1/{resource}/{key}/").content.decode())
    people = User.objects.exclude(username="")
    for body in bodies:
        for person in people:
            for value in (person.username, person.email, person.last_name):
                assert value not in body, (resource, value)


def test_anonymous_visitors_see_only_public_plans(world, public_plan, api):
    titles = [p["title"] for p in api(None).get("/api/v1/plans/").json()["results"]]
    assert titles == ["Offentlig plan"]
    assert api(None).get(f"/api/v1/plans/{world.plan.pk}/").status_code == 404


def test_the_responsible_person_filter_tells_anonymous_visitors_nothing(world, public_plan, api):
    response = api(None).get(f"/api/v1/actions/?responsible_person={world.unit_manager.pk}")
    assert response.json()["results"] == []
