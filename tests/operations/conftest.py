"""Scratch PostgreSQL databases and manage.py runs for the operations tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]


def server_url() -> str:
    """The PostgreSQL the tests run on; the operations tests need no other."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.fail("pg_dump and pg_restore are part of the documented procedure")
    return url


def with_db(url: str, name: str, query: str = "") -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", query, ""))


def manage(db_url: str, *args: str) -> None:
    """Run ``manage.py`` against *db_url*, as an operator would."""
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "planportal.settings"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   capture_output=True, text=True, timeout=600)


@pytest.fixture
def scratch_databases():
    """Two empty databases on the test server, dropped afterwards."""
    url = server_url()
    suffix = uuid.uuid4().hex[:8]
    names = [f"pp_scratch_a_{suffix}", f"pp_scratch_b_{suffix}"]
    admin = with_db(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [with_db(url, name) for name in names]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
