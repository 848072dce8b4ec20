"""The README's backup and restore procedure, run for real: pg_dump, pg_restore, every row back.

A scratch database is migrated and filled with the demo data (five kommuner, their plans,
users and history), dumped in pg_dump's custom format, restored into a second scratch
database, and compared table by table: same row count and same content checksum.
"""

from __future__ import annotations

import subprocess

import psycopg
import pytest
from psycopg import sql

from tests.operations.conftest import manage as _manage

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _fingerprint(db_url: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table in the public schema."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        result = {}
        for table in tables:
            count, digest = conn.execute(sql.SQL(
                "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' "
                "ORDER BY md5(t::text))), '') FROM {} t").format(sql.Identifier(table))
            ).fetchone()
            result[table] = (count, digest)
        return result


def test_a_dump_restored_into_an_empty_database_gives_back_every_row(scratch_databases,
                                                                      tmp_path):
    source, target = scratch_databases
    _manage(source, "migrate", "--no-input", "-v", "0")
    _manage(source, "load_demo", "--force")
    # Some follow-up history, through the services, so the dump holds the append-only rows.
    _manage(source, "shell", "-c", (
        "from actions.models import Action; from actions.services import post_status_update;"
        "from planportal.permissions import SYSTEM\n"
        "for a in Action.objects.order_by('pk')[:5]:\n"
        "    post_status_update(actor=SYSTEM, action=a, expected_version=a.version,"
        " status='in_progress', progress=40, comment='Godt i gang – æøå')"))
    before = _fingerprint(source)
    assert before["actions_action"][0] > 100  # the demo's five real plans are there
    assert before["actions_statusupdate"][0] >= 5
    assert before["audit_auditevent"][0] > 5

    dump = tmp_path / "planportal.dump"
    # The README's commands, verbatim in substance.
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}",
                    f"--dbname={source}"], check=True, timeout=300)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}",
                    str(dump)], check=True, timeout=300)

    assert _fingerprint(target) == before
    # The restored database is a working Planportal: its migrations are all applied and
    # its append-only triggers came back with it.
    _manage(target, "migrate", "--check")
    with psycopg.connect(target, autocommit=True) as conn:
        triggers = {row[0] for row in conn.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
    assert {"status_update_append_only", "audit_event_append_only"} <= triggers
