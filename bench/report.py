"""``python -m bench report``: the progress report of one plan with 5,000 actions.

Dataset S (one kommune, 20 plans × 250 actions) is loaded into its own database
(``planportal_bench_report``) and its actions are gathered under the first plan, in ten
focus areas (the first plan's five and the second's), so one plan holds all 5,000
actions and their ~10,000 status updates. Then, in-process with the test ``Client`` as
the kommune's admin, each scenario is timed ``--rounds`` times (median and p95), and its
SQL queries are counted in a separate, untimed pass:

- ``compute``: :func:`reports.progress.compute_progress` alone (the queries + Python);
- ``html``: ``GET /reports/plans/<id>/``;
- ``json``: ``GET /api/v1/plans/<id>/progress/``, and ``json_today`` for the real today
  (the others run as of the dataset's 15 June 2026, rebuilding statuses from history);
- ``pdf``: the committee PDF rendered by WeasyPrint, as the snapshot task does: summary,
  at most 10 goals per focus area (most overdue first), indicators, the 50 most overdue
  and 50 highest-risk actions and 25 rows per "since the previous report" list, each cut
  list saying how many more there are (``reports.rendering.PDF_LIMITS``);
- ``pdf_full``: the same PDF with every goal and a row of three cells per action (the
  listing the report's PDF link gives with "all actions");
- ``xlsx``: the workbook with every action.

Each PDF is rendered from the data in a fresh process (:func:`render_in_worker`), as a
worker that has rendered a PDF before, and its peak RSS is that process's.

With ``--dataset L``, kommune 0's compute, page and JSON are measured on S and on L
(357 kommuner), for the growth p50(L)/p50(S) (:func:`growth`).

With ``--round`` (or ``--round-only``), ``bench/rounds.py`` then closes a reporting round
of the plan (freeze, PDF, DOCX, XLSX) and counts the queries of its return lists.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

DATABASE = "postgres://postgres@127.0.0.1:5432/planportal_bench_report"


def _configure() -> None:
    from bench import run

    os.environ.setdefault("BENCH_DATABASE_URL",
                          os.environ.get("BENCH_REPORT_DATABASE_URL", DATABASE))
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # the test client speaks plain http
    run._configure(sqlite=False)


def one_big_plan(org_id: int) -> int:
    """Gather every action of kommune *org_id* under its first plan; return that plan's id.

    Only that kommune's rows change (dataset L has 356 more, left as they are)."""
    from django.db import connection, transaction
    from django.db.models import F, OuterRef, Subquery

    from actions.models import Action
    from strategies.models import FocusArea, Goal, Plan

    plans = list(Plan.objects.filter(organization_id=org_id).order_by("pk")
                 .values_list("pk", flat=True))
    target = plans[0]
    actions = Action.objects.filter(plan__organization_id=org_id)
    if Action.objects.filter(plan_id=target).count() == actions.count():
        return target
    with transaction.atomic():
        # The first two plans' focus areas become the big plan's ten (orders kept unique).
        FocusArea.objects.filter(plan_id=plans[1]).update(plan_id=target,
                                                          order=F("order") + 5)
        areas = list(FocusArea.objects.filter(plan_id=target).order_by("order"))
        for area in areas:
            FocusArea.objects.filter(pk=area.pk).update(code=str(area.order + 1))
        goals = list(Goal.objects.filter(focus_area__plan_id__in=plans)
                     .exclude(focus_area__plan_id=target).order_by("pk")
                     .values_list("pk", flat=True))
        for index, goal_id in enumerate(goals):
            Goal.objects.filter(pk=goal_id).update(
                focus_area_id=areas[index % len(areas)].pk, order=1000 + index)
        # The tiltak follow: under a goal, its (new) area; an area's own, onto one of the
        # big plan's areas; a plan's own stays the plan's own, of the big plan.
        others = Action.objects.filter(plan_id__in=plans[1:])
        others.filter(goal__isnull=False).update(
            focus_area_id=Subquery(Goal.objects.filter(pk=OuterRef("goal_id"))
                                   .values("focus_area_id")))
        strays = list(others.filter(goal__isnull=True, focus_area__isnull=False)
                      .exclude(focus_area__plan_id=target).order_by("pk")
                      .values_list("pk", flat=True))
        for index, action_id in enumerate(strays):
            Action.objects.filter(pk=action_id).update(
                focus_area_id=areas[index % len(areas)].pk, order=1000 + index)
        others.update(plan_id=target)
    # Statistics for the planner (inside a caller's transaction they are rolled back too).
    with connection.cursor() as cursor:
        for table in ("strategies_focusarea", "strategies_goal", "actions_action"):
            cursor.execute(f"ANALYZE {table}")
    return target


def timed(call: Callable[[], Any], rounds: int, warm: bool = True) -> dict[str, float]:
    """Wall-clock median and p95, and the median CPU time of this process (which leaves
    out PostgreSQL's share and time spent waiting for a core on a loaded machine)."""
    if warm:
        call()  # warm-up: URL resolver, templates, fonts, plan caches
    times, cpu = [], []
    for _ in range(rounds):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"p50": statistics.median(times), "p95": p95, "n": len(times),
            "cpu": statistics.median(cpu), "times": times}


def render_in_worker(data: dict[str, Any], label: str) -> dict[str, Any]:
    """Render *data*'s PDF in a fresh Python process, as a worker would, and return its
    wall and CPU time, pages, size and the process's peak RSS (this process's own peak
    holds everything else the bench has done).

    The child sets Django up, loads the pickled data, renders a one-page PDF first (a
    warm worker has WeasyPrint, its fonts and the hyphenation dictionaries loaded), then
    the timed one. Its peak RSS is what a worker that renders this document needs,
    Django and the data included."""
    with tempfile.NamedTemporaryFile(suffix=".pickle", delete=False) as handle:
        pickle.dump({"data": data, "label": label}, handle)
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", "import sys; from bench.report import _render_child; "
             "_render_child(sys.argv[1])", handle.name],
            check=False, capture_output=True, text=True, env=os.environ)
    finally:
        os.unlink(handle.name)
    if done.returncode:
        raise RuntimeError(f"the render process failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _render_child(path: str) -> None:
    """The child of :func:`render_in_worker` (prints one JSON line)."""
    import django

    django.setup()
    from reports.pdf import html_to_pdf, render_report_html_for_pdf

    with open(path, "rb") as handle:
        job = pickle.load(handle)  # noqa: S301 - written by this bench a moment ago
    # Warm, as a worker that has made a PDF before: fonts and both målforms' hyphenation
    # dictionaries loaded (half a second for the first document otherwise).
    html_to_pdf("<!doctype html><html lang='nb'><title>x</title>"
                "<p style='width: 1cm; hyphens: auto'>samfunnsdelen</p>"
                "<p lang='nn' style='width: 1cm; hyphens: auto'>samfunnsdelen</p></html>")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gc.collect()
    start, start_cpu = time.perf_counter(), time.process_time()
    html = render_report_html_for_pdf(job["data"], job["label"])
    html_done = time.perf_counter()
    content, pages = html_to_pdf(html)
    print(json.dumps({
        "wall": time.perf_counter() - start, "cpu": time.process_time() - start_cpu,
        "html": html_done - start, "pages": pages, "size": len(content),
        "rss_before": before,
        "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def worker_timed(data: dict[str, Any], label: str, rounds: int) -> dict[str, Any]:
    """:func:`render_in_worker` *rounds* times: medians, the p95 and the highest peak."""
    runs = [render_in_worker(data, label) for _ in range(max(1, rounds))]
    walls = sorted(run["wall"] for run in runs)
    return {"p50": statistics.median(walls),
            "p95": walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))],
            "cpu": statistics.median(run["cpu"] for run in runs), "n": len(runs),
            "html": statistics.median(run["html"] for run in runs),
            "pages": runs[-1]["pages"], "size": runs[-1]["size"],
            "rss_before": max(run["rss_before"] for run in runs),
            "peak": max(run["peak"] for run in runs)}


def queries(call: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        call()
    # The connection health check (SELECT 1 per request) is not the view's.
    return sum(1 for q in context.captured_queries if q["sql"].strip() != "SELECT 1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10, help="timed runs per page scenario")
    parser.add_argument("--pdf-rounds", type=int, default=1,
                        help="timed renders of each PDF (committee, full listing, round)")
    parser.add_argument("--skip-full", action="store_true", help="skip the full-listing PDF")
    parser.add_argument("--round", action="store_true",
                        help="also close a reporting round of the plan (bench/rounds.py)")
    parser.add_argument("--round-only", action="store_true",
                        help="only the reporting round scenarios (implies --round)")
    parser.add_argument("--lists-only", action="store_true",
                        help="of the round scenarios, only the return lists")
    parser.add_argument("--show-sql", action="store_true",
                        help="print the statements of a return list whose count varies")
    parser.add_argument("--dataset", choices=["S", "L"], default="S",
                        help="L: also kommune 0's report on dataset L (357 kommuner), "
                             "in a transaction rolled back, for the growth p50(L)/p50(S)")
    args = parser.parse_args(argv)
    _configure()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from django.conf import settings

    # Production's manifest storage needs collectstatic; the page only links the files.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from actions.models import Action
    from bench.datasets import TODAY, describe, seed_s
    from planportal.models import User
    from reports.progress import compute_progress
    from reports.xlsx import render_report_xlsx
    from strategies.models import Plan

    started = time.perf_counter()
    ids = seed_s()
    plan_id = one_big_plan(ids["org"])
    plan = Plan.objects.select_related("organization").get(pk=plan_id)
    total = Action.objects.filter(plan=plan).count()
    print(describe("S"))
    print(f"one plan with {total:,} actions ready in {time.perf_counter() - started:.1f} s")

    client = Client()
    client.force_login(User.objects.get(pk=ids["admin"]))
    # As of the dataset's own "today", so ~8 % of the actions are overdue, as designed.
    as_of = TODAY.isoformat()
    html_url = f"/reports/plans/{plan_id}/?as_of={as_of}"
    json_url = f"/api/v1/plans/{plan_id}/progress/?as_of={as_of}"
    page_sizes: dict[str, int] = {}
    data: dict[str, Any] = {}

    def get(url: str, name: str) -> Callable[[], None]:
        def call() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.content[:500]
            page_sizes[name] = len(response.content)
        return call

    def xlsx() -> None:
        data = compute_progress(plan, as_of=TODAY, include_actions=True)
        page_sizes["xlsx"] = len(render_report_xlsx(data, "Benchmark"))

    scenarios: list[tuple[str, Callable[[], None], int]] = [
        ("compute", lambda: compute_progress(plan, as_of=TODAY), args.rounds),
        ("html", get(html_url, "html"), args.rounds),
        ("json", get(json_url, "json"), args.rounds),
        ("json_today", get(f"/api/v1/plans/{plan_id}/progress/", "json_today"), args.rounds),
        ("xlsx", xlsx, max(1, args.rounds // 3)),
    ]
    # The PDFs: from the data, in a fresh process each (bench.report.render_in_worker).
    pdfs = [("pdf", False, args.pdf_rounds)]
    if not args.skip_full:
        pdfs.append(("pdf_full", True, args.pdf_rounds))
    if args.round_only:
        from bench import rounds as round_bench

        round_bench.run(ids=ids, plan=plan, client=client, rounds=args.rounds,
                        pdf_rounds=args.pdf_rounds, show_sql=args.show_sql,
                        lists_only=args.lists_only)
        _peak()
        return

    print(f"\nload average before: {os.getloadavg()[0]:.1f} (2 cores)")
    print("\n| scenario | p50 s | p95 s | CPU p50 s | runs | queries | size | pages "
          "| peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, call, rounds in scenarios:
        count = queries(call)
        result = timed(call, rounds)
        size = page_sizes.get(name, 0)
        print(f"| {name} | {result['p50']:.3f} | {result['p95']:.3f} | {result['cpu']:.3f} "
              f"| {result['n']} | {count} | {f'{size / 1024:,.0f} KiB' if size else ''} | | |")
        sys.stdout.flush()
    for name, full, rounds in pdfs:
        # Its queries are compute_progress's (WeasyPrint makes none), counted here; the
        # time is the worker's: HTML and layout from the data.
        count = queries(lambda full=full: data.update(compute_progress(
            plan, as_of=TODAY, public=True, include_actions=full)))
        result = worker_timed(data, "Benchmark", rounds)
        data.clear()
        print(f"| {name} | {result['p50']:.3f} | {result['p95']:.3f} | {result['cpu']:.3f} "
              f"| {result['n']} | {count} | {result['size'] / 1024:,.0f} KiB "
              f"| {result['pages']} | {result['peak']:,.0f} MiB |")
        sys.stdout.flush()
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    if args.dataset == "L":
        growth(rounds=args.rounds)
    if args.round:
        from bench import rounds as round_bench

        round_bench.run(ids=ids, plan=plan, client=client, rounds=args.rounds,
                        pdf_rounds=args.pdf_rounds, show_sql=args.show_sql,
                        lists_only=args.lists_only)
    _peak()


GROWTH_SCENARIOS = ("compute", "html", "json")
JIT_SETTINGS = ("as configured", "off")
TARGET_GROWTH = 1.3
# S for the growth: a database of this bench's own (the shared planportal_bench is left to
# the benches that write to it), gathered in a transaction as L is.
S_DATABASE = "postgres://postgres@127.0.0.1:5432/planportal_bench_report_s"
L_DATABASE = "postgres://postgres@127.0.0.1:5432/planportal_bench_l"


def _point_at(url: str) -> None:
    """Point Django's default connection at the database of *url* (closing the old one)."""
    from django.db import connections

    from planportal.env import database_from_url

    target = database_from_url("DATABASE_URL", url)
    conn = connections["default"]
    conn.close()
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        conn.settings_dict[key] = target[key]


def growth(*, rounds: int) -> None:
    """Kommune 0's report page, JSON and compute on dataset L against S: S, then L, then
    S again (so a drift of the machine falls on both), and p50(L)/p50(S).

    L is shared (``planportal_bench_l``) and must keep its fingerprint: in each pass
    kommune 0's tiltak are gathered under one plan inside a transaction that is rolled
    back at the end (the session and the planner's statistics with it); L's other 356
    kommuner are not touched. S is done the same way, in a database of this bench's own
    (``planportal_bench_report_s``), so that both have the moved rows' old versions until
    the rollback (committed and vacuumed, S's plan would be faster for that alone)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from bench import datasets
    from bench.datasets import TODAY, seed
    from planportal.models import User
    from reports.progress import compute_progress
    from strategies.models import Plan

    report_url = os.environ["DATABASE_URL"]
    urls = {"S": os.environ.get("BENCH_REPORT_S_DATABASE_URL", S_DATABASE),
            "L": os.environ.get("BENCH_L_DATABASE_URL", L_DATABASE)}
    samples: dict[tuple[str, str, str], list[float]] = {}
    bodies: dict[str, bytes] = {}

    class _Rollback(Exception):
        pass

    def measure(dataset: str, calls: dict[str, Callable[[], None]]) -> None:
        # As the server is configured, then without PostgreSQL's JIT (this connection
        # only): the JIT compiles a query whose estimated cost passes jit_above_cost,
        # seconds on a busy machine, and the estimates differ between S and L.
        for jit in JIT_SETTINGS:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit" if jit == "as configured" else "SET jit = off")
            for name, call in calls.items():
                samples.setdefault((dataset, jit, name), []).extend(
                    timed(call, rounds)["times"])
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")

    def one_pass(dataset: str) -> None:
        if dataset == "S":
            from bench.run import _create_pg_database

            _create_pg_database(urls["S"])
        _point_at(urls[dataset])
        call_command("migrate", verbosity=0)  # no-op when the dataset is up to date
        started = time.perf_counter()
        actual = datasets._checksum(datasets.fingerprint())
        if dataset == "L" and datasets._stored("L") != (datasets._generator("L"), actual):
            # Never seeded here: that empties the shared database and takes an hour.
            raise SystemExit(f"dataset L is not seeded as its generator makes it "
                             f"(checksum {actual}); seed it first, e.g. python -m bench "
                             f"api --dataset L, and run again")
        ids = seed(dataset)  # L: only returns the ids (its fingerprint is the stored one)
        if dataset == "S":
            actual = datasets._checksum(datasets.fingerprint())
        try:
            with transaction.atomic():
                plan_id = one_big_plan(ids["org"])
                print(f"dataset {dataset} ({urls[dataset].rsplit('/', 1)[-1]}, checksum "
                      f"{actual}): kommune 0's plan of 5,000 tiltak in "
                      f"{time.perf_counter() - started:.1f} s (rolled back after the pass)")
                plan = Plan.objects.select_related("organization").get(pk=plan_id)
                client = Client()
                client.force_login(User.objects.get(pk=ids["admin"]))
                as_of = TODAY.isoformat()

                def get(url: str) -> Callable[[], None]:
                    def call() -> None:
                        response = client.get(url)
                        assert response.status_code == 200, response.content[:500]
                    return call

                measure(dataset, {
                    "compute": lambda: compute_progress(plan, as_of=TODAY),
                    "html": get(f"/reports/plans/{plan_id}/?as_of={as_of}"),
                    "json": get(f"/api/v1/plans/{plan_id}/progress/?as_of={as_of}"),
                })
                bodies[dataset] = _json_without_time(Client, ids["admin"], plan_id)
                raise _Rollback
        except _Rollback:
            pass  # the dataset is as it was

    print()
    try:
        for dataset in ("S", "L", "S"):
            one_pass(dataset)
    finally:
        _point_at(report_url)
    print(f"\nKommune 0's plan of 5,000 tiltak, S (before and after L, {2 * rounds} runs) and "
          f"L ({rounds} runs):\n")
    print("| scenario | JIT | S p50 s | L p50 s | p50(L)/p50(S) |")
    print("|---|---|---|---|---|")
    for jit in JIT_SETTINGS:
        for name in GROWTH_SCENARIOS:
            s_p50 = statistics.median(samples["S", jit, name])
            l_p50 = statistics.median(samples["L", jit, name])
            print(f"| {name} | {jit} | {s_p50:.3f} | {l_p50:.3f} | {l_p50 / s_p50:.2f} |")
    print(f"\nTarget: growth ≤ {TARGET_GROWTH}. Kommune 0's JSON is the same in S and L: "
          f"{'yes' if bodies['S'] == bodies['L'] else 'NO'}")
    sys.stdout.flush()


def _json_without_time(client_class: Any, admin_id: int, plan_id: int) -> bytes:
    """Kommune 0's progress JSON as of the dataset's day, without its generated_at."""
    from bench.datasets import TODAY
    from planportal.models import User

    client = client_class()
    client.force_login(User.objects.get(pk=admin_id))
    body = client.get(f"/api/v1/plans/{plan_id}/progress/?as_of={TODAY.isoformat()}").json()
    body.pop("generated_at", None)
    return json.dumps(body, sort_keys=True).encode()


def _peak() -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:,.0f} MiB (each PDF's worker: its row). "
          f"Targets: html < 0.5 s; committee pdf ≤ 4 s, full-listing pdf ≤ 30 s, a round's "
          f"pdf a committee document (15–40 pages), each render ≤ 600 MB; round close "
          f"(freeze) < 5 s; return lists' queries the same for every number of returns.")


if __name__ == "__main__":
    main()
