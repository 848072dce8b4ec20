"""Querysets for actions and status updates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.apps import apps
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections, models
from django.db.models import Avg, BooleanField, Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from actions.permissions import RETURN_RULES, ROUND_RULES, RULES, round_work_q
from actions.read_model import ACTION_COLUMNS
from planportal.compiled_queries import CompiledQuery, Slot
from planportal.permissions import get_access


def _model(name: str) -> Any:
    """An actions model by name: querysets sit below models (a model's manager is built
    from its queryset), so they look models up in the registry instead of importing them."""
    return apps.get_model("actions", name)

CLOSED = ("completed", "cancelled", "carried_over")
#: The statuses whose actions do not count towards a mean progress or a share completed:
#: cancelled, and carried over into the plan's next version (counted there).
NOT_COUNTED = ("cancelled", "carried_over")


def overdue_q(today: date, *, prefix: str = "", status: str = "status") -> Q:
    """The one definition of *overdue*: a deadline before *today*, and still open.

    *prefix* reaches actions through a relation (``"focus_areas__goals__actions__"``);
    *status* names the status column, e.g. a report's ``status_at`` (status as of a date).
    :func:`is_overdue` is the same rule for values already in Python.
    """
    return Q(**{f"{prefix}due_date__lt": today}) & ~Q(**{f"{prefix}{status}__in": CLOSED})


def is_overdue(due_date: date | None, status: str, today: date) -> bool:
    """:func:`overdue_q` for one action's values."""
    return due_date is not None and due_date < today and status not in CLOSED


def progress_counted_q(*, prefix: str = "", status: str = "status") -> Q:
    """The actions a mean progress is taken over: all but the cancelled and carried over."""
    return ~Q(**{f"{prefix}{status}__in": NOT_COUNTED})


def unassigned_q(*, prefix: str = "") -> Q:
    """The one definition of *unassigned*: no responsible unit, or neither a deadline nor
    a continuous period ("løpende" is a kind of period, not a missing deadline)."""
    return Q(**{f"{prefix}responsible_unit__isnull": True}) | Q(
        **{f"{prefix}due_date__isnull": True, f"{prefix}continuous": False})


def level_q(level: str, *, prefix: str = "") -> Q:
    """The tiltak that hang at *level*: ``"goal"`` (under a delmål), ``"focus_area"``
    (directly on a satsingsområde) or ``"plan"`` (the whole plan), as ``Action.level``."""
    if level == "goal":
        return Q(**{f"{prefix}goal__isnull": False})
    if level == "focus_area":
        return Q(**{f"{prefix}focus_area__isnull": False, f"{prefix}goal__isnull": True})
    if level == "plan":
        return Q(**{f"{prefix}focus_area__isnull": True})
    raise ValueError(f"Unknown level {level!r}")


def average_progress_of(prefix: str = "") -> Avg:
    """Mean progress of the counted actions (:func:`progress_counted_q`), as an aggregate."""
    return Avg(f"{prefix}progress", filter=progress_counted_q(prefix=prefix))


def average_progress(actions: Iterable[Any]) -> int | None:
    """:func:`average_progress_of` for loaded actions (``progress``, ``status``), rounded."""
    counted = [a.progress for a in actions if a.status not in NOT_COUNTED]
    if not counted:
        return None
    return round(sum(counted) / len(counted))


class ActionQuerySet(models.QuerySet):
    """Actions, with permission scoping and the derived *overdue* flag."""

    def visible_to(self, user: Any) -> ActionQuerySet:
        """Actions the user may read."""
        return self.permitted(user, "view")

    def permitted(self, user: Any, verb: str) -> ActionQuerySet:
        """Actions on which the user may do *verb*: ``view``, ``manage`` or ``report``."""
        return self.filter(RULES[verb](get_access(user)))

    def overdue(self, today: date | None = None) -> ActionQuerySet:
        """Deadline passed and neither completed nor cancelled."""
        return self.filter(overdue_q(today or timezone.localdate()))

    def at_level(self, level: str) -> ActionQuerySet:
        """The tiltak hanging at *level* (:func:`level_q`)."""
        return self.filter(level_q(level))

    def unassigned(self) -> ActionQuerySet:
        """No responsible unit, or no deadline: the blank Ansvar/Tid columns.

        A continuous tiltak ("løpende") has no deadline by design, so it is not missing one.
        """
        return self.filter(unassigned_q())

    def with_overdue(self, today: date | None = None) -> ActionQuerySet:
        """Annotate ``overdue`` (bool) for lists and filters."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def with_latest_update(self) -> ActionQuerySet:
        """Annotate the latest status update's risk, comment and time."""
        latest = _latest_update()
        return self.annotate(
            latest_risk=Subquery(latest.values("risk")[:1]),
            latest_comment=Subquery(latest.values("comment")[:1]),
            latest_update_at=Subquery(latest.values("created_at")[:1]),
        )

    def with_latest_risk(self) -> ActionQuerySet:
        """Annotate only the latest status update's risk (for the risk filter)."""
        return self.annotate(latest_risk=Subquery(_latest_update().values("risk")[:1]))

    def for_api(self) -> ActionQuerySet:
        """The action an API write acts on, with the plan and people it checks, in one query.

        Loading whole users (password hash and all) for it costs more than the query
        itself; what the API answers is read afresh by :meth:`api_row`.
        """
        people = ("first_name", "last_name", "username")
        return self.select_related(
            "goal", "focus_area", "plan", "responsible_unit", "responsible_person", "evaluated_by"
        ).only(
            *[f.name for f in self.model._meta.concrete_fields],
            "focus_area_id", "plan_id",
            "plan__organization_id",
            "responsible_unit__name", "responsible_unit__kind",
            *[f"responsible_person__{name}" for name in people],
            *[f"evaluated_by__{name}" for name in people],
        )

    def api_rows(self, pks: list[int]) -> list[dict[str, Any]]:
        """The action list's rows for these actions, in the order of *pks*, as plain dicts.

        Each row holds :data:`~actions.read_model.ACTION_COLUMNS` and
        ``contributing_unit_ids`` (in tree order) and ``contributes_to_ids`` (the goals it
        contributes to); :func:`actions.read_model.action_row`
        shapes it as the API shows it. No model objects: building 500 actions with their
        goal, unit and people costs more than the query. On PostgreSQL it is one query,
        compiled once per day (see :data:`_PG_API_ROWS`); elsewhere a second query reads
        the contributing units. The ids alone decide the rows, so call it on
        ``Action.objects``, never on a filtered queryset.
        """
        self._by_id_alone()
        if not pks:
            return []
        if connections[self.db].vendor == "postgresql":
            fetched = _PG_API_ROWS.rows(timezone.localdate(), using=self.db, pks=list(pks))
        else:
            fetched = self.generic_api_rows(pks)
        rows = {row["id"]: row for row in fetched}
        return [rows[pk] for pk in pks if pk in rows]

    def api_row(self, pk: int) -> dict[str, Any] | None:
        """One action's row, as :meth:`api_rows` reads it, for the detail page (or None).

        The same columns from the same query builder, uncompiled: on PostgreSQL one query
        (contributing units aggregated in SQL), elsewhere two.
        """
        self._by_id_alone()
        if connections[self.db].vendor == "postgresql":
            rows = list(_api_rows_query(self.filter(pk=pk), timezone.localdate(), in_sql=True))
        else:
            rows = self.generic_api_rows([pk])
        return rows[0] if rows else None

    def generic_api_rows(self, pks: list[int]) -> list[dict[str, Any]]:
        """:meth:`api_rows` in two ORM queries that any database runs (in no set order)."""
        links = contributing_unit_ids(pks)
        goals = contributed_goal_ids(pks)
        fetched = list(_api_rows_query(self.filter(pk__in=pks), timezone.localdate(),
                                       in_sql=False))
        for row in fetched:
            row["contributing_unit_ids"] = links[row["id"]]
            row["contributes_to_ids"] = goals[row["id"]]
        return fetched

    def _by_id_alone(self) -> None:
        if self.query.where:
            raise ValueError("api_rows() reads by id alone: call it on Action.objects.")

    def for_list(self) -> ActionQuerySet:
        """The joins every action list needs, in a fixed number of queries. The plan's
        kommune too: its målform marks the plan text's language (``{% content_lang %}``)."""
        return self.select_related(
            "goal", "focus_area", "plan__organization", "responsible_unit", "responsible_person"
        )


def _latest_update() -> QuerySet:
    """An action's status updates, newest first (for correlated subqueries)."""
    updates = _model("StatusUpdate").objects
    return updates.filter(action=OuterRef("pk")).order_by("-created_at", "-pk")


def _api_rows_query(actions: QuerySet, today: date, *, in_sql: bool) -> QuerySet:
    """The read model's rows over *actions*: :data:`ACTION_COLUMNS`, and with *in_sql*
    (PostgreSQL) ``contributing_unit_ids`` as an array in the same query."""
    rows = actions.with_overdue(today).with_latest_update().order_by()
    if not in_sql:
        return rows.values(*ACTION_COLUMNS)
    Action = _model("Action")

    links = (Action.contributing_units.through.objects.filter(action_id=OuterRef("pk"))
             .order_by("unit__path").values("unit_id"))
    goals = (Action.contributes_to.through.objects.filter(action_id=OuterRef("pk"))
             .order_by("goal_id").values("goal_id"))
    return (rows.annotate(contributing_unit_ids=ArraySubquery(links),
                          contributes_to_ids=ArraySubquery(goals))
            .values(*ACTION_COLUMNS, "contributing_unit_ids", "contributes_to_ids"))


def _pg_api_rows(today: date) -> QuerySet:
    """The rows query of :meth:`ActionQuerySet.api_rows` on PostgreSQL, with a ``pks`` slot."""
    Action = _model("Action")

    # "= ANY(array)": one parameter, so the SQL text (and the prepared statement) is the
    # same whatever the page size.
    on_page = RawSQL('"actions_action"."id" = ANY(%s)', (Slot("pks"),),
                     output_field=BooleanField())
    return _api_rows_query(Action.objects.filter(on_page), today, in_sql=True)


_PG_API_ROWS = CompiledQuery(_pg_api_rows)


def contributing_unit_ids(action_ids: list[int]) -> dict[int, list[int]]:
    """Each action's contributing unit ids, in tree order, with one query on the link table.

    A plain ``values_list`` of (action, unit) pairs is far cheaper than Django's generic
    many-to-many prefetch, which builds a Unit object per link.
    """
    Action = _model("Action")

    links: dict[int, list[int]] = {pk: [] for pk in action_ids}
    through = Action.contributing_units.through.objects.filter(action_id__in=action_ids)
    # Tree order, as Unit's own ordering gives everywhere else.
    for action_id, unit_id in through.order_by("unit__path").values_list("action_id", "unit_id"):
        links[action_id].append(unit_id)
    return links


def contributed_goal_ids(action_ids: list[int]) -> dict[int, list[int]]:
    """The goals each action contributes to ("bidrar til"), by id, in one query on the
    link table (as :func:`contributing_unit_ids`)."""
    Action = _model("Action")

    goals: dict[int, list[int]] = {pk: [] for pk in action_ids}
    through = Action.contributes_to.through.objects.filter(action_id__in=action_ids)
    for action_id, goal_id in through.order_by("goal_id").values_list("action_id", "goal_id"):
        goals[action_id].append(goal_id)
    return goals


class StatusUpdateQuerySet(models.QuerySet):
    """Status updates: readable as their action, never updated or deleted in bulk."""

    def visible_to(self, user: Any) -> StatusUpdateQuerySet:
        """Updates on actions the user may read."""
        from actions.permissions import action_view_q

        return self.filter(action_view_q(get_access(user), "action__"))

    def update(self, **kwargs: Any) -> int:
        raise ValueError("Status updates are append-only and cannot be changed.")

    def delete(self) -> Any:
        raise ValueError("Status updates are append-only and cannot be deleted.")


#: Return states in which the responsible person still has to submit
#: (``ReportingReturn.AWAITING_SUBMISSION``).
AWAITING_SUBMISSION = ("requested", "draft", "sent_back")
#: The statuses of a tiltak that is owed no return: cancelled, or carried over into the
#: plan's next version (reported there), since the round opened.
OWES_NO_RETURN = ("cancelled", "carried_over")


def missing_q(prefix: str = "") -> Q:
    """The one definition of a *missing* return: not submitted yet, of a tiltak still
    going on here (one cancelled or carried over since the round opened is owed nothing).
    *prefix* reaches returns through a relation (``"returns__"``)."""
    return (Q(**{f"{prefix}state__in": AWAITING_SUBMISSION})
            & ~Q(**{f"{prefix}action__status__in": OWES_NO_RETURN}))


class ReportingRoundQuerySet(models.QuerySet):
    """Reporting rounds, scoped by the round rules (``actions.permissions``)."""

    def visible_to(self, user: Any) -> ReportingRoundQuerySet:
        """Rounds the user may read."""
        return self.permitted(user, "view")

    def permitted(self, user: Any, verb: str) -> ReportingRoundQuerySet:
        """Rounds on which the user may do *verb*: ``view`` or ``manage`` (open, close)."""
        return self.filter(ROUND_RULES[verb](get_access(user)))

    def open(self) -> ReportingRoundQuerySet:
        return self.filter(state="open")

    def closed(self) -> ReportingRoundQuerySet:
        return self.filter(state="closed")


class ReportingReturnQuerySet(models.QuerySet):
    """Returns of reporting rounds, scoped by the return rules (``actions.permissions``)."""

    def visible_to(self, user: Any) -> ReportingReturnQuerySet:
        """Returns the user may read (the round must be readable too). Of an open round,
        a reader reads only a return they report on (``round_view_q``, without its
        subquery: the return's own rule says the same)."""
        access = get_access(user)
        return self.filter(RETURN_RULES["view"](access) & (
            round_work_q(access, "round__") | RETURN_RULES["report"](access)))

    def permitted(self, user: Any, verb: str) -> ReportingReturnQuerySet:
        """Returns on which the user may do *verb*: ``view``, ``report`` or ``review``."""
        if verb == "view":
            return self.visible_to(user)
        return self.filter(RETURN_RULES[verb](get_access(user)))

    def awaiting_submission(self) -> ReportingReturnQuerySet:
        """Requested, in draft or sent back: the responsible person still has to submit."""
        return self.filter(state__in=AWAITING_SUBMISSION)

    def missing(self) -> ReportingReturnQuerySet:
        """Not submitted, of a tiltak still going on (:func:`missing_q`): what a round's
        pages count as missing, open or closed."""
        return self.filter(missing_q())

    def still_owed(self) -> ReportingReturnQuerySet:
        """Missing in an open round: what Mine tiltak and the reminders still ask for."""
        return self.missing().filter(round__state="open")


class RoundAssessmentQuerySet(models.QuerySet):
    """Assessments: drafts while the round is open, read as its work in progress."""

    def visible_to(self, user: Any) -> RoundAssessmentQuerySet:
        """Of a closed round, every member of the kommune; of an open one, those who hold
        a role above reader there (not a reader who only reports on a tiltak)."""
        return self.filter(round_work_q(get_access(user), "round__"))
