"""``python -m bench report --round``: closing a reporting round of the 5,000-tiltak plan.

Everything here runs inside one transaction that is rolled back at the end, so the
dataset (and its fingerprint) is left as it was and the bench can run again: the test
``Client`` runs in this process on the same connection and sees the uncommitted rows.

Set-up (untimed):

- a round of the tertial before the dataset's ``TODAY`` (2026-T1) over the big plan,
  opened with :func:`actions.rounds.open_round` as the kommune's admin;
- two small rounds of the same period over two plans made here, with 10 and 1,000
  tiltak copied from the big plan's open ones (so the return lists can be compared at
  10, 1,000 and all returns, every round real);
- most returns given an approved state with texts by one bulk ``UPDATE`` (bench code,
  not product code: the product only writes returns through the services, but 4,000
  service calls would make the set-up take minutes), and an assessment per focus area
  and for two sectors through :func:`actions.rounds.write_assessment`.

Timed:

- ``close_round``: :func:`reports.round_services.close_round` (the freeze of every
  tiltak with its approved return), in a savepoint rolled back after each run so it can
  be repeated. The PDF render and the subscribers' e-mails are queued on commit, and a
  rolled-back savepoint drops them: they never run inside the timed part;
- from the frozen snapshot data: ``round_pdf`` (the committee PDF the render task makes,
  its lists capped: 10 approved returns per focus area, the most urgent first; rendered in
  a fresh process with its peak RSS, ``bench.report.render_in_worker``), ``round_docx``
  and ``round_xlsx`` (what ``rounds:download`` answers, every return in them);
- the return lists: ``GET /api/v1/reporting-rounds/{id}/returns/`` (page of 50 and
  ``page_size=500``, the pagination's maximum), and the chase page
  ``GET /rapportering/<id>/`` plain and filtered, for each round.
"""

# ruff: noqa: S608 - SQL here is built from our own models' table names only.
from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bench.report import queries, timed, worker_timed

PERIOD_KEY = "2026-T1"  # ends 30 April 2026, before the dataset's TODAY (15 June 2026)
SMALL_SIZES = (10, 1000)


class _Rollback(Exception):
    """Raised to roll a timed close back (its savepoint) after it has been measured."""


def _copy_plan(source_plan: Any, size: int, sector_path: str) -> Any:
    """A new adopted plan of *size* open tiltak copied from *source_plan* (bench set-up)."""
    from django.db.models import Q

    from actions.models import Action
    from strategies.models import FocusArea, Goal, Plan

    plan = Plan.objects.get(pk=source_plan.pk)
    plan.pk = None
    plan._state.adding = True
    plan.title = f"Benchmark: plan med {size:,} tiltak".replace(",", " ")
    plan.save()
    area = FocusArea.objects.create(plan=plan, order=0, code="1", title="Benchmark")
    goals = [Goal.objects.create(focus_area=area, order=g, code=f"1.{g + 1}",
                                 title=f"Mål {g + 1}") for g in range(max(1, size // 100))]
    # Up to half from sector 0's subtree, the rest from elsewhere, so that a list filtered
    # by sector 0 finds rows in every round, as it does in the big one.
    open_ = (Action.objects.filter(plan=source_plan)
             .exclude(status__in=Action.CLOSED_STATUSES).order_by("pk"))
    inside = Q(responsible_unit__path__startswith=sector_path)
    chosen = list(open_.filter(inside)[:size // 2])
    chosen += open_.exclude(inside)[:size - len(chosen)]
    fields = [f for f in Action._meta.concrete_fields if not f.primary_key]
    copies = []
    for index, action in enumerate(chosen):
        copy = Action(**{f.attname: getattr(action, f.attname) for f in fields})
        # Every copy under a goal of the one area, whatever level its source hangs on.
        copy.plan_id, copy.focus_area_id = plan.pk, area.pk
        copy.goal_id = goals[index % len(goals)].pk
        copy.order = index
        copy.code = f"1.{index % len(goals) + 1}.{index // len(goals) + 1}"
        copies.append(copy)
    Action.objects.bulk_create(copies, batch_size=1000)
    assert len(copies) == size, f"only {len(copies)} open tiltak to copy"
    return plan


def _fill_returns(round_id: int, actor_id: int) -> dict[str, int]:
    """Give the round's returns states and texts in one UPDATE (bench set-up only: the
    product writes returns through ``actions.rounds``). 80 % approved; the rest
    requested, draft, submitted or sent back. Status and progress are the tiltak's own."""
    from django.db import connection

    from actions.models import Action, ReportingReturn

    reportable = [str(s) for s in Action.REPORTABLE_STATUSES]
    # By position in the round (k = 0, 1, …, in action order): of every ten, eight are
    # approved, the ninth requested or a draft, the tenth submitted or sent back, so a
    # round of ten has one of each kind the filters look for.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH positions AS (
              SELECT id, ROW_NUMBER() OVER (ORDER BY action_id) - 1 AS k
              FROM {ReportingReturn._meta.db_table} WHERE round_id = %s)
            UPDATE {ReportingReturn._meta.db_table} AS r SET
              state = CASE WHEN p.k %% 10 < 8 THEN 'approved'
                           WHEN p.k %% 10 = 8 AND p.k / 10 %% 2 = 0 THEN 'requested'
                           WHEN p.k %% 10 = 8 THEN 'draft'
                           WHEN p.k / 10 %% 2 = 0 THEN 'submitted'
                           ELSE 'sent_back' END,
              status = CASE WHEN a.status = ANY(%s) THEN a.status ELSE 'in_progress' END,
              progress = a.progress,
              risk = CASE WHEN a.id %% 7 = 0 THEN 'at_risk' ELSE 'on_track' END,
              done = 'Gjennomført i perioden: ' || a.title || '. Brukerrådet er orientert, '
                     'og erfaringene fra Østsida er delt med de andre enhetene.',
              next_steps = 'Neste tertial: videreføre arbeidet og rapportere på måloppnåelse.',
              submitted_by_id = %s, submitted_at = now(),
              reviewed_by_id = %s, reviewed_at = now(),
              review_comment = CASE WHEN p.k %% 10 = 9 AND p.k / 10 %% 2 = 1
                                    THEN 'Skriv mer om effekten for brukerne.' ELSE '' END,
              version = r.version + 2
            FROM positions AS p, {Action._meta.db_table} AS a
            WHERE r.id = p.id AND a.id = r.action_id
            """, [round_id, reportable, actor_id, actor_id])
        cursor.execute(f"ANALYZE {ReportingReturn._meta.db_table}")
    states = ReportingReturn.objects.filter(round_id=round_id).values_list("state", flat=True)
    counts: dict[str, int] = {}
    for state in states:
        counts[state] = counts.get(state, 0) + 1
    return counts


def _docx_pages_note(content: bytes) -> str:
    """Word has no page count until laid out: the number of tables and paragraphs."""
    from docx import Document

    document = Document(io.BytesIO(content))
    return f"{len(document.tables)} tables, {len(document.paragraphs):,} paragraphs"


def run(*, ids: dict[str, int], plan: Any, client: Any, rounds: int, pdf_rounds: int,
        show_sql: bool = False, lists_only: bool = False) -> None:
    """Set up the rounds, time the close and its documents, count the lists' queries."""
    from django.db import transaction

    try:
        with transaction.atomic():
            _run(ids=ids, plan=plan, client=client, rounds=rounds, pdf_rounds=pdf_rounds,
                 show_sql=show_sql, lists_only=lists_only)
            raise _Rollback
    except _Rollback:
        pass  # everything the round scenarios wrote is gone again


def _run(*, ids: dict[str, int], plan: Any, client: Any, rounds: int, pdf_rounds: int,
         show_sql: bool, lists_only: bool) -> None:
    import time

    from django.db import transaction

    from actions import rounds as round_services
    from actions.models import ReportingReturn, ReportingRound
    from bench.datasets import TODAY
    from planportal.models import Organization, Unit, User
    from planportal.periods import TERTIAL, parse_period_key
    from reports.docx import render_report_docx
    from reports.pdf import render_report_html_for_pdf
    from reports.round_services import close_round
    from reports.xlsx import render_report_xlsx
    from strategies.models import FocusArea

    started = time.perf_counter()
    admin = User.objects.get(pk=ids["admin"])
    org = Organization.objects.get(pk=ids["org"])
    period = parse_period_key(TERTIAL, PERIOD_KEY)
    deadline = period.end + timedelta(days=14)

    def open_(plan_: Any) -> ReportingRound:
        return round_services.open_round(actor=admin, organization=org, frequency=TERTIAL,
                                         period_key=PERIOD_KEY, deadline=deadline,
                                         plans=[plan_])

    big = open_(plan)
    sector_path = Unit.objects.get(pk=ids["sector"]).path
    small = {size: open_(_copy_plan(plan, size, sector_path)) for size in SMALL_SIZES}
    states = _fill_returns(big.pk, admin.pk)
    for round_ in small.values():
        _fill_returns(round_.pk, admin.pk)
    areas = list(FocusArea.objects.filter(plan=plan).order_by("order"))
    for area in areas:
        round_services.write_assessment(
            actor=admin, round=big, focus_area=area,
            text=f"{area.title}: arbeidet går i hovedsak etter planen. Tiltakene for tidlig "
                 "innsats er forsinket på grunn av rekruttering; sektoren følger opp i "
                 "neste tertial.")
    sectors = list(Unit.objects.filter(organization=org, kind=Unit.Kind.SECTOR)
                   .order_by("path")[:2])
    for sector in sectors:
        round_services.write_assessment(
            actor=admin, round=big, unit=sector,
            text=f"{sector.name}: god framdrift, men kapasiteten er presset.")
    total = ReportingReturn.objects.filter(round=big).count()
    print(f"\nreporting round {big.period_label} over the plan: {total:,} returns "
          f"({', '.join(f'{n:,} {s}' for s, n in sorted(states.items()))}), "
          f"{len(areas) + len(sectors)} assessments; rounds of "
          f"{' and '.join(f'{n:,}' for n in SMALL_SIZES)} returns over two more plans; "
          f"set up in {time.perf_counter() - started:.1f} s (rolled back at the end)")

    frozen: dict[str, Any] = {}

    def closer(round_id: int) -> Callable[[], None]:
        def close() -> None:
            round_ = ReportingRound.objects.get(pk=round_id)
            try:
                with transaction.atomic():
                    snapshots = close_round(
                        actor=admin, round=round_, expected_version=round_.version,
                        case_number="2026/1234", committee="Hovedutvalg for helse og omsorg",
                        meeting_date=TODAY, today=TODAY)
                    frozen["data"] = snapshots[0].data
                    frozen["label"] = snapshots[0].period_label
                    raise _Rollback
            except _Rollback:
                pass  # the freeze, its on-commit PDF render and e-mails are dropped
        return close

    # The freeze's queries must not grow with the tiltak: count them on the small rounds
    # first (the big round's close runs last, so its data is what the documents render).
    closer(small[SMALL_SIZES[0]].pk)()  # warm: the process's first close fills caches
    small_counts = {n: queries(closer(r.pk)) for n, r in small.items()}
    print("\nclose_round's queries for the rounds of "
          + ", ".join(f"{n:,}: {c}" for n, c in small_counts.items())
          + " returns (the savepoint's SAVEPOINT and ROLLBACK TO are counted)")
    close = closer(big.pk)
    if show_sql and len(set(small_counts.values())) > 1:
        import re

        def shapes(round_id: int) -> list[str]:
            return [re.sub(r"\d+", "N", sql)[:200] for sql in _statements(closer(round_id))]

        from collections import Counter

        first, last = Counter(shapes(small[SMALL_SIZES[0]].pk)), Counter(shapes(big.pk))
        print("\nclose_round statements only in the smallest round:",
              *[f"\n  {sql}" for sql in (first - last).elements()])
        print("close_round statements only in the big round:",
              *[f"\n  {sql}" for sql in (last - first).elements()])

    sizes: dict[str, int] = {}
    pages: dict[str, str] = {}

    def docx() -> None:
        content = render_report_docx(frozen["data"], frozen["label"])
        sizes["round_docx"] = len(content)
        frozen["docx"] = content

    def xlsx() -> None:
        sizes["round_xlsx"] = len(render_report_xlsx(frozen["data"], frozen["label"]))

    print(f"\nload average before: {os.getloadavg()[0]:.1f} (2 cores)")
    print("\n| scenario | p50 s | p95 s | CPU p50 s | runs | queries | size | pages "
          "| peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    totals = {"p50": 0.0, "p95": 0.0, "cpu": 0.0, "queries": 0}
    scenarios: list[tuple[str, Callable[[], None], Callable[[], None], int, bool]] = [
        ("close_round", close, close, rounds, False),
        # The PDF's queries are those of its HTML: WeasyPrint's layout makes none. It is
        # rendered in a fresh process, as the worker does (bench.report.render_in_worker).
        ("round_pdf", close, lambda: render_report_html_for_pdf(frozen["data"],
                                                                 frozen["label"]),
         pdf_rounds, False),
        ("round_docx", docx, docx, rounds, True),
        ("round_xlsx", xlsx, xlsx, rounds, True),
    ]
    for name, call, counted, runs, warm in scenarios if not lists_only else ():
        count = queries(counted)
        if name == "close_round":
            sizes[name] = len(_json(frozen["data"]))
        peak = ""
        if name == "round_pdf":
            result = worker_timed(frozen["data"], frozen["label"], runs)
            sizes[name], pages[name] = result["size"], str(result["pages"])
            peak = f"{result['peak']:,.0f} MiB"
        else:
            result = timed(call, runs, warm=warm)
        if name == "round_docx":
            pages[name] = _docx_pages_note(frozen["docx"])
        for key in ("p50", "p95", "cpu"):
            totals[key] += result[key]
        totals["queries"] += count
        size = sizes.get(name, 0)
        print(f"| {name} | {result['p50']:.3f} | {result['p95']:.3f} | {result['cpu']:.3f} "
              f"| {result['n']} | {count} | {_kib(size)} | {pages.get(name, '')} | {peak} |")
        sys.stdout.flush()
    if not lists_only:
        print(f"| **close + PDF + DOCX + XLSX** | {totals['p50']:.3f} | {totals['p95']:.3f} "
              f"| {totals['cpu']:.3f} | | {totals['queries']} | | | |")
        print("(close_round's size is the frozen JSON data of the snapshot.)")

    _lists(client=client, ids=ids, rounds={
        **{f"{n:,}": r for n, r in small.items()}, f"{total:,} (the plan)": big},
        runs=rounds, show_sql=show_sql)
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


def _json(data: Any) -> bytes:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.dumps(data, cls=DjangoJSONEncoder).encode()


def _kib(size: int) -> str:
    return f"{size / 1024:,.0f} KiB" if size else ""


def _statements(call: Callable[[], Any]) -> list[str]:
    """The SQL *call* runs (as :func:`bench.report.queries` counts it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        call()
    return [q["sql"] for q in context.captured_queries if q["sql"].strip() != "SELECT 1"]


def _chase_rows(round_: Any, query: dict[str, str]) -> int:
    """How many returns the chase page lists for *query* (the admin sees them all)."""
    from actions.models import ReportingReturn
    from planportal.models import Unit

    returns = ReportingReturn.objects.filter(round=round_)
    if "unit" in query:
        path = Unit.objects.get(pk=query["unit"]).path
        returns = returns.filter(action__responsible_unit__path__startswith=path)
    if query.get("state") == "missing":
        returns = returns.filter(state__in=ReportingReturn.AWAITING_SUBMISSION)
    elif "state" in query:
        returns = returns.filter(state=query["state"])
    return returns.count()


def _lists(*, client: Any, ids: dict[str, int], rounds: dict[str, Any], runs: int,
           show_sql: bool = False) -> None:
    """The query count (and p50) of every return list, per round size. A count that
    differs between rounds prints the statements of the smallest and largest round."""
    from urllib.parse import parse_qsl, urlsplit

    sector = ids["sector"]
    urls = {
        "API returns (page of 50)": "/api/v1/reporting-rounds/{id}/returns/",
        "API returns (page_size=500)": "/api/v1/reporting-rounds/{id}/returns/?page_size=500",
        "API returns (unit=sector 0, state=approved)":
            f"/api/v1/reporting-rounds/{{id}}/returns/?unit={sector}&state=approved",
        "chase page /rapportering/<id>/": "/rapportering/{id}/",
        "chase page ?state=missing": "/rapportering/{id}/?state=missing",
        "chase page ?unit=sector 0&state=approved":
            f"/rapportering/{{id}}/?unit={sector}&state=approved",
    }
    names = list(rounds)
    print("\nReturn lists as the kommune's admin (test Client, session): queries per request"
          " for rounds of " + ", ".join(names) + " returns; rows listed and p50 for the "
          "largest.")
    print("\n| request | " + " | ".join(f"queries ({n})" for n in names)
          + " | rows (largest) | p50 ms (largest) |")
    print("|---|" + "---|" * (len(names) + 2))
    for label, template in urls.items():
        counts: list[list[str]] = []
        rows, result = "", {"p50": 0.0}
        for index, round_ in enumerate(rounds.values()):
            url = template.format(id=round_.pk)

            def get(url: str = url) -> Any:
                response = client.get(url)
                assert response.status_code == 200, (url, response.content[:500])
                return response

            get()  # warm: the first request pays the URL resolver and templates
            counts.append(_statements(get))
            if index == len(rounds) - 1:
                response = get()
                if label.startswith("API"):
                    body = response.json()
                    rows = f"{len(body['results'])} of {body['count']:,}"
                else:
                    n = _chase_rows(round_, dict(parse_qsl(urlsplit(url).query)))
                    rows = f"{min(n, 50)} of {n:,}"
                result = timed(get, runs, warm=False)
        print(f"| {label} | " + " | ".join(str(len(c)) for c in counts)
              + f" | {rows} | {result['p50'] * 1000:.0f} |")
        if show_sql and len({len(c) for c in counts}) > 1:
            for name, statements in ((names[0], counts[0]), (names[-1], counts[-1])):
                print(f"\n    {label}, round of {name}:")
                for sql in statements:
                    print(f"      {sql[:300]}")
        sys.stdout.flush()
