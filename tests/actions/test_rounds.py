"""Reporting rounds: opening, returns from draft to approval, assessments and closing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actions import rounds
from actions.models import (
    Action,
    ReminderDelivery,
    ReportingReturn,
    ReportingRound,
    RoundAssessment,
)
from actions.services import assign_action, post_status_update
from planportal.audit.models import AuditEvent
from planportal.locking import VersionConflict
from planportal.models import Membership
from strategies.models import Measurement, Plan
from tests.factories import (
    ActionFactory,
    GoalFactory,
    IndicatorFactory,
    MembershipFactory,
    PlanFactory,
    StatusUpdateFactory,
    UserFactory,
)

State = ReportingReturn.State
DONE = {"status": "in_progress", "progress": 40, "risk": "at_risk",
        "done": "Kartlagt behovet i tre soner.", "next_steps": "Søke tilskudd."}


def open_t2(world: Any, **kwargs: Any) -> ReportingRound:
    return rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                             period_key="2026-T2", deadline=date(2026, 9, 15), **kwargs)


def the_return(round_: ReportingRound, action: Action) -> ReportingReturn:
    return ReportingReturn.objects.get(round=round_, action=action)


@pytest.fixture
def person(world: Any) -> Any:
    """A home-care employee responsible for the world's action."""
    user = UserFactory(username="ansatt1")
    MembershipFactory(user=user, unit=world.home_care, role=Membership.Role.READER)
    assign_action(actor=world.admin, action=world.action, expected_version=world.action.version,
                  responsible_unit=world.home_care, responsible_person=user,
                  due_date=date(2026, 12, 31))
    return user


# --- Opening --------------------------------------------------------------------------


def test_opening_a_round_asks_every_open_tiltak_of_the_adopted_plans(world: Any) -> None:
    second = ActionFactory(goal=world.goal)
    draft_plan = PlanFactory(organization=world.org, status=Plan.Status.DRAFT)
    ActionFactory(goal=GoalFactory(focus_area__plan=draft_plan))
    round_ = open_t2(world)
    assert round_.all_plans and list(round_.plans.all()) == [world.plan]
    assert set(round_.returns.values_list("action_id", flat=True)) == {world.action.pk,
                                                                        second.pk}
    assert set(round_.returns.values_list("state", flat=True)) == {State.REQUESTED}
    assert round_.period_start == date(2026, 5, 1) and round_.period_end == date(2026, 8, 31)
    assert AuditEvent.objects.filter(verb="open_round", object_id=round_.pk).exists()


def test_a_tiltak_closed_before_the_period_began_is_not_asked_but_one_closed_in_it_is(
    world: Any,
) -> None:
    before = ActionFactory(goal=world.goal, status=Action.Status.COMPLETED, progress=100)
    StatusUpdateFactory(action=before, status="completed", progress=100,
                        created_at=timezone.make_aware(timezone.datetime(2026, 3, 1)))
    within = ActionFactory(goal=world.goal, status=Action.Status.COMPLETED, progress=100)
    StatusUpdateFactory(action=within, status="completed", progress=100,
                        created_at=timezone.make_aware(timezone.datetime(2026, 6, 1)))
    cancelled_long_ago = ActionFactory(goal=world.goal, status=Action.Status.CANCELLED)
    carried = ActionFactory(goal=world.goal, status=Action.Status.CARRIED_OVER)
    asked = set(open_t2(world).returns.values_list("action_id", flat=True))
    assert within.pk in asked
    assert not asked & {before.pk, cancelled_long_ago.pk, carried.pk}


def test_a_round_can_be_opened_for_chosen_plans_only(world: Any) -> None:
    other = PlanFactory(organization=world.org)
    ActionFactory(goal=GoalFactory(focus_area__plan=other))
    round_ = open_t2(world, plans=[other])
    assert not round_.all_plans
    assert list(round_.plans.all()) == [other]
    assert not round_.returns.filter(action=world.action).exists()


def test_a_plan_cannot_be_in_two_rounds_of_one_period(world: Any) -> None:
    open_t2(world)
    with pytest.raises(ValidationError) as error:
        open_t2(world, plans=[world.plan])
    assert "plans" in error.value.message_dict
    assert ReportingRound.objects.count() == 1


@pytest.mark.parametrize("fields, field", [
    ({"period_key": "2026-T4"}, "period_key"),
    ({"period_key": "T2"}, "period_key"),
    ({"deadline": date(2026, 1, 1)}, "deadline"),
])
def test_a_bad_period_or_deadline_is_refused_and_names_its_field(
    world: Any, fields: dict[str, Any], field: str,
) -> None:
    arguments = {"frequency": "tertial", "period_key": "2026-T2",
                 "deadline": date(2026, 9, 15), **fields}
    with pytest.raises(ValidationError) as error:
        rounds.open_round(actor=world.admin, organization=world.org, **arguments)
    assert field in error.value.message_dict
    assert not ReportingRound.objects.exists()


@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager", "reader", "other_admin"])
def test_only_the_kommunes_administrators_open_rounds(world: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        rounds.open_round(actor=world.persona(persona), organization=world.org,
                          frequency="tertial", period_key="2026-T2", deadline=date(2026, 9, 15))
    assert not ReportingRound.objects.exists()


def test_a_plan_of_another_kommune_cannot_be_put_in_a_round(world: Any, other_plan: Any) -> None:
    with pytest.raises(ValidationError):
        open_t2(world, plans=[other_plan.goal.focus_area.plan])


# --- Returns --------------------------------------------------------------------------


def test_a_draft_keeps_what_was_written_and_posts_nothing(world: Any, person: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    rounds.save_return(actor=person, ret=ret, expected_version=ret.version,
                       done="Halvveis", progress=30)
    ret.refresh_from_db()
    assert ret.state == State.DRAFT and ret.done == "Halvveis" and ret.progress == 30
    assert not world.action.status_updates.exists()


def test_submitting_posts_the_status_update_in_the_same_transaction(world: Any,
                                                                    person: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    rounds.submit_return(actor=person, ret=ret, expected_version=ret.version, **DONE)
    ret.refresh_from_db()
    world.action.refresh_from_db()
    assert ret.state == State.SUBMITTED and ret.submitted_by == person
    assert ret.status_update is not None
    assert (world.action.status, world.action.progress) == ("in_progress", 40)
    update = world.action.status_updates.get()
    assert update.risk == "at_risk"
    # The return's texts are internal until approved: the update does not carry them.
    assert "Kartlagt" not in update.comment and "2. tertial 2026" in update.comment


def test_a_submission_that_fails_its_status_update_leaves_the_return_as_it_was(
    world: Any, person: Any,
) -> None:
    ret = the_return(open_t2(world), world.action)
    with pytest.raises(ValidationError) as error:
        rounds.submit_return(actor=person, ret=ret, expected_version=ret.version,
                             **{**DONE, "status": "completed", "progress": 80})
    assert "progress" in error.value.message_dict
    ret.refresh_from_db()
    assert ret.state == State.REQUESTED and not world.action.status_updates.exists()


@pytest.mark.parametrize("missing", ["status", "progress", "done"])
def test_a_submission_needs_status_progress_and_what_was_done(world: Any, person: Any,
                                                              missing: str) -> None:
    ret = the_return(open_t2(world), world.action)
    with pytest.raises(ValidationError) as error:
        rounds.submit_return(actor=person, ret=ret, expected_version=ret.version,
                             **{**DONE, missing: ""})
    assert missing in error.value.message_dict


def test_a_stale_version_writes_nothing(world: Any, person: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    stale = ret.version
    rounds.save_return(actor=person, ret=ret, expected_version=stale, done="Første utkast")
    with pytest.raises(VersionConflict):
        rounds.submit_return(actor=person, ret=the_return(ret.round, world.action),
                             expected_version=stale, **DONE)
    ret.refresh_from_db()
    assert ret.state == State.DRAFT and ret.done == "Første utkast"
    assert not world.action.status_updates.exists()


def test_the_unit_manager_may_submit_for_the_unit(world: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    rounds.submit_return(actor=world.unit_manager, ret=ret, expected_version=ret.version, **DONE)
    assert ret.state == State.SUBMITTED


@pytest.mark.parametrize("persona", ["reader", "other_admin"])
def test_readers_and_other_kommunes_cannot_submit(world: Any, persona: str) -> None:
    ret = the_return(open_t2(world), world.action)
    with pytest.raises(PermissionDenied):
        rounds.submit_return(actor=world.persona(persona), ret=ret,
                             expected_version=ret.version, **DONE)


def submitted(world: Any, person: Any) -> ReportingReturn:
    ret = the_return(open_t2(world), world.action)
    return rounds.submit_return(actor=person, ret=ret, expected_version=ret.version, **DONE)


def test_the_sector_leader_approves_a_submitted_return(world: Any, person: Any) -> None:
    ret = submitted(world, person)
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)
    ret.refresh_from_db()
    assert ret.state == State.APPROVED and ret.reviewed_by == world.sector_leader


def test_sending_back_needs_a_comment_and_tells_the_person(world: Any, person: Any) -> None:
    ret = submitted(world, person)
    with pytest.raises(ValidationError) as error:
        rounds.send_back_return(actor=world.sector_leader, ret=ret,
                                expected_version=ret.version, comment=" ")
    assert "comment" in error.value.message_dict
    rounds.send_back_return(actor=world.sector_leader, ret=ret, expected_version=ret.version,
                            comment="Skriv hva som gjenstår.")
    ret.refresh_from_db()
    assert ret.state == State.SENT_BACK and ret.review_comment == "Skriv hva som gjenstår."
    notice = ReminderDelivery.objects.get(kind="return_sent_back")
    assert notice.recipient == person and notice.action_id == world.action.pk


def test_a_return_sent_back_is_fixed_and_resubmitted_then_approved(world: Any,
                                                                   person: Any) -> None:
    ret = submitted(world, person)
    rounds.send_back_return(actor=world.sector_leader, ret=ret, expected_version=ret.version,
                            comment="Mer konkret, takk.")
    rounds.save_return(actor=person, ret=ret, expected_version=ret.version,
                       **{**DONE, "done": "Tre soner kartlagt, to gjenstår."})
    rounds.submit_return(actor=person, ret=ret, expected_version=ret.version,
                         **{**DONE, "done": "Tre soner kartlagt, to gjenstår.", "progress": 50})
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)
    ret.refresh_from_db()
    assert ret.state == State.APPROVED and ret.done.startswith("Tre soner")
    assert world.action.status_updates.count() == 2


@pytest.mark.parametrize("persona", ["unit_manager", "reader", "other_admin"])
def test_only_the_sector_leader_or_admin_reviews(world: Any, person: Any, persona: str) -> None:
    ret = submitted(world, person)
    with pytest.raises(PermissionDenied):
        rounds.approve_return(actor=world.persona(persona), ret=ret,
                              expected_version=ret.version)
    with pytest.raises(PermissionDenied):
        rounds.send_back_return(actor=world.persona(persona), ret=ret,
                                expected_version=ret.version, comment="Nei")


def test_a_return_not_yet_submitted_cannot_be_approved(world: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    with pytest.raises(ValidationError):
        rounds.approve_return(actor=world.admin, ret=ret, expected_version=ret.version)


def test_a_submitted_return_can_no_longer_be_edited(world: Any, person: Any) -> None:
    ret = submitted(world, person)
    with pytest.raises(ValidationError):
        rounds.save_return(actor=person, ret=ret, expected_version=ret.version, done="Endret")


def test_indicator_values_of_the_goal_are_recorded_when_the_return_is_approved(
    world: Any, person: Any,
) -> None:
    indicator = IndicatorFactory(goal=world.goal)
    ret = the_return(open_t2(world), world.action)
    rounds.submit_return(actor=person, ret=ret, expected_version=ret.version,
                         indicator_values=[{"indicator": indicator.pk, "value": "12,5"}],
                         **DONE)
    assert not Measurement.objects.exists()
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)
    measurement = Measurement.objects.get(indicator=indicator)
    assert measurement.value == Decimal("12.5") and measurement.period_end == date(2026, 8, 31)


def test_an_indicator_of_another_goal_is_refused(world: Any, person: Any) -> None:
    elsewhere = IndicatorFactory(goal=GoalFactory(focus_area=world.goal.focus_area))
    ret = the_return(open_t2(world), world.action)
    with pytest.raises(ValidationError) as error:
        rounds.save_return(actor=person, ret=ret, expected_version=ret.version,
                           indicator_values=[{"indicator": elsewhere.pk, "value": "1"}])
    assert "indicator_values" in error.value.message_dict


# --- Assessments and closing ----------------------------------------------------------


def test_the_sector_leader_assesses_their_sector_and_rewrites_it(world: Any) -> None:
    round_ = open_t2(world)
    first = rounds.write_assessment(actor=world.sector_leader, round=round_, unit=world.health,
                                    text="Godt i gang.")
    again = rounds.write_assessment(actor=world.sector_leader, round=round_, unit=world.health,
                                    text="Godt i gang, men bemanning er en risiko.",
                                    expected_version=first.version)
    assert again.pk == first.pk and again.version == first.version + 1
    assert round_.assessments.get().text.endswith("risiko.")


def test_a_sector_leader_cannot_assess_another_sector(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        rounds.write_assessment(actor=world.sector_leader, round=open_t2(world),
                                unit=world.education, text="Ikke mitt område.")


def test_an_assessment_of_a_focus_area_outside_the_round_is_refused(world: Any) -> None:
    round_ = open_t2(world, plans=[world.plan])
    elsewhere = GoalFactory(focus_area__plan=PlanFactory(organization=world.org)).focus_area
    with pytest.raises(ValidationError):
        rounds.write_assessment(actor=world.admin, round=round_, focus_area=elsewhere,
                                text="Feil plan.")


def close(world: Any, round_: ReportingRound, **kwargs: Any) -> ReportingRound:
    arguments = {"case_number": "2026/1234", "committee": "Hovedutvalg for helse",
                 "meeting_date": date(2026, 10, 20), **kwargs}
    return rounds.mark_round_closed(actor=world.admin, round=round_,
                                    expected_version=round_.version, **arguments)


def test_a_round_is_closed_with_its_case_number_after_the_period(world: Any) -> None:
    round_ = close(world, open_t2(world), today=date(2026, 9, 20))
    round_.refresh_from_db()
    assert round_.state == "closed" and round_.case_number == "2026/1234"
    assert round_.closed_by == world.admin


def test_a_round_cannot_be_closed_before_its_period_has_ended(world: Any) -> None:
    round_ = open_t2(world)
    with pytest.raises(ValidationError) as error:
        close(world, round_, today=date(2026, 8, 31))
    assert "period_end" in error.value.message_dict
    round_.refresh_from_db()
    assert round_.state == "open"


@pytest.mark.parametrize("field", ["case_number", "committee", "meeting_date"])
def test_closing_needs_the_case_facts(world: Any, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        close(world, open_t2(world), **{field: None if field == "meeting_date" else ""})
    assert field in error.value.message_dict


def test_a_closed_round_takes_no_more_returns_or_assessments(world: Any, person: Any) -> None:
    round_ = close(world, open_t2(world))
    ret = the_return(round_, world.action)
    with pytest.raises(ValidationError):
        rounds.submit_return(actor=person, ret=ret, expected_version=ret.version, **DONE)
    with pytest.raises(ValidationError):
        rounds.write_assessment(actor=world.admin, round=round_, unit=world.health, text="Sent")
    with pytest.raises(ValidationError):
        close(world, round_)


@pytest.mark.parametrize("persona", ["sector_leader", "reader", "other_admin"])
def test_only_the_kommunes_administrators_close_rounds(world: Any, persona: str) -> None:
    round_ = open_t2(world)
    with pytest.raises(PermissionDenied):
        rounds.mark_round_closed(actor=world.persona(persona), round=round_,
                                 expected_version=round_.version, case_number="2026/1",
                                 committee="Kommunestyret", meeting_date=date(2026, 10, 1))


# --- Who sees what ----------------------------------------------------------------------


def test_readers_see_only_approved_returns_of_closed_rounds(world: Any, person: Any) -> None:
    ret = submitted(world, person)
    assert not ReportingReturn.objects.visible_to(world.reader).exists()
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)
    assert not ReportingReturn.objects.visible_to(world.reader).exists()
    close(world, ret.round)
    assert list(ReportingReturn.objects.visible_to(world.reader)) == [ret]


def test_readers_see_a_round_and_its_assessments_only_once_it_is_closed(world: Any,
                                                                       person: Any) -> None:
    round_ = open_t2(world)
    rounds.write_assessment(actor=world.sector_leader, round=round_, unit=world.health,
                            text="Utkast.")
    for user in (world.admin, world.sector_leader, world.unit_manager):
        assert list(ReportingRound.objects.visible_to(user)) == [round_]
        assert RoundAssessment.objects.visible_to(user).count() == 1
    assert not ReportingRound.objects.visible_to(world.reader).exists()
    assert not RoundAssessment.objects.visible_to(world.reader).exists()
    # The reader responsible for a tiltak in the round sees it to report, not its drafts.
    assert list(ReportingRound.objects.visible_to(person)) == [round_]
    assert not RoundAssessment.objects.visible_to(person).exists()
    close(world, round_, today=date(2026, 9, 20))
    for user in (world.reader, person):
        assert list(ReportingRound.objects.visible_to(user)) == [round_]
        assert RoundAssessment.objects.visible_to(user).count() == 1


def test_another_kommune_sees_no_round_and_no_return(world: Any, person: Any) -> None:
    ret = submitted(world, person)
    assert not ReportingRound.objects.visible_to(world.other_admin).exists()
    assert not ReportingReturn.objects.visible_to(world.other_admin).exists()
    assert not ReportingRound.objects.visible_to(AnonymousUser()).exists()
    assert not ReportingReturn.objects.visible_to(AnonymousUser()).filter(pk=ret.pk).exists()


def test_the_person_sees_their_own_returns_to_give(world: Any, person: Any) -> None:
    ActionFactory(goal=world.goal, responsible_unit=world.school)
    round_ = open_t2(world)
    mine = ReportingReturn.objects.permitted(person, "report").awaiting_submission()
    assert list(mine.values_list("action_id", flat=True)) == [world.action.pk]
    assert round_.returns.count() == 2


def test_posting_a_status_update_outside_a_round_leaves_the_return_alone(world: Any,
                                                                         person: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    post_status_update(actor=person, action=world.action, expected_version=world.action.version,
                       status="in_progress", progress=10)
    ret.refresh_from_db()
    assert ret.state == State.REQUESTED and ret.status_update is None


def test_an_assessment_is_never_overwritten_from_a_form_opened_empty(world: Any) -> None:
    round_ = open_t2(world)
    rounds.write_assessment(actor=world.sector_leader, round=round_, unit=world.health,
                            text="Først skrevet.")
    with pytest.raises(VersionConflict):
        rounds.write_assessment(actor=world.admin, round=round_, unit=world.health,
                                text="Skrevet samtidig.")
    assert round_.assessments.get().text == "Først skrevet."


def test_nobody_approves_a_return_they_submitted_themselves(world: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    rounds.submit_return(actor=world.admin, ret=ret, expected_version=ret.version, **DONE)
    with pytest.raises(PermissionDenied):
        rounds.approve_return(actor=world.admin, ret=ret, expected_version=ret.version)
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.SUBMITTED


def test_a_return_of_a_round_closed_meanwhile_is_refused(world: Any, person: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    # Closed by someone else after this return (and its round) was loaded.
    ReportingRound.objects.filter(pk=ret.round_id).update(state="closed")
    with pytest.raises(ValidationError):
        rounds.submit_return(actor=person, ret=ret, expected_version=ret.version, **DONE)
    assert not world.action.status_updates.exists()


def test_a_carried_over_tiltak_takes_no_status_update(world: Any) -> None:
    from actions.rollover import roll_over_plan

    roll_over_plan(actor=world.admin, plan=world.plan, period_start=2027, period_end=2031)
    world.action.refresh_from_db()
    assert world.action.status == Action.Status.CARRIED_OVER
    with pytest.raises(ValidationError) as error:
        post_status_update(actor=world.admin, action=world.action,
                           expected_version=world.action.version, status="in_progress",
                           progress=10)
    assert "status" in error.value.message_dict
