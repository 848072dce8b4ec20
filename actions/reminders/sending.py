"""Send one reminder e-mail, at most once: claim, send, record.

The claim is a conditional UPDATE (pending → sending, with the Celery task id), so of
two deliveries of the same task, or two tasks for the same e-mail, only one sends. The
e-mail is recorded as sent only after the mail server has accepted it. A redelivered
task that finds *its own* claim still in "sending" knows its earlier run died somewhere
between claiming and recording: the mail may have gone, so it marks it "uncertain" and
sends nothing (at most once, never twice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.deliveries import ReminderDelivery, ReminderDigest
from actions.models import Action
from actions.reminders import windows
from actions.reminders.messages import build_message, message_id
from actions.reminders.sweep import RETURN_KINDS, awaiting_returns
from actions.round_models import ReportingReturn
from planportal import mail
from planportal.mail import TransientMailError
from planportal.models import Membership
from planportal.permissions import administered_q
from strategies.models import Plan

logger = logging.getLogger(__name__)
Status = ReminderDigest.Status
Kind = ReminderDelivery.Kind


class TransientSendError(TransientMailError):
    """The mail server could not take the e-mail now; try again later."""


@dataclass(frozen=True)
class Outcome:
    """What one attempt did: ``sent``, ``skipped``, ``uncertain``, ``cancelled``,
    ``failed`` or ``retry``."""

    result: str
    detail: str = ""


def claim(digest_id: int, token: str) -> bool:
    """Take the e-mail for sending; True only for the one caller that changed the row."""
    return mail.claim(ReminderDigest, digest_id, pending=Status.PENDING,
                      sending=Status.SENDING, claim_token=token)


def _finish(digest_id: int, token: str, status: str, **fields: object) -> None:
    # Only our own claim is finished: a lease that expired meanwhile stays as it is.
    ReminderDigest.objects.filter(
        pk=digest_id, status=Status.SENDING, claim_token=token
    ).update(status=status, **fields)


def release(digest_id: int, token: str, error: str, delay_seconds: int) -> None:
    """Give a claimed e-mail back after a transient failure, not to be retried before
    *delay_seconds* have passed."""
    _finish(digest_id, token, Status.PENDING, claim_token="",
            last_error=error[:mail.ERROR_MAX_LENGTH],
            not_before=timezone.now() + timedelta(seconds=delay_seconds))


def fail(digest_id: int, token: str, error: str) -> None:
    """Give up on a claimed e-mail (the dead letter: an administrator can requeue it)."""
    _finish(digest_id, token, Status.FAILED, last_error=error[:mail.ERROR_MAX_LENGTH])
    logger.error("Reminder e-mail %s failed: %s", digest_id, error)


def requeue_reminder_emails(*, actor: Any, digests: Any) -> int:
    """Put failed or uncertain reminder e-mails back in the queue; the next sweep sends them.

    Uncertain ones may already have reached the recipient: requeueing is a person's
    decision to risk a duplicate rather than a lost reminder.
    """
    allowed = digests.filter(administered_q(actor), status__in=[
        ReminderDigest.Status.FAILED, ReminderDigest.Status.UNCERTAIN])
    with transaction.atomic():
        return allowed.update(status=ReminderDigest.Status.PENDING, claim_token="",
                              claimed_at=None, not_before=None)


def _mark_sent(digest: ReminderDigest, token: str, item_ids: list[int]) -> None:
    now = timezone.now()
    with transaction.atomic():
        _finish(digest.pk, token, Status.SENT, sent_at=now, last_error="",
                message_id=message_id(digest))
        ReminderDelivery.objects.filter(pk__in=item_ids).update(sent_at=now)


def _returns_for(items: list[ReminderDelivery]) -> dict[tuple[int, int], ReportingReturn]:
    """The returns the reporting items are about, still awaiting submission, by (round,
    action): the round is in every reporting key (``r<round>/…``). One query."""
    wanted = {(windows.round_of_key(item.key), item.action_id) for item in items
              if item.kind in RETURN_KINDS or item.kind == Kind.RETURN_SENT_BACK}
    if not wanted:
        return {}
    rows = (awaiting_returns()
            .filter(round_id__in={r for r, _a in wanted}, action_id__in={a for _r, a in wanted})
            .select_related("round"))
    return {(ret.round_id, ret.action_id): ret for ret in rows
            if (ret.round_id, ret.action_id) in wanted}


def _still_due(item: ReminderDelivery, recipient_id: int,
               returns: dict[tuple[int, int], ReportingReturn]) -> bool:
    """Whether *item* still needs telling about; a reporting item gets its return attached
    as ``item.reporting_return``."""
    if item.kind in RETURN_KINDS or item.kind == Kind.RETURN_SENT_BACK:
        # Submitted, approved, the round closed, the tiltak cancelled or carried over.
        ret = returns.get((windows.round_of_key(item.key), item.action_id))
        # A sent-back notice is only worth sending while the return is still sent back.
        if (ret is not None and item.kind == Kind.RETURN_SENT_BACK
                and ret.state != ReportingReturn.State.SENT_BACK):
            ret = None
        item.reporting_return = ret
        return ret is not None
    if item.kind in ReminderDelivery.INDICATOR_KINDS:
        # A value recorded for the period (the due date moved on), a new due date, the
        # follow-up stopped or the plan expired since the sweep: nothing to tell.
        indicator = item.indicator
        return (indicator.next_due_on == item.due_date
                and indicator.goal.focus_area.plan.status != Plan.Status.EXPIRED)
    if item.action.status in Action.CLOSED_STATUSES:
        return False
    if item.kind == Kind.ASSIGNED:
        # Given to somebody else again before the e-mail went: nothing to tell.
        return item.action.responsible_person_id == recipient_id
    return True


def _load_items(digest: ReminderDigest) -> tuple[list[ReminderDelivery], list[int]]:
    """The digest's unsent items that still need telling about, and the ids of items that
    no longer do (action completed or cancelled, return submitted, round closed since they
    were recorded). Two queries."""
    items = list(
        digest.items.filter(sent_at__isnull=True).select_related(
            "action__goal", "action__focus_area", "action__plan", "action__responsible_unit",
            "action__responsible_person", "indicator__goal__focus_area__plan",
        ).order_by("pk")
    )
    returns = _returns_for(items)
    keep, gone = [], []
    for item in items:
        (keep if _still_due(item, digest.recipient_id, returns) else gone).append(item)
    return keep, [item.pk for item in gone]


def deliver(
    digest_id: int, token: str, *, retry_delay: int = 0, last_attempt: bool = False
) -> Outcome:
    """Claim, build, send and record reminder e-mail *digest_id*.

    When the mail server cannot take it now, the claim is given back (to be retried
    after *retry_delay* seconds) and :class:`TransientSendError` is raised for the
    caller to schedule the retry; on the *last_attempt* the e-mail is marked failed.
    """
    if not claim(digest_id, token):
        row = ReminderDigest.objects.filter(pk=digest_id).values("status", "claim_token").first()
        if row and row["status"] == Status.SENDING and row["claim_token"] == token:
            # Our own earlier run died after claiming: the mail may have gone.
            _finish(digest_id, token, Status.UNCERTAIN,
                    last_error=_("Delivered to the worker again after a crash while sending; "
                                 "not sent again."))
            logger.error("Reminder e-mail %s is uncertain: redelivered mid-send", digest_id)
            return Outcome("uncertain")
        return Outcome("skipped", row["status"] if row else "missing")

    digest = ReminderDigest.objects.select_related("recipient", "organization").get(pk=digest_id)
    recipient = digest.recipient
    if not (recipient.is_active and recipient.reminder_emails and recipient.email):
        _finish(digest_id, token, Status.CANCELLED,
                last_error=_("The recipient has turned reminder e-mails off."))
        return Outcome("cancelled", "opted out")
    if not Membership.objects.filter(
        user_id=recipient.pk, unit__organization_id=digest.organization_id
    ).exists():
        # Left the kommune since the sweep: its actions are no longer theirs to see.
        _finish(digest_id, token, Status.CANCELLED,
                last_error=_("The recipient is no longer a member of the organisation."))
        return Outcome("cancelled", "not a member")
    items, closed = _load_items(digest)
    if not items:
        with transaction.atomic():
            _finish(digest_id, token, Status.CANCELLED,
                    last_error=_("Nothing left to remind about."))
            ReminderDelivery.objects.filter(pk__in=closed).update(sent_at=timezone.now())
        return Outcome("cancelled", "empty")
    try:
        message = build_message(digest, items)
        message.send()
    except Exception as exc:
        error = mail.error_text(exc)
        if mail.is_transient(exc) and not last_attempt:
            release(digest_id, token, error, retry_delay)
            raise TransientSendError(error) from exc
        fail(digest_id, token, error)
        return Outcome("failed", error)
    _mark_sent(digest, token, [item.pk for item in items] + closed)
    logger.info("Reminder e-mail %s sent to user %s", digest_id, recipient.pk)
    return Outcome("sent")
