"""The Content Security Policy holds in a real browser: no page needs an inline script.

Chromium reports every blocked script or style as a console error naming the policy; the
web pages, the admin and the API docs must produce none, and must still work.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD, log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def watch_csp(page: Any) -> list[str]:
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    return blocked


def test_the_web_pages_run_under_the_policy(page, world):
    blocked = watch_csp(page)
    log_in(page, world.unit_manager.username)
    for path in ("/", f"/planer/{world.plan.pk}/", f"/tiltak/{world.action.pk}/",
                 "/innstillinger/"):
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # htmx (a file, not inline) is loaded and active under the policy.
    assert page.evaluate("typeof window.htmx") == "object"
    assert blocked == []


def test_the_admin_runs_under_the_policy(page, world):
    UserFactory(username="drift", is_staff=True, is_superuser=True)
    blocked = watch_csp(page)
    page.goto("/admin/login/")
    page.get_by_label("Brukernavn").fill("drift")
    page.get_by_label("Passord").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/actions/action/{world.action.pk}/change/")
    # The admin's own scripts ran: its JavaScript-built widgets are present.
    page.wait_for_selector("#id_title")
    page.goto("/admin/actions/action/")
    assert page.locator("#result_list").is_visible()
    assert blocked == []


def test_the_api_docs_render_under_the_policy(page, world):
    blocked = watch_csp(page)
    page.goto("/api/docs/")
    # Swagger UI builds the page from the schema with its own (file) scripts.
    page.wait_for_selector(".swagger-ui .info", timeout=30_000)
    assert page.get_by_text("/api/v1/actions/").first.is_visible()
    assert blocked == []
