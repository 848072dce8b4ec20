"""Redis down while a report is frozen: the freeze is saved and the user is told the PDF is
still being made; once Redis is back, the render sweep queues it and the PDF is served.

As tests/celery/test_redis_outage.py: a Redis of this test's own on a free port, a real
gunicorn for the web process, a real Celery worker, and the sweep sent through the broker
as beat sends it (``celery call``).
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from reports.models import ReportSnapshot
from tests.actions.reminder_helpers import free_port
from tests.celery.conftest import CELERY, ROOT, Process, wait_for
from tests.celery.test_redis_outage import private_redis  # noqa: F401 - a fixture

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Browser:
    """Just enough of a browser for gunicorn: a cookie jar and the Host header."""

    def __init__(self, port: int, cookies: dict[str, str]) -> None:
        self.port, self.cookies = port, dict(cookies)

    def request(self, method: str, path: str, form: dict | None = None
                ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for header in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.getheaders()), content
        finally:
            conn.close()


def test_a_report_frozen_while_redis_is_down_gets_its_pdf_once_redis_is_back(
        world, celery_env, start_worker, private_redis, tmp_path):  # noqa: F811
    plan = world.plan
    client = Client()
    client.force_login(world.admin)  # a committed session the web process accepts
    csrf = "h3" * 16  # any 32-character secret: the cookie and the form carry the same
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
               settings.CSRF_COOKIE_NAME: csrf}
    env = {**celery_env, "REDIS_URL": private_redis.url, "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "DEBUG": "false",
           "MEDIA_ROOT": str(tmp_path / "media")}
    port = free_port()
    web = Process([sys.executable, "-m", "gunicorn", "planportal.wsgi", "--bind",
                   f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
                  {**env, "DJANGO_SETTINGS_MODULE": "tests.celery.render_outage_settings"},
                  tmp_path / "web.log")
    browser = Browser(port, cookies)
    snapshots = f"/reports/plans/{plan.pk}/snapshots/"
    try:
        wait_for(lambda: "Booting worker" in web.log, 30, "gunicorn to start")
        time.sleep(1)
        private_redis.stop()

        status, _headers, _body = browser.request(
            "POST", snapshots, {"frequency": "tertial", "period_key": "2026-T1",
                                "csrfmiddlewaretoken": csrf})
        assert status == 302, (status, web.log[-3000:])
        snapshot = ReportSnapshot.objects.get(plan=plan)
        assert snapshot.status == ReportSnapshot.Status.PENDING
        status, _headers, page = browser.request("GET", snapshots)
        text = page.decode()
        assert status == 200, web.log[-4000:]
        assert "Rapporten for 1. tertial 2026 er frosset. PDF-en lages" in text
        assert "PDF-en er klar" not in text
        pdf = re.search(r'href="([^"]+/report\.pdf)"', text)
        pdf_url = pdf.group(1) if pdf else f"{snapshots}{snapshot.pk}/report.pdf"
        assert browser.request("GET", pdf_url)[0] == 409

        # Redis is back (empty: the render message is gone); a worker runs. Some minutes
        # later (REPORT_RENDER_RETRY_AFTER) beat sends the sweep, as here by hand.
        private_redis.start()
        start_worker(REDIS_URL=private_redis.url, MEDIA_ROOT=str(tmp_path / "media"))
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(
            created_at=timezone.now() - timedelta(minutes=6))
        subprocess.run([*CELERY, "call", "reports.tasks.requeue_pending_renders"], cwd=ROOT,
                       env=env, check=True, timeout=120, capture_output=True)

        def ready() -> bool:
            return ReportSnapshot.objects.get(pk=snapshot.pk).status == "ready"

        wait_for(ready, 120, "the PDF rendered after the sweep")
        status, _headers, content = browser.request("GET", pdf_url)
        assert status == 200
        assert content.startswith(b"%PDF")
        assert ReportSnapshot.objects.get(pk=snapshot.pk).attempts == 1
    finally:
        web.stop()
