"""``python -m bench api [--dataset S|M] [--requests N]``: the action list through gunicorn.

Times ``GET /api/v1/actions/?status=in_progress&responsible_unit_subtree=<sector>&
due_after=2026-01-01&page_size=100`` as kommune 0's admin (a session cookie), through
gunicorn (1 worker, pinned to CPU 0 when ``taskset`` exists), then the same URL through
the same gunicorn serving :mod:`bench.floor_wsgi` (one SQL query, no Django). The two
servers run one after the other in alternating blocks (ABBA), never together. The query
count is measured in-process (test ``Client`` + ``CaptureQueriesContext``), separately
from the timing. ``--dataset M`` measures S as well (its blocks interleaved with M's) and
prints p50(M)/p50(S) for the same kommune's request.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.run import _create_pg_database

ROOT = Path(__file__).resolve().parent.parent
URLS = {
    "S": os.environ.get("BENCH_DATABASE_URL",
                        "postgres://postgres@127.0.0.1:5432/planportal_bench"),
    "M": os.environ.get("BENCH_M_DATABASE_URL",
                        "postgres://postgres@127.0.0.1:5432/planportal_bench_m"),
    "L": os.environ.get("BENCH_L_DATABASE_URL",
                        "postgres://postgres@127.0.0.1:5432/planportal_bench_l"),
}
PATH = ("/api/v1/actions/?status=in_progress&responsible_unit_subtree={sector}"
        "&due_after=2026-01-01&page_size=100")
CHECKED = ("title", "status", "progress", "due_date", "overdue")  # the fields that must agree
TARGET_RATIO, TARGET_GROWTH = 3.0, 1.3
HOST = "127.0.0.1"


@dataclass
class Timing:
    """Latencies of one server (seconds) and the body of its first timed response."""

    times: list[float]
    body: bytes

    @property
    def p50(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95(self) -> float:
        if len(self.times) < 2:
            return max(self.times) * 1000
        return statistics.quantiles(self.times, n=20, method="inclusive")[18] * 1000


@dataclass
class Result:
    """One dataset's measurements."""

    dataset: str
    ours: Timing
    floor: Timing
    queries: list[str]
    identical: str

    @property
    def ratio(self) -> float:
        return self.ours.p50 / self.floor.p50


def _configure() -> None:
    """Production-like settings for this process and the servers it starts."""
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_URL"] = URLS["S"]
    os.environ["ALLOWED_HOSTS"] = f"{HOST},localhost,testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # plain HTTP on the loopback
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for name in ("REDIS_URL", "DB_POOL_SIZE", "SQLITE_PATH"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planportal.settings")
    # WhiteNoise looks for collected static files, which an API benchmark never needs.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)


def _use(dataset: str) -> None:
    """Point Django's default connection at the dataset's database (creating it if needed)."""
    from django.db import connections

    from planportal.env import database_from_url

    _create_pg_database(URLS[dataset])
    target = database_from_url("DATABASE_URL", URLS[dataset])
    conn = connections["default"]
    conn.close()
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        conn.settings_dict[key] = target[key]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _pin_prefix() -> list[str]:
    """``taskset -c 0`` when available (and CPU 0 is ours), else nothing."""
    if shutil.which("taskset") and 0 in os.sched_getaffinity(0):
        return ["taskset", "-c", "0"]
    return []


@contextmanager
def _gunicorn(app: str, port: int, env: dict[str, str], workers: int = 1, threads: int = 1,
             pin: bool = True) -> Iterator[None]:
    """Run ``gunicorn app`` (by default 1 worker, 1 thread, pinned) until the block ends."""
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    command = [*(_pin_prefix() if pin else []), sys.executable, "-m", "gunicorn", app,
               "--workers", str(workers), "--worker-class", "gthread",
               "--threads", str(threads), "--keep-alive", "60",
               "--bind", f"{HOST}:{port}", "--log-level", "warning", "--chdir", str(ROOT)]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn {app} did not start:\n"
                                 + Path(log.name).read_text(errors="replace"))
            try:
                socket.create_connection((HOST, port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        os.unlink(log.name)


def _drive(port: int, path: str, cookie: str, requests: int, warmup: int,
           seconds: float) -> Timing:
    """Sequential keep-alive GETs from this process; bounded by count and by time."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie, "Accept": "application/json"}

    def get() -> tuple[float, bytes]:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"GET {path} on :{port} answered {response.status}: {body[:500]!r}")
        return elapsed, body

    affinity = os.sched_getaffinity(0)
    if len(affinity) > 1 and 1 in affinity:
        os.sched_setaffinity(0, {1})  # the load on CPU 1, the server on CPU 0
    try:
        for _ in range(warmup):
            get()
        gc.collect()
        gc.disable()
        times: list[float] = []
        first = b""
        deadline = time.monotonic() + seconds
        while len(times) < requests and time.monotonic() < deadline:
            elapsed, body = get()
            first = first or body
            times.append(elapsed)
    finally:
        gc.enable()
        os.sched_setaffinity(0, affinity)
        conn.close()
    return Timing(times, first)


def _session_and_queries(admin_id: int, path: str) -> tuple[str, str, list[str]]:
    """Log the admin in (a session row in the database); count one request's queries.

    Returns the cookie header, the session key and the SQL of one request.
    """
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from planportal.models import User

    client = Client()
    client.force_login(User.objects.get(pk=admin_id))
    client.get(path)  # warm: URL resolver, translations, first connection
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"in-process GET {path} answered {response.status_code}")
    connection.close()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    queries = [q["sql"] for q in captured.captured_queries]
    return f"{settings.SESSION_COOKIE_NAME}={key}", key, queries


def _without_host(link: str | None) -> str | None:
    """Links carry the server's port; compare them from the path on."""
    return None if link is None else "/" + link.split("/", 3)[-1]


def _compare(ours: bytes, floor: bytes) -> str:
    """Fail unless the ids (in order) and the checked fields agree; say if all else does."""
    a, b = json.loads(ours), json.loads(floor)
    if a["count"] != b["count"]:
        raise SystemExit(f"count differs: ours {a['count']}, floor {b['count']}")
    if [r["id"] for r in a["results"]] != [r["id"] for r in b["results"]]:
        raise SystemExit("the floor returns other rows, or in another order")
    for x, y in zip(a["results"], b["results"], strict=True):
        for field in CHECKED:
            if x[field] != y[field]:
                raise SystemExit(f"action {x['id']}: {field} differs: {x[field]!r} vs {y[field]!r}")
    for doc in (a, b):
        doc["next"], doc["previous"] = _without_host(doc["next"]), _without_host(doc["previous"])
    if a == b:
        return "identical"
    differing = sorted({k for x, y in zip(a["results"], b["results"], strict=True)
                        for k in x.keys() | y.keys() if x.get(k) != y.get(k)})
    return "differs in " + ", ".join(differing or ["the envelope"])


def _measure(datasets: list[str], ids: dict[str, dict[str, int]],
             args: argparse.Namespace) -> list[Result]:
    """Query counts in-process; then ours and the floor of every dataset through gunicorn.

    One server at a time, in blocks of ABBA order (S ours, S floor, M ours, M floor, then
    the reverse, …) so a slow drift of the machine favours neither side of a ratio.
    """
    from django.contrib.sessions.models import Session

    paths, cookies, sessions, queries = {}, {}, {}, {}
    for dataset in datasets:
        _use(dataset)
        paths[dataset] = PATH.format(sector=ids[dataset]["sector"])
        cookies[dataset], sessions[dataset], queries[dataset] = _session_and_queries(
            ids[dataset]["admin"], paths[dataset])
    port = _free_port()
    servers = []
    for dataset in datasets:
        env = dict(os.environ, DATABASE_URL=URLS[dataset], PYTHONUNBUFFERED="1")
        servers += [(dataset, "ours", "planportal.wsgi", env),
                    (dataset, "floor", "bench.floor_wsgi:app",
                     {**env, "FLOOR_DATABASE_URL": URLS[dataset],
                      "FLOOR_ORG_IDS": str(ids[dataset]["org"])})]
    order = [server for block in range(args.blocks)
             for server in (servers if block % 2 == 0 else servers[::-1])]
    per_block = -(-args.requests // args.blocks)
    timings = {(d, name): Timing([], b"") for d, name, _app, _env in servers}
    try:
        for dataset, name, app, env in order:
            timing = timings[dataset, name]
            count = min(per_block, args.requests - len(timing.times))
            if count <= 0:
                continue
            with _gunicorn(app, port, env):
                block = _drive(port, paths[dataset], cookies[dataset], count, args.warmup,
                               args.seconds / args.blocks)
            timing.times += block.times
            timing.body = timing.body or block.body
            print(f"  {dataset} {name}: {len(block.times)} requests, p50 {block.p50:.2f} ms",
                  flush=True)
    finally:
        for dataset in datasets:  # log out
            _use(dataset)
            Session.objects.filter(session_key=sessions[dataset]).delete()
    return [Result(d, timings[d, "ours"], timings[d, "floor"], queries[d],
                   _compare(timings[d, "ours"].body, timings[d, "floor"].body))
            for d in datasets]


def main(argv: list[str] | None = None) -> None:
    """Seed (if needed), measure, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=["S", "M", "L"], default="S",
                        help="M and L also measure S, for the growth p50(M or L)/p50(S)")
    parser.add_argument("--requests", type=int, default=300,
                        help="timed requests per server and dataset, over all blocks")
    parser.add_argument("--warmup", type=int, default=30,
                        help="untimed requests at the start of each block")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="time limit for one server's timed requests, over all blocks")
    parser.add_argument("--blocks", type=int, default=2,
                        help="alternate the servers in this many blocks each (ABBA order)")
    parser.add_argument("--show-sql", action="store_true", help="print the endpoint's queries")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.seconds <= 0 or args.blocks < 1:
        parser.error("--requests, --seconds and --blocks must be positive")
    _configure()

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from bench.datasets import describe, seed

    datasets = ["S", args.dataset] if args.dataset != "S" else ["S"]
    ids = {}
    for dataset in datasets:
        _use(dataset)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        ids[dataset] = seed(dataset)
        print(f"{describe(dataset)} (ready in {time.perf_counter() - started:.1f} s)")
    pinned = "taskset -c 0" if _pin_prefix() else "unpinned"
    print(f"gunicorn: 1 worker, gthread × 1 thread, {pinned}; load: 1 keep-alive client, "
          f"{args.blocks} block(s) per server (ABBA), each {args.warmup} warm-up requests, "
          f"then up to {args.requests} timed requests or {args.seconds:.0f} s in all; "
          f"overdue computed for {timezone.localdate()} (timezone.localdate(), as the view)")
    results = _measure(datasets, ids, args)

    sample = json.loads(results[0].ours.body)
    print(f"\nGET {PATH.format(sector=ids['S']['sector'])} as kommune 0's admin: "
          f"{len(sample['results'])} rows of {sample['count']}, "
          f"{len(results[0].ours.body):,} bytes\n")
    print("| dataset | ours p50 ms | ours p95 ms | floor p50 ms | floor p95 ms "
          "| ratio p50 (ours/floor) | queries | n | same data |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r.dataset} | {r.ours.p50:.2f} | {r.ours.p95:.2f} | {r.floor.p50:.2f} "
              f"| {r.floor.p95:.2f} | {r.ratio:.2f} (target ≤ {TARGET_RATIO:g}) "
              f"| {len(r.queries)} | {len(r.ours.times)}/{len(r.floor.times)} | {r.identical} |")
    if len(results) == 2:
        s, m = results
        print(f"\np50({m.dataset})/p50(S), kommune 0's request: ours "
              f"{m.ours.p50 / s.ours.p50:.2f} (target ≤ {TARGET_GROWTH:g}), "
              f"floor {m.floor.p50 / s.floor.p50:.2f}")
        same = json.loads(s.ours.body)["results"] == json.loads(m.ours.body)["results"]
        print(f"kommune 0's page is the same in S and {m.dataset}: {'yes' if same else 'NO'}")
    if args.show_sql:
        for r in results:
            print(f"\n{r.dataset}: {len(r.queries)} queries")
            for sql in r.queries:
                print(f"- {sql[:300]}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
