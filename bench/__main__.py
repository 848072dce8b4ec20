"""``python -m bench run|api …``: the in-process scenarios, or the API through gunicorn."""

from __future__ import annotations

import sys

USAGE = """usage: python -m bench {run,api,reminders} [options]

  run   in-process scenarios against hand-written SQL floors (python -m bench run --help)
  api   the action list through gunicorn against a minimal WSGI floor (python -m bench api --help)
  reminders  the reminder sweeps on dataset M, eager or on real workers (--workers 1,2; --help)
  report  one plan's progress report (5,000 actions): HTML, JSON, PDF, XLSX (--help)
  pages  the pages each role opens, through gunicorn, against the API list (--help)
  load  mixed load through gunicorn: 80 % lists, 15 % reports, 5 % updates (--help)
  imports  the adversarial import files at full size, one process each (--help)
  filters  the action list with and without the shared FilterSet form class (--help)
  explain  kommune 0's queries explained on dataset L: does any read across kommuner? (--help)
"""


def main(argv: list[str] | None = None) -> None:
    """Dispatch to ``bench.run`` or ``bench.api``."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "reminders":
        from bench import reminders

        reminders.main(args[1:])
        return
    if args and args[0] == "pages":
        from bench import pages

        pages.main(args[1:])
        return
    if args and args[0] == "load":
        from bench import load

        load.main(args[1:])
        return
    if args and args[0] == "imports":
        from bench import imports

        imports.main(args[1:])
        return
    if args and args[0] == "filters":
        from bench import filters

        filters.main(args[1:])
        return
    if args and args[0] == "explain":
        from bench import explain

        explain.main(args[1:])
        return
    if args and args[0] == "report":
        from bench import report

        report.main(args[1:])
        return
    if not args or args[0] not in ("run", "api"):
        print(USAGE, file=sys.stderr)
        raise SystemExit(0 if args and args[0] in ("-h", "--help") else 2)
    if args[0] == "run":
        from bench import run

        run.main(args[1:])
    else:
        from bench import api

        api.main(args[1:])


if __name__ == "__main__":
    main()
