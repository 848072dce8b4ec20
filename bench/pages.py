"""``python -m bench pages [--dataset S|L]``: the pages people open, through gunicorn.

Every page a role starts on or works in, as that role, on kommune 0 of the dataset:
the public start page (anonymous), *Mine tiltak* (a unit manager), *Fordel ansvar* (the
admin and a sector leader), the plan list, the plan page of the kommune's largest plan
(its focus areas summaries, and with one of them opened), a tiltak, that plan's progress
report, and the public plan page. Each is timed through the same gunicorn as ``bench
api`` (1 worker, 1 thread, pinned), and in the same run the API action list of ``bench
api`` is timed as the *floor*: a page should cost no more than twice a 100-row API page.

Besides p50 and p95 the table gives the HTML size and the page's query count for the
dataset's kommune (5,000 tiltak on S) and for a kommune of 50 tiltak built for the
measurement inside a transaction that is rolled back (the same count is the target: a
page's queries must not grow with its rows). Targets (printed, not asserted): p50 ≤ 2×
the floor, ≤ 150 KB of HTML, the same queries at 50 and at 5,000 tiltak.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from bench.api import (
    HOST,
    PATH,
    URLS,
    Timing,
    _configure,
    _free_port,
    _gunicorn,
    _pin_prefix,
    _use,
)

TARGET_RATIO, TARGET_BYTES = 2.0, 150 * 1024


@dataclass
class Page:
    """One page as one role: where it is, who asks, and what it cost."""

    label: str
    role: str
    path: str
    user_id: int | None
    small_path: str = ""
    small_user_id: int | None = None
    times: list[float] = field(default_factory=list)
    size: int = 0
    queries: int = 0
    small_queries: int | None = None
    cookie: str = ""

    @property
    def p50(self) -> float:
        return Timing(self.times, b"").p50

    @property
    def p95(self) -> float:
        return Timing(self.times, b"").p95


def _people(org_id: int) -> dict[str, Any]:
    """Kommune 0's people and objects the pages are opened with."""
    from django.db.models import Count

    from actions.models import Action
    from planportal.models import Membership
    from strategies.models import FocusArea, Plan

    plans = Plan.objects.filter(organization_id=org_id)
    largest = (plans.annotate(n=Count("actions")).order_by("-n", "pk").first())
    public = (plans.filter(is_public=True).annotate(n=Count("actions"))
              .order_by("-n", "pk").first())
    # The unit manager with the most tiltak to report on (their unit's, all of it).
    managers = (Membership.objects.filter(unit__organization_id=org_id, role="unit_manager")
                .annotate(n=Count("unit__responsible_for")).order_by("-n", "pk"))
    manager = managers.first()
    action = (Action.objects.filter(responsible_unit_id=manager.unit_id)
              .order_by("pk").first())
    area = FocusArea.objects.filter(plan=largest).order_by("order", "pk").first()
    return {"plan": largest.pk, "public_plan": public.pk, "manager": manager.user_id,
            "action": action.pk, "area": area.pk}


def _small_kommune() -> dict[str, Any]:
    """A kommune of 50 tiltak with the same roles (written in the caller's transaction)."""
    from actions.models import Action
    from planportal.models import Membership, Organization, Unit, User
    from strategies.models import FocusArea, Goal, Plan

    org = Organization.objects.create(name="Småbygd kommune", slug="bench-smabygd")
    root = Unit.objects.create(organization=org, kind="kommune", code="sb", name=org.name,
                               path="")
    sector = Unit.objects.create(organization=org, parent=root, kind="sektor", code="sb-ho",
                                 name="Helse og omsorg", path="")
    unit = Unit.objects.create(organization=org, parent=sector, kind="enhet", code="sb-hj",
                               name="Hjemmetjenesten", path="")
    for node in (root, sector, unit):  # the materialised path the unit services keep
        node.path = (f"{node.parent.path}" if node.parent_id else "") + f"{node.pk}/"
        node.save(update_fields=["path"])
    people = {}
    for role, where in (("admin", root), ("sector_leader", sector), ("unit_manager", unit)):
        user = User.objects.create_user(username=f"bench-smabygd-{role}", password=None)
        Membership.objects.create(user=user, unit=where, role=role)
        people[role] = user.pk
    plan = Plan.objects.create(organization=org, title="Helse- og omsorgsplan", is_public=True,
                               kind="thematic_plan", period_start=2025, period_end=2030,
                               status="adopted")
    first = first_area = None
    for a in range(2):
        area = FocusArea.objects.create(plan=plan, order=a, code=str(a + 1),
                                        title=f"Område {a + 1}")
        first_area = first_area or area
        for g in range(5):
            goal = Goal.objects.create(focus_area=area, order=g, code=f"{a + 1}.{g + 1}",
                                       title=f"Delmål {a + 1}.{g + 1}")
            for n in range(5):
                action = Action.objects.create(
                    goal=goal, order=n, title=f"Tiltak {a + 1}.{g + 1}.{n + 1} – åpne møter",
                    responsible_unit=unit, status="in_progress", progress=20)
                first = first or action
    return {"org": org.pk, "plan": plan.pk, "public_plan": plan.pk, "action": first.pk,
            "area": first_area.pk, **people}


def _pages(ids: dict[str, int], objects: dict[str, Any]) -> list[Page]:
    admin, leader, manager = ids["admin"], ids["leader"], objects["manager"]
    plan, action, public = objects["plan"], objects["action"], objects["public_plan"]
    return [
        Page("start page (public plans)", "anonymous", "/", None),
        Page("Mine tiltak", "unit manager", "/mine-tiltak/", manager),
        Page("Fordel ansvar", "sector leader", "/fordel-ansvar/", leader),
        Page("Fordel ansvar", "admin", "/fordel-ansvar/", admin),
        Page("plan list", "admin", "/planer/", admin),
        Page("plan page, largest plan", "admin", f"/planer/{plan}/", admin),
        Page("plan page, largest plan", "unit manager", f"/planer/{plan}/", manager),
        # A big plan's focus areas are summaries; one opened shows its goals and tiltak.
        Page("plan page, one area opened", "admin",
             f"/planer/{plan}/?area={objects['area']}", admin),
        Page("tiltak", "unit manager", f"/tiltak/{action}/", manager),
        Page("progress report, largest plan", "admin", f"/reports/plans/{plan}/", admin),
        Page("public plan page", "anonymous", f"/offentlig/planer/{public}/", None),
    ]


def _in_process(path: str, user_id: int | None) -> tuple[int, int, str]:
    """One warm request in-process: its status, size and query count; the session key."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from planportal.models import User

    client = Client()
    if user_id is not None:
        client.force_login(User.objects.get(pk=user_id))
    client.get(path)  # warm: URL resolver, templates, translations
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"in-process GET {path} answered {response.status_code}")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value if user_id is not None else ""
    # The connection health check (SELECT 1) is not the page's.
    queries = [q for q in captured.captured_queries if q["sql"].strip() != "SELECT 1"]
    return len(response.content), len(queries), key


def _count_small(pages: list[Page], small: dict[str, Any], big: dict[str, Any]) -> None:
    """The query counts of the same pages in a kommune of 50 tiltak, rolled back after."""
    from django.db import transaction

    users = {"admin": small["admin"], "sector leader": small["sector_leader"],
             "unit manager": small["unit_manager"], "anonymous": None}
    with transaction.atomic():
        made = _small_kommune()
        users.update({"admin": made["admin"], "sector leader": made["sector_leader"],
                      "unit manager": made["unit_manager"]})
        for page in pages:
            path = page.path
            for name in ("plan", "action", "public_plan"):
                path = path.replace(f"/{big[name]}/", f"/{made[name]}/")
            path = path.replace(f"area={big['area']}", f"area={made['area']}")
            _size, page.small_queries, _key = _in_process(path, users[page.role])
        transaction.set_rollback(True)


def _drive(port: int, path: str, cookie: str, requests: int, warmup: int,
           seconds: float) -> list[float]:
    """Sequential keep-alive GETs of one page; bounded by count and by time."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    headers["Accept"] = "text/html" if not path.startswith("/api/") else "application/json"

    def get() -> float:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
        return elapsed

    affinity = os.sched_getaffinity(0)
    if len(affinity) > 1 and 1 in affinity:
        os.sched_setaffinity(0, {1})
    try:
        for _ in range(warmup):
            get()
        gc.collect()
        gc.disable()
        times: list[float] = []
        deadline = time.monotonic() + seconds
        while len(times) < requests and time.monotonic() < deadline:
            times.append(get())
    finally:
        gc.enable()
        os.sched_setaffinity(0, affinity)
        conn.close()
    return times


def prepare(dataset: str) -> dict[str, int]:
    """Django set up for pages (static files collected), *dataset* migrated and seeded;
    kommune 0's ids. ``bench explain`` starts the same way."""
    _configure()
    # Production settings keep a manifest of the static files: pages need them collected.
    os.environ.setdefault("STATIC_ROOT", os.path.join(tempfile.gettempdir(),
                                                      "planportal-bench-static"))
    import django

    django.setup()
    from django.core.management import call_command

    from bench.datasets import describe, seed

    call_command("collectstatic", interactive=False, verbosity=0)
    _use(dataset)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ids = seed(dataset)
    print(f"{describe(dataset)} (ready in {time.perf_counter() - started:.1f} s)")
    return ids


def main(argv: list[str] | None = None) -> None:
    """Seed (if needed), count, time, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", choices=["S", "L"], default="S")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per block")
    parser.add_argument("--seconds", type=float, default=30.0,
                        help="time limit for one page's timed requests, over all blocks")
    parser.add_argument("--blocks", type=int, default=2,
                        help="pages in this many blocks, alternating the order")
    args = parser.parse_args(argv)
    ids = prepare(args.dataset)
    from django.contrib.sessions.models import Session
    objects = _people(ids["org"])
    pages = _pages(ids, objects)
    floor = Page("API action list, 100 rows (floor)", "admin",
                 PATH.format(sector=ids["sector"]), ids["admin"])
    sessions = []
    for page in [floor, *pages]:
        page.size, page.queries, key = _in_process(page.path, page.user_id)
        if key:
            from django.conf import settings

            page.cookie = f"{settings.SESSION_COOKIE_NAME}={key}"
            sessions.append(key)
    _count_small(pages, {"admin": None, "sector_leader": None, "unit_manager": None},
                 objects)
    from django.db import connection

    connection.close()
    port = _free_port()
    # The server reads the dataset's database (the environment names S's by default).
    env = dict(os.environ, DATABASE_URL=URLS[args.dataset], PYTHONUNBUFFERED="1")
    per_block = -(-args.requests // args.blocks)
    try:
        with _gunicorn("planportal.wsgi", port, env):
            for block in range(args.blocks):
                order = [floor, *pages] if block % 2 == 0 else [*pages, floor][::-1]
                for page in order:
                    page.times += _drive(port, page.path, page.cookie, per_block,
                                         args.warmup, args.seconds / args.blocks)
    finally:
        Session.objects.filter(session_key__in=sessions).delete()

    pinned = "taskset -c 0" if _pin_prefix() else "unpinned"
    print(f"gunicorn: 1 worker, gthread × 1 thread, {pinned}; 1 keep-alive client; "
          f"{args.blocks} blocks, up to {args.requests} timed requests per page\n")
    print(f"Floor: GET {floor.path} as the admin: p50 {floor.p50:.1f} ms, "
          f"p95 {floor.p95:.1f} ms, {floor.queries} queries, {floor.size:,} bytes\n")
    print("| page | as | p50 ms | p95 ms | p50 ÷ floor | HTML KB | queries (5,000 / 50 tiltak) "
          "| targets |")
    print("|---|---|---|---|---|---|---|---|")
    for page in pages:
        ratio = page.p50 / floor.p50
        misses = [name for name, ok in (
            ("time", ratio <= TARGET_RATIO), ("size", page.size <= TARGET_BYTES),
            ("queries", page.queries == page.small_queries)) if not ok]
        print(f"| {page.label} | {page.role} | {page.p50:.1f} | {page.p95:.1f} "
              f"| {ratio:.2f} | {page.size / 1024:.0f} | {page.queries} / {page.small_queries} "
              f"| {'met' if not misses else 'missed: ' + ', '.join(misses)} |")
    print(f"\nTargets: p50 ≤ {TARGET_RATIO:g}× the floor, ≤ {TARGET_BYTES // 1024} KB of HTML, "
          "the same queries for 50 and 5,000 tiltak.")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
