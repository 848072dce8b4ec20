"""Planportal: follow-up of municipal action plans."""

from planportal.celery import app as celery_app

__all__ = ["celery_app"]
