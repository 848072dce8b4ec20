"""``python -m bench reminders [--rounds N]``: the reminder sweep on dataset M (100,000 actions).

Eager mode, locmem e-mail, the fixed day ``2026-06-15``. Each round empties the delivery
log and times, interleaved with a floor (one hand-written SQL statement: the deadline scan
grouped by organisation and person, as in performance.md §1.6):

- ``catch-up (record)``: both sweeps (deadlines + nudges, sector digests) on an empty
  delivery log, i.e. everything the dataset has ever made due, recorded and grouped into
  e-mails, nothing published (sending ~10,000 e-mails in one process takes minutes);
- ``next day (sweep only)``: with those marked sent, the sweeps of 2026-06-16 (what
  became due that day), rolled back before their tasks run: deciding, recording and
  fanning out, without building the e-mails;
- with ``--send``: ``next day (full, eager)``, the same with every e-mail built and "sent"
  in-process (locmem), and ``same day again`` (nothing new: the idempotent re-run).

Query counts and the number of tasks published come from a separate, untimed pass.
"""

# ruff: noqa: S608 - the floor's SQL is built from our own models' table names only.
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import warnings
from datetime import date, timedelta
from typing import Any

TODAY = date(2026, 6, 15)
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/planportal_bench_reminders"


def _configure() -> str:
    url = os.environ.get("BENCH_REMINDERS_DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name in ("REDIS_URL", "DB_POOL_SIZE", "SQLITE_PATH", "EMAIL_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planportal.settings")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from bench.run import _create_pg_database

    _create_pg_database(url)
    return url


def _floor_sql() -> str:
    from actions.models import Action
    from strategies.models import Plan

    a, p = (m._meta.db_table for m in (Action, Plan))
    return (
        f"SELECT p.organization_id, a.responsible_person_id, count(*), min(a.due_date) "
        f"FROM {a} a JOIN {p} p ON p.id = a.plan_id "
        f"WHERE a.status NOT IN ('completed', 'cancelled') AND a.due_date IS NOT NULL "
        f"AND a.due_date <= %s GROUP BY 1, 2"
    )


def main(argv: list[str] | None = None) -> None:
    """Seed dataset M into its own database and time the sweeps against the floor."""
    parser = argparse.ArgumentParser(prog="python -m bench reminders", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--send", action="store_true",
                        help="also time the next day's sweep with every e-mail built and sent "
                             "in-process (eager); minutes on dataset M")
    args = parser.parse_args(argv)
    url = _configure()

    import django

    django.setup()
    from celery.signals import task_prerun
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection, transaction

    from actions.deliveries import ReminderDelivery, ReminderDigest
    from actions.reminders.sweep import sweep_deadlines, sweep_sector_digests
    from bench.datasets import describe, seed

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed("M")
    print(f"dataset M ready in {time.perf_counter() - started:.1f} s ({url.rsplit('/', 1)[1]}); "
          f"{describe('M')}")

    published = {"count": 0, "would": 0}
    task_prerun.connect(lambda **_kw: published.__setitem__("count", published["count"] + 1),
                        weak=False)
    floor_sql = _floor_sql()

    def reset() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {ReminderDelivery._meta.db_table}, "
                           f"{ReminderDigest._meta.db_table}")
        mail.outbox = []
        published["count"] = 0

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [TODAY + timedelta(days=30)])
            return len(cursor.fetchall())

    def sweeps(day: date, publish: bool) -> None:
        sweep_deadlines(day, publish=publish)
        sweep_sector_digests(day, publish=publish)

    def mark_all_sent() -> None:
        # Stands for "yesterday's e-mails went out": the next day starts from a clean slate.
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {ReminderDigest._meta.db_table} SET status = 'sent', "
                           "sent_at = now() - interval '1 day' WHERE status = 'pending'")
            cursor.execute(f"UPDATE {ReminderDelivery._meta.db_table} SET sent_at = now() "
                           "WHERE sent_at IS NULL")

    def catch_up() -> None:
        sweeps(TODAY, publish=False)

    def next_day() -> None:
        sweeps(TODAY + timedelta(days=1), publish=True)

    def next_day_sweep_only() -> None:
        # The same sweep, rolled back: the tasks it would publish are counted, not run.
        with transaction.atomic():
            sweeps(TODAY + timedelta(days=1), publish=True)
            # Both sweeps publish every pending e-mail; count each e-mail once.
            published["would"] = ReminderDigest.objects.filter(
                status=ReminderDigest.Status.PENDING).count()
            transaction.set_rollback(True)

    class Counter:
        def __init__(self) -> None:
            self.count = 0

        def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            self.count += 1
            return execute(sql, params, many, context)

    def queries_of(call: Any) -> int:
        counter = Counter()
        with connection.execute_wrapper(counter):
            call()
        return counter.count

    # Untimed pass: queries, lines, e-mails and tasks.
    reset()
    counts = {"floor": 1, "catch-up (record)": queries_of(catch_up)}
    lines, opened = ReminderDelivery.objects.count(), ReminderDigest.objects.count()
    actions_listed = ReminderDelivery.objects.values("action_id").distinct().count()
    mark_all_sent()
    counts["next day (sweep only)"] = queries_of(next_day_sweep_only)
    would_publish = published["would"]
    steps: list[tuple[str, Any]] = [("next day (sweep only)", next_day_sweep_only)]
    if args.send:
        published["count"], mail.outbox = 0, []
        counts["next day (full, eager)"] = queries_of(next_day)
        steps.append(("next day (full, eager)", next_day))
        counts["same day again"] = queries_of(next_day)
        steps.append(("same day again", next_day))
        print(f"Eager run: {len(mail.outbox):,} e-mails, {published['count']:,} tasks.")

    rows: dict[str, list[float]] = {name: [] for name in counts}
    for _ in range(args.rounds):
        reset()
        for name, call in (("floor", floor), ("catch-up (record)", catch_up)):
            gc.collect()
            began = time.perf_counter()
            call()
            rows[name].append(time.perf_counter() - began)
        mark_all_sent()
        for name, call in steps:
            gc.collect()
            began = time.perf_counter()
            call()
            rows[name].append(time.perf_counter() - began)

    floor_p50 = statistics.median(rows["floor"])
    print(f"\nCatch-up from an empty log on {TODAY}: {lines:,} reminder lines for "
          f"{actions_listed:,} actions in {opened:,} e-mails (recorded, not sent).")
    print(f"Next day ({TODAY + timedelta(days=1)}): {would_publish:,} e-mails, so "
          f"{would_publish:,} tasks to publish (one per e-mail, not per action).\n")
    print("| step | p50 s | min s | queries | ratio to floor (p50) |")
    print("|---|---|---|---|---|")
    for name, times in rows.items():
        p50 = statistics.median(times)
        print(f"| {name} | {p50:.3f} | {min(times):.3f} | {counts[name]:,} | "
              f"{p50 / floor_p50:.1f} |")
    print("\nTargets (printed, not asserted): a full sweep < 10 s (hard limit 30 s); tasks "
          "published = e-mails, not actions. With --send, the eager step adds about 7 queries "
          "and the template rendering per e-mail.")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
