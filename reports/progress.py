"""Progress of a plan as of a date, from annotated querysets in a constant number of queries.

:func:`compute_progress` returns plain JSON-ready data (strings, numbers, lists), the one
source every format renders: HTML, PDF, XLSX and the API's JSON, and what a snapshot
freezes. Counting happens in SQL (``Count(…, filter=Q(…))`` grouped by goal); Python only
adds up the handful of per-goal rows into focus-area and plan totals.

Definitions, as the report explains them:

- *status as of a date*: the status of the latest status update posted on or before that
  day; before an action's first update, "not started"; an action never updated keeps its
  own status. For today or later the action's current status is used directly.
- *overdue*: deadline before the as-of date and not completed or cancelled.
- *unassigned*: no responsible unit, or neither a deadline nor a continuous period
  (the blank Ansvar/Tid columns; :func:`actions.querysets.unassigned_q`).
- *continuous*: no deadline by design, an open-ended period such as "løpende"
  (``Action.continuous``): counted apart, never as unassigned.
- *% completed*: completed ÷ actions that are neither cancelled nor carried over.
- *average progress*: mean progress of the actions neither cancelled nor carried over.
- *at risk*: open (not completed or cancelled) with the latest update saying "at risk"
  or "off track".
- *levels*: a tiltak hangs under a goal, directly on a focus area or on the whole plan
  (``Action.level``). A goal's figures count its own tiltak; a focus area's its own
  (``own``) and its goals'; the plan's all of them, the plan-wide ones (``plan_level``)
  too. Each action row says its ``level``.
- *a round's report* (``reported_in``): as of the period's end, like the plain report of
  the period, but a tiltak's status, progress and risk are those its return in the round
  reported (returns come in after the period), and each return's update counts in its
  own round's changes only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from actions.models import Action, ReportingReturn, StatusUpdate, action_number
from actions.querysets import is_overdue, overdue_q, progress_counted_q, unassigned_q
from planportal.models import Unit
from strategies.models import FocusArea, Goal, Indicator, Measurement, Plan
from strategies.targets import assess, latest_baseline, targets_and_baselines

SCHEMA_VERSION = 1
STATUSES = [choice.value for choice in Action.Status]
CLOSED = [status.value for status in Action.CLOSED_STATUSES]
RISKY = [StatusUpdate.Risk.AT_RISK.value, StatusUpdate.Risk.OFF_TRACK.value]


def reading_order(prefix: str = "") -> tuple[Any, ...]:
    """The plan's reading order of tiltak (*prefix*: the path to the action, e.g.
    ``"action__"`` for returns): the plan-wide ones first, then per focus area its own
    before its goals' (NULL sorts first on every database, not only on SQLite)."""
    return (F(f"{prefix}focus_area__order").asc(nulls_first=True),
            F(f"{prefix}focus_area_id").asc(nulls_first=True),
            F(f"{prefix}goal__order").asc(nulls_first=True),
            F(f"{prefix}goal_id").asc(nulls_first=True), f"{prefix}order", "pk")


#: Every list of tiltak in the report is in the plan's reading order.
READING_ORDER = reading_order()


def start_of_day(day: date) -> datetime:
    """Midnight at the start of *day* in the site's time zone (Europe/Oslo)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _updates_until(end: datetime) -> QuerySet:
    """Updates of the outer action posted before *end*, latest first."""
    return StatusUpdate.objects.filter(action=OuterRef("pk"), created_at__lt=end).order_by(
        "-created_at", "-pk"
    )


def _reported(round_id: int, field: str) -> Subquery:
    """The value of *field* in the status update the outer action's return in the round
    posted (none before it is submitted)."""
    returns = ReportingReturn.objects.filter(round_id=round_id, action=OuterRef("pk"),
                                             status_update__isnull=False).order_by()
    return Subquery(returns.values(f"status_update__{field}")[:1])


def _or_reported(round_id: int | None, field: str, otherwise: Any, output: Any) -> Any:
    if round_id is None:
        return otherwise
    return Coalesce(_reported(round_id, field), otherwise, output_field=output)


def actions_as_of(queryset: QuerySet, as_of: date, today: date,
                  reported_in: int | None = None) -> QuerySet:
    """Annotate ``status_at``, ``progress_at``, ``risk_at``, ``comment_at``, ``update_at``.

    For a past date the status and progress come from the history; for today (or later)
    from the action itself, which is what the history ends in and costs no subquery.
    With *reported_in* (a reporting round's id) a tiltak's return in that round says
    them, though it is submitted after the period ended: it reports on the period.
    """
    end = start_of_day(as_of + timedelta(days=1))
    latest = _updates_until(end)
    if as_of < today:
        later = StatusUpdate.objects.filter(action=OuterRef("pk"), created_at__gte=end)
        status: Any = Coalesce(
            Subquery(latest.values("status")[:1]),
            Case(When(Exists(later), then=Value(Action.Status.NOT_STARTED.value)),
                 default=F("status"), output_field=CharField()),
            output_field=CharField(),
        )
        progress: Any = Coalesce(
            Subquery(latest.values("progress")[:1]),
            Case(When(Exists(later), then=Value(0)), default=F("progress"),
                 output_field=IntegerField()),
            output_field=IntegerField(),
        )
    else:
        status, progress = F("status"), F("progress")
    return queryset.alias(
        status_at=_or_reported(reported_in, "status", status, CharField()),
        progress_at=_or_reported(reported_in, "progress", progress, IntegerField()),
    )


def with_latest_update(queryset: QuerySet, as_of: date,
                       reported_in: int | None = None) -> QuerySet:
    """Annotate the risk, comment and time of the latest update on or before *as_of*
    (with *reported_in*, of the return's update in that round where there is one)."""
    latest = _updates_until(start_of_day(as_of + timedelta(days=1)))
    return queryset.annotate(
        risk_at=_or_reported(reported_in, "risk", Subquery(latest.values("risk")[:1]),
                             CharField()),
        comment_at=_or_reported(reported_in, "comment",
                                Subquery(latest.values("comment")[:1]), CharField()),
        update_at=_or_reported(reported_in, "created_at",
                               Subquery(latest.values("created_at")[:1]), DateTimeField()),
    )


def in_window_q(begin: datetime, end: datetime, reported_in: int | None = None) -> Q:
    """Status updates posted in [begin, end). With *reported_in* (a round's report), the
    updates its returns posted count as the period's wherever they fall, and those other
    rounds' returns posted count as theirs: each return is reported once, in its round."""
    window = Q(created_at__gte=begin, created_at__lt=end)
    if reported_in is None:
        return window
    returns = ReportingReturn.objects.filter(status_update=OuterRef("pk")).order_by()
    return ((window & ~Exists(returns.exclude(round_id=reported_in)))
            | Exists(returns.filter(round_id=reported_in)))


def _overdue_q(as_of: date) -> Q:
    return overdue_q(as_of, status="status_at")


Place = tuple[int | None, int | None]


def _counts_by_place(actions: QuerySet, as_of: date) -> dict[Place, dict[str, int]]:
    """One grouped query: per (focus area, goal) the tiltak hang on, the counts every
    table of the report needs; ``(area, None)`` is an area's own, ``(None, None)`` the
    plan-wide tiltak."""
    counted = progress_counted_q(status="status_at")
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        **{f"status_{status}": Count("pk", filter=Q(status_at=status)) for status in STATUSES},
        "overdue": Count("pk", filter=_overdue_q(as_of)),
        "unassigned": Count("pk", filter=unassigned_q()),
        "continuous": Count("pk", filter=Q(continuous=True)),
        "progress_sum": Coalesce(Sum("progress_at", filter=counted), 0,
                                 output_field=IntegerField()),
        "progress_n": Count("pk", filter=counted),
    }
    rows = actions.order_by().values("focus_area_id", "goal_id").annotate(**aggregates)
    return {(row.pop("focus_area_id"), row.pop("goal_id")): row for row in rows}


def _empty_counts() -> dict[str, int]:
    return {"total": 0, **{f"status_{s}": 0 for s in STATUSES}, "overdue": 0,
            "unassigned": 0, "continuous": 0, "progress_sum": 0, "progress_n": 0}


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        into[key] += value


def _summary(raw: dict[str, int]) -> dict[str, Any]:
    """Turn raw sums into the report's figures (percentages rounded to one decimal)."""
    # Cancelled and carried-over actions count towards no share (progress_counted_q).
    not_counted = (raw[f"status_{Action.Status.CANCELLED}"]
                   + raw[f"status_{Action.Status.CARRIED_OVER}"])
    completed = raw[f"status_{Action.Status.COMPLETED}"]
    countable = raw["total"] - not_counted
    return {
        "total": raw["total"],
        "by_status": {status: raw[f"status_{status}"] for status in STATUSES},
        "completed_percent": round(100 * completed / countable, 1) if countable else None,
        "overdue": raw["overdue"],
        "unassigned": raw["unassigned"],
        "continuous": raw["continuous"],
        "average_progress": (
            round(raw["progress_sum"] / raw["progress_n"], 1) if raw["progress_n"] else None
        ),
    }


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _indicators(plan: Plan, focus_area: FocusArea | None, as_of: date) -> list[dict[str, Any]]:
    """The indicators with their targets, baselines and latest value as of *as_of*, each
    judged by :func:`strategies.targets.assess` (two queries whatever their number)."""
    latest = Measurement.objects.filter(
        indicator=OuterRef("pk"), period_end__lte=as_of
    ).order_by("-period_end")
    scope = Indicator.objects.filter(goal__focus_area__plan=plan)
    if focus_area is not None:
        scope = scope.filter(goal__focus_area=focus_area)
    queryset = (
        scope.select_related("goal__focus_area")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_period_end=Subquery(latest.values("period_end")[:1]),
            latest_period_label=Subquery(latest.values("period_label")[:1]),
            latest_national_average=Subquery(latest.values("national_average")[:1]),
        )
        .order_by("goal__focus_area__order", "goal__order", "order", "name", "pk")
    )
    indicators = list(queryset)
    rows_of = targets_and_baselines(scope.values("pk")) if indicators else {}
    rows = []
    for indicator in indicators:
        period_end = indicator.latest_period_end
        targets, baselines = rows_of.get(indicator.pk, ([], []))
        baseline = latest_baseline(baselines)
        rows.append({
            "id": indicator.pk,
            "focus_area_id": indicator.goal.focus_area_id,
            "goal_id": indicator.goal_id,
            "goal_code": indicator.goal.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "direction": indicator.direction,
            "source": indicator.source,
            "targets": [target.data() for target in targets],
            "baselines": [row.data() for row in baselines],
            # The latest baseline, the one the assessment starts from.
            "baseline_value": _number(baseline.value) if baseline else None,
            "baseline_year": baseline.year if baseline else None,
            "latest_value": _number(indicator.latest_value),
            "latest_period_end": period_end.isoformat() if period_end else None,
            "latest_period_label": indicator.latest_period_label or "",
            "latest_national_average": _number(indicator.latest_national_average),
            "assessment": assess(
                targets, baselines, indicator.latest_value,
                period_end.year if period_end else None, indicator.latest_national_average,
            ),
        })
    return rows


def _person(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


# Plain rows, not model instances: a list of 2,000 actions costs a tenth of the time.
_ACTION_FIELDS = (
    "pk", "code", "title", "focus_area_id", "goal_id", "goal__code", "status_now",
    "progress_now", "due_date", "period_text", "continuous", "responsible_unit__name",
    "risk_at", "comment_at", "update_at",
)
_PERSON_FIELDS = ("responsible_person__first_name", "responsible_person__last_name",
                  "responsible_person__username")


def level_of(focus_area_id: int | None, goal_id: int | None) -> str:
    """``Action.level`` from the two ids: ``"goal"``, ``"focus_area"`` or ``"plan"``."""
    if goal_id is not None:
        return "goal"
    return "focus_area" if focus_area_id is not None else "plan"


def _action_row(values: dict[str, Any], as_of: date, public: bool) -> dict[str, Any]:
    due, status = values["due_date"], values["status_now"]
    row = {
        "id": values["pk"],
        "code": values["code"],
        "title": values["title"],
        "level": level_of(values["focus_area_id"], values["goal_id"]),
        "focus_area_id": values["focus_area_id"],
        "goal_id": values["goal_id"],
        "goal_code": values["goal__code"],
        "status": status,
        "progress": values["progress_now"],
        "due_date": due.isoformat() if due else None,
        "period_text": values["period_text"],
        "continuous": values["continuous"],
        "overdue": is_overdue(due, status, as_of),
        "responsible_unit": values["responsible_unit__name"] or "",
        "risk": values["risk_at"] or "",
        "latest_comment": values["comment_at"] or "",
        "latest_update_at": (
            timezone.localtime(values["update_at"]).isoformat() if values["update_at"] else None
        ),
    }
    if not public:
        row["responsible_person"] = _person(*(values[name] for name in _PERSON_FIELDS))
    return row


def _action_rows(queryset: QuerySet, as_of: date, public: bool,
                 annotated: bool = False, reported_in: int | None = None
                 ) -> list[dict[str, Any]]:
    if not annotated:
        queryset = with_latest_update(queryset, as_of, reported_in)
    queryset = (
        queryset
        .annotate(status_now=F("status_at"), progress_now=F("progress_at"))
        .order_by(*READING_ORDER)
    )
    fields = _ACTION_FIELDS if public else _ACTION_FIELDS + _PERSON_FIELDS
    return [_action_row(values, as_of, public) for values in queryset.values(*fields)]


def _status_updates(actions: QuerySet, since: date, as_of: date, public: bool,
                    reported_in: int | None = None) -> list[dict]:
    """Every status update posted after *since* up to and including *as_of*
    (:func:`in_window_q`)."""
    updates = StatusUpdate.objects.filter(
        in_window_q(start_of_day(since + timedelta(days=1)),
                    start_of_day(as_of + timedelta(days=1)), reported_in),
        action__in=actions.values("pk"),
    ).order_by("created_at", "pk")
    fields = ["pk", "action_id", "action__code", "action__title", "action__focus_area_id",
              "created_at", "status", "progress", "risk", "comment"]
    if not public:
        fields += ["author__first_name", "author__last_name", "author__username"]
    rows = []
    for values in updates.values(*fields):
        row = {
            "id": values["pk"],
            "action_id": values["action_id"],
            "action_code": values["action__code"],
            "action_title": values["action__title"],
            "focus_area_id": values["action__focus_area_id"],
            "created_at": timezone.localtime(values["created_at"]).isoformat(),
            "status": values["status"],
            "progress": values["progress"],
            "risk": values["risk"],
            "comment": values["comment"],
        }
        if not public:
            row["author"] = _person(values["author__first_name"], values["author__last_name"],
                                    values["author__username"])
        rows.append(row)
    return rows


def _closed_in_window(status: str, start: datetime, end: datetime,
                      reported_in: int | None = None) -> Exists:
    """The outer action got a status update to *status* in [start, end)
    (:func:`in_window_q`)."""
    return Exists(StatusUpdate.objects.filter(
        in_window_q(start, end, reported_in), action=OuterRef("pk"), status=status))


def _evaluations(actions: QuerySet, start: date, as_of: date,
                 reported_in: int | None = None) -> list[dict[str, Any]]:
    """Final evaluations of the tiltak completed or cancelled from *start* to *as_of*."""
    begin, end = start_of_day(start), start_of_day(as_of + timedelta(days=1))
    closed = Q()
    for status in CLOSED:
        closed |= Q(_closed_in_window(status, begin, end, reported_in), status_at=status)
    rows = (
        actions.filter(closed).exclude(evaluation="")
        .annotate(status_now=F("status_at"))
        .order_by(*READING_ORDER)
        .values("pk", "code", "title", "status_now", "evaluation", "evaluated_on")
    )
    return [{
        "action_id": row["pk"], "code": row["code"], "title": row["title"],
        "status": row["status_now"], "evaluation": row["evaluation"],
        "evaluated_on": row["evaluated_on"].isoformat() if row["evaluated_on"] else None,
    } for row in rows]


def months_between(first: date, last: date) -> int:
    """Whole calendar months from *first* to *last* (negative when moved earlier)."""
    return (last.year - first.year) * 12 + last.month - first.month


#: Audit verbs whose ``changes["due_date"]`` records a deadline being set or moved.
DEADLINE_VERBS = ("create", "assign", "update", "import")


def moved_deadlines(actions: QuerySet, since: date, as_of: date) -> list[dict[str, Any]]:
    """The tiltak whose deadline moved after *since* up to *as_of*, from the audit trail.

    Per tiltak: how often its deadline moved in all its recorded history up to *as_of*
    (a deadline cleared and set again to another date is one move), its first recorded
    deadline, the deadline as of *as_of*, and the distance in whole months ("frist
    flyttet 3 ganger, +14 måneder"). Two queries whatever the number of tiltak.
    """
    from django.contrib.contenttypes.models import ContentType

    from planportal.audit.models import AuditEvent

    window_start = start_of_day(since + timedelta(days=1))
    ids = actions.order_by().annotate(key=Cast("pk", CharField())).values("key")
    events = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Action),
            object_id__in=ids, verb__in=DEADLINE_VERBS, changes__has_key="due_date",
            occurred_at__lt=start_of_day(as_of + timedelta(days=1)),
        )
        .order_by("occurred_at", "pk")
        .values_list("object_id", "occurred_at", "changes")
    )
    tracks: dict[int, dict[str, Any]] = {}
    for object_id, occurred_at, changes in events:
        pair = changes.get("due_date")
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        old, new = pair
        track = tracks.setdefault(int(object_id), {"first": None, "current": None,
                                                   "moves": 0, "recent": False})
        if track["current"] is None and old:
            # History that begins with a change: its old value was the first deadline.
            track["first"] = track["first"] or old
            track["current"] = old
        if not new:
            continue  # cleared: the next deadline set is compared with the last one
        track["first"] = track["first"] or new
        if track["current"] is not None and new != track["current"]:
            track["moves"] += 1
            track["recent"] = track["recent"] or occurred_at >= window_start
        track["current"] = new
    moved = {pk: track for pk, track in tracks.items() if track["recent"]}
    if not moved:
        return []
    rows = (Action.objects.filter(pk__in=list(moved))
            .order_by(*READING_ORDER)
            .values_list("pk", "code", "title"))
    result = []
    for pk, code, title in rows:
        track = moved[pk]
        first, due = date.fromisoformat(track["first"]), date.fromisoformat(track["current"])
        result.append({"action_id": pk, "code": code, "title": title,
                       "moves": track["moves"], "first_due": first.isoformat(),
                       "due": due.isoformat(), "months": months_between(first, due)})
    return result


def since_changes(actions: QuerySet, since: date, as_of: date, public: bool,
                  reported_in: int | None = None) -> dict[str, Any]:
    """What politicians see changed after *since* up to *as_of*: new tiltak, cancelled
    tiltak and moved deadlines (``previous_round`` is filled in by a round's report)."""
    begin, end = start_of_day(since + timedelta(days=1)), start_of_day(as_of + timedelta(days=1))
    cancelled = Action.Status.CANCELLED.value
    return {
        "previous_round": None,
        "new": _action_rows(actions.filter(created_at__gte=begin, created_at__lt=end),
                            as_of, public, reported_in=reported_in),
        "cancelled": _action_rows(
            actions.filter(_closed_in_window(cancelled, begin, end, reported_in),
                           status_at=cancelled),
            as_of, public, reported_in=reported_in),
        "moved_deadlines": moved_deadlines(actions, since, as_of),
    }


def _numbered(data: dict[str, Any], actions: QuerySet) -> None:
    """Give every tiltak row of *data* its ``number`` (a status update its
    ``action_number``): its code, else :func:`actions.models.action_number` of where it
    hangs and its place there ("1.2.3" under goal 1.2, "2.T3" on area 2, "T3" on the plan).

    The places are counted over all the tiltak on the same level of the same goal, area
    or plan in *actions* (the plan, or the focus area reported on), never over a list's
    rows. One query, whether or not a row lacks a code: a report's queries do not depend
    on what its lists hold (a kommune whose lists were empty or all coded ran one fewer).
    """
    since, changes = data["since_previous"], data.get("changes") or {}
    rows = [*data["overdue"], *data["at_risk"], *since["completed"], *data.get("actions", ()),
            *changes.get("new", ()), *changes.get("cancelled", ()),
            *changes.get("moved_deadlines", ()), *data.get("evaluations", ())]
    updates = since["status_updates"]
    numbers: dict[int, str] = {}
    parent: Any = object()
    place = 0
    # The codes by primary key per row, not by a join: on an installation of many
    # kommuner the planner would hash every kommune's focus areas for one plan's rows.
    rows_in_order = (actions.order_by(F("focus_area_id").asc(nulls_first=True),
                                      F("goal_id").asc(nulls_first=True), "order", "pk")
                     .annotate(
                         area_code=Subquery(FocusArea.objects.filter(
                             pk=OuterRef("focus_area_id")).values("code")[:1]),
                         goal_code=Subquery(Goal.objects.filter(
                             pk=OuterRef("goal_id")).values("code")[:1]))
                     .values_list("pk", "focus_area_id", "goal_id", "area_code", "goal_code"))
    for pk, area_id, goal_id, area_code, goal_code in rows_in_order:
        place = place + 1 if (area_id, goal_id) == parent else 1
        parent = (area_id, goal_id)
        numbers[pk] = action_number("", goal_code or "", place,
                                    level=level_of(area_id, goal_id),
                                    area_code=area_code or "")
    for row in rows:
        row["number"] = row["code"] or numbers.get(row.get("id", row.get("action_id")), "")
    for row in updates:
        row["action_number"] = row["action_code"] or numbers.get(row["action_id"], "")


def goal_contributions(goals: list[dict[str, Any]], as_of: date, today: date,
                       public: bool) -> list[dict[str, Any]]:
    """Per goal of the report (*goals*: its goal rows, in order) that anything contributes
    to: the goals of lower plans that contribute to it, with their own tiltak's figures as
    of *as_of*, and the contributing tiltak with their status and progress as of then.

    A public report (a reader outside the kommune) takes them from public plans only, as
    the plan pages do; a member of the kommune reads every plan of it. Goals nothing
    contributes to are left out. Four queries, whatever the number of goals and links.
    """
    ids = [goal["id"] for goal in goals]
    goal_links = Goal.contributes_to.through.objects.filter(to_goal_id__in=ids)
    action_links = Action.contributes_to.through.objects.filter(goal_id__in=ids)
    if public:
        goal_links = goal_links.filter(from_goal__focus_area__plan__is_public=True)
        action_links = action_links.filter(action__plan__is_public=True)
    plan_of = ("__focus_area__plan_id", "__focus_area__plan__title", "__focus_area__plan__level")
    from_goals = list(goal_links.order_by(
        "-from_goal__focus_area__plan__level", "from_goal__focus_area__plan__title",
        "from_goal__focus_area__order", "from_goal__order", "from_goal_id",
    ).values_list("to_goal_id", "from_goal_id", "from_goal__code", "from_goal__title",
                  *(f"from_goal{name}" for name in plan_of)))
    pairs = list(action_links.values_list("goal_id", "action_id"))
    by_place = _counts_by_place(actions_as_of(
        Action.objects.filter(goal_id__in={row[1] for row in from_goals}), as_of, today),
        as_of) if from_goals else {}
    counts = {goal: row for (_area, goal), row in by_place.items() if goal is not None}
    actions = {row["pk"]: row for row in actions_as_of(
        Action.objects.filter(pk__in={pk for _goal, pk in pairs}), as_of, today)
        .annotate(status_now=F("status_at"), progress_now=F("progress_at"))
        .order_by("-plan__level", "plan__title", "order", "pk")
        .values("pk", "code", "title", "plan_id", "plan__title", "plan__level",
                "status_now", "progress_now")} if pairs else {}

    below: dict[int, dict[str, list[dict[str, Any]]]] = {
        pk: {"goals": [], "actions": []} for pk in ids}
    for target, pk, code, title, plan_id, plan_title, level in from_goals:
        summary = _summary(counts.get(pk, _empty_counts()))
        below[target]["goals"].append({
            "id": pk, "code": code, "title": title, "plan_id": plan_id,
            "plan_title": plan_title, "plan_level": level, "total": summary["total"],
            "completed_percent": summary["completed_percent"],
            "average_progress": summary["average_progress"]})
    linked: dict[int, list[int]] = {}
    for goal_id, action_id in pairs:
        linked.setdefault(action_id, []).append(goal_id)
    for pk, row in actions.items():  # in the plans' order, as the query sorted them
        for target in linked[pk]:
            below[target]["actions"].append({
                "id": pk, "code": row["code"], "title": row["title"],
                "plan_id": row["plan_id"], "plan_title": row["plan__title"],
                "plan_level": row["plan__level"], "status": row["status_now"],
                "progress": row["progress_now"]})
    return [{"goal_id": goal["id"], "goal_code": goal["code"], "goal_title": goal["title"],
             **below[goal["id"]]}
            for goal in goals if below[goal["id"]]["goals"] or below[goal["id"]]["actions"]]


def default_since(plan: Plan, scope_key: str, as_of: date) -> date:
    """The end of the previous snapshot of this report, else the end of the last tertial."""
    from planportal.periods import TERTIAL, period_containing
    from reports.models import ReportSnapshot

    previous = (
        ReportSnapshot.objects.filter(plan=plan, scope_key=scope_key, period_end__lt=as_of)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if previous is not None:
        return previous
    return period_containing(TERTIAL, as_of).previous().end


def scope_key_for(focus_area: FocusArea | None, unit: Unit | None) -> str:
    """The snapshot key of a report's narrowing ("" for the whole plan)."""
    parts = []
    if focus_area is not None:
        parts.append(f"fa:{focus_area.pk}")
    if unit is not None:
        parts.append(f"unit:{unit.pk}")
    return ",".join(parts)


def compute_progress(
    plan: Plan,
    *,
    as_of: date | None = None,
    since: date | None = None,
    focus_area: FocusArea | None = None,
    unit: Unit | None = None,
    public: bool = False,
    include_actions: bool = False,
    include_changes: bool = False,
    period_start: date | None = None,
    reported_in: int | None = None,
    include_contributions: bool = False,
) -> dict[str, Any]:
    """The whole report for *plan* as of *as_of* (default today), as JSON-ready data.

    *public* leaves out every person's name (anonymous readers of public plans).
    *include_actions* adds the full list of actions (XLSX and the full PDF listing).
    *include_changes* adds ``changes`` (new and cancelled tiltak, moved deadlines since
    *since*) and ``evaluations`` (final evaluations of tiltak closed from *period_start*,
    default the day after *since*): what a frozen report shows, four queries more.
    *reported_in* (a reporting round's id) makes it that round's report: each tiltak's
    status, progress and risk as its return in the round gave them, and a return's update
    counted in its own round's window, never in the next (:func:`in_window_q`).
    *include_contributions* adds ``contributions``: per goal, the progress of what lower
    plans contribute to it (:func:`goal_contributions`).
    """
    today = timezone.localdate()
    as_of = as_of or today
    if since is None:
        since = default_since(plan, scope_key_for(focus_area, unit), as_of)
    if since > as_of:
        since = as_of

    actions = Action.objects.filter(plan=plan)
    if focus_area is not None:
        actions = actions.filter(focus_area=focus_area)
    if unit is not None:
        actions = actions.filter(responsible_unit__path__startswith=unit.path)
    actions = actions_as_of(actions, as_of, today, reported_in)

    focus_areas = FocusArea.objects.filter(plan=plan).order_by("order", "pk")
    goals = Goal.objects.filter(focus_area__plan=plan).order_by("order", "pk")
    if focus_area is not None:
        focus_areas = focus_areas.filter(pk=focus_area.pk)
        goals = goals.filter(focus_area=focus_area)

    by_place = _counts_by_place(actions, as_of)
    goals_by_area: dict[int, list[Goal]] = {}
    for goal in goals:
        goals_by_area.setdefault(goal.focus_area_id, []).append(goal)

    # The plan-wide tiltak (none when a focus area is reported on: they are not its own).
    plan_level_raw = by_place.get((None, None), _empty_counts())
    plan_raw = _empty_counts()
    _add(plan_raw, plan_level_raw)
    area_rows = []
    for area in focus_areas:
        own_raw = by_place.get((area.pk, None), _empty_counts())
        area_raw = _empty_counts()
        _add(area_raw, own_raw)
        goal_rows = []
        for goal in goals_by_area.get(area.pk, []):
            goal_raw = by_place.get((area.pk, goal.pk), _empty_counts())
            _add(area_raw, goal_raw)
            goal_rows.append({"id": goal.pk, "code": goal.code, "title": goal.title,
                              **_summary(goal_raw)})
        _add(plan_raw, area_raw)
        area_rows.append({"id": area.pk, "code": area.code, "title": area.title,
                          **_summary(area_raw), "own": _summary(own_raw),
                          "goals": goal_rows})

    risky = Q(risk_at__in=RISKY) & ~Q(status_at__in=CLOSED)
    listed = _action_rows(
        with_latest_update(actions, as_of, reported_in).filter(_overdue_q(as_of) | risky),
        as_of, public, annotated=True,
    )
    overdue = [row for row in listed if row["overdue"]]
    at_risk = [row for row in listed
               if row["risk"] in RISKY and row["status"] not in CLOSED]

    completed_in_window = _closed_in_window(
        Action.Status.COMPLETED, start_of_day(since + timedelta(days=1)),
        start_of_day(as_of + timedelta(days=1)), reported_in)
    completed = _action_rows(
        actions.filter(completed_in_window, status_at=Action.Status.COMPLETED),
        as_of, public, reported_in=reported_in,
    )

    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "generated_at": timezone.localtime().replace(microsecond=0).isoformat(),
        "as_of": as_of.isoformat(),
        "since": since.isoformat(),
        "public": public,
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "organization": plan.organization.name,
            "kind": plan.kind,
            "status": plan.status,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else None,
            "adopted_by": plan.adopted_by,
            "is_public": plan.is_public,
        },
        "scope": {
            "focus_area": (
                {"id": focus_area.pk, "code": focus_area.code, "title": focus_area.title}
                if focus_area else None
            ),
            "unit": {"id": unit.pk, "name": unit.name} if unit else None,
        },
        "totals": _summary(plan_raw),
        "plan_level": _summary(plan_level_raw),
        "focus_areas": area_rows,
        "indicators": _indicators(plan, focus_area, as_of),
        "overdue": overdue,
        "at_risk": at_risk,
        "since_previous": {
            "completed": completed,
            "became_overdue": [row for row in overdue if row["due_date"] >= since.isoformat()],
            "status_updates": _status_updates(actions, since, as_of, public, reported_in),
        },
    }
    if include_actions:
        data["actions"] = _action_rows(actions, as_of, public, reported_in=reported_in)
    if include_changes:
        data["changes"] = since_changes(actions, since, as_of, public, reported_in)
        data["evaluations"] = _evaluations(
            actions, period_start or since + timedelta(days=1), as_of, reported_in)
    # Numbered by place among all the tiltak of the same goal, area or plan, whatever
    # the unit reported on.
    in_scope = Action.objects.filter(plan=plan)
    if focus_area is not None:
        in_scope = in_scope.filter(focus_area=focus_area)
    _numbered(data, in_scope)
    if include_contributions:
        data["contributions"] = goal_contributions(
            [goal for area in data["focus_areas"] for goal in area["goals"]], as_of, today,
            public)
    return data
