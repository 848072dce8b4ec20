"""``python -m bench run [--sqlite] [--rounds N]``: our code against a SQL floor, as ratios."""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from typing import Any


def _configure(sqlite: bool) -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["DEBUG"] = "false"
    os.environ.pop("REDIS_URL", None)
    if sqlite:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = os.path.join(tempfile.gettempdir(), "planportal-bench.sqlite3")
    else:
        url = os.environ.get("BENCH_DATABASE_URL",
                             "postgres://postgres@127.0.0.1:5432/planportal_bench")
        os.environ["DATABASE_URL"] = url
        _create_pg_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planportal.settings")


def _create_pg_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url.replace(f"/{name}", "/postgres", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def measure(ours: Callable[[], Any], floor: Callable[[], Any], rounds: int,
            clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Interleave ours and the floor each round; return per-round ratio statistics.

    *clock* is wall time by default; ``time.process_time`` suits a shared machine."""
    def _time(call: Callable[[], Any]) -> float:
        start = clock()
        call()
        return clock() - start

    for _ in range(5):  # warm-up: resolver, connection, plan caches
        ours()
        floor()
    ratios, ours_t, floor_t = [], [], []
    for index in range(rounds):
        gc.collect()
        # Alternate which runs first so neither always gets the warmer cache.
        if index % 2:
            f, o = _time(floor), _time(ours)
        else:
            o, f = _time(ours), _time(floor)
        ours_t.append(o)
        floor_t.append(f)
        ratios.append(o / f)
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    return {"ours_ms": statistics.median(ours_t) * 1000,
            "floor_ms": statistics.median(floor_t) * 1000,
            "ratio": statistics.median(ratios), "iqr_low": q1, "iqr_high": q3}


def main(argv: list[str] | None = None) -> None:
    """Seed dataset S (if needed) and time every in-process scenario against its floor."""
    parser = argparse.ArgumentParser(prog="python -m bench run", description=__doc__)
    parser.add_argument("--sqlite", action="store_true", help="the embedded default")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    _configure(args.sqlite)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from bench import scenarios
    from bench.datasets import seed_s

    started = time.perf_counter()
    ids = seed_s()
    print(f"dataset S ready in {time.perf_counter() - started:.1f} s "
          f"({connection.vendor}, today fixed at {date(2026, 6, 15)})")
    rows = []
    for name, build in scenarios.ALL.items():
        ours, floor, check = build(ids)
        check()
        rows.append((name, measure(ours, floor, args.rounds)))
    print(f"\n| scenario | ours p50 ms | floor p50 ms | ratio (median) | IQR | {connection.vendor}")
    print("|---|---|---|---|---|")
    for name, r in rows:
        print(f"| {name} | {r['ours_ms']:.2f} | {r['floor_ms']:.2f} | {r['ratio']:.2f} | "
              f"{r['iqr_low']:.2f}–{r['iqr_high']:.2f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
