"""``python -m bench filters [--rounds N]``: does the shared FilterSet form class pay?

``planportal.api.filters.FilterSet`` builds each FilterSet's form class once and gives
each request shallow copies of the filters, where django-filter deep-copies every filter
and builds a new form class per request. This measures, in-process on dataset S
(PostgreSQL), interleaved round by round:

- ``filterset``: building the action FilterSet for the ``bench api`` query, validating it
  and building its queryset (no SQL is run), ours against django-filter's stock
  constructor and form class;
- ``list request``: the whole ``bench api`` request (``GET /api/v1/actions/?status=…``,
  100 rows, session-authenticated, test ``Client``), with our FilterSet and with the stock
  one swapped in.

Each line is a ratio stock ÷ ours per round (median and IQR): above 1 the cache pays.
The last column is what the cache saves as a share of the stock list request. The
machine is shared, so ``--clock cpu`` times this process's CPU (``time.process_time``)
instead of the wall clock: the cache saves Python work only, which that isolates from
other processes' load (the database's own time then is not in the request's figure).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.run import measure

CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def stock(filterset_class: type) -> type:
    """*filterset_class* with django-filter's own constructor and form class (no cache)."""
    import django_filters

    return type(f"Stock{filterset_class.__name__}", (filterset_class,), {
        "__init__": django_filters.FilterSet.__init__,
        "get_form_class": django_filters.FilterSet.get_form_class,
        "__module__": __name__,
    })


Scenarios = dict[str, tuple[Callable[[], Any], Callable[[], Any]]]


def _scenarios(ids: dict[str, int]) -> tuple[Scenarios, str]:
    """Name → (stock, ours): the FilterSet alone, and the whole list request; and the
    session key of the logged-in client (to delete afterwards)."""
    from django.http import QueryDict
    from django.test import Client
    from django.test.client import RequestFactory

    from actions.api.views import ActionViewSet
    from actions.filtersets import ActionFilterSet
    from actions.models import Action
    from bench.api import PATH
    from planportal.models import User

    path = PATH.format(sector=ids["sector"])
    admin = User.objects.get(pk=ids["admin"])
    request = RequestFactory().get(path)
    request.user = admin
    data = QueryDict(path.split("?", 1)[1])
    ours_class, stock_class = ActionFilterSet, stock(ActionFilterSet)

    def filterset(cls: type) -> Callable[[], Any]:
        def run() -> Any:
            built = cls(data, Action.objects.all(), request=request)
            if not built.is_valid():
                raise SystemExit(f"the filters refuse {path}: {built.errors}")
            return built.qs.query  # the queryset, built but not run
        return run

    client = Client()
    client.force_login(admin)

    def listed(cls: type) -> Callable[[], Any]:
        def run() -> Any:
            ActionViewSet.filterset_class = cls  # read per request by DjangoFilterBackend
            try:
                response = client.get(path)
            finally:
                ActionViewSet.filterset_class = ours_class
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
            return response.content
        return run

    # Both answer the same, or the comparison means nothing.
    if str(filterset(stock_class)()) != str(filterset(ours_class)()):
        raise SystemExit("the stock and the cached FilterSet build different queries")
    if listed(stock_class)() != listed(ours_class)():
        raise SystemExit("the stock and the cached FilterSet answer differently")
    return ({"filterset": (filterset(stock_class), filterset(ours_class)),
             "list request": (listed(stock_class), listed(ours_class))},
            client.session.session_key)


def main(argv: list[str] | None = None) -> None:
    """Seed dataset S (if needed) and time each scenario with and without the cache."""
    parser = argparse.ArgumentParser(prog="python -m bench filters", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="wall clock (perf_counter) or this process's CPU time")
    args = parser.parse_args(argv)
    from bench import api

    api._configure()
    import django

    django.setup()
    import django_filters
    from django.contrib.sessions.models import Session
    from django.core.management import call_command

    from bench.datasets import seed_s

    api._use("S")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ids = seed_s()
    print(f"dataset S ready in {time.perf_counter() - started:.1f} s; "
          f"django-filter {django_filters.__version__}; {args.rounds} rounds, "
          f"{args.clock} clock")
    scenarios, session_key = _scenarios(ids)
    try:
        rows = [(name, measure(stock_run, ours_run, args.rounds, CLOCKS[args.clock]))
                for name, (stock_run, ours_run) in scenarios.items()]
    finally:
        Session.objects.filter(session_key=session_key).delete()  # log out
    print("\n| scenario | stock ms | cached ms | ratio stock/cached (median) | IQR "
          "| saved, of the stock list request |")
    print("|---|---|---|---|---|---|")
    stock_request = dict(rows)["list request"]["ours_ms"]
    for name, r in rows:
        saved = (r["ours_ms"] - r["floor_ms"]) / stock_request * 100
        print(f"| {name} | {r['ours_ms']:.3f} | {r['floor_ms']:.3f} | {r['ratio']:.2f} "
              f"| {r['iqr_low']:.2f}–{r['iqr_high']:.2f} | {saved:.1f} % |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
