"""``python -m bench reminders [--dataset M] [--workers 1,2] [--rounds N]``: the reminder
sweeps on dataset M (100,000 actions, 20 kommuner) against a floor (``--dataset S``, one
kommune, runs in a database of its own, ``planportal_bench_reminders_s``).

The fixed day is ``2026-06-15``. The floor is one hand-written SQL statement (the deadline
scan grouped by organisation and person, performance.md §1.6), timed in the same rounds.

**Eager mode** (no ``--workers``): one process, no broker, locmem e-mail. Each round empties
the delivery log and times

- ``catch-up (record)``: both sweeps (deadlines + nudges + round returns, sector digests)
  on an empty delivery log, i.e. everything the dataset has ever made due, recorded and
  grouped into e-mails, nothing published (sending ~10,000 e-mails in one process takes
  minutes);
- ``next day (sweep only)``: with those marked sent, the sweeps of 2026-06-16 (what became
  due that day), rolled back before their tasks run: deciding, recording and fanning out,
  without building the e-mails;
- with ``--send``: ``next day (full, eager)``, the same with every e-mail built and "sent"
  in-process (locmem), and ``same day again`` (nothing new: the idempotent re-run).

Query counts and the number of tasks published come from a separate, untimed pass.

**Worker mode** (``--workers 1,2``): real ``celery -A planportal worker`` processes (each
``--pool prefork --concurrency 1``) on their own Redis database (``--redis``, flushed
first), all started once; a configuration of N workers is the first N consuming the queue
(the others' consumers are cancelled), so the configurations are interleaved round by
round on this shared machine. Each round times, per configuration, the wall clock from
publishing the coordinators (``sweep_deadline_reminders``, ``sweep_sector_digests``, with
``now`` = 03:00 in Oslo on the day) until the last of their per-kommune parts has
finished, as the workers' own task events say (``-E``: each coordinator's answer names
its number of parts; any failed part stops the run). 03:00 is outside the sending hours,
so like the eager figures nothing is published: both record, neither publishes nor sends.
The same sweeps run in this process (``eager, one process``) in the same rounds, and
after each step the delivery log's checksum must equal the eager one: the parts together
did what the whole does. Printed with each: the tasks' own run times (their events), the
machine's idle CPU during the step (``/proc/stat``), and, before and after the rounds,
how many cores two spinning processes get: on a shared machine, whether a second worker
had a core to run on.
"""

# ruff: noqa: S608, S603 - the SQL is built from our own table names; the workers are this
# interpreter running celery on our own app.
from __future__ import annotations

import argparse
import ast
import gc
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

TODAY = date(2026, 6, 15)
URLS = {"M": "postgres://postgres@127.0.0.1:5432/planportal_bench_reminders",
        "S": "postgres://postgres@127.0.0.1:5432/planportal_bench_reminders_s"}
DEFAULT_URL = URLS["M"]
DEFAULT_REDIS = "redis://127.0.0.1:6379/9"
ROOT = Path(__file__).resolve().parents[1]
#: The sweeps' moment in worker mode: the day, outside sending hours (record only).
SWEEP_HOUR = 3
COORDINATORS = ("actions.tasks.sweep_deadline_reminders", "actions.tasks.sweep_sector_digests")
PARTS = ("actions.tasks.sweep_deadline_reminders_for", "actions.tasks.sweep_sector_digests_for")
#: Targets from issue 18 (printed, not asserted).
TARGET_CATCH_UP, TARGET_NEXT_DAY, TARGET_SCALING = 100, 20, 0.65


def _configure(dataset: str = "M", redis_url: str | None = None) -> str:
    default = URLS[dataset]
    url = os.environ.get("BENCH_REMINDERS_DATABASE_URL", default) if dataset == "M" else default
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name in ("REDIS_URL", "DB_POOL_SIZE", "SQLITE_PATH", "EMAIL_URL",
                 "CELERY_TASK_ALWAYS_EAGER"):
        os.environ.pop(name, None)
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
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


class Log:
    """The delivery log of the bench database: emptied, marked sent, fingerprinted."""

    def __init__(self) -> None:
        from actions.deliveries import ReminderDelivery, ReminderDigest

        self.lines = ReminderDelivery._meta.db_table
        self.digests = ReminderDigest._meta.db_table
        self.floor_sql = _floor_sql()

    def _run(self, *statements: str) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def reset(self) -> None:
        self._run(f"TRUNCATE {self.lines}, {self.digests}")

    def mark_all_sent(self) -> None:
        # Stands for "yesterday's e-mails went out": the next day starts from a clean slate.
        self._run(f"UPDATE {self.digests} SET status = 'sent', "
                  "sent_at = now() - interval '1 day' WHERE status = 'pending'",
                  f"UPDATE {self.lines} SET sent_at = now() WHERE sent_at IS NULL")

    def floor(self) -> int:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(self.floor_sql, [TODAY + timedelta(days=30)])
            return len(cursor.fetchall())

    def checksum(self) -> tuple[int, int, str]:
        """Lines, e-mails, and an md5 over every line with its e-mail's recipient, kind
        and date (not ids or times, which differ from run to run)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*), count(DISTINCT l.digest_id), md5(string_agg(concat_ws("
                "'|', l.recipient_id, l.organization_id, l.action_id, l.indicator_id, l.kind, "
                "l.key, l.due_date, g.recipient_id, g.organization_id, g.kind, g.date, g.hour, "
                "l.sent_at IS NULL), ',' ORDER BY l.recipient_id, l.action_id, l.indicator_id, "
                f"l.kind, l.key)) FROM {self.lines} l LEFT JOIN {self.digests} g "
                "ON g.id = l.digest_id")
            lines, emails, digest = cursor.fetchone()
        return lines, emails, digest or ""


def _cpu_ticks() -> tuple[int, int]:
    """(idle, total) clock ticks of the whole machine so far (Linux), or (0, 0)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return 0, 0
    return fields[3] + fields[4], sum(fields[:8])  # idle + iowait; up to steal


def _spare_cores(seconds: float = 1.5) -> float:
    """How many cores two CPU-bound processes get right now: two spinning processes'
    work against one's alone (2.0 = two free cores, 1.0 = as if one)."""
    spin = (f"import time\nend = time.perf_counter() + {seconds!r}\nn = 0\n"
            "while time.perf_counter() < end:\n    n += 1\nprint(n)")

    def run(processes: int) -> int:
        started = [subprocess.Popen([sys.executable, "-c", spin], stdout=subprocess.PIPE)
                   for _ in range(processes)]
        return sum(int(process.communicate()[0]) for process in started)

    alone = run(1)
    return run(2) / alone if alone else 0.0


def _time(call: Callable[[], Any]) -> float:
    """The wall time of *call*, after a garbage collection."""
    gc.collect()
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> None:
    """Seed the dataset into its own database and time the sweeps against the floor."""
    parser = argparse.ArgumentParser(prog="python -m bench reminders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=sorted(URLS), default="M")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--send", action="store_true",
                        help="eager mode: also time the next day's sweep with every e-mail "
                             "built and sent in-process; minutes on dataset M")
    parser.add_argument("--workers", default="",
                        help="comma-separated numbers of real Celery worker processes, e.g. "
                             "1,2 (worker mode; without it, eager mode)")
    parser.add_argument("--redis", default=DEFAULT_REDIS,
                        help=f"worker mode: the Redis database of its own, flushed first "
                             f"(default {DEFAULT_REDIS})")
    parser.add_argument("--pool", choices=["prefork", "solo"], default="prefork",
                        help="worker mode: each worker's pool (concurrency 1)")
    args = parser.parse_args(argv)
    counts = sorted({int(n) for n in args.workers.split(",") if n.strip()})
    if args.workers and (not counts or counts[0] < 1):
        parser.error("--workers takes positive numbers, e.g. 1,2")
    if counts and args.send:
        parser.error("--send is eager mode only")
    url = _configure(args.dataset, args.redis if counts else None)

    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command

    from bench.datasets import describe, seed

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed(args.dataset)
    print(f"dataset {args.dataset} ready in {time.perf_counter() - started:.1f} s "
          f"({url.rsplit('/', 1)[1]}); {describe(args.dataset)}")
    if counts:
        _workers(args, counts, url)
    else:
        _eager(args)
    sys.stdout.flush()


# --- Eager mode -----------------------------------------------------------------------


def _eager(args: argparse.Namespace) -> None:
    from celery.signals import task_prerun
    from django.core import mail
    from django.db import connection, transaction

    from actions.deliveries import ReminderDelivery, ReminderDigest
    from actions.reminders.sweep import sweep_deadlines, sweep_sector_digests

    log = Log()
    published = {"count": 0, "would": 0}
    task_prerun.connect(lambda **_kw: published.__setitem__("count", published["count"] + 1),
                        weak=False)

    def reset() -> None:
        log.reset()
        mail.outbox = []
        published["count"] = 0

    def sweeps(day: date, publish: bool) -> None:
        sweep_deadlines(day, publish=publish)
        sweep_sector_digests(day, publish=publish)

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
    log.mark_all_sent()
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
        for name, call in (("floor", log.floor), ("catch-up (record)", catch_up)):
            rows[name].append(_time(call))
        log.mark_all_sent()
        for name, call in steps:
            rows[name].append(_time(call))

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


# --- Worker mode ----------------------------------------------------------------------


class Events:
    """The workers' task events (``-E``), read in a thread: who is online, and when every
    part of the coordinators published last has finished."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.changed = threading.Condition()
        self.online: set[str] = set()
        self.names: dict[str, str] = {}
        self.answers: dict[str, Any] = {}
        self.parts_done = 0
        self.busy = 0.0  # seconds the workers spent in this run's tasks
        self.failures: list[str] = []
        self.receiver: Any = None
        self.thread = threading.Thread(target=self._listen, daemon=True, name="bench-events")

    def start(self) -> None:
        self.thread.start()

    def _listen(self) -> None:
        with self.app.connection_for_read() as connection:
            self.receiver = self.app.events.Receiver(connection, handlers={"*": self._on})
            self.receiver.capture(limit=None, timeout=None, wakeup=True)

    def _on(self, event: dict[str, Any]) -> None:
        kind, uuid = event.get("type", ""), event.get("uuid", "")
        with self.changed:
            if kind in ("worker-online", "worker-heartbeat"):
                self.online.add(event["hostname"])
            elif kind == "worker-offline":
                self.online.discard(event["hostname"])
            elif kind == "task-received":
                self.names[uuid] = event["name"]
            elif kind == "task-succeeded":
                name = self.names.get(uuid, "")
                self.busy += float(event.get("runtime") or 0)
                if uuid in self.answers:
                    result = event.get("result")
                    self.answers[uuid] = (ast.literal_eval(result) if isinstance(result, str)
                                          else result)
                elif name in PARTS:
                    self.parts_done += 1
            elif kind in ("task-failed", "task-rejected", "task-revoked"):
                self.failures.append(f"{self.names.get(uuid, uuid)}: {kind} "
                                     f"{event.get('exception', '')}")
            self.changed.notify_all()

    def wait_online(self, hostnames: set[str], timeout: float, alive: Callable[[], bool]) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not hostnames <= self.online:
                if time.monotonic() > deadline or not alive():
                    raise SystemExit(f"workers did not come up: {sorted(hostnames - self.online)}")
                self.changed.wait(0.5)

    def expect(self, coordinator_ids: list[str]) -> None:
        """Before publishing the coordinators of *coordinator_ids*: start counting."""
        with self.changed:
            self.answers = dict.fromkeys(coordinator_ids)
            self.parts_done = 0
            self.busy = 0.0
            self.names.clear()

    def wait_done(self, timeout: float) -> int:
        """Until every coordinator has answered and all their parts are done; the parts."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                if self.failures:
                    raise SystemExit("a sweep task failed: " + "; ".join(self.failures))
                answers = list(self.answers.values())
                if all(answer is not None for answer in answers):
                    parts = sum(answer["parts"] for answer in answers)
                    if self.parts_done >= parts:
                        return parts
                if time.monotonic() > deadline:
                    raise SystemExit(f"timed out: {self.parts_done} parts done, answers {answers}")
                self.changed.wait(1.0)

    def stop(self) -> None:
        if self.receiver is not None:
            self.receiver.should_stop = True


class Worker:
    """One ``celery -A planportal worker`` subprocess in its own process group."""

    def __init__(self, index: int, pool: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = f"bench-reminders{index}@{socket.gethostname()}"
        self.log_path = log_dir / f"worker{index}.log"
        self._log = self.log_path.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "planportal", "worker", "--pool", pool,
             "--concurrency", "1", "--prefetch-multiplier", "1", "--without-mingle",
             "--without-gossip", "-E", "-l", "WARNING", "-n", self.name],
            env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._log.close()


def _worker_env(url: str, redis_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("REMINDER", "CELERY_", "DJANGO_SETTINGS"))}
    env.update({
        "DATABASE_URL": url, "REDIS_URL": redis_url, "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "planportal.settings", "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _consume(app: Any, workers: list[Worker], active: int) -> None:
    """Let the first *active* workers consume the default queue, the others not."""
    queue = app.conf.task_default_queue
    for index, worker in enumerate(workers):
        command = app.control.add_consumer if index < active else app.control.cancel_consumer
        replies = command(queue, destination=[worker.name], reply=True, timeout=10)
        if not replies:
            raise SystemExit(f"{worker.name} did not answer the consumer change")


def _workers(args: argparse.Namespace, counts: list[int], url: str) -> None:
    import redis

    from planportal.celery import app

    client = redis.Redis.from_url(args.redis)
    client.flushdb()
    client.close()
    log = Log()
    events = Events(app)
    events.start()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    env = _worker_env(url, args.redis)
    workers = [Worker(index, args.pool, env, log_dir) for index in range(max(counts))]
    try:
        events.wait_online({worker.name for worker in workers}, 120,
                           lambda: all(worker.alive() for worker in workers))
        print(f"{len(workers)} worker(s) up ({args.pool}, concurrency 1; logs in {log_dir}).")
        _worker_rounds(args, counts, app, workers, events, log)
    finally:
        events.stop()
        for worker in workers:
            worker.stop()


def _worker_rounds(args: argparse.Namespace, counts: list[int], app: Any,
                   workers: list[Worker], events: Events, log: Log) -> None:
    from celery.utils import uuid
    from django.db import close_old_connections

    from actions.reminders import windows
    from actions.reminders.sweep import sweep_deadlines, sweep_sector_digests

    def moment(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, SWEEP_HOUR, tzinfo=windows.OSLO)

    def in_process(day: date) -> None:
        now = moment(day)
        sweep_deadlines(now=now, publish=False)
        sweep_sector_digests(now=now, publish=False)

    parts_seen: set[int] = set()

    def by_workers(day: date) -> None:
        ids = [uuid() for _name in COORDINATORS]
        events.expect(ids)
        for name, task_id in zip(COORDINATORS, ids, strict=True):
            app.send_task(name, kwargs={"now": moment(day).isoformat()}, task_id=task_id)
        parts_seen.add(events.wait_done(timeout=900))

    days = {"catch-up": TODAY, "next day": TODAY + timedelta(days=1)}
    configs = ["eager, one process", *(f"{n} worker{'s' if n > 1 else ''}" for n in counts)]
    times: dict[tuple[str, str], list[float]] = {(c, s): [] for c in configs for s in days}
    busy: dict[tuple[str, str], list[float]] = {(c, s): [] for c in configs for s in days}
    idle: dict[tuple[str, str], list[float]] = {(c, s): [] for c in configs for s in days}
    spare = [_spare_cores()]
    floors: list[float] = []
    reference: dict[str, tuple[int, int, str]] = {}
    for round_index in range(args.rounds):
        for config in configs:
            log.reset()
            floors.append(_time(log.floor))
            if config != configs[0]:
                _consume(app, workers, int(config.split()[0]))
            for step, day in days.items():
                if step == "next day":
                    log.mark_all_sent()
                close_old_connections()
                call = (lambda d=day: in_process(d)) if config == configs[0] else (
                    lambda d=day: by_workers(d))
                before = _cpu_ticks()
                times[(config, step)].append(_time(call))
                after = _cpu_ticks()
                if after[1] > before[1]:
                    idle[(config, step)].append(
                        (after[0] - before[0]) / (after[1] - before[1]))
                if config != configs[0]:
                    busy[(config, step)].append(events.busy)
                fingerprint = log.checksum()
                if config == configs[0]:
                    reference.setdefault(step, fingerprint)
                if fingerprint != reference[step]:
                    raise SystemExit(f"{config}, {step}, round {round_index + 1}: the log "
                                     f"differs from the eager sweep's: {fingerprint} != "
                                     f"{reference[step]}")
        print(f"round {round_index + 1}/{args.rounds}: " + ", ".join(
            f"{config} {times[(config, 'catch-up')][-1]:.1f}/"
            f"{times[(config, 'next day')][-1]:.1f} s" for config in configs), flush=True)

    spare.append(_spare_cores())
    floor = statistics.median(floors)
    catch_lines, catch_emails, _ = reference["catch-up"]
    next_lines, next_emails, _ = reference["next day"]
    print(f"\nCatch-up on {TODAY}: {catch_lines:,} reminder lines in {catch_emails:,} e-mails; "
          f"next day: {next_lines - catch_lines:,} new lines, {next_emails - catch_emails:,} "
          f"new e-mails. Recorded, not published, in every configuration; each worker run's "
          f"log equals the eager one. Parts per run: {sorted(parts_seen)} "
          f"(one per kommune and sweep). Floor p50 {floor * 1000:.0f} ms. Spare cores "
          f"(two spinning processes' work against one's) before and after: "
          f"{spare[0]:.2f}, {spare[1]:.2f}.\n")
    print("| step | configuration | p50 s | min s | ratio to floor (p50) | target "
          "| in tasks s (p50) | workers busy | machine idle |")
    print("|---|---|---|---|---|---|---|---|---|")
    for step, target in (("catch-up", TARGET_CATCH_UP), ("next day", TARGET_NEXT_DAY)):
        for config in configs:
            samples = times[(config, step)]
            p50 = statistics.median(samples)
            tasks = ""
            if busy[(config, step)]:
                # The tasks' own run times (the workers' events) against N × the wall time.
                n = int(config.split()[0])
                share = statistics.median(b / (w * n) for b, w in zip(
                    busy[(config, step)], samples, strict=True))
                tasks = f"{statistics.median(busy[(config, step)]):.2f} | {share:.0%}"
            else:
                tasks = "– | –"
            spare_cpu = (f"{statistics.median(idle[(config, step)]):.0%}"
                         if idle[(config, step)] else "–")
            print(f"| {step} | {config} | {p50:.2f} | {min(samples):.2f} | {p50 / floor:.0f}× "
                  f"| ≤ {target}× | {tasks} | {spare_cpu} |")
    if 1 in counts and len(counts) > 1:
        for n in counts[1:]:
            for step in days:
                one = times[("1 worker", step)]
                many = times[(f"{n} workers", step)]
                ratio = statistics.median(m / o for m, o in zip(many, one, strict=True))
                print(f"| {step} | {n} workers / 1 worker (per round, p50) | | | {ratio:.2f} "
                      f"| ≤ {TARGET_SCALING} | | | |")
    print("\nTargets (printed, not asserted): catch-up ≤ 100× the floor, next day ≤ 20×, "
          "2 workers ≤ 0.65× the wall time of 1. The wall time runs from publishing the two "
          "coordinators to the last part's task-succeeded event.")
