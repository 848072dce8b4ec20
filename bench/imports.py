"""``python -m bench imports [--only KEY …] [--timeout S]``: the adversarial import files.

Builds every file of the adversarial corpus (``tests/strategies/adversarial_files.py``)
at full size — a 1 GiB zip bomb, a 1.26 MB zip whose headers say 1,000 bytes while it
unpacks to 1.3 GB, 30 MB of Word paragraphs, 480,000 rows of Excel and of CSV, DOCTYPE
entities, 5,000,000-deep JSON, an 11 MB CSV — and runs ``manage.py import_plan FILE
--organization bench --dry-run`` on each in its own process, against the real limits
(``PLAN_IMPORT_MAX_BYTES`` 10 MB, ``PLAN_IMPORT_MAX_ROWS`` 5,000) on a throwaway SQLite
database. Each process's wall time and peak RSS (``os.wait4``, so per file, not the
maximum over all children) are printed, with the time of the import alone inside the
process (after Python and Django have started, which on a loaded machine takes seconds)
and the line of what the command said.
The target (printed, not asserted): every hostile file refused within 10 s and 300 MB.
Three honest files at the limits (5,000 rows of .docx, .xlsx and CSV) must import.
A plain Python start with Django set up is measured first, as the floor of every row.
"""

# ruff: noqa: S603 - the commands run are this interpreter on our own manage.py and files.
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10
TARGET_MB = 300


def _run(args: list[str], env: dict[str, str], timeout: float) -> tuple[float, float, int, str]:
    """Run *args*; wall seconds, peak RSS in MB (this child only), exit code, output."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    # ru_maxrss is in kilobytes on Linux.
    return elapsed, usage.ru_maxrss / 1024, process.returncode, text


def _said(text: str) -> str:
    """The refusal or result line of the command's output."""
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("IMPORT-SECONDS")]
    for line in lines:
        if line.startswith("error:"):
            return line.removeprefix("error:").strip()
    for line in lines:
        if line.startswith("CommandError:"):
            return line.removeprefix("CommandError:").strip()
    return lines[-1] if lines else ""


def _child(path: str) -> None:
    """In the file's own process: the command, timed once Django is up."""
    import django

    django.setup()
    from django.core.management import CommandError, call_command

    started = time.perf_counter()
    code = 0
    try:
        call_command("import_plan", path, "--organization", "bench", "--dry-run")
    except CommandError as exc:
        print(f"CommandError: {exc}")
        code = 1
    print(f"IMPORT-SECONDS {time.perf_counter() - started:.3f}")
    sys.stdout.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench imports", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None, help="corpus keys to run")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds before a file's process is killed (default 120)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
    sys.path.insert(0, str(ROOT))
    from tests.strategies.adversarial_files import AT_THE_LIMITS, CORPUS

    cases = [case for case in CORPUS + AT_THE_LIMITS
             if args.only is None or case.key in args.only]
    with tempfile.TemporaryDirectory(prefix="planportal-bench-imports-") as folder:
        env = {**os.environ, "SQLITE_PATH": str(Path(folder) / "bench.sqlite3"),
               "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "planportal.settings"}
        for name in ("DATABASE_URL", "REDIS_URL", "PLAN_IMPORT_MAX_BYTES",
                     "PLAN_IMPORT_MAX_ROWS"):
            env.pop(name, None)
        python = sys.executable
        print("setting up a throwaway SQLite database …", flush=True)
        subprocess.run([python, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT,
                       env=env, check=True)
        subprocess.run([python, "manage.py", "shell", "-c",
                        "from planportal import services; from planportal.permissions "
                        "import SYSTEM; services.create_organization(actor=SYSTEM, "
                        "name='Benchkommune', slug='bench')"], cwd=ROOT, env=env, check=True)
        floor = _run([python, "-c", "import django; django.setup(); "
                                    "import actions.importing.service"],
                     env, args.timeout)
        rows = [("(python + django.setup)", 0, 0.0, floor[0], 0.0, floor[1], floor[2], "")]
        for case in cases:
            started = time.perf_counter()
            content = case.real()
            built = time.perf_counter() - started
            path = Path(folder) / case.name
            path.write_bytes(content)
            del content
            elapsed, rss, code, text = _run([python, "-m", "bench", "imports", "--child",
                                             str(path)], env, args.timeout)
            inside = next((float(line.split()[1]) for line in text.splitlines()
                           if line.startswith("IMPORT-SECONDS")), float("nan"))
            rows.append((case.key, path.stat().st_size, built, elapsed, inside, rss, code,
                         _said(text)))
            path.unlink()
            print(f"  {case.key}: {elapsed:.2f} s, {rss:.0f} MB", flush=True)
    print()
    print(f"{'file':<20} {'size':>12} {'built s':>7} {'wall s':>6} {'import s':>8} "
          f"{'peak MB':>7} {'exit':>4}  {'ok':<3} what the command said")
    for key, size, built, elapsed, inside, rss, code, said in rows:
        hostile = next((case.message is not None for case in cases if case.key == key), None)
        ok = "" if hostile is None else (
            "yes" if elapsed <= TARGET_SECONDS and rss <= TARGET_MB and
            (code != 0) == hostile else "NO")
        print(f"{key:<20} {size:>12,} {built:>7.1f} {elapsed:>6.2f} {inside:>8.2f} "
              f"{rss:>7.0f} {code:>4}  {ok:<3} {said[:100]}")
    print(f"\ntarget: every hostile file refused (exit 1) within {TARGET_SECONDS} s and "
          f"{TARGET_MB} MB peak RSS; the others import (exit 0). Machine: "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
          f"bench process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB.")
