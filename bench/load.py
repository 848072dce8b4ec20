"""``python -m bench load [--dataset S|L]``: a mixed workload through gunicorn, 20 users for 60 s.

80 % action lists, 15 % progress reports, 5 % status updates, from concurrent keep-alive
clients authenticated with an API token, against dataset S on PostgreSQL, or on dataset
L (357 kommuner) with each client the admin of a kommune chosen at random. Reports
throughput, p50/p95 per kind and errors, and then checks the database: every status
update the server answered 201 for is there exactly once (none lost, none doubled), and
each updated action's version rose by exactly its number of updates. Run by hand.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bench.api import HOST, URLS, _configure, _free_port, _gunicorn, _use

MIX = (("list", 0.80), ("report", 0.15), ("update", 0.05))


@dataclass
class Tally:
    """What one client saw."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    created: list[tuple[int, int]] = field(default_factory=list)  # (action, status update)


def _client(port: int, token: str, seed: int, plans: list[int], own_actions: list[int],
            stop: float, tally: Tally) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible request mix, not a secret
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Authorization": f"Token {token}", "Host": HOST}

    def call(method: str, path: str, body: dict | None = None,
             extra: dict | None = None) -> http.client.HTTPResponse:
        payload = json.dumps(body).encode() if body is not None else None
        hdrs = {**headers, **(extra or {})}
        if payload is not None:
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=payload, headers=hdrs)
        response = conn.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        return response

    while time.monotonic() < stop:
        kind = rng.choices([k for k, _w in MIX], [w for _k, w in MIX])[0]
        started = time.perf_counter()
        try:
            if kind == "list":
                response = call("GET", f"/api/v1/actions/?plan={rng.choice(plans)}"
                                       "&status=in_progress&page_size=50")
                ok = response.status == 200
            elif kind == "report":
                response = call("GET", f"/api/v1/plans/{rng.choice(plans)}/progress/")
                ok = response.status == 200
            else:
                action = rng.choice(own_actions)
                current = call("GET", f"/api/v1/actions/{action}/")
                response = call("POST", f"/api/v1/actions/{action}/status-updates/",
                                {"status": "in_progress", "progress": rng.randint(1, 99),
                                 "risk": "on_track", "comment": "Lasttest – æøå"},
                                {"If-Match": current.getheader("ETag")})
                ok = response.status == 201
                if ok:
                    tally.created.append((action, json.loads(response.body)["version"]))
        except (OSError, http.client.HTTPException) as exc:
            tally.errors.append(f"{kind}: {exc!r}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            continue
        tally.times[kind].append(time.perf_counter() - started)
        if not ok:
            tally.errors.append(f"{kind}: HTTP {response.status} {response.body[:200]!r}")
    conn.close()


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return max(values, default=0.0)
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main(argv: list[str] | None = None) -> None:
    """Seed S if needed, run the mixed load, print the figures and the integrity check."""
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=["S", "L"], default="S")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--keep", action="store_true",
                        help="keep the status updates made (the next run loads the dataset again)")
    args = parser.parse_args(argv)
    _configure()
    import django

    django.setup()
    from django.core.management import call_command

    from actions.models import Action, StatusUpdate
    from bench.datasets import KOMMUNER, describe, seed
    from planportal.models import User
    from planportal.tokens import issue_token, revoke_token
    from strategies.models import Plan

    _use(args.dataset)
    call_command("migrate", verbosity=0)
    seed(args.dataset)
    print(describe(args.dataset))
    # One kommune per client: kommune 0 on S; on L a random one each (seeded, repeatable).
    picks = (random.Random(7).sample(range(KOMMUNER[args.dataset]), args.users)  # noqa: S311
             if KOMMUNER[args.dataset] >= args.users else [0] * args.users)
    clients: list[tuple[object, str, list[int], list[int]]] = []
    own: dict[int, list[int]] = {}
    for n, index in enumerate(picks):
        admin = User.objects.get(username=f"k{index:02d}-admin")
        org_id = admin.memberships.values_list("unit__organization_id", flat=True).first()
        token_row, token = issue_token(actor=admin, user=admin, name=f"bench load {n}")
        plans = list(Plan.objects.filter(organization_id=org_id).values_list("pk", flat=True))
        if org_id not in own:
            own[org_id] = list(Action.objects.filter(plan__organization_id=org_id)
                               .order_by("pk").values_list("pk", flat=True)[: args.users * 20])
        # Clients of the same kommune update disjoint tiltak, as in the S run.
        same = picks[:n].count(index)
        clients.append((token_row, token, plans, own[org_id][same::args.users]))
    actions = [pk for _row, _token, _plans, mine in clients for pk in mine]
    updates_before = StatusUpdate.objects.count()
    last_update_before = StatusUpdate.objects.order_by("-pk").values_list("pk", flat=True).first()
    versions_before = dict(Action.objects.filter(pk__in=actions).values_list("pk", "version"))
    # The touched rows as they were, to put back afterwards: the dataset's fingerprint
    # counts status updates and sums versions, and L takes minutes to load again.
    snapshot = list(Action.objects.filter(pk__in=actions))
    port = _free_port()
    # The server reads the dataset's database (the environment names S's by default).
    env = dict(os.environ, DATABASE_URL=URLS[args.dataset], PYTHONUNBUFFERED="1")
    tallies = [Tally() for _ in range(args.users)]
    try:
        with _gunicorn("planportal.wsgi", port, env, args.workers, args.threads, pin=False):
            stop = time.monotonic() + args.seconds
            threads = [threading.Thread(target=_client, args=(
                port, clients[n][1], n, clients[n][2], clients[n][3], stop, tallies[n]))
                for n in range(args.users)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
    finally:
        for token_row, _token, _plans, _mine in clients:
            revoke_token(actor=token_row.user, token=token_row)

    times: dict[str, list[float]] = defaultdict(list)
    for tally in tallies:
        for kind, values in tally.times.items():
            times[kind] += values
    errors = [e for tally in tallies for e in tally.errors]
    created = [c for tally in tallies for c in tally.created]
    total = sum(len(v) for v in times.values())
    print(f"\ndataset {args.dataset}, {len(set(picks))} kommune(r); "
          f"gunicorn {args.workers} workers × {args.threads} threads; {args.users} users "
          f"for {elapsed:.0f} s: {total} requests, {total / elapsed:.1f} req/s, "
          f"{len(errors)} errors\n")
    print("| kind | requests | share | p50 ms | p95 ms |")
    print("|---|---|---|---|---|")
    every = [t for values in times.values() for t in values]
    for kind, _weight in MIX:
        values = times[kind]
        if not values:
            print(f"| {kind} | 0 | 0% | | |")
            continue
        print(f"| {kind} | {len(values)} | {len(values) / max(total, 1):.0%} | "
              f"{statistics.median(values) * 1000:.1f} | {_p95(values) * 1000:.1f} |")
    if every:
        print(f"| all | {total} | 100% | {statistics.median(every) * 1000:.1f} | "
              f"{_p95(every) * 1000:.1f} |")
    for error in errors[:10]:
        print("  error:", error)

    # Integrity: every 201 is one row, and versions rose by exactly the updates made.
    rows = StatusUpdate.objects.count() - updates_before
    per_action: dict[int, int] = defaultdict(int)
    for action, _version in created:
        per_action[action] += 1
    after = dict(Action.objects.filter(pk__in=list(per_action)).values_list("pk", "version"))
    drift = {pk: (after[pk] - versions_before[pk], n) for pk, n in per_action.items()
             if after[pk] - versions_before[pk] != n}
    print(f"\nstatus updates answered 201: {len(created)}; new rows: {rows}; "
          f"actions whose version rose by other than their updates: {len(drift)}")
    if not args.keep:
        _undo(snapshot, last_update_before or 0)
        print(f"undone: the {rows} new status updates deleted and {len(snapshot)} tiltak put "
              "back as they were (--keep leaves them)")
    if rows != len(created) or drift or errors:
        raise SystemExit("FAILED: lost, doubled or failed requests (see above)")
    print("OK: no errors, no lost and no doubled status updates")


def _undo(snapshot: list, last_update: int) -> None:
    """Put the dataset back as it was before the run (bench code, not a product path)."""
    from django.db import connection, transaction

    from actions.models import Action, StatusUpdate

    fields = [f.name for f in Action._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(StatusUpdate._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # Status updates are append-only (a trigger): the bench, as the superuser, turns
        # triggers off for this transaction only to remove its own rows.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"DELETE FROM {table} WHERE id > %s AND action_id = ANY(%s)",  # noqa: S608
                       [last_update, [a.pk for a in snapshot]])
        Action.objects.bulk_update(snapshot, fields, batch_size=500)

