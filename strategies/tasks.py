"""Celery tasks for the plan hierarchy: the monthly fetch of statistics from SSB."""

from __future__ import annotations

from celery import shared_task

from planportal.permissions import SystemActor
from strategies.statistics.fetching import fetch_statistics as fetch


@shared_task(ignore_result=True)
def fetch_statistics() -> dict[str, int]:
    """Monthly: fetch and import the figures of every indicator with a stored query.

    Never raises for a failed query (each is logged): the next month tries again.
    """
    return fetch(actor=SystemActor("task")).as_dict()
