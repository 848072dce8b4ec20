"""Celery tasks for people: the invitation e-mail. Each takes ids and is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from planportal import invitations
from planportal.mail import is_transient, retry_delay

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True, max_retries=None)
def send_invitation(self, user_id: int, organization_id: int) -> str:
    """Send one invitation e-mail; retry transient SMTP failures with backoff.

    Run again after the person has signed in, it sends nothing
    (:func:`planportal.invitations.send_invitation_email`). Run eagerly (no worker), a
    failure is logged and the administrator sends the invitation again from the admin.
    """
    retries = self.request.retries
    try:
        return invitations.send_invitation_email(user_id, organization_id)
    except Exception as exc:
        if (self.request.is_eager or not is_transient(exc)
                or retries >= settings.REMINDER_MAX_RETRIES):
            logger.error("Invitation e-mail to user %s failed: %s", user_id, exc)
            raise
        delay = retry_delay(retries)
        logger.warning("Invitation e-mail to user %s: %s; retry %d in %d s", user_id, exc,
                       retries + 1, delay)
        raise self.retry(exc=exc, countdown=delay) from exc
