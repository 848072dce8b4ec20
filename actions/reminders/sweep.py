"""The sweeps: record in the delivery log what is due, then publish one task per e-mail.

A sweep reads the database, not the queue, so it can run any number of times, on any
number of beat processes, after any downtime: the unique keys of the delivery log make
the second run record nothing new, and the latest reached window makes a late run catch
up. Every step is a fixed number of queries whatever the number of actions (rows are
inserted in batches of ``BATCH``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.models import Action
from actions.querysets import overdue_q, unassigned_q
from actions.reminders import windows
from actions.reminders.recipients import Directory
from actions.round_models import ReportingReturn
from planportal.models import User
from planportal.queue import enqueue_on_commit
from strategies.models import Indicator

logger = logging.getLogger(__name__)

ORG = "plan__organization_id"
BATCH = 5000
Kind = ReminderDelivery.Kind
Status = ReminderDigest.Status
#: What a round asks and chases: in the daily digest, with the deadline reminders.
RETURN_KINDS = (Kind.RETURN_REQUESTED, Kind.RETURN_DUE, Kind.RETURN_OVERDUE,
                Kind.RETURN_OVERDUE_MANAGER)
#: Actions whose returns are no longer chased: they left the plan's open work. A tiltak
#: completed in the period still owes its (final) return, so completed is not here.


class Item(NamedTuple):
    """One line some recipient is due to be told about: a tiltak's, or (``action_id``
    None) an indicator's whose value is due. A named tuple: a catch-up makes some
    200,000 of them, and a tuple is built three times faster than a frozen dataclass."""

    recipient_id: int
    organization_id: int
    action_id: int | None
    kind: str
    key: str
    due_date: date | None
    indicator_id: int | None = None

    @property
    def unique(self) -> tuple[int, int | None, int | None, str, str]:
        return (self.recipient_id, self.action_id, self.indicator_id, self.kind, self.key)


@dataclass
class SweepReport:
    """What a sweep found and did (``items``: what was due and not yet recorded)."""

    today: date
    items: list[Item] = field(default_factory=list)
    published: int = 0
    uncertain: int = 0

    @property
    def recipients(self) -> set[tuple[int, int]]:
        return {(item.recipient_id, item.organization_id) for item in self.items}


def _today_and_now(today: date | None, now: datetime | None) -> tuple[date, datetime]:
    now = now or timezone.now()
    return (today or windows.oslo_date(now)), now


def in_sending_hours(now: datetime) -> bool:
    """True between REMINDER_SENDING_HOURS (Europe/Oslo)."""
    start, end = settings.REMINDER_SENDING_HOURS
    return start <= windows.oslo_hour(now) < end


# --- What is due ----------------------------------------------------------------------
# The scans are read whole (no server-side cursor): their rows are kept anyway, and a
# cursor's plan is chosen for its first rows, which made one kommune's stale scan four
# times slower than a plain query.


def awaiting_returns() -> Any:
    """Returns still to be submitted in open rounds, of actions still chased."""
    return ReportingReturn.objects.still_owed()


def _return_rows(organization_id: int | None = None) -> list[tuple]:
    rows = awaiting_returns()
    if organization_id is not None:
        rows = rows.filter(round__organization_id=organization_id)
    return list(
        rows
        .order_by()
        .values_list("round_id", "round__deadline", "round__opened_at", "action_id",
                     "action__responsible_person_id", "action__responsible_unit__path",
                     "round__organization_id")
    )


def _return_items(rows: list[tuple], directory: Directory, today: date) -> list[Item]:
    """The request, the deadline windows and the overdue reminders of the open returns.

    A return must be given by somebody: an opted-out or unreachable person is passed over
    to the unit managers. Once overdue, the managers of the unit are told once as well
    (unless they are the ones asked already).
    """
    reminder_windows = settings.REMINDER_WINDOWS
    items: list[Item] = []
    for round_id, deadline, opened_at, pk, person, unit_path, org in rows:
        addressees = directory.responsible_for(org, person, unit_path,
                                               fall_back_when_opted_out=True)
        if not addressees:
            continue
        due: list[tuple[str, str]] = [(Kind.RETURN_REQUESTED, "req")]
        window = windows.latest_return_window(deadline, today, reminder_windows,
                                              windows.oslo_date(opened_at))
        repeat = windows.overdue_repeat(deadline, today)
        if window is not None:
            due.append((Kind.RETURN_DUE, f"w{window}"))
        elif repeat is not None:
            due.append((Kind.RETURN_OVERDUE, f"o{repeat}"))
        for kind, suffix in due:
            key = windows.return_key(round_id, suffix)
            items.extend(Item(user, org, pk, kind, key, deadline) for user in addressees)
        if repeat is not None:
            key = windows.return_key(round_id, "m")
            items.extend(
                Item(user, org, pk, Kind.RETURN_OVERDUE_MANAGER, key, deadline)
                for user in directory.managers_for(org, unit_path) if user not in addressees
            )
    return items


def _indicator_rows(horizon: date, organization_id: int | None = None) -> list[tuple]:
    """The indicators whose next value is due by *horizon* (or overdue), in plans still
    followed up (:meth:`strategies.querysets.IndicatorQuerySet.followed_up`)."""
    rows = Indicator.objects.followed_up()
    if organization_id is not None:
        rows = rows.filter(goal__focus_area__plan__organization_id=organization_id)
    return list(
        rows
        .filter(next_due_on__lte=horizon)
        .order_by()
        .values_list("pk", "next_due_on", "responsible_person_id", "responsible_unit__path",
                     "goal__focus_area__plan__organization_id")
    )


def deadline_reached(due: date, today: date, due_kind: str, overdue_kind: str
                     ) -> tuple[str, str] | None:
    """The reminder a deadline (a tiltak's, or an indicator's next value) has reached on
    *today*: the latest reminder window, else the week's overdue repeat, else none."""
    window = windows.latest_window(due, today, settings.REMINDER_WINDOWS)
    if window is not None:
        return due_kind, windows.deadline_key(due, window)
    repeat = windows.overdue_repeat(due, today)
    if repeat is None:
        return None
    return overdue_kind, windows.overdue_key(due, repeat)


def _indicator_items(rows: list[tuple], directory: Directory, today: date) -> list[Item]:
    """An indicator's value due: in the deadline windows (INDICATOR_DUE), then weekly while
    overdue (INDICATOR_OVERDUE), with the tiltak deadlines' keys (``<due>/w<window>``,
    ``<due>/o<week>``), so a moved due date opens new windows. To the responsible person,
    else the unit's managers; an opted-out person gets nothing, as for a tiltak."""
    items: list[Item] = []
    for pk, due, person, unit_path, org in rows:
        reached = deadline_reached(due, today, Kind.INDICATOR_DUE, Kind.INDICATOR_OVERDUE)
        if reached is None:
            continue
        kind, key = reached
        items.extend(Item(recipient, org, None, kind, key, due, indicator_id=pk)
                     for recipient in directory.responsible_for(org, person, unit_path))
    return items


def _in_kommune(actions: Any, organization_id: int | None) -> Any:
    return actions if organization_id is None else actions.filter(
        plan__organization_id=organization_id)


def due_daily_items(today: date, now: datetime,
                    organization_id: int | None = None) -> list[Item]:
    """Reminder windows, weekly overdue repeats, stale-status nudges, the reporting
    rounds' requests and reminders, and the indicator values due on *today*.

    Four scans (deadlines, stale actions, open returns, indicators) and one membership
    query.
    """
    reminder_windows = settings.REMINDER_WINDOWS
    horizon = today + timedelta(days=max(reminder_windows))
    deadline_rows = list(
        _in_kommune(Action.objects, organization_id).exclude(status__in=Action.CLOSED_STATUSES)
        .filter(due_date__isnull=False, due_date__lte=horizon)
        .order_by()
        .values_list("pk", "due_date", "responsible_person_id", "responsible_unit__path", ORG)
    )
    stale_days = settings.REMINDER_STALE_DAYS
    # Updated on or after this instant = not stale; compared again on dates below.
    cutoff = datetime.combine(today - timedelta(days=stale_days - 1), time(0), windows.OSLO)
    stale_rows = list(
        # With or without a responsible person: without one, the unit managers are nudged.
        _in_kommune(Action.objects, organization_id).filter(status=Action.Status.IN_PROGRESS)
        .annotate(last_update=Coalesce(Max("status_updates__created_at"), F("created_at")))
        .filter(last_update__lt=cutoff)
        .order_by()
        .values_list("pk", "last_update", "responsible_person_id", "responsible_unit__path", ORG)
    )
    return_rows = _return_rows(organization_id)
    indicator_rows = _indicator_rows(horizon, organization_id)
    directory = Directory.load({row[4] for row in deadline_rows} | {row[4] for row in stale_rows}
                               | {row[6] for row in return_rows}
                               | {row[4] for row in indicator_rows})

    items: list[Item] = []
    for pk, due, person, unit_path, org in deadline_rows:
        reached = deadline_reached(due, today, Kind.DEADLINE, Kind.OVERDUE)
        if reached is None:
            continue
        kind, key = reached
        for recipient in directory.responsible_for(org, person, unit_path):
            items.append(Item(recipient, org, pk, kind, key, due))
    for pk, last_update, person, unit_path, org in stale_rows:
        last_day = windows.oslo_date(last_update)
        period = windows.stale_period(last_day, today, stale_days)
        if period is None:
            continue
        # The nudge asks for a status update that somebody has to give: the responsible
        # person, or the unit managers when there is none, or that person is inactive,
        # unreachable or has turned reminders off (unlike the deadline reminders above).
        key = windows.stale_key(last_day, period)
        for recipient in directory.responsible_for(org, person, unit_path,
                                                   fall_back_when_opted_out=True):
            items.append(Item(recipient, org, pk, Kind.STALE, key, None))
    items.extend(_return_items(return_rows, directory, today))
    items.extend(_indicator_items(indicator_rows, directory, today))
    return items


def _sector_kind(due: date | None, person: int | None, today: date) -> str:
    # The rows are open actions, so a past deadline is overdue (overdue_q).
    if due is not None and due < today:
        return Kind.SECTOR_OVERDUE
    if person is None:
        return Kind.SECTOR_UNASSIGNED
    return Kind.SECTOR_NO_DEADLINE


def due_sector_items(today: date, organization_id: int | None = None) -> list[Item]:
    """This week's sector-digest lines for sector leaders who have not had it yet (of
    one kommune with *organization_id*).

    A sector is the leader's unit subtree; an action without a responsible unit belongs
    to the sector that owns its plan. Three queries.
    """
    monday = windows.week_start(today)
    directory = Directory.load(None if organization_id is None else {organization_id})
    done_rows = ReminderDigest.objects.filter(kind=ReminderDigest.Kind.SECTOR_WEEKLY, date=monday)
    if organization_id is not None:
        done_rows = done_rows.filter(organization_id=organization_id)
    done = set(done_rows.values_list("recipient_id", "organization_id"))
    leaders = [
        (user, org, path)
        for user, org, path in directory.sector_leaders
        if user in directory.opted_in and (user, org) not in done
    ]
    if not leaders:
        return []
    rows = (
        Action.objects.exclude(status__in=Action.CLOSED_STATUSES)
        .filter(**{f"{ORG}__in": {org for _user, org, _path in leaders}})
        # No person, or unassigned_q's blank Ansvar/Tid (a "løpende" period is not blank).
        .filter(overdue_q(today) | Q(responsible_person__isnull=True) | unassigned_q())
        .order_by()
        .values_list("pk", ORG, "responsible_unit__path",
                     "plan__owner_unit__path", "due_date",
                     "responsible_person_id")
    )
    by_org: dict[int, list[tuple[int, str | None, date | None, int | None]]] = defaultdict(list)
    for pk, org, unit_path, owner_path, due, person in rows:
        by_org[org].append((pk, unit_path or owner_path, due, person))
    items: dict[tuple[int, int, str, str], Item] = {}
    key = monday.isoformat()
    for user, org, leader_path in leaders:
        for pk, path, due, person in by_org.get(org, ()):
            if path and path.startswith(leader_path):
                item = Item(user, org, pk, _sector_kind(due, person, today), key, due)
                items[item.unique] = item
    return list(items.values())


# --- Recording and publishing ---------------------------------------------------------


def _new_only(items: list[Item]) -> list[Item]:
    """The items the delivery log does not hold yet (one query)."""
    if not items:
        return []
    if connection.vendor == "postgresql":
        held = _held_on_postgresql(items)
        return [item for position, item in enumerate(items, 1) if position not in held]
    actions = {item.action_id for item in items if item.action_id is not None}
    indicators = {item.indicator_id for item in items if item.indicator_id is not None}
    about = Q(action_id__in=actions) if actions else Q(pk__in=[])
    if indicators:
        about |= Q(indicator_id__in=indicators)
    existing = set(
        ReminderDelivery.objects.filter(about, kind__in={item.kind for item in items})
        .values_list("recipient_id", "action_id", "indicator_id", "kind", "key")
    )
    return [item for item in items if item.unique not in existing]


def _held_on_postgresql(items: list[Item]) -> set[int]:
    """The positions (from 1) of the *items* the log holds, each looked up by its unique
    key: one statement over arrays. Filtering by action id instead (an IN list of tens of
    thousands of parameters) fetched every earlier line of those actions as well."""
    table = connection.ops.quote_name(ReminderDelivery._meta.db_table)

    def probe(column: str, of: str) -> str:
        # LATERAL … LIMIT 1: one probe of the unique index per item. As a plain join the
        # planner misjudged the four-column match and hashed the whole log for each
        # kommune's part (spilling to disk); the probes cost what the items are, whatever
        # the size of the log.
        return (f"SELECT t.i FROM t, LATERAL (SELECT 1 FROM {table} d WHERE "  # noqa: S608
                f"d.recipient_id = t.r AND d.{column} = t.{of} AND d.kind = t.k "
                f"AND d.key = t.y LIMIT 1) AS held WHERE t.{of} IS NOT NULL")

    sql = (
        "WITH t AS MATERIALIZED (SELECT * FROM unnest(%s::bigint[], %s::bigint[], "  # noqa: S608 - our table name
        "%s::bigint[], %s::varchar[], %s::varchar[]) WITH ORDINALITY AS t(r, a, n, k, y, i)) "
        f"{probe('action_id', 'a')} UNION ALL {probe('indicator_id', 'n')}"
    )
    recipients, _orgs, actions, kinds, keys, _due, indicators = zip(*items, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                _ids(recipients), _ids(actions), _ids(indicators), _array(kinds), _array(keys),
            ],
        )
        return {position for (position,) in cursor.fetchall()}


def _ids(values: Iterable[object]) -> str:
    """A PostgreSQL array literal of ids or dates (None as NULL), joined at C speed:
    ``str(None)`` is "None", which no number or ISO date contains."""
    return "{" + ",".join(map(str, values)).replace("None", "NULL") + "}"


def _array(values: Iterable[object]) -> str:
    """A PostgreSQL array literal of our own kinds and keys (no quotes or commas in them):
    psycopg's list adaptation would otherwise dump each element in Python."""
    return "{" + ",".join("NULL" if v is None else f'"{v}"' for v in values) + "}"


def _record(items: Iterable[Item], digest_ids: dict[tuple[int, int], int] | None = None) -> None:
    """Insert *items* into the log; the unique key makes a second sweep (or beat) a no-op."""
    items = list(items)
    if not items:
        return
    digest_ids = digest_ids or {}
    if connection.vendor == "postgresql":
        # One statement over arrays: building tens of thousands of model instances for
        # bulk_create costs more than the insert itself on a catch-up sweep.
        table = connection.ops.quote_name(ReminderDelivery._meta.db_table)
        recipients, orgs, actions, kinds, keys, due_dates, indicators = zip(*items, strict=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (recipient_id, organization_id, action_id, "  # noqa: S608 - our table name
                "indicator_id, kind, key, due_date, digest_id, sent_at, created_at) "
                "SELECT r, o, a, n, k, y, d, g, NULL, now() FROM unnest("
                "%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::varchar[], "
                "%s::varchar[], %s::date[], %s::bigint[]) AS t(r, o, a, n, k, y, d, g) "
                "ON CONFLICT DO NOTHING",
                [
                    _ids(recipients), _ids(orgs), _ids(actions), _ids(indicators),
                    _array(kinds), _array(keys), _ids(due_dates),
                    _ids(digest_ids.get(pair) for pair in zip(recipients, orgs, strict=True)),
                ],
            )
        return
    ReminderDelivery.objects.bulk_create(
        [
            ReminderDelivery(
                recipient_id=item.recipient_id,
                organization_id=item.organization_id,
                action_id=item.action_id,
                indicator_id=item.indicator_id,
                kind=item.kind,
                key=item.key,
                due_date=item.due_date,
                digest_id=digest_ids.get((item.recipient_id, item.organization_id)),
            )
            for item in items
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _open_digests(pairs: Iterable[tuple[int, int]], kind: str, day: date) -> None:
    """Open a pending e-mail of *kind* for *day* per (recipient, organisation) pair,
    unless it exists (its unique key: a concurrent sweep opened it, or it went out)."""
    pairs = sorted(pairs)
    if not pairs:
        return
    if connection.vendor == "postgresql":
        # One statement over arrays, as _record: building 10,000 model instances cost
        # more than the insert. The columns are the model's defaults.
        table = connection.ops.quote_name(ReminderDigest._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (recipient_id, organization_id, kind, date, hour, "  # noqa: S608 - our table name
                "status, claim_token, attempts, last_error, message_id, created_at) "
                "SELECT r, o, %s, %s, 0, %s, '', 0, '', '', now() "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS t(r, o) ON CONFLICT DO NOTHING",
                [kind, day, Status.PENDING, _ids(r for r, _o in pairs),
                 _ids(o for _r, o in pairs)],
            )
        return
    ReminderDigest.objects.bulk_create(
        [ReminderDigest(recipient_id=recipient, organization_id=org, kind=kind, date=day)
         for recipient, org in pairs],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _daily_digest_ids(pairs: set[tuple[int, int]], today: date) -> dict[tuple[int, int], int]:
    """The pending daily e-mail each (recipient, organisation) pair's new items go into.

    A pair's pending e-mail if it has one; otherwise a new one for today, unless one was
    opened today or went out today: then the pair is left out and its items wait for
    tomorrow (at most one e-mail a day). Three queries.
    """
    if not pairs:
        return {}
    recipients = {recipient for recipient, _org in pairs}
    day_start = datetime.combine(today, time(0), windows.OSLO)
    day_end = datetime.combine(today + timedelta(days=1), time(0), windows.OSLO)
    targets: dict[tuple[int, int], int] = {}
    busy: set[tuple[int, int]] = set()
    rows = (
        ReminderDigest.objects.filter(kind=ReminderDigest.Kind.DAILY, recipient_id__in=recipients)
        # Pending or being sent, opened today, or an older one that went out today.
        .filter(Q(status__in=[Status.PENDING, Status.SENDING]) | Q(date=today)
                | Q(sent_at__gte=day_start, sent_at__lt=day_end))
        .order_by("-date", "-pk")
        .values_list("pk", "recipient_id", "organization_id", "status")
    )
    for pk, recipient, org, status in rows:
        if status == Status.PENDING:
            targets[(recipient, org)] = pk  # ordered newest first: the oldest wins
        else:
            busy.add((recipient, org))
    fresh = pairs - busy - set(targets)
    if fresh:
        _open_digests(fresh, ReminderDigest.Kind.DAILY, today)  # or a concurrent sweep did
        for pk, recipient, org in ReminderDigest.objects.filter(
            kind=ReminderDigest.Kind.DAILY, date=today, status=Status.PENDING,
            recipient_id__in={recipient for recipient, _org in fresh},
        ).values_list("pk", "recipient_id", "organization_id"):
            if (recipient, org) in fresh:
                targets[(recipient, org)] = pk
    return {pair: pk for pair, pk in targets.items() if pair in pairs and pair not in busy}


def _attach_waiting(today: date, organization_id: int | None = None) -> None:
    """Give items left waiting a pending e-mail: those of yesterday's "already had one
    today", and those an e-mail left behind because they arrived while it was being sent.
    Normally few rows; every step is a fixed number of queries.
    """
    waiting = ReminderDelivery.objects.filter(
        sent_at__isnull=True, kind__in=ReminderDelivery.DAILY_KINDS
    ).filter(Q(digest__isnull=True) | Q(digest__status=Status.SENT))
    if organization_id is not None:
        waiting = waiting.filter(organization_id=organization_id)
    pairs = set(waiting.values_list("recipient_id", "organization_id").distinct())
    if not pairs:
        return
    _daily_digest_ids(pairs, today)
    pending = (
        ReminderDigest.objects.filter(
            kind=ReminderDigest.Kind.DAILY,
            status=Status.PENDING,
            recipient_id=OuterRef("recipient_id"),
            organization_id=OuterRef("organization_id"),
        )
        .order_by("date", "pk")
        .values("pk")[:1]
    )
    waiting.update(digest=Subquery(pending))


def _open_sector_digests(items: list[Item], monday: date) -> None:
    pairs = {(item.recipient_id, item.organization_id) for item in items}
    _open_digests(pairs, ReminderDigest.Kind.SECTOR_WEEKLY, monday)
    digest_ids = {
        (recipient, org): pk
        for pk, recipient, org in ReminderDigest.objects.filter(
            kind=ReminderDigest.Kind.SECTOR_WEEKLY, date=monday, status=Status.PENDING,
            recipient_id__in={recipient for recipient, _org in pairs},
        ).values_list("pk", "recipient_id", "organization_id")
    }
    # Lines of a digest another sweep already sent are not recorded: next week has its own.
    _record([item for item in items
             if (item.recipient_id, item.organization_id) in digest_ids], digest_ids)


def expire_claims(now: datetime) -> int:
    """Claims older than the lease belong to a worker that died mid-send: "uncertain"."""
    lease = timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    count = ReminderDigest.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - lease
    ).update(
        status=Status.UNCERTAIN,
        last_error=_("The worker stopped while sending; the e-mail may or may not have gone."),
    )
    if count:
        logger.error("%d reminder e-mails are uncertain: a worker died while sending", count)
    return count


def publish_pending(today: date, now: datetime, kinds: Iterable[str] | None = None,
                    organization_id: int | None = None) -> int:
    """Publish one send task per pending e-mail (of *kinds*, default all), after the
    sweep's transaction commits.

    ``robust=True``: if Redis is down the sweep's rows are still committed, and the next
    sweep publishes them again.
    """
    pending = ReminderDigest.objects.filter(status=Status.PENDING, date__lte=today)
    if organization_id is not None:
        pending = pending.filter(organization_id=organization_id)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    ids = list(
        pending
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        enqueue_on_commit("actions.tasks.send_reminder_digest", pk)
    return len(ids)


def sweep_deadlines(
    today: date | None = None,
    *,
    now: datetime | None = None,
    publish: bool = True,
    dry_run: bool = False,
    organization_id: int | None = None,
) -> SweepReport:
    """Record today's deadline reminders, overdue repeats and nudges; publish e-mails.

    With *organization_id*, one kommune's part only (:func:`actions.tasks.
    sweep_deadline_reminders` runs one part per kommune, so workers share the sweep): its
    items, its e-mails, its publishing. The parts together do what the whole does, and
    each is as idempotent as the whole (the delivery log's unique keys).
    """
    today, now = _today_and_now(today, now)
    report = SweepReport(today=today)
    if dry_run:
        report.items = _new_only(due_daily_items(today, now, organization_id))
        return report
    with _sweep_transaction("daily", organization_id):
        items = due_daily_items(today, now, organization_id)
        # Only what the log does not hold yet opens e-mails; a second run finds nothing.
        report.items = _new_only(items)
        pairs = {(item.recipient_id, item.organization_id) for item in report.items}
        _record(report.items, _daily_digest_ids(pairs, today))
        _attach_waiting(today, organization_id)
        if organization_id is None:  # a part leaves the stale claims to the whole's start
            report.uncertain = expire_claims(now)
        if publish:
            report.published = publish_pending(today, now, organization_id=organization_id)
    return report


def kommuner_to_sweep() -> list[int]:
    """The kommuner a split deadline or sector-digest sweep makes a part for: all of them
    (one cheap query). Hourly, and nearly every kommune has something due each day;
    finding out which would cost a part's own scans."""
    from planportal.models import Organization

    return list(Organization.objects.order_by("pk").values_list("pk", flat=True))


@contextmanager
def _sweep_transaction(sweep_name: str, organization_id: int | None,
                       *, lock: bool = True) -> Iterator[None]:
    """The transaction of a sweep, or of one kommune's part of it.

    On PostgreSQL, one statement first: JIT off for the transaction, since the sweep's
    statements are index probes and scans of one kommune, and compiling those whose
    estimate passes ``jit_above_cost`` cost more than running them (40 % of the next
    day's split sweep on dataset M); and (*lock*) one kommune's part of a sweep at a
    time: a doubled beat tick or a redelivered part waits for the first, then finds its
    work recorded, instead of racing it into the same unique keys (a deadlock when the
    two insert in different orders). The whole (unsplit) sweep takes no lock, and
    SQLite serialises writers anyway.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if lock and organization_id is not None:
                    cursor.execute("SELECT set_config('jit', 'off', true), "
                                   "pg_advisory_xact_lock(hashtext(%s), %s)",
                                   [f"planportal.sweep.{sweep_name}", organization_id])
                else:
                    cursor.execute("SELECT set_config('jit', 'off', true)")
        yield


def sweep_sector_digests(
    today: date | None = None,
    *,
    now: datetime | None = None,
    publish: bool = True,
    dry_run: bool = False,
    organization_id: int | None = None,
) -> SweepReport:
    """Open this week's sector digests (from the configured weekday on); publish e-mails.

    With *organization_id*, one kommune's part (:func:`actions.tasks.sweep_sector_digests`
    runs one per kommune), as :func:`sweep_deadlines`.
    """
    today, now = _today_and_now(today, now)
    report = SweepReport(today=today)
    due = today.isoweekday() >= settings.REMINDER_SECTOR_DIGEST_WEEKDAY
    if dry_run:
        report.items = due_sector_items(today, organization_id) if due else []
        return report
    with _sweep_transaction("sector", organization_id):
        report.items = items = due_sector_items(today, organization_id) if due else []
        if items:
            _open_sector_digests(items, windows.week_start(today))
        if organization_id is None:
            report.uncertain = expire_claims(now)
        if publish:
            report.published = publish_pending(today, now, organization_id=organization_id)
    return report


# --- Notices --------------------------------------------------------------------------


def _waiting_notices(organization_id: int | None = None) -> Any:
    """Notices not yet in an e-mail, and those a sent e-mail left behind (they arrived
    while it was being sent); of one kommune with *organization_id*."""
    waiting = ReminderDelivery.objects.filter(
        sent_at__isnull=True, kind__in=ReminderDelivery.NOTICE_KINDS
    ).filter(Q(digest__isnull=True) | Q(digest__status=Status.SENT))
    if organization_id is not None:
        waiting = waiting.filter(organization_id=organization_id)
    return waiting


def kommuner_with_notices(today: date, now: datetime) -> list[int]:
    """The kommuner a split notice sweep makes a part for: those with notices waiting
    for an e-mail, or a notice e-mail to publish (a retry whose time has come). It runs
    every few minutes and most kommuner have nothing then: one query instead of a task
    per kommune each time."""
    waiting = _waiting_notices().order_by().values_list("organization_id", flat=True)
    to_publish = (
        ReminderDigest.objects.filter(kind=ReminderDigest.Kind.NOTICE, status=Status.PENDING,
                                      date__lte=today)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .order_by().values_list("organization_id", flat=True)
    )
    return sorted(set(waiting.union(to_publish).order_by()))


def _oldest_notice_digest(**filters: Any) -> Subquery:
    return Subquery(
        ReminderDigest.objects.filter(
            kind=ReminderDigest.Kind.NOTICE,
            recipient_id=OuterRef("recipient_id"),
            organization_id=OuterRef("organization_id"),
            **filters,
        )
        .order_by("date", "hour", "pk")
        .values("pk")[:1]
    )


def _bundle_notices(items: list[Item], today: date, hour: int,
                    organization_id: int | None = None) -> None:
    """Put waiting notices into one e-mail per (recipient, organisation, date, hour).

    A pair with a pending notice e-mail joins it; otherwise this hour's e-mail is opened,
    unless it exists already (went out, or is going out): the notices then wait for the
    next hour, so nobody gets more than one notice e-mail an hour. Someone who cannot
    receive e-mail (turned reminders off, inactive, no address) gets this hour's e-mail
    opened as cancelled, and their notices go into it: recorded as not sent, never
    retried. A fixed number of queries.
    """
    pairs = {(item.recipient_id, item.organization_id) for item in items}
    if not pairs:
        return
    recipients = {recipient for recipient, _org in pairs}
    unreachable = set(
        User.objects.filter(pk__in=recipients)
        .filter(Q(is_active=False) | Q(reminder_emails=False) | Q(email=""))
        .values_list("pk", flat=True)
    )
    pending = set(
        ReminderDigest.objects.filter(kind=ReminderDigest.Kind.NOTICE, status=Status.PENDING,
                                      recipient_id__in=recipients)
        .values_list("recipient_id", "organization_id")
    )
    cancelled = _("The recipient has turned reminder e-mails off.")
    ReminderDigest.objects.bulk_create(
        [
            ReminderDigest(
                recipient_id=recipient, organization_id=org, kind=ReminderDigest.Kind.NOTICE,
                date=today, hour=hour,
                **({"status": Status.CANCELLED, "last_error": cancelled}
                   if recipient in unreachable else {}),
            )
            for recipient, org in sorted(pairs - pending)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,  # this hour's e-mail exists: a concurrent sweep, or it went out
    )
    waiting = _waiting_notices(organization_id)
    waiting.exclude(recipient_id__in=unreachable).update(
        digest=_oldest_notice_digest(status=Status.PENDING))
    waiting.filter(recipient_id__in=unreachable).update(
        digest=_oldest_notice_digest(status=Status.CANCELLED, date=today, hour=hour))


def sweep_notices(
    today: date | None = None,
    *,
    now: datetime | None = None,
    publish: bool = True,
    dry_run: bool = False,
    organization_id: int | None = None,
) -> SweepReport:
    """Bundle the notices recorded since the last run into e-mails; publish them.

    The services record the notices (``actions.notices``); this only bundles and sends,
    so it can run every few minutes on any number of beats. With *organization_id*, one
    kommune's part (:func:`actions.tasks.sweep_notices`), as :func:`sweep_deadlines`.
    """
    today, now = _today_and_now(today, now)
    report = SweepReport(today=today)
    with _sweep_transaction("notices", organization_id, lock=not dry_run):
        report.items = [
            Item(*row) for row in _waiting_notices(organization_id).order_by("pk").values_list(
                "recipient_id", "organization_id", "action_id", "kind", "key", "due_date")
        ]
        if dry_run:
            return report
        _bundle_notices(report.items, today, windows.oslo_hour(now), organization_id)
        if organization_id is None:
            report.uncertain = expire_claims(now)
        if publish:
            report.published = publish_pending(today, now, [ReminderDigest.Kind.NOTICE],
                                               organization_id)
    return report
