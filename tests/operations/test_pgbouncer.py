"""Behind PgBouncer in transaction mode, as a hosting operator runs it (README, "PgBouncer").

A transaction-mode pool hands each transaction whichever server connection is free, so a
statement PostgreSQL prepared on one connection is missing on the next: psycopg's
prepared statements (``DB_PREPARED_STATEMENTS``, on by default) must be off. These tests
start a real PgBouncer in front of the test server and run Planportal's own settings
through it from several threads at once.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.operations.conftest import ROOT, server_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

#: Four threads, each running the same ORM queries in many short transactions: more than
#: the pool's two server connections, so transactions move between them.
WORKLOAD = """
import threading
import django
django.setup()
from django.db import connection, transaction
from planportal.models import Organization
errors = []

def work():
    try:
        for i in range(40):
            with transaction.atomic():
                Organization.objects.filter(slug=f"nr-{i}").exists()
            Organization.objects.filter(pk__gt=i).count()
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("\\n".join(errors))
raise SystemExit(1 if errors else 0)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def pgbouncer(django_db_setup: object, django_db_blocker: object) -> Iterator[str]:
    """A PgBouncer in transaction mode in front of the test database; its URL."""
    from django.db import connections

    url = server_url()
    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer"
                                           if Path("/usr/sbin/pgbouncer").exists() else None)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("pgbouncer is missing: ./dev.sh installs it (apt-get install pgbouncer)")
        pytest.skip("pgbouncer is not installed")
    settings = connections["default"].settings_dict
    database, host = settings["NAME"], settings["HOST"] or "127.0.0.1"
    port, server_port = free_port(), settings["PORT"] or "5432"
    user = settings["USER"] or "postgres"
    workdir = Path(tempfile.mkdtemp(prefix="pp-pgbouncer-"))
    (workdir / "pgbouncer.ini").write_text(f"""[databases]
{database} = host={host} port={server_port} dbname={database}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir}/users.txt
pool_mode = transaction
default_pool_size = 2
max_client_conn = 50
logfile = {workdir}/pgbouncer.log
pidfile = {workdir}/pgbouncer.pid
""")
    (workdir / "users.txt").write_text(f'"{user}" ""\n')
    workdir.chmod(0o755)
    for name in ("pgbouncer.ini", "users.txt"):
        (workdir / name).chmod(0o644)
    # PgBouncer refuses to run as root; -u drops to the PostgreSQL user.
    command = [binary, "-q", str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]
        shutil.chown(workdir, "postgres")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail(f"pgbouncer did not start: {process.stdout.read().decode()}")
            time.sleep(0.1)
        else:
            pytest.fail("pgbouncer did not listen within 15 s")
        scheme = url.split("://", 1)[0]
        yield f"{scheme}://{user}@127.0.0.1:{port}/{database}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def run_workload(db_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": db_url,
                   "DJANGO_SETTINGS_MODULE": "planportal.settings", **env}
    for name in ("REDIS_URL", "DATABASE_REPLICA_URL"):
        environment.pop(name, None)
    return subprocess.run([sys.executable, "-c", WORKLOAD], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.django_db
def test_planportal_works_behind_pgbouncer_with_prepared_statements_off(
        pgbouncer: str) -> None:
    result = run_workload(pgbouncer, DB_PREPARED_STATEMENTS="false")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_prepared_statements_break_behind_pgbouncer_which_is_why_the_setting_exists(
        pgbouncer: str) -> None:
    result = run_workload(pgbouncer, DB_PREPARED_STATEMENTS="true", DB_PREPARE_THRESHOLD="1")
    assert result.returncode != 0
    assert "prepared statement" in result.stdout + result.stderr
