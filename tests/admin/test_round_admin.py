"""Reporting rounds and returns in the admin: read-only, linked, scoped to the kommune."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from actions import rounds
from actions.models import ReportingReturn, ReportingRound
from planportal.models import Membership
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    MembershipFactory,
    PlanFactory,
    UserFactory,
)
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

ROUNDS = reverse("admin:actions_reportinground_changelist")
RETURNS = reverse("admin:actions_reportingreturn_changelist")


@pytest.fixture
def round_(world: Any) -> ReportingRound:
    opened = rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                               period_key="2026-T2", deadline=date(2026, 9, 15))
    ret = ReportingReturn.objects.get(round=opened, action=world.action)
    rounds.submit_return(actor=world.unit_manager, ret=ret, expected_version=ret.version,
                         status="in_progress", progress=40, done="Kartlagt tre soner.")
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)
    rounds.write_assessment(actor=world.sector_leader, round=opened,
                            focus_area=world.goal.focus_area, text="Godt i rute på helse.")
    return opened


@pytest.fixture
def other_round(world: Any) -> ReportingRound:
    """A round of Nabokommune, whose returns Testkommune's admin must never see."""
    plan = PlanFactory(organization=world.other_org, title="Nabokommunens plan")
    ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=plan)),
                  title="Nabotiltak", responsible_unit=None)
    return rounds.open_round(actor=world.other_admin, organization=world.other_org,
                             frequency="tertial", period_key="2026-T2",
                             deadline=date(2026, 9, 15))


def test_the_round_list_shows_the_kommunes_rounds_with_a_link_to_their_returns(
    world: Any, plan_admin: Any, round_: ReportingRound, other_round: ReportingRound,
) -> None:
    page = plan_admin.get(ROUNDS).content.decode()

    assert "2. tertial 2026" in page
    assert f"{RETURNS}?round__id__exact={round_.pk}" in page
    assert f"?round__id__exact={other_round.pk}" not in page


def test_the_round_page_shows_its_plans_and_assessments_read_only(
    world: Any, plan_admin: Any, round_: ReportingRound,
) -> None:
    response = plan_admin.get(reverse("admin:actions_reportinground_change", args=[round_.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    assert "Godt i rute på helse." in page
    assert reverse("admin:strategies_plan_change", args=[world.plan.pk]) in page
    assert 'name="_save"' not in page  # nothing to save: read-only


def test_the_returns_link_lists_the_rounds_returns_with_links_to_action_and_round(
    world: Any, plan_admin: Any, round_: ReportingRound, other_round: ReportingRound,
) -> None:
    listed = plan_admin.get(RETURNS, {"round__id__exact": round_.pk})
    ret = ReportingReturn.objects.get(round=round_, action=world.action)
    detail = plan_admin.get(reverse("admin:actions_reportingreturn_change", args=[ret.pk]))

    assert listed.status_code == 200
    assert world.action.title in listed.content.decode()
    assert "Nabotiltak" not in plan_admin.get(RETURNS).content.decode()
    page = detail.content.decode()
    assert reverse("admin:actions_action_change", args=[world.action.pk]) in page
    assert reverse("admin:actions_reportinground_change", args=[round_.pk]) in page
    assert "Kartlagt tre soner." in page


@pytest.mark.parametrize("query", [{"state": "approved"}, {"round__state__exact": "open"},
                                   {"round__period_key": "2026-T2"}, {"q": "Ærlig"}])
def test_the_returns_filter_and_search(world: Any, plan_admin: Any, round_: ReportingRound,
                                       query: dict[str, str]) -> None:
    response = plan_admin.get(RETURNS, query)

    assert response.status_code == 200
    assert world.action.title in response.content.decode()


@pytest.mark.parametrize("query", [{"state": "closed"}, {"period_key": "2026-T3"},
                                   {"q": "2027"}])
def test_the_round_filters_leave_out_what_does_not_match(plan_admin: Any,
                                                         round_: ReportingRound,
                                                         query: dict[str, str]) -> None:
    response = plan_admin.get(ROUNDS, query)

    assert response.status_code == 200
    assert f"?round__id__exact={round_.pk}" not in response.content.decode()


def test_nothing_can_be_added_changed_or_deleted(world: Any, plan_admin: Any,
                                                 round_: ReportingRound) -> None:
    ret = ReportingReturn.objects.get(round=round_, action=world.action)

    add = plan_admin.get(reverse("admin:actions_reportinground_add"))
    post = plan_admin.post(reverse("admin:actions_reportingreturn_change", args=[ret.pk]),
                           {"state": "requested"})
    delete = plan_admin.get(reverse("admin:actions_reportinground_delete", args=[round_.pk]))

    assert add.status_code == 403 and delete.status_code == 403
    assert post.status_code == 403
    assert ReportingReturn.objects.get(pk=ret.pk).state == "approved"


def test_another_kommunes_round_is_not_found_in_the_admin(world: Any, plan_admin: Any,
                                                          other_round: ReportingRound) -> None:
    response = plan_admin.get(reverse("admin:actions_reportinground_change",
                                      args=[other_round.pk]))

    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_staff_who_administer_no_kommune_do_not_see_the_module(world: Any, client: Any,
                                                               round_: ReportingRound) -> None:
    leader = UserFactory(is_staff=True)
    MembershipFactory(user=leader, unit=world.health, role=Membership.Role.SECTOR_LEADER)
    client.force_login(leader)

    assert client.get(ROUNDS).status_code == 403
    assert client.get(RETURNS).status_code == 403


def test_the_return_list_runs_the_same_queries_for_few_and_many(world: Any, plan_admin: Any,
                                                                round_: ReportingRound) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            ReportingReturn.objects.create(round=round_, action=ActionFactory(goal=world.goal))

    assert_constant_queries(add, lambda: plan_admin.get(RETURNS), few=1, many=20)


def test_the_round_list_runs_the_same_queries_for_few_and_many(world: Any,
                                                               plan_admin: Any) -> None:
    years = iter(range(2000, 2100))

    def add(n: int) -> None:
        for _ in range(n):
            rounds.open_round(actor=world.admin, organization=world.org, frequency="yearly",
                              period_key=str(next(years)), deadline=date(2100, 1, 1))

    assert_constant_queries(add, lambda: plan_admin.get(ROUNDS), few=1, many=10)
