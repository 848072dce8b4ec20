"""Fresh start-ups of the real settings, many per interpreter.

A settings test needs a process that reads its own environment from scratch, as
``python -c CODE`` does. Starting an interpreter and importing psycopg, Celery and DRF
costs about a second of CPU each time; so one driver process per test process imports
those libraries once (none of them reads Django settings at import), and every start-up
is a ``fork`` of it that sets the scenario's environment and working directory, then
runs the code with its own stdout and stderr. What a test sees is what
``subprocess.run([sys.executable, "-c", code], ...)`` gives: return code, stdout, stderr
(an uncaught exception's traceback, its last line naming the error).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import tempfile
from pathlib import Path

DRIVER = r"""
import json, os, sys, traceback
# Heavy imports that read no Django settings; planportal.settings is never imported here.
import psycopg, celery, celery.app.base, kombu, redis, requests, cryptography.fernet
import django.db.models, django.contrib.postgres.fields, django.forms, django.template
import django.urls, rest_framework.serializers
from django.conf import settings
assert not settings.configured
print("ready", flush=True)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        for fd, name in ((1, "stdout"), (2, "stderr")):
            target = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(target, fd)
            os.close(target)
        sys.stdin = open(os.devnull)
        sys.argv = ["-c"]
        code = 0
        try:
            exec(compile(request["code"], "<string>", "exec"),
                 {"__name__": "__main__", "__builtins__": __builtins__})
        except SystemExit as stop:
            if stop.code is None:
                code = 0
            elif isinstance(stop.code, int):
                code = stop.code
            else:
                print(stop.code, file=sys.stderr)
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    print(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}), flush=True)
"""

_driver: subprocess.Popen[str] | None = None
_scratch = Path(tempfile.mkdtemp(prefix="planportal-settings-probe-"))


def _stop() -> None:
    global _driver
    if _driver is not None and _driver.poll() is None:
        _driver.stdin.close()  # type: ignore[union-attr]
        _driver.wait(timeout=30)
    _driver = None
    for path in _scratch.glob("*"):
        path.unlink()
    _scratch.rmdir()


atexit.register(_stop)


def _start_driver() -> subprocess.Popen[str]:
    global _driver
    if _driver is None or _driver.poll() is not None:
        keep = {k: v for k, v in os.environ.items()
                if k in ("PATH", "HOME", "LANG", "PYENV_VERSION", "SYSTEMROOT")}
        _driver = subprocess.Popen(
            [sys.executable, "-c", DRIVER], env=keep, cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if _driver.stdout.readline().strip() != "ready":  # type: ignore[union-attr]
            raise RuntimeError("the settings probe driver did not start")
    return _driver


def run_python(code: str, *, env: dict[str, str], cwd: str | Path | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -c code`` with exactly *env* in *cwd*, as a fork of the warm driver."""
    driver = _start_driver()
    out, err = _scratch / "stdout", _scratch / "stderr"
    request = {"code": code, "env": env, "cwd": str(cwd or os.getcwd()),
               "stdout": str(out), "stderr": str(err)}
    driver.stdin.write(json.dumps(request) + "\n")  # type: ignore[union-attr]
    driver.stdin.flush()  # type: ignore[union-attr]
    ready, _, _ = select.select([driver.stdout], [], [], timeout)
    if not ready:
        driver.kill()
        raise subprocess.TimeoutExpired(["python", "-c", code], timeout)
    answer = json.loads(driver.stdout.readline())  # type: ignore[union-attr]
    return subprocess.CompletedProcess(
        ["python", "-c", code], answer["returncode"],
        out.read_text(encoding="utf-8", errors="replace"),
        err.read_text(encoding="utf-8", errors="replace"))
