"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright cannot download browsers here, so the system ``chromium`` (installed by
``./dev.sh``) is used. axe-core comes from ``node_modules`` (``npm ci``) and is injected
into each page to check WCAG 2.1 A and AA.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# A real Celery worker and SMTP server for the journeys that need them (the reporting round).
from tests.celery.conftest import (  # noqa: F401 - fixtures used by name
    celery_env,
    clean_broker,
    redis_url,
    smtp_server,
    start_worker,
)

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# beside one unless told that the (test) code is not really async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PASSWORD = "riktig-passord-123"  # tests.factories.UserFactory's password
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = Path(os.environ.get("PLANPORTAL_SCREENSHOTS")
             or Path(tempfile.gettempdir()) / "planportal-screenshots")


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return "Chromium is not installed (./dev.sh installs it)"
    if not AXE.exists():
        return "axe-core is not installed (./dev.sh runs npm ci)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        # In CI a missing browser is a broken set-up, not a reason to skip.
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def plain_http_live_server() -> Iterator[None]:
    """CI runs in production mode, but the live server speaks plain http on localhost.

    Session-wide and before the live server starts, because SecurityMiddleware reads
    SECURE_SSL_REDIRECT once, when the server's handler is built.
    """
    from django.test import override_settings

    override = override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        # A browser drops a __Host- cookie that is not Secure.
        SESSION_COOKIE_NAME="sessionid",
        CSRF_COOKIE_NAME="csrftoken",
        ALLOWED_HOSTS=["*"],
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="nb-NO",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # htmx swaps must keep working under the Content Security Policy too.
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not errors, f"JavaScript errors or blocked content: {errors}"


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(lambda url: "/logg-inn/" not in url)


def assert_accessible(page: Any, name: str) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page; a screenshot is kept."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would be (rightly)
        # blocked by the Content Security Policy, which stays in force for the test.
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert not violations, f"{name}: {json.dumps(violations, indent=1, ensure_ascii=False)}"


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;undefined"


def tab_to(page: Any, locator: Any, limit: int = 250) -> None:
    """Press Tab until *locator* has focus, and check that the focus is visible."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target):
            assert_focus_visible(page)
            return
    raise AssertionError(f"Tab never reached {locator}")


def assert_focus_visible(page: Any) -> None:
    """The focused element shows an outline or a focus ring (WCAG 2.4.7)."""
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                           shadow: s.boxShadow}; }"""
    )
    visible = (style["outline"] != "none" and style["width"] > 0) or style["shadow"] != "none"
    assert visible, f"focus not visible: {style}"


def type_date(page: Any, locator: Any, value: Any) -> None:
    """Type a date into a focused native date field with the keyboard.

    The field's segment order follows the browser's own locale (not the page's), so
    each common order is tried until the field holds the date.
    """
    orders = ("%d%m%Y", "%m%d%Y", "%Y%m%d")
    for order in orders:
        page.keyboard.type(value.strftime(order))
        if locator.input_value() == value.isoformat():
            return
        locator.fill("")
        # Shift+Tab walks back through the field's segments and out of it; Tab re-enters
        # it at the first segment.
        field = locator.element_handle()
        for _ in range(5):
            page.keyboard.press("Shift+Tab")
            if not page.evaluate("el => document.activeElement === el", field):
                break
        page.keyboard.press("Tab")
    raise AssertionError(f"could not type {value} into the date field")
