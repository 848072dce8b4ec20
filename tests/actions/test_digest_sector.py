"""The weekly sector digest: overdue, unassigned and undated actions of one sector."""

from datetime import timedelta

import pytest
from django.core import mail

from actions.deliveries import ReminderDigest
from planportal.models import Membership
from tests.actions.reminder_helpers import TODAY, action_due
from tests.factories import (
    FocusAreaFactory,
    GoalFactory,
    MembershipFactory,
    PlanFactory,
    UserFactory,
    root_unit,
)

pytestmark = pytest.mark.usefixtures("reminder_settings")


@pytest.fixture
def sector(world):
    """Health's actions in each state, plus some that must stay out of its digest."""
    person = world.reader
    owned_plan = PlanFactory(organization=world.org, owner_unit=world.health,
                             title="Plan for Helse og omsorg")
    return {
        "overdue": action_due(world, TODAY - timedelta(days=5), responsible_person=person,
                              title="Forsinket på sykehjemmet",
                              responsible_unit=world.nursing_home),
        "unassigned": action_due(world, TODAY + timedelta(days=40), title="Uten ansvarlig"),
        "undated": action_due(world, None, responsible_person=person, title="Uten frist"),
        "plan_owned": action_due(
            world, TODAY + timedelta(days=40), responsible_unit=None, title="Uten enhet, vår plan",
            goal=GoalFactory(focus_area=FocusAreaFactory(plan=owned_plan))),
        "fine": action_due(world, TODAY + timedelta(days=40), responsible_person=person,
                           title="Alt i rute"),
        "done": action_due(world, TODAY - timedelta(days=5), status="completed",
                           title="Ferdig og forsinket"),
        "other_sector": action_due(world, TODAY - timedelta(days=5),
                                   responsible_unit=world.school, title="Skolens tiltak"),
    }


def test_a_sector_leader_gets_the_overdue_unassigned_and_undated_actions_of_their_sector(
    world, sector, run_sweep
):
    run_sweep(TODAY, "sector")

    assert [m.to for m in mail.outbox] == [[world.sector_leader.email]]
    message = mail.outbox[0]
    assert message.subject == "Planportal: Ukeoversikt for sektoren din – Testkommune"
    body = message.body
    for title in ("Forsinket på sykehjemmet", "Uten ansvarlig", "Uten frist",
                  "Uten enhet, vår plan", "Ærlig øving på å"):
        assert title in body
    for title in ("Alt i rute", "Ferdig og forsinket", "Skolens tiltak"):
        assert title not in body
    overdue_at = body.index("## Forsinket i sektoren din")
    unassigned_at = body.index("## Ingen ansvarlig person")
    undated_at = body.index("## Ingen frist")
    assert overdue_at < body.index("Forsinket på sykehjemmet") < unassigned_at
    assert unassigned_at < body.index("Uten ansvarlig") < undated_at
    assert undated_at < body.index("Uten frist")


def test_the_sector_digest_goes_out_once_a_week(world, sector, run_sweep):
    for offset in range(0, 7):
        run_sweep(TODAY + timedelta(days=offset), "sector")
    assert len(mail.outbox) == 1

    run_sweep(TODAY + timedelta(days=7), "sector")
    assert len(mail.outbox) == 2
    assert set(ReminderDigest.objects.values_list("date", flat=True)) == {
        TODAY, TODAY + timedelta(days=7)}


def test_a_missed_monday_is_caught_up_later_in_the_week(world, sector, run_sweep):
    run_sweep(TODAY + timedelta(days=3), "sector")
    assert len(mail.outbox) == 1
    assert ReminderDigest.objects.get().date == TODAY


def test_the_digest_waits_for_the_configured_weekday(world, sector, run_sweep, settings):
    settings.REMINDER_SECTOR_DIGEST_WEEKDAY = 3  # Wednesday
    run_sweep(TODAY, "sector")
    run_sweep(TODAY + timedelta(days=1), "sector")
    assert mail.outbox == []
    run_sweep(TODAY + timedelta(days=2), "sector")
    assert len(mail.outbox) == 1


def test_a_sector_leader_who_turned_reminders_off_gets_no_digest(world, sector, run_sweep):
    world.sector_leader.reminder_emails = False
    world.sector_leader.save(update_fields=["reminder_emails"])
    run_sweep(TODAY, "sector")
    assert mail.outbox == []


def test_a_sector_leader_of_another_kommune_never_sees_our_actions(world, sector, run_sweep):
    neighbour = UserFactory()
    MembershipFactory(user=neighbour, unit=root_unit(world.other_org),
                      role=Membership.Role.SECTOR_LEADER)
    other_goal = GoalFactory(focus_area=FocusAreaFactory(
        plan=PlanFactory(organization=world.other_org, owner_unit=root_unit(world.other_org))))
    action_due(world, TODAY - timedelta(days=2), responsible_unit=None, goal=other_goal,
               title="Naboens forsinkede tiltak")

    run_sweep(TODAY, "sector")

    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert set(by_recipient) == {world.sector_leader.email, neighbour.email}
    assert "Naboens forsinkede tiltak" in by_recipient[neighbour.email]
    assert "Forsinket på sykehjemmet" not in by_recipient[neighbour.email]
    assert "Naboens forsinkede tiltak" not in by_recipient[world.sector_leader.email]


def test_a_sector_leader_with_nothing_to_report_gets_no_email(world, run_sweep):
    world.action.due_date = TODAY + timedelta(days=40)
    world.action.responsible_person = world.reader
    world.action.save(update_fields=["due_date", "responsible_person"])
    run_sweep(TODAY, "sector")
    assert mail.outbox == []


def test_a_continuous_action_with_a_person_is_not_listed_as_without_a_deadline(
    world, run_sweep
):
    action_due(world, None, responsible_person=world.reader, period_text="løpende",
               continuous=True, title="Løpende tiltak")
    action_due(world, None, period_text="løpende", continuous=True, title="Løpende uten person")
    action_due(world, None, responsible_person=world.reader, title="Mangler frist")

    run_sweep(TODAY, "sector")

    body = mail.outbox[0].body
    assert "Løpende tiltak" not in body
    assert "Mangler frist" in body
    # Without a person it is still unassigned, continuous or not.
    assert body.index("## Ingen ansvarlig person") < body.index("Løpende uten person")
