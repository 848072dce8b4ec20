"""Per-worker isolation for parallel runs (pytest-xdist), loaded with ``-p`` so that it runs
before Django reads its settings.

pytest-django already gives each worker its own test database (``test_<name>_gw0`` ...).
The Redis database is the other thing shared by name: the cache, the Celery queues and the
real-worker tests' ``flushdb`` would collide, so each worker moves to its own database
number, spread evenly over Redis's 16 from the one REDIS_URL names.
"""

from __future__ import annotations

import os
import re

REDIS_DATABASES = 16


def worker_index() -> int | None:
    """The xdist worker's number (gw3 → 3), or None outside a parallel run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") else None


def worker_redis_url(url: str, index: int, count: int) -> str:
    """*url* with its database number moved to this worker's own."""
    match = re.match(r"^(rediss?://[^/?#]*)(?:/(\d*))?(.*)$", url)
    if not match:
        return url
    base = int(match.group(2) or 0)
    step = max(1, REDIS_DATABASES // max(count, 1))
    return f"{match.group(1)}/{(base + index * step) % REDIS_DATABASES}{match.group(3)}"


_index = worker_index()
if _index is not None and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = worker_redis_url(
        os.environ["REDIS_URL"], _index, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))

# On PostgreSQL the suite runs with a read replica configured, as a test mirror of the
# test database (planportal/settings.py): every committing test then reads reports and
# lists through the router, and tests/planportal/test_replica.py checks where reads go.
# The variable is taken away again once the settings are read (tests/conftest.py), so
# the servers and workers the slow tests start, on databases of their own, get none.
if os.environ.get("DATABASE_URL") and "DATABASE_REPLICA_URL" not in os.environ:
    os.environ["DATABASE_REPLICA_URL"] = os.environ["DATABASE_URL"]
    os.environ["PLANPORTAL_TEST_REPLICA"] = "1"
