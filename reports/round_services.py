"""Closing a reporting round: mark it closed, freeze its report per plan, send it.

:func:`close_round` is the one way a round closes. In one transaction it marks the round
closed with its case facts (:func:`actions.rounds.mark_round_closed`, which refuses a
period that has not ended), freezes one snapshot per plan of the round through the same
code path as every other snapshot (:func:`reports.services.freeze`), and records the
e-mails to the plans' subscribers in the subscription sweep's delivery log, one per
subscription and period, as the sweep itself would.

The frozen data is :func:`reports.progress.compute_progress` as the public sees it
(no names), as of the period's end with each tiltak's status, progress and risk as its
return in the round reported them, plus the round: its facts, the assessments (each in
the reports of the plans it is about), each tiltak's *approved* return (never a text
still under review), how many tiltak owed a return and have no approved one, the final
evaluations of tiltak closed in the period, and what changed since the previous closed
round's period ended.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from actions.models import ReportingReturn, ReportingRound, RoundAssessment
from actions.querysets import OWES_NO_RETURN
from actions.rounds import mark_round_closed
from reports import services
from reports.models import ReportDelivery, ReportSnapshot, ReportSubscription
from reports.progress import compute_progress
from strategies.models import Plan

#: The lists of action rows in a report's data, each row of which gets its "return".
ACTION_LISTS = (("actions",), ("overdue",), ("at_risk",), ("since_previous", "completed"),
                ("since_previous", "became_overdue"), ("changes", "new"),
                ("changes", "cancelled"))


def round_scope_key(round_: ReportingRound) -> str:
    """The snapshot scope key of a round's report."""
    return f"round:{round_.pk}"


def close_round(
    *,
    actor: Any,
    round: ReportingRound,
    expected_version: int,
    case_number: str,
    committee: str,
    meeting_date: date | None,
    today: date | None = None,
) -> list[ReportSnapshot]:
    """Close *round* and freeze its report: one snapshot per plan of the round.

    Refused (nothing written) before the period has ended, without the case facts, for
    anyone but the kommune's administrators, on a stale *expected_version*, and when
    the round is already closed. The PDFs are rendered, and the subscribers' e-mails
    sent, after the commit. Returns the snapshots, in the order of the plans' ids.
    """
    with transaction.atomic():
        # Locked and read again: two closes at once, or one from a stale page, meet here
        # and the second is told the round is closed.
        fresh = ReportingRound.objects.select_for_update().get(pk=round.pk)
        mark_round_closed(actor=actor, round=fresh, expected_version=expected_version,
                          case_number=case_number, committee=committee,
                          meeting_date=meeting_date, today=today)
        round.__dict__.update({name: value for name, value in fresh.__dict__.items()
                               if name != "_state"})
        # Read afresh, not through round.plans: a caller may hold a narrower prefetch.
        plans = list(Plan.objects.filter(reporting_rounds=fresh).select_related("organization")
                     .order_by("pk"))
        snapshots = freeze_round(actor=actor, round_=round, plans=plans)
        queue_round_deliveries(round, snapshots)
    return snapshots


def _round_facts(round_: ReportingRound) -> dict[str, Any]:
    return {
        "id": round_.pk,
        "period_label": round_.period_label,
        "deadline": round_.deadline.isoformat(),
        "case_number": round_.case_number,
        "committee": round_.committee,
        "meeting_date": round_.meeting_date.isoformat() if round_.meeting_date else None,
        "closed_at": (timezone.localtime(round_.closed_at).replace(microsecond=0).isoformat()
                      if round_.closed_at else None),
    }


def _previous_rounds(round_: ReportingRound, plans: list[Plan]) -> dict[int, ReportingRound]:
    """Per plan, the latest closed round of the same kind of period before this one."""
    rows = ReportingRound.objects.filter(
        plans__in=plans, state=ReportingRound.State.CLOSED, frequency=round_.frequency,
        period_end__lt=round_.period_start,
    ).exclude(pk=round_.pk)
    previous: dict[int, ReportingRound] = {}
    for plan_id, pk, label, end in (rows.order_by("period_end", "pk")
                                    .values_list("plans", "pk", "period_label", "period_end")):
        # Ordered by period: the last one per plan wins.
        previous[plan_id] = ReportingRound(pk=pk, period_label=label, period_end=end)
    return previous


def _approved_returns(round_: ReportingRound) -> dict[int, dict[str, Any]]:
    """The round's approved returns by action id, in the report's shape (one query)."""
    rows = (ReportingReturn.objects.filter(round=round_, state=ReportingReturn.State.APPROVED)
            .order_by().values_list("action_id", "status", "progress", "risk", "done",
                                    "next_steps"))
    return {action_id: {"status": status, "progress": progress, "risk": risk, "done": done,
                        "next_steps": next_steps}
            for action_id, status, progress, risk, done, next_steps in rows}


def _without_return(round_: ReportingRound) -> dict[int, int]:
    """Per plan, the round's tiltak with no approved return that were still owed one
    (``actions.querysets.OWES_NO_RETURN``: a tiltak cancelled or carried over since the
    round opened owes none), in one query."""
    rows = (ReportingReturn.objects.filter(round=round_)
            .exclude(state=ReportingReturn.State.APPROVED)
            .exclude(action__status__in=OWES_NO_RETURN)
            .order_by().values("action__plan_id")
            .annotate(n=Count("pk")))
    return {row["action__plan_id"]: row["n"] for row in rows}


def _assessments(round_: ReportingRound) -> list[tuple[frozenset[int], dict[str, Any]]]:
    """The round's assessments, each with the plans whose report it belongs in: a focus
    area's in its own plan's; a sector's in those of the plans where the sector's
    subtree has tiltak in the round (never in another plan's, a public one included)."""
    rows = (RoundAssessment.objects.filter(round=round_)
            .select_related("focus_area", "unit")
            # The focus areas first, in the plan's order, then the sectors by the tree.
            .order_by(F("focus_area__order").asc(nulls_last=True), "focus_area_id",
                      "unit__path", "pk"))
    result = []
    units_in_plans: list[tuple[int, str]] | None = None
    for assessment in rows:
        area, unit = assessment.focus_area, assessment.unit
        if area is not None:
            plan_ids = frozenset([area.plan_id])
        else:
            if units_in_plans is None:  # one query, only when a sector is assessed
                units_in_plans = list(
                    ReportingReturn.objects.filter(round=round_,
                                                   action__responsible_unit__isnull=False)
                    .order_by().values_list("action__plan_id",
                                            "action__responsible_unit__path").distinct())
            plan_ids = frozenset(plan_id for plan_id, path in units_in_plans
                                 if path.startswith(unit.path))
        result.append((plan_ids, {
            "focus_area_id": area.pk if area else None,
            "unit_id": unit.pk if unit else None,
            "title": area.title if area else unit.name,
            "text": assessment.text,
        }))
    return result


def round_data(round_: ReportingRound, plan: Plan, *, previous: ReportingRound | None,
               returns: dict[int, dict[str, Any]],
               assessments: list[tuple[frozenset[int], dict[str, Any]]],
               without_return: int = 0) -> dict[str, Any]:
    """The frozen data of *plan*'s report in *round_* (see the module's docstring)."""
    # "Since last report": from the previous closed round's end, else the period start.
    since = previous.period_end if previous else round_.period_start - timedelta(days=1)
    # As of the period's end, as the plain report of the period: a deadline after it is
    # not overdue, and the next round's changes begin where these end. The returns come
    # in after the period (the deadline is after it), so each tiltak's status, progress
    # and risk are those its return in the round reported (reported_in).
    # In the kommune's målform: reports.services.freeze makes it the active language.
    data = compute_progress(plan, as_of=round_.period_end, since=since, public=True,
                            include_actions=True, include_changes=True,
                            period_start=round_.period_start, reported_in=round_.pk)
    data["round"] = {**_round_facts(round_), "without_return": without_return}
    data["changes"]["previous_round"] = (
        {"id": previous.pk, "period_label": previous.period_label} if previous else None)
    data["assessments"] = [row for plan_ids, row in assessments if plan.pk in plan_ids]
    for path in ACTION_LISTS:
        rows: Any = data
        for part in path:
            rows = rows.get(part) if isinstance(rows, dict) else None
        for row in rows or ():
            row["return"] = returns.get(row["id"])
    return data


def freeze_round(*, actor: Any, round_: ReportingRound, plans: list[Plan]
                 ) -> list[ReportSnapshot]:
    """Freeze the round's report of each plan (in the caller's transaction). The reads
    shared by every plan are made once, so the cost is constant in tiltak and returns."""
    previous = _previous_rounds(round_, plans)
    returns = _approved_returns(round_)
    assessments = _assessments(round_)
    without_return = _without_return(round_)
    snapshots = []
    for plan in plans:
        def build(plan: Plan = plan) -> dict[str, Any]:
            return round_data(round_, plan, previous=previous.get(plan.pk), returns=returns,
                              assessments=assessments,
                              without_return=without_return.get(plan.pk, 0))

        snapshots.append(services.freeze(
            plan=plan, actor=actor, scope_key=round_scope_key(round_),
            frequency=round_.frequency, period_key=round_.period_key,
            period_label=round_.period_label, period_start=round_.period_start,
            period_end=round_.period_end, build=build, round=round_,
        ))
    return snapshots


def queue_round_deliveries(round_: ReportingRound, snapshots: list[ReportSnapshot]
                           ) -> list[int]:
    """Record and queue the round's report to each active subscriber of its plans whose
    frequency is the round's, once per subscription and period (the sweep's delivery
    log and key: a period already sent is not sent again)."""
    by_plan = {snapshot.plan_id: snapshot for snapshot in snapshots
               if not snapshot.preliminary}
    subscriptions = ReportSubscription.objects.active().filter(
        plan_id__in=list(by_plan), frequency=round_.frequency,
        starts_on__lte=round_.period_end,
    ).order_by("plan_id", "pk")
    # A subscriber the sweep already sent the period's plain report (the round was opened
    # after it) still gets the round's report once, under the round's own key.
    earlier = set(ReportDelivery.objects.filter(
        subscription__in=subscriptions, period_key=round_.period_key,
    ).exclude(snapshot__round=round_).values_list("subscription_id", flat=True))
    rows = [ReportDelivery(subscription=subscription, snapshot=by_plan[subscription.plan_id],
                           period_key=(f"{round_.period_key}/r{round_.pk}"
                                       if subscription.pk in earlier else round_.period_key),
                           email=subscription.email)
            for subscription in subscriptions]
    return services.queue_deliveries(rows)
