"""A tiltak directly on a focus area, or on the whole plan, is read, created, assigned and
reported on exactly as one under a goal, and every message about it says where it hangs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar

from actions import rounds
from actions.calendar_feeds import create_calendar_feed
from actions.models import Action, ReportingReturn
from actions.reminders import windows
from actions.reminders.sweep import sweep_notices
from actions.services import (
    assign_action,
    bulk_assign_actions,
    create_action,
    evaluate_action,
    post_status_update,
)
from tests.actions.reminder_helpers import TODAY
from tests.factories import ActionFactory, FocusAreaFactory, IndicatorFactory

pytestmark = pytest.mark.django_db
LEVELS = ["goal", "focus_area", "plan"]
WHOLE_PLAN = "Gjelder hele planen"
AREA_TITLE = "Aktive og trygge innbyggere"


@pytest.fixture
def area(world: Any) -> Any:
    """A focus area of the world's plan with a name to look for."""
    return FocusAreaFactory(plan=world.plan, code="", title=AREA_TITLE)


def at_level(world: Any, area: Any, level: str, **fields: Any) -> Action:
    """A tiltak of the world's plan at *level*, for home care by default."""
    fields.setdefault("responsible_unit", world.home_care)
    if level == "goal":
        return ActionFactory(goal=world.goal, **fields)
    if level == "focus_area":
        return ActionFactory(goal=None, focus_area=area, **fields)
    return ActionFactory(goal=None, plan=world.plan, **fields)


def placement_fields(world: Any, area: Any, level: str) -> dict[str, Any]:
    return {"goal": {"goal": world.goal}, "focus_area": {"focus_area": area},
            "plan": {"plan": world.plan}}[level]


# --- Who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "sector_leader", "unit_manager", "reader",
                                     "other_admin"])
@pytest.mark.parametrize("verb", ["view", "manage", "report"])
def test_every_role_may_do_on_an_area_or_plan_tiltak_what_it_may_on_a_goals(world, area,
                                                                            persona, verb):
    tiltak = {level: at_level(world, area, level) for level in LEVELS}
    permitted = set(Action.objects.permitted(world.persona(persona), verb)
                    .filter(pk__in=[a.pk for a in tiltak.values()]).values_list("pk", flat=True))
    assert permitted in (set(), {a.pk for a in tiltak.values()}), (persona, verb, permitted)


@pytest.mark.parametrize("level", ["focus_area", "plan"])
def test_a_sector_leader_creates_a_tiltak_for_their_sector_on_an_area_or_the_plan(
        world, area, level):
    action = create_action(actor=world.sector_leader, title="Felles frivillighetsdag",
                           responsible_unit=world.nursing_home,
                           **placement_fields(world, area, level))
    assert action.level == level and action.plan_id == world.plan.pk
    with pytest.raises(PermissionDenied):
        create_action(actor=world.sector_leader, title="Skolens tiltak",
                      responsible_unit=world.school, **placement_fields(world, area, level))


@pytest.mark.parametrize("level", ["focus_area", "plan"])
def test_a_unit_manager_reports_on_and_evaluates_an_area_or_plan_tiltak(world, area, level):
    action = at_level(world, area, level)
    post_status_update(actor=world.unit_manager, action=action, expected_version=1,
                       status="completed", progress=100)
    evaluate_action(actor=world.unit_manager, action=action, expected_version=2,
                    evaluation="Gjennomført som planlagt.")
    stored = Action.objects.get(pk=action.pk)
    assert (stored.status, stored.evaluation, stored.level) == (
        "completed", "Gjennomført som planlagt.", level)


@pytest.mark.parametrize("level", ["focus_area", "plan"])
def test_a_sector_leader_assigns_an_area_or_plan_tiltak_within_the_sector_only(
        world, area, level):
    action = at_level(world, area, level)
    assign_action(actor=world.sector_leader, action=action, expected_version=1,
                  responsible_unit=world.nursing_home, due_date=date(2027, 6, 30))
    assert Action.objects.get(pk=action.pk).responsible_unit == world.nursing_home
    with pytest.raises(PermissionDenied):
        assign_action(actor=world.sector_leader, action=action, expected_version=2,
                      responsible_unit=world.school)


def test_a_bulk_assignment_takes_tiltak_of_every_level_at_once(world, area):
    actions = [at_level(world, area, level, responsible_unit=None) for level in LEVELS]
    bulk_assign_actions(actor=world.admin, actions=actions,
                        responsible_unit=world.home_care, due_date=date(2027, 1, 31))
    assert set(Action.objects.filter(pk__in=[a.pk for a in actions])
               .values_list("responsible_unit", "due_date")) == {
        (world.home_care.pk, date(2027, 1, 31))}


@pytest.mark.parametrize("level", LEVELS)
def test_the_tiltak_at_a_level_are_those_and_only_those(world, area, level):
    world.action.delete()
    tiltak = {name: at_level(world, area, name) for name in LEVELS}
    assert list(Action.objects.at_level(level)) == [tiltak[level]]
    assert tiltak[level].level == level


# --- Reporting rounds ---------------------------------------------------------------------


def _open_round(world: Any) -> Any:
    return rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                             period_key="2026-T2", deadline=date(2026, 9, 15))


@pytest.mark.parametrize("level", ["focus_area", "plan"])
def test_a_round_asks_area_and_plan_tiltak_and_takes_their_return(world, area, level):
    action = at_level(world, area, level)
    round_ = _open_round(world)
    ret = ReportingReturn.objects.get(round=round_, action=action)
    rounds.submit_return(actor=world.unit_manager, ret=ret, expected_version=ret.version,
                         status="in_progress", progress=30, risk="on_track",
                         done="Planlagt med frivilligsentralen.", next_steps="")
    assert ReportingReturn.objects.get(pk=ret.pk).state == ReportingReturn.State.SUBMITTED
    assert Action.objects.get(pk=action.pk).progress == 30


@pytest.mark.parametrize("level", ["focus_area", "plan"])
def test_an_area_or_plan_tiltak_reports_no_indicator_values(world, area, level):
    action = at_level(world, area, level)
    indicator = IndicatorFactory(goal=world.goal)
    ret = ReportingReturn.objects.get(round=_open_round(world), action=action)
    with pytest.raises(ValidationError) as refused:
        rounds.save_return(actor=world.unit_manager, ret=ret, expected_version=ret.version,
                           indicator_values=[{"indicator": indicator.pk, "value": "3"}])
    assert "ikke til et delmål" in refused.value.message_dict["indicator_values"][0]


# --- What people are told -----------------------------------------------------------------


def test_the_calendar_event_says_where_the_tiltak_hangs(client, world, area):
    plan_wide = at_level(world, area, "plan", due_date=TODAY, title="Planens eget tiltak")
    on_area = at_level(world, area, "focus_area", due_date=TODAY, title="Områdets tiltak")
    _feed, raw = create_calendar_feed(actor=world.unit_manager, user=world.unit_manager)
    calendar = Calendar.from_ical(client.get(f"/calendar/{raw}.ics").content)
    described = {str(event["SUMMARY"]): str(event["DESCRIPTION"])
                 for event in calendar.walk("VEVENT")}
    assert f"Satsingsområde: {WHOLE_PLAN}" in described[f"Frist: {plan_wide.title}"]
    assert "Delmål" not in described[f"Frist: {plan_wide.title}"]
    area_text = described[f"Frist: {on_area.title}"]
    assert f"Satsingsområde: {AREA_TITLE}" in area_text and "Delmål" not in area_text


@pytest.mark.usefixtures("reminder_settings")
def test_the_reminder_email_says_where_each_tiltak_hangs(world, area, run_sweep):
    for level in LEVELS:
        at_level(world, area, level, due_date=TODAY + timedelta(days=3),
                 responsible_person=world.reader, title=f"Tiltak på nivå {level}")
    run_sweep(TODAY)
    message = mail.outbox[0]
    for body in (message.body, message.alternatives[0].content):
        assert WHOLE_PLAN in body
        assert AREA_TITLE in body
        assert world.goal.title in body
    lines = message.body.splitlines()
    plan_line = lines.index("- Tiltak på nivå plan")
    assert lines[plan_line + 2].strip() == WHOLE_PLAN


@pytest.mark.usefixtures("reminder_settings")
def test_the_notice_of_a_given_tiltak_says_where_it_hangs(
        world, area, django_capture_on_commit_callbacks, eager_celery):
    for level in ("focus_area", "plan"):
        action = at_level(world, area, level, responsible_unit=None,
                          title=f"Gitt tiltak på nivå {level}")
        assign_action(actor=world.admin, action=action, expected_version=1,
                      responsible_unit=world.home_care, responsible_person=world.reader)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_notices(now=datetime(2026, 12, 2, 10, 5, tzinfo=windows.OSLO))
    message = mail.outbox[0]
    for body in (message.body, message.alternatives[0].content):
        assert WHOLE_PLAN in body and AREA_TITLE in body
    lines = message.body.splitlines()
    area_line = lines.index("- Gitt tiltak på nivå focus_area")
    assert lines[area_line + 2].strip() == f"Satsingsområde: {AREA_TITLE}"
