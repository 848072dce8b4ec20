"""Notices: what a person is told as it happens (given a tiltak, a return sent back).

A service records a notice in the reminder delivery log, in its own transaction, with a
key that makes the same event recorded twice a no-op. The notice sweep
(``actions.reminders.sweep``) bundles a person's notices into one e-mail per hour and
sends it through the same claim-send-record path as the reminders, so a notice is sent
at most once and respects the person's opt-out.
"""

from __future__ import annotations

from django.db import transaction

from actions.deliveries import ReminderDelivery


def record_notice(*, recipient_id: int, organization_id: int, action_id: int, kind: str,
                  key: str) -> None:
    """Record that *recipient* is to be told *kind* about an action (at most once per key).

    Runs inside the caller's transaction: a write that rolls back tells nobody.
    """
    if kind not in ReminderDelivery.NOTICE_KINDS:
        raise ValueError(f"{kind!r} is not a notice.")
    with transaction.atomic():
        ReminderDelivery.objects.bulk_create(
            [ReminderDelivery(recipient_id=recipient_id, organization_id=organization_id,
                              action_id=action_id, kind=kind, key=key)],
            ignore_conflicts=True,
        )
