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
- ``pdf_full``: the same PDF with every goal and a one-line row per action (what the
  background worker may make);
- ``xlsx``: the workbook with every action.

With ``--round`` (or ``--round-only``), ``bench/rounds.py`` then closes a reporting round
of the plan (freeze, PDF, DOCX, XLSX) and counts the queries of its return lists.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
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


def one_big_plan() -> int:
    """Gather every action of kommune 0 under its first plan; return that plan's id."""
    from django.db import connection, transaction
    from django.db.models import F, OuterRef, Subquery

    from actions.models import Action
    from strategies.models import FocusArea, Goal, Plan

    plans = list(Plan.objects.order_by("pk").values_list("pk", flat=True))
    target = plans[0]
    if Action.objects.filter(plan_id=target).count() == Action.objects.count():
        return target
    with transaction.atomic():
        # The first two plans' focus areas become the big plan's ten (orders kept unique).
        FocusArea.objects.filter(plan_id=plans[1]).update(plan_id=target,
                                                          order=F("order") + 5)
        areas = list(FocusArea.objects.filter(plan_id=target).order_by("order"))
        for area in areas:
            FocusArea.objects.filter(pk=area.pk).update(code=str(area.order + 1))
        goals = list(Goal.objects.exclude(focus_area__plan_id=target).order_by("pk")
                     .values_list("pk", flat=True))
        for index, goal_id in enumerate(goals):
            Goal.objects.filter(pk=goal_id).update(
                focus_area_id=areas[index % len(areas)].pk, order=1000 + index)
        # The tiltak follow: under a goal, its (new) area; an area's own, onto one of the
        # big plan's areas; a plan's own stays the plan's own, of the big plan.
        Action.objects.filter(goal__isnull=False).exclude(plan_id=target).update(
            focus_area_id=Subquery(Goal.objects.filter(pk=OuterRef("goal_id"))
                                   .values("focus_area_id")))
        strays = list(Action.objects.filter(goal__isnull=True, focus_area__isnull=False)
                      .exclude(focus_area__plan_id=target).order_by("pk")
                      .values_list("pk", flat=True))
        for index, action_id in enumerate(strays):
            Action.objects.filter(pk=action_id).update(
                focus_area_id=areas[index % len(areas)].pk, order=1000 + index)
        Action.objects.exclude(plan_id=target).update(plan_id=target)
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
            "cpu": statistics.median(cpu)}


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
    parser.add_argument("--pdf-rounds", type=int, default=1, help="timed committee PDFs")
    parser.add_argument("--skip-full", action="store_true", help="skip the full-listing PDF")
    parser.add_argument("--round", action="store_true",
                        help="also close a reporting round of the plan (bench/rounds.py)")
    parser.add_argument("--round-only", action="store_true",
                        help="only the reporting round scenarios (implies --round)")
    parser.add_argument("--lists-only", action="store_true",
                        help="of the round scenarios, only the return lists")
    parser.add_argument("--show-sql", action="store_true",
                        help="print the statements of a return list whose count varies")
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
    from reports.pdf import html_to_pdf, render_report_html_for_pdf
    from reports.progress import compute_progress
    from reports.xlsx import render_report_xlsx
    from strategies.models import Plan

    started = time.perf_counter()
    ids = seed_s()
    plan_id = one_big_plan()
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

    def get(url: str, name: str) -> Callable[[], None]:
        def call() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.content[:500]
            page_sizes[name] = len(response.content)
        return call

    pages: dict[str, int] = {}

    def pdf(full: bool) -> Callable[[], None]:
        def call() -> None:
            data = compute_progress(plan, as_of=TODAY, public=True, include_actions=full)
            content, count = html_to_pdf(render_report_html_for_pdf(data, "Benchmark"))
            pages["pdf_full" if full else "pdf"] = count
            page_sizes["pdf_full" if full else "pdf"] = len(content)
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
        ("pdf", pdf(False), args.pdf_rounds),
    ]
    if not args.skip_full:
        scenarios.append(("pdf_full", pdf(True), 1))

    if args.round_only:
        from bench import rounds as round_bench

        round_bench.run(ids=ids, plan=plan, client=client, rounds=args.rounds,
                        pdf_rounds=args.pdf_rounds, show_sql=args.show_sql,
                        lists_only=args.lists_only)
        _peak()
        return

    print(f"\nload average before: {os.getloadavg()[0]:.1f} (2 cores)")
    print("\n| scenario | p50 s | p95 s | CPU p50 s | runs | queries | size | pages |")
    print("|---|---|---|---|---|---|---|---|")
    for name, call, rounds in scenarios:
        # A PDF's queries are compute_progress's; counting them must not lay out another PDF.
        count = queries(call) if not name.startswith("pdf") else queries(
            lambda full=name == "pdf_full": compute_progress(plan, as_of=TODAY, public=True,
                                                              include_actions=full))
        result = timed(call, rounds, warm=not name.startswith("pdf"))
        size = page_sizes.get(name, 0)
        print(f"| {name} | {result['p50']:.3f} | {result['p95']:.3f} | {result['cpu']:.3f} "
              f"| {result['n']} | {count} | {f'{size / 1024:,.0f} KiB' if size else ''} "
              f"| {pages.get(name, '')} |")
        sys.stdout.flush()
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    if args.round:
        from bench import rounds as round_bench

        round_bench.run(ids=ids, plan=plan, client=client, rounds=args.rounds,
                        pdf_rounds=args.pdf_rounds, show_sql=args.show_sql,
                        lists_only=args.lists_only)
    _peak()


def _peak() -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {peak:,.0f} MiB. Targets: html < 0.5 s, "
          f"committee pdf < 5 s, full-listing pdf < 60 s (in the worker); round close "
          f"(freeze) < 5 s; return lists' queries the same for every number of returns.")


if __name__ == "__main__":
    main()
