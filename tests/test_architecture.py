"""docs/architecture.md stays the map: every product module is listed with its job, and
every module it lists exists. (The layers themselves are checked by lint-imports in CI.)"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("planportal", "strategies", "actions", "reports")
#: Django's wiring, named once in the page's closing paragraph instead of row by row.
WIRING = {"__init__.py", "apps.py", "asgi.py", "wsgi.py"}


def _product_modules() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path.name not in WIRING
    }


def _listed_modules() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([\w/]+\.py)` \| \S", text, flags=re.MULTILINE))


def test_every_product_module_is_listed_with_its_job():
    missing = sorted(_product_modules() - _listed_modules())
    assert not missing, f"add to docs/architecture.md: {missing}"


def test_every_listed_module_exists():
    gone = sorted(_listed_modules() - _product_modules())
    assert not gone, f"remove from docs/architecture.md: {gone}"
