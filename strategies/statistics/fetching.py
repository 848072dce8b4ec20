"""The scheduled fetch: indicators with a stored query get their figures from SSB.

Each indicator's ``statistics_query`` is the JSON body SSB's PxWebApi v0 takes (the
statistics bank's «API-spørring for denne tabellen»); it is POSTed to
``<STATISTICS_API_URL>/<table>`` with the answer format set to json-stat2, and the
answer is imported with :func:`strategies.statistics.importing.import_statistics`, as
an upload is. The same query of a kommune is asked once however many indicators share
it, with ``STATISTICS_FETCH_PAUSE`` seconds between queries (SSB answers at most 30 a
minute). A query that fails (HTTP error, timeout, an answer that is not JSON-stat, a
refused import) is logged and reported, and the others still run: the fetch never
raises, so the beat that runs it never stops.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from planportal.models import Organization
from strategies.models import Indicator, statistics_field_errors
from strategies.statistics.importing import (
    StatisticsRefused,
    StatisticsReport,
    import_statistics,
    read_dataset,
)
from strategies.statistics.jsonstat import JsonStatError

logger = logging.getLogger(__name__)


class FetchFailed(Exception):
    """The statistics bank did not give a readable answer; the message says why."""


@dataclass(frozen=True)
class Query:
    """One distinct query of one kommune: its table and the body posted."""

    organization: Organization
    table: str
    body: str


@dataclass
class FetchReport:
    """What a fetch did: the imports' reports, and the queries that failed with why."""

    reports: list[StatisticsReport] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"queries": len(self.reports) + len(self.failures),
                "imported": len(self.reports), "failed": len(self.failures),
                "created": sum(len(r.created) for r in self.reports),
                "updated": sum(len(r.updated) for r in self.reports)}


def request_body(query: dict[str, Any]) -> str:
    """The JSON posted for a stored query: the same, answered as JSON-stat 2.0."""
    return json.dumps({**query, "response": {"format": "json-stat2"}}, sort_keys=True,
                      ensure_ascii=False)


def queries() -> list[Query]:
    """Every distinct (kommune, table, query) of the indicators with a stored query."""
    found: dict[tuple[int, str, str], Query] = {}
    indicators = (Indicator.objects.exclude(statistics_query={}).exclude(statistics_table="")
                  .exclude(statistics_content="")
                  .select_related("goal__focus_area__plan__organization")
                  .order_by("goal__focus_area__plan__organization_id", "statistics_table", "pk"))
    for indicator in indicators:
        if statistics_field_errors(indicator.statistics_table, indicator.statistics_content,
                                   indicator.statistics_query):
            logger.warning("Indicator %s: its statistics query is not valid; skipped",
                           indicator.pk)
            continue
        organization = indicator.goal.focus_area.plan.organization
        body = request_body(indicator.statistics_query)
        key = (organization.pk, indicator.statistics_table, body)
        found.setdefault(key, Query(organization, indicator.statistics_table, body))
    return list(found.values())


def post(table: str, body: str) -> bytes:
    """POST *body* to the statistics bank's table; the answer's bytes, or FetchFailed."""
    url = f"{settings.STATISTICS_API_URL}/{urllib.parse.quote(table, safe='')}"
    request = urllib.request.Request(  # noqa: S310 - the base URL is the operator's setting
        url, data=body.encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 "User-Agent": "Planportal"})
    limit = settings.STATISTICS_IMPORT_MAX_BYTES
    try:
        with urllib.request.urlopen(request, timeout=settings.STATISTICS_API_TIMEOUT) as answer:  # noqa: S310
            content = answer.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise FetchFailed(_("the statistics bank answered HTTP %(status)s")
                          % {"status": exc.code}) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchFailed(_("the statistics bank could not be reached: %(reason)s")
                          % {"reason": reason}) from None
    if len(content) > limit:
        raise FetchFailed(_("the answer is larger than %(limit)s bytes") % {"limit": limit})
    return content


def fetch_statistics(*, actor: Any, pause: Callable[[float], None] | None = None) -> FetchReport:
    """Fetch and import every distinct query once; failures are logged and reported.

    *pause* waits between two queries (``time.sleep`` unless given)."""
    pause = pause or time.sleep
    report = FetchReport()
    for number, query in enumerate(queries()):
        if number and settings.STATISTICS_FETCH_PAUSE:
            pause(settings.STATISTICS_FETCH_PAUSE)
        where = f"{query.organization.slug}, table {query.table}"
        try:
            dataset = read_dataset(post(query.table, query.body))
            result = import_statistics(actor=actor, organization=query.organization,
                                       dataset=dataset, table=query.table)
        except (FetchFailed, JsonStatError, StatisticsRefused, PermissionDenied) as exc:
            failure = f"{where}: {exc}"
        except ValidationError as exc:
            failure = f"{where}: {' '.join(exc.messages)}"
        except Exception as exc:  # one kommune's surprise must not stop the others
            logger.exception("Statistics fetch for %s failed", where)
            failure = f"{where}: {type(exc).__name__}"
        else:
            report.reports.append(result)
            logger.info("Statistics fetch for %s: %s", where, result.summary())
            continue
        logger.warning("Statistics fetch failed: %s", failure)
        report.failures.append(failure)
    return report
