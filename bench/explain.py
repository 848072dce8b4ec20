"""``python -m bench explain [--dataset L]``: does any query of kommune 0 read across kommuner?

On dataset L (357 kommuner, ~1.8 million tiltak) a query that counts, sorts or scans
rows of every kommune is a bug: kommune 0 would pay for the other 356. This runs, in
process and as the roles of ``bench pages``, every page of that benchmark, the API
action list, the progress JSON and one kommune's part of the reminder sweeps, captures
their SQL, and runs ``EXPLAIN (ANALYZE, FORMAT JSON)`` on each ``SELECT``. For every
plan node that reads a table (sequential, index, index-only and bitmap heap scans) it
adds up the rows the node looked at (returned plus removed by a filter, times its
loops), and for every sort and aggregate the rows it took in.

A statement is flagged when one node reads or sorts more than ``--limit`` rows
(default 60,000: four times the biggest per-kommune table of S's shape, the ~15,000
status updates and returns). Kommune 0's work stays under it on S, M and L alike;
anything that grows with the number of kommuner crosses it on L. The exit status is 1
when a statement is flagged, so the check can be run after any schema or query change.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}
TAKERS = {"Sort", "Aggregate", "Incremental Sort", "Hash", "Unique", "WindowAgg"}


@dataclass
class Statement:
    """One captured query with the largest node of its plan."""

    sql: str
    rows: int = 0
    node: str = ""
    ms: float = 0.0


@dataclass
class Request:
    """One page, API call or sweep, and the statements it ran."""

    label: str
    statements: list[Statement] = field(default_factory=list)

    def worst(self) -> Statement | None:
        return max(self.statements, key=lambda s: s.rows, default=None)


def _node_rows(node: dict[str, Any]) -> tuple[int, str]:
    """The largest per-node row count in a plan tree, and a description of that node."""
    loops = node.get("Actual Loops", 1) or 1
    kind = node.get("Node Type", "")
    rows, label = 0, ""
    if kind in SCANS:
        rows = int((node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
                    + node.get("Rows Removed by Index Recheck", 0)) * loops)
        label = f"{kind} on {node.get('Relation Name', '?')}"
        if node.get("Index Name"):
            label += f" using {node['Index Name']}"
    elif kind in TAKERS:
        children = node.get("Plans", [])
        rows = int(sum(c.get("Actual Rows", 0) * (c.get("Actual Loops", 1) or 1)
                       for c in children))
        label = kind
    for child in node.get("Plans", []):
        child_rows, child_label = _node_rows(child)
        if child_rows > rows:
            rows, label = child_rows, child_label
    return rows, label


def _explain(sql: str) -> Statement:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        elapsed = (time.perf_counter() - started) * 1000
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    rows, node = _node_rows(plan[0]["Plan"])
    return Statement(sql=sql, rows=rows, node=node, ms=elapsed)


def _selects(captured: list[dict[str, Any]]) -> list[str]:
    return [q["sql"] for q in captured
            if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
            and q["sql"].strip() != "SELECT 1"]


def _get(label: str, path: str, user_id: int | None, headers: dict[str, str] | None = None
         ) -> tuple[str, list[str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from planportal.models import User

    client = Client(headers=headers or {})
    if user_id is not None:
        client.force_login(User.objects.get(pk=user_id))
    client.get(path)  # warm, so caches filled once are not counted
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return label, _selects(captured.captured_queries)


def _sweep(org_id: int) -> tuple[str, list[str]]:
    """One kommune's part of the daily and weekly sweeps, rolled back."""
    from datetime import datetime
    from datetime import time as clock

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from actions.reminders import sweep
    from bench.datasets import TODAY

    now = timezone.make_aware(datetime.combine(TODAY, clock(10)))
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        sweep.sweep_deadlines(now=now, publish=False, organization_id=org_id)
        transaction.set_rollback(True)
    return "reminder sweep, kommune 0's part", _selects(captured.captured_queries)


def main(argv: list[str] | None = None) -> None:
    """Capture kommune 0's queries, explain them and flag what reads across kommuner."""
    parser = argparse.ArgumentParser(prog="python -m bench explain", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=["S", "M", "L"], default="L")
    parser.add_argument("--limit", type=int, default=60_000,
                        help="rows one plan node may read or sort before it is flagged")
    parser.add_argument("--show-sql", action="store_true", help="print every flagged statement")
    args = parser.parse_args(argv)

    from bench.api import PATH
    from bench.pages import _pages, _people, prepare

    ids = prepare(args.dataset)
    objects = _people(ids["org"])
    captured = [_get("API action list, 100 rows", PATH.format(sector=ids["sector"]),
                     ids["admin"]),
                _get("API plan progress", f"/api/v1/plans/{objects['plan']}/progress/",
                     ids["admin"], {"Accept": "application/json"})]
    captured += [_get(f"{page.label} ({page.role})", page.path, page.user_id)
                 for page in _pages(ids, objects)]
    captured.append(_sweep(ids["org"]))

    requests = [Request(label, [_explain(sql) for sql in sqls]) for label, sqls in captured]
    print(f"\nLargest plan node per request (EXPLAIN ANALYZE), limit {args.limit:,} rows\n")
    print("| request | SELECTs | most rows in one node | that node | flagged |")
    print("|---|---|---|---|---|")
    flagged: list[tuple[str, Statement]] = []
    for request in requests:
        worst = request.worst()
        over = [s for s in request.statements if s.rows > args.limit]
        flagged += [(request.label, s) for s in over]
        print(f"| {request.label} | {len(request.statements)} "
              f"| {worst.rows if worst else 0:,} | {worst.node if worst else ''} "
              f"| {len(over) or ''} |")
    if flagged:
        print(f"\n{len(flagged)} statement(s) read or sort more than {args.limit:,} rows:")
        for label, statement in flagged:
            print(f"- {label}: {statement.rows:,} rows in {statement.node}")
            if args.show_sql:
                print(f"  {statement.sql[:2000]}")
        sys.stdout.flush()
        raise SystemExit(1)
    print("\nNo statement reads or sorts rows of other kommuner.")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
