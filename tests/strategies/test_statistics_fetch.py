"""The monthly fetch against a statistics bank served by the test (never the internet)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from planportal.celery import app
from planportal.models import Organization
from planportal.permissions import SystemActor
from strategies.models import Measurement
from strategies.statistics import fetching
from strategies.tasks import fetch_statistics
from tests.factories import IndicatorFactory
from tests.strategies.statistics_files import STANDARD_VALUES, as_bytes, ssb_answer

pytestmark = pytest.mark.django_db

QUERY = {"query": [{"code": "Region", "selection": {"filter": "item",
                                                    "values": ["3424", "3425", "0"]}},
                   {"code": "ContentsCode", "selection": {"filter": "item",
                                                          "values": ["KOSandel", "KOSantall"]}},
                   {"code": "Tid", "selection": {"filter": "top", "values": ["2"]}}],
         "response": {"format": "json"}}


class StatisticsBank(ThreadingHTTPServer):
    """Answers POST /api/v0/no/table/<table> with what the test put in ``answers``."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        #: table → (status, body bytes, seconds to wait first)
        self.answers: dict[str, tuple[int, bytes, float]] = {}
        self.requests: list[tuple[str, dict[str, str], Any]] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v0/no/table"


class _Handler(BaseHTTPRequestHandler):
    server: StatisticsBank

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        self.server.requests.append((self.path, dict(self.headers), body))
        table = self.path.rsplit("/", 1)[-1]
        status, content, delay = self.server.answers.get(table, (404, b"{}", 0))
        time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def bank(settings) -> Iterator[StatisticsBank]:
    server = StatisticsBank()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STATISTICS_API_URL = server.base
    settings.STATISTICS_FETCH_PAUSE = 0
    settings.STATISTICS_API_TIMEOUT = 1
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def share(world):
    Organization.objects.filter(pk=world.org.pk).update(kommunenummer="3424")
    return IndicatorFactory(goal=world.goal, name="Andel 80+ i institusjon",
                            statistics_table="12345", statistics_content="KOSandel",
                            statistics_query=QUERY)


def fetch() -> dict[str, int]:
    with translation.override("en"):
        return fetch_statistics.apply().get()


def test_the_beat_runs_the_fetch_monthly():
    entry = django_settings.CELERY_BEAT_SCHEDULE["statistics-fetch"]
    assert entry["task"] == "strategies.tasks.fetch_statistics" in app.tasks
    assert entry["options"]["expires"] < 28 * 24 * 3600


def test_the_fetch_posts_the_stored_query_as_json_stat2_and_imports_the_answer(bank, share):
    bank.answers["12345"] = (200, as_bytes(ssb_answer(STANDARD_VALUES)), 0)
    assert fetch() == {"queries": 1, "imported": 1, "failed": 0, "created": 2, "updated": 0}
    path, headers, body = bank.requests[0]
    assert path == "/api/v0/no/table/12345"
    assert headers["Content-Type"] == "application/json"
    assert body == {**QUERY, "response": {"format": "json-stat2"}}
    assert [(m.period_label, m.value, m.national_average, m.source)
            for m in share.measurements.order_by("period_end")] == [
        ("2023", Decimal("12.30"), Decimal("10.20"), "SSB, tabell 12345"),
        ("2024", Decimal("12.80"), Decimal("10.50"), "SSB, tabell 12345")]


def test_a_second_fetch_of_the_same_answer_changes_nothing(bank, share):
    bank.answers["12345"] = (200, as_bytes(ssb_answer(STANDARD_VALUES)), 0)
    fetch()
    assert fetch()["created"] == 0
    assert share.measurements.count() == 2


def test_indicators_sharing_a_query_ask_it_once(bank, share, world):
    IndicatorFactory(goal=world.goal, name="Institusjonsplasser", statistics_table="12345",
                     statistics_content="KOSantall", statistics_query=QUERY)
    bank.answers["12345"] = (200, as_bytes(ssb_answer(STANDARD_VALUES)), 0)
    assert fetch()["created"] == 4
    assert len(bank.requests) == 1


@pytest.mark.parametrize("answer,logged", [
    ((500, b"Internal Server Error", 0), "HTTP 500"),
    ((400, b'{"error": "Bad request"}', 0), "HTTP 400"),
    ((200, b"<html>maintenance</html>", 0), "not valid JSON"),
    ((200, json.dumps({"class": "dataset"}).encode(), 0), "«id» must be a list"),
    ((200, as_bytes(ssb_answer(STANDARD_VALUES)), 3), "could not be reached"),
])
def test_a_failed_query_is_logged_and_reported_and_the_others_still_run(
        bank, share, world, caplog, answer, logged):
    bank.answers["12345"] = answer
    IndicatorFactory(goal=world.goal, name="Befolkning", statistics_table="07459",
                     statistics_content="Personer1",
                     statistics_query={"query": [], "response": {"format": "json-stat2"}})
    bank.answers["07459"] = (200, as_bytes(ssb_answer(
        [10], regions=["3424"], contents=["Personer1"], times=["2024"], table="07459")), 0)
    with caplog.at_level("WARNING", logger="strategies.statistics.fetching"):
        result = fetch()
    assert (result["failed"], result["imported"], result["created"]) == (1, 1, 1)
    assert not share.measurements.exists()
    assert any(logged in record.getMessage() and "testkommune, table 12345" in
               record.getMessage() for record in caplog.records)


def test_an_answer_over_the_size_limit_is_refused(bank, share, settings, caplog):
    settings.STATISTICS_IMPORT_MAX_BYTES = 1024
    bank.answers["12345"] = (200, b" " * 5000 + b"{}", 0)
    with caplog.at_level("WARNING", logger="strategies.statistics.fetching"):
        assert fetch()["failed"] == 1
    assert "larger than 1024 bytes" in caplog.text
    assert not Measurement.objects.exists()


def test_a_kommune_without_a_municipality_number_is_reported_not_fetched_into(bank, share,
                                                                               caplog):
    Organization.objects.filter(pk=share.goal.focus_area.plan.organization_id).update(
        kommunenummer="")
    bank.answers["12345"] = (200, as_bytes(ssb_answer(STANDARD_VALUES)), 0)
    with caplog.at_level("WARNING", logger="strategies.statistics.fetching"):
        assert fetch()["failed"] == 1
    assert "has no municipality number" in caplog.text


def test_the_pause_keeps_within_the_statistics_banks_rate_limit(bank, share, world, settings):
    settings.STATISTICS_FETCH_PAUSE = 3
    IndicatorFactory(goal=world.goal, statistics_table="07459", statistics_content="Personer1",
                     statistics_query={"query": []})
    bank.answers["12345"] = (200, as_bytes(ssb_answer(STANDARD_VALUES)), 0)
    pauses: list[float] = []
    fetching.fetch_statistics(actor=SystemActor("task"), pause=pauses.append)
    assert pauses == [3]  # between the two queries, not before the first
    assert len(bank.requests) == 2


def test_indicators_without_a_query_are_not_fetched(bank, world):
    IndicatorFactory(goal=world.goal, statistics_table="12345", statistics_content="KOSandel")
    assert fetch()["queries"] == 0
    assert bank.requests == []
