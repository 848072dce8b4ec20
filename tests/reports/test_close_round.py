"""Closing a reporting round: one frozen report per plan with the approved returns, the
assessments and the case facts; refused before the period ends and a second time; the
round's report goes to the plan's subscribers exactly once, and the sweep waits for it."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from actions import rounds
from actions import services as action_services
from actions.models import Action, ReportingReturn, ReportingRound, StatusUpdate
from planportal.audit import services as audit
from reports import services
from reports.models import ReportDelivery, ReportSnapshot
from reports.round_services import close_round
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    PlanFactory,
    ReportingReturnFactory,
    ReportingRoundFactory,
)
from tests.queries import count_queries
from tests.reports.conftest import OSLO, ReportPlan

pytestmark = pytest.mark.django_db

CLOSED_ON = date(2026, 9, 20)
CASE = {"case_number": "2026/1234", "committee": "Helse- og omsorgsutvalget",
        "meeting_date": date(2026, 10, 15)}
APPROVED_TEXT = "Kartlagt behovet i tre soner."
UNAPPROVED_TEXT = "Utkast som ikke er godkjent ennå"


def open_t2(world: Any, plan: Any) -> ReportingRound:
    return rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                             period_key="2026-T2", deadline=date(2026, 9, 15), plans=[plan])


def the_return(round_: ReportingRound, action: Action) -> ReportingReturn:
    return ReportingReturn.objects.get(round=round_, action=action)


def close(world: Any, round_: ReportingRound, today: date = CLOSED_ON, actor: Any = None,
          **kwargs: Any) -> list[ReportSnapshot]:
    return close_round(actor=actor or world.admin, round=round_,
                       expected_version=round_.version, today=today, **{**CASE, **kwargs})


@pytest.fixture
def reported(world: Any, report_plan: ReportPlan, today: Any) -> ReportingRound:
    """The 2nd tertial's round: 1.1.1 approved, 1.1.2 submitted but not approved, two
    assessments (a focus area and the health sector)."""
    round_ = open_t2(world, report_plan.plan)
    approved = the_return(round_, report_plan.actions["1.1.1"])
    rounds.submit_return(actor=world.unit_manager, ret=approved,
                         expected_version=approved.version, status="in_progress",
                         progress=70, risk="at_risk", done=APPROVED_TEXT,
                         next_steps="Søke tilskudd.")
    rounds.approve_return(actor=world.sector_leader, ret=approved,
                          expected_version=approved.version)
    waiting = the_return(round_, report_plan.actions["1.1.2"])
    rounds.submit_return(actor=world.unit_manager, ret=waiting,
                         expected_version=waiting.version, status="completed", progress=100,
                         done=UNAPPROVED_TEXT, next_steps=UNAPPROVED_TEXT)
    rounds.write_assessment(actor=world.sector_leader, round=round_,
                            focus_area=report_plan.areas[0], text="Godt i rute i helse.")
    rounds.write_assessment(actor=world.sector_leader, round=round_, unit=world.health,
                            text="Sektoren mangler vikarer.")
    round_.refresh_from_db()
    return round_


def test_closing_freezes_one_report_per_plan_with_the_round_and_its_case_facts(
    world: Any, report_plan: ReportPlan, reported: ReportingRound,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        [snapshot] = close(world, reported)
    snapshot.refresh_from_db()
    reported.refresh_from_db()
    assert reported.state == "closed" and reported.case_number == "2026/1234"
    assert (snapshot.plan, snapshot.round, snapshot.scope_key) == (
        report_plan.plan, reported, f"round:{reported.pk}")
    assert (snapshot.frequency, snapshot.period_key, snapshot.period_label) == (
        "tertial", "2026-T2", "2. tertial 2026")
    assert (snapshot.period_start, snapshot.period_end) == (date(2026, 5, 1), date(2026, 8, 31))
    assert not snapshot.preliminary and snapshot.data["preliminary"] is False
    assert snapshot.status == ReportSnapshot.Status.READY  # the PDF render was queued
    data = snapshot.data
    assert data["round"] == {
        "id": reported.pk, "period_label": "2. tertial 2026", "deadline": "2026-09-15",
        "case_number": "2026/1234", "committee": "Helse- og omsorgsutvalget",
        "meeting_date": "2026-10-15", "closed_at": data["round"]["closed_at"],
        # 1.1.2 is submitted but not approved; 1.1.3 to 2.1.2 never reported (1.2.2 was
        # cancelled before the period and is not in the round).
        "without_return": 6}
    assert data["round"]["closed_at"].startswith("2026-10-01")
    assert data["public"] is True and len(data["actions"]) == 8
    assert [(row["focus_area_id"], row["unit_id"], row["title"], row["text"])
            for row in data["assessments"]] == [
        (report_plan.areas[0].pk, None, "Helse og mestring", "Godt i rute i helse."),
        (None, world.health.pk, "Helse og omsorg", "Sektoren mangler vikarer.")]


def test_only_approved_return_text_reaches_the_report(
    world: Any, report_plan: ReportPlan, reported: ReportingRound,
) -> None:
    [snapshot] = close(world, reported)
    rows = {row["code"]: row for row in snapshot.data["actions"]}
    assert rows["1.1.1"]["return"] == {"status": "in_progress", "progress": 70,
                                       "risk": "at_risk", "done": APPROVED_TEXT,
                                       "next_steps": "Søke tilskudd."}
    assert rows["1.1.2"]["return"] is None  # submitted, not approved
    assert rows["2.1.1"]["return"] is None  # never reported
    # 1.1.1 is overdue and at risk on 31 August: its rows in those lists carry it too.
    assert [row["return"]["done"] for row in snapshot.data["overdue"]
            if row["code"] == "1.1.1"] == [APPROVED_TEXT]
    text = json.dumps(snapshot.data, ensure_ascii=False)
    assert UNAPPROVED_TEXT not in text
    assert "enhetsleder1" not in text and "sektorleder1" not in text  # no names


def test_a_round_cannot_be_closed_before_its_period_has_ended(
    world: Any, report_plan: ReportPlan, reported: ReportingRound,
) -> None:
    with pytest.raises(ValidationError) as error:
        close(world, reported, today=date(2026, 8, 31))
    assert "period_end" in error.value.message_dict
    reported.refresh_from_db()
    assert reported.state == "open"
    assert not ReportSnapshot.objects.exists()


def test_a_second_close_is_refused_and_doubles_nothing(
    world: Any, report_plan: ReportPlan, reported: ReportingRound,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.create_subscription(actor=world.admin, plan=report_plan.plan,
                                 email="leder@komite.no", starts_on=date(2026, 1, 1))
    stale = ReportingRound.objects.get(pk=reported.pk)  # a second page, opened before
    close(world, reported)
    for round_ in (reported, stale):
        with pytest.raises(ValidationError) as error, translation.override("en"):
            close_round(actor=world.admin, round=round_, expected_version=stale.version,
                        today=CLOSED_ON, **CASE)
        assert "already closed" in " ".join(error.value.messages)
    assert ReportSnapshot.objects.count() == 1
    assert ReportDelivery.objects.count() == 1


@pytest.mark.parametrize("persona", ["reader", "unit_manager", "sector_leader", "other_admin"])
def test_only_the_kommunes_administrators_close_a_round(
    world: Any, report_plan: ReportPlan, reported: ReportingRound, persona: str,
) -> None:
    with pytest.raises(PermissionDenied):
        close(world, reported, actor=world.persona(persona))
    reported.refresh_from_db()
    assert reported.state == "open" and not ReportSnapshot.objects.exists()


def test_a_round_of_two_plans_freezes_a_report_of_each(
    world: Any, report_plan: ReportPlan, today: Any,
) -> None:
    second = PlanFactory(organization=world.org, title="Oppvekstplan")
    ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=second)), title="Leksehjelp")
    round_ = rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                               period_key="2026-T2", deadline=date(2026, 9, 15),
                               plans=[report_plan.plan, second])
    snapshots = close(world, round_)
    assert [s.plan for s in snapshots] == sorted([report_plan.plan, second], key=lambda p: p.pk)
    assert {s.scope_key for s in snapshots} == {f"round:{round_.pk}"}
    by_plan = {s.plan_id: s.data for s in snapshots}
    assert [row["title"] for row in by_plan[second.pk]["actions"]] == ["Leksehjelp"]
    assert len(by_plan[report_plan.plan.pk]["actions"]) == 8


# --- The subscription sweep -----------------------------------------------------------


def sweep(capture: Any, day: date) -> services.SweepResult:
    with capture(execute=True):
        return services.send_due_reports(day)


def test_the_sweep_waits_for_an_open_round_and_the_closed_rounds_report_is_sent_once(
    world: Any, report_plan: ReportPlan, reported: ReportingRound, smtp_sink: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.create_subscription(actor=world.admin, plan=report_plan.plan,
                                 email="leder@komite.no", starts_on=date(2026, 1, 1))
    # 1 and 2 September: the tertial has ended, but its round is still open.
    for day in (date(2026, 9, 1), date(2026, 9, 2)):
        result = sweep(django_capture_on_commit_callbacks, day)
        assert len(result.due) == 1 and result.snapshots == []
    assert not ReportSnapshot.objects.exists() and not ReportDelivery.objects.exists()
    assert smtp_sink.accepted == []

    with django_capture_on_commit_callbacks(execute=True):
        [snapshot] = close(world, reported)  # queues the e-mail itself
    for day in (date(2026, 9, 21), date(2026, 9, 22)):
        sweep(django_capture_on_commit_callbacks, day)

    [delivery] = ReportDelivery.objects.all()
    assert (delivery.snapshot, delivery.period_key, delivery.status) == (
        snapshot, "2026-T2", ReportDelivery.Status.SENT)
    assert [rcpt for env in smtp_sink.accepted for rcpt in env.rcpt_tos] == ["leder@komite.no"]
    assert ReportSnapshot.objects.count() == 1  # no whole-plan report was frozen beside it


def test_the_sweep_sends_a_closed_rounds_report_to_a_later_subscriber(
    world: Any, report_plan: ReportPlan, reported: ReportingRound, smtp_sink: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    [snapshot] = close(world, reported)
    services.create_subscription(actor=world.admin, plan=report_plan.plan,
                                 email="ny@komite.no", starts_on=date(2026, 1, 1))
    sweep(django_capture_on_commit_callbacks, date(2026, 9, 21))
    sweep(django_capture_on_commit_callbacks, date(2026, 9, 22))
    [delivery] = ReportDelivery.objects.all()
    assert delivery.snapshot == snapshot and delivery.status == ReportDelivery.Status.SENT
    assert len(smtp_sink.accepted) == 1


def test_a_round_closed_after_the_next_period_ended_is_still_sent(
    world: Any, report_plan: ReportPlan, reported: ReportingRound, smtp_sink: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.create_subscription(actor=world.admin, plan=report_plan.plan,
                                 email="leder@komite.no", starts_on=date(2026, 1, 1))
    # Closed in January: the sweep now looks at the 3rd tertial, not this round's.
    with django_capture_on_commit_callbacks(execute=True):
        [snapshot] = close(world, reported, today=date(2027, 1, 10))
    sent = ReportDelivery.objects.get(period_key="2026-T2")
    assert sent.snapshot == snapshot and sent.status == ReportDelivery.Status.SENT


def test_a_subscriber_sent_the_periods_plain_report_gets_the_rounds_report_once(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, today: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.create_subscription(actor=world.admin, plan=report_plan.plan,
                                 email="leder@komite.no", starts_on=date(2026, 1, 1))
    # 1 September: no round for the 2nd tertial yet, so the sweep sends its plain report.
    sweep(django_capture_on_commit_callbacks, date(2026, 9, 1))
    [plain] = ReportDelivery.objects.all()
    assert plain.status == ReportDelivery.Status.SENT and plain.snapshot.round is None

    # A round for the same period is opened afterwards, and closed.
    with django_capture_on_commit_callbacks(execute=True):
        [snapshot] = close(world, open_t2(world, report_plan.plan))
    for day in (date(2026, 9, 21), date(2026, 9, 22)):  # two sweeps after the close
        sweep(django_capture_on_commit_callbacks, day)

    deliveries = list(ReportDelivery.objects.order_by("pk"))
    assert [(d.snapshot_id, d.period_key, d.status) for d in deliveries] == [
        (plain.snapshot_id, "2026-T2", ReportDelivery.Status.SENT),
        (snapshot.pk, f"2026-T2/r{snapshot.round_id}", ReportDelivery.Status.SENT)]
    assert [rcpt for env in smtp_sink.accepted for rcpt in env.rcpt_tos] == [
        "leder@komite.no", "leder@komite.no"]


# --- Cost -----------------------------------------------------------------------------


def round_of(world: Any, tiltak: int) -> ReportingRound:
    """A plan of *tiltak* tiltak in a round, each with an approved return, a status
    update and a deadline moved in the trail (on 1 June, in the period); a subscriber."""
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=OSLO), tick=False):
        return _round_of(world, tiltak)


def _round_of(world: Any, tiltak: int) -> ReportingRound:
    plan = PlanFactory(organization=world.org, title=f"Plan med {tiltak} tiltak")
    goals = [GoalFactory(focus_area=FocusAreaFactory(plan=plan)) for _ in range(2)]
    round_ = ReportingRoundFactory(organization=world.org)
    round_.plans.add(plan)
    for i in range(tiltak):
        action = ActionFactory(goal=goals[i % 2], due_date=date(2026, 6, 30),
                               responsible_unit=world.home_care, evaluation="Evaluert.")
        StatusUpdate.objects.create(action=action, status="in_progress", progress=i % 100)
        ReportingReturnFactory(round=round_, action=action, state="approved",
                               status="in_progress", progress=50, risk="on_track",
                               done=f"Gjort {i}", next_steps="Videre")
        for old, new in ((None, "2026-03-31"), ("2026-03-31", "2026-06-30")):
            audit.record(actor=world.admin, verb="assign", obj=action,
                         changes={"due_date": [old, new]})
    services.create_subscription(actor=world.admin, plan=plan, email=f"p{tiltak}@komite.no",
                                 starts_on=date(2026, 1, 1))
    return round_


def test_closing_costs_the_same_queries_for_10_and_200_tiltak(world: Any, today: Any) -> None:
    rounds_ = {n: round_of(world, n) for n in (1, 10, 200)}
    close(world, rounds_[1])  # warms the caches (content types)

    counts = {n: count_queries(lambda n=n: close(world, rounds_[n]), expected=None)
              for n in (10, 200)}

    assert counts[10] == counts[200], counts
    data = ReportSnapshot.objects.get(round=rounds_[200]).data
    assert len(data["actions"]) == 200 and all(row["return"] for row in data["actions"])
    assert len(data["changes"]["moved_deadlines"]) == 200


def test_the_round_report_counts_what_the_returns_reported_after_the_period_ended(
    world: Any, report_plan: ReportPlan, reported: ReportingRound,
) -> None:
    # The returns came in on 1 October, after the period ended on 31 August: the frozen
    # figures must say what they say, not what the history said on 31 August.
    [snapshot] = close(world, reported, today=date(2026, 10, 1))
    rows = {row["code"]: row for row in snapshot.data["actions"]}
    assert (rows["1.1.1"]["status"], rows["1.1.1"]["progress"]) == ("in_progress", 70)
    assert rows["1.1.1"]["risk"] == "at_risk" and rows["1.1.1"]["return"]["progress"] == 70
    assert rows["1.1.2"]["status"] == "completed"  # submitted, not yet approved
    # A tiltak without a return is as its history says on 31 August: 1.2.3 was completed
    # on 10 September, in the next period.
    assert (rows["1.2.3"]["status"], rows["1.2.3"]["progress"]) == ("in_progress", 50)
    assert snapshot.data["as_of"] == "2026-08-31"


def test_the_round_report_judges_overdue_at_the_periods_end_not_the_closing_day(
    world: Any, report_plan: ReportPlan, reported: ReportingRound,
) -> None:
    # Closed on 1 October: 2.1.1 (due 30 September) was not overdue when the period ended.
    [snapshot] = close(world, reported, today=date(2026, 10, 1))
    overdue = [row["code"] for row in snapshot.data["overdue"]]
    assert overdue == ["1.1.1", "1.2.1", "2.1.2"]
    assert next(row for row in snapshot.data["actions"]
                if row["code"] == "2.1.1")["overdue"] is False
    assert snapshot.data["totals"]["overdue"] == 3


def test_the_next_rounds_changes_begin_where_this_rounds_period_ended(
    world: Any, report_plan: ReportPlan, reported: ReportingRound,
) -> None:
    [t2] = close(world, reported, today=date(2026, 10, 1))
    with time_machine.travel(datetime(2027, 1, 10, 12, 0, tzinfo=OSLO), tick=False):
        t3_round = rounds.open_round(actor=world.admin, organization=world.org,
                                     frequency="tertial", period_key="2026-T3",
                                     deadline=date(2027, 1, 20), plans=[report_plan.plan])
        [t3] = close(world, t3_round, today=date(2027, 1, 10))
    assert t3.data["since"] == "2026-08-31"
    assert t3.data["changes"]["previous_round"]["id"] == reported.pk
    # The returns of 1.1.1 and 1.1.2, posted on 1 October for the 2nd tertial, belong to
    # the 2nd tertial's report: never again "since the last report" in the 3rd's.
    t2_updates = {row["action_code"] for row in t2.data["since_previous"]["status_updates"]
                  if row["created_at"].startswith("2026-10-01")}
    assert t2_updates == {"1.1.1", "1.1.2"}
    t3_updates = [(row["action_code"], row["created_at"][:10])
                  for row in t3.data["since_previous"]["status_updates"]]
    assert t3_updates == [("1.2.3", "2026-09-10"), ("2.1.2", "2026-09-15")]
    assert [row["code"] for row in t3.data["since_previous"]["completed"]] == ["1.2.3"]


def test_a_sector_assessment_reaches_only_the_plans_where_the_sector_has_tiltak(
    world: Any, report_plan: ReportPlan, today: Any,
) -> None:
    public = PlanFactory(organization=world.org, title="Oppvekstplan", is_public=True)
    ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=public)),
                  responsible_unit=world.school, title="Leksehjelp")
    round_ = rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                               period_key="2026-T2", deadline=date(2026, 9, 15),
                               plans=[report_plan.plan, public])
    rounds.write_assessment(actor=world.sector_leader, round=round_, unit=world.health,
                            text="Sektoren mangler vikarer.")
    rounds.write_assessment(actor=world.sector_leader, round=round_,
                            focus_area=report_plan.areas[0], text="Godt i rute i helse.")
    by_plan = {snapshot.plan_id: snapshot.data for snapshot in close(world, round_)}
    assert [row["text"] for row in by_plan[report_plan.plan.pk]["assessments"]] == [
        "Godt i rute i helse.", "Sektoren mangler vikarer."]
    # The health sector has no tiltak in the public plan: its assessment stays out.
    assert by_plan[public.pk]["assessments"] == []


def test_a_tiltak_cancelled_since_the_round_opened_is_no_missing_return_in_the_report(
    world: Any, report_plan: ReportPlan, reported: ReportingRound,
) -> None:
    action = report_plan.actions["2.1.1"]
    action.refresh_from_db()
    action_services.post_status_update(actor=world.admin, action=action,
                                       expected_version=action.version, status="cancelled",
                                       progress=0)
    [snapshot] = close(world, reported)
    assert snapshot.data["round"]["without_return"] == 5
    from reports.rendering import report_context

    assert report_context(snapshot.data)["without_return"] == 5
