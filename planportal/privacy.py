"""Data protection: a person's own data on request, and erasure that keeps the plan history.

GDPR art. 15 and 20 (access, portability): :func:`export_personal_data` gathers what
Planportal holds about one person. Art. 17 (erasure) is limited by the kommune's duty to
document its decisions, so :func:`erase_user` anonymises the person instead of deleting
what they did: their name and e-mail go, the account is closed, and the status history,
evaluations and audit trail stay, now pointing at "Slettet bruker".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import Action, StatusUpdate
from planportal.audit import services as audit
from planportal.audit.models import AuditEvent
from planportal.models import Membership
from planportal.permissions import deny, forget_access, is_self, may_act_for
from planportal.services import end_sessions_and_tokens
from strategies.models import Measurement

ERASED_FIRST_NAME = "Slettet"
ERASED_LAST_NAME = "bruker"


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def export_personal_data(*, actor: Any, user: Any) -> dict[str, Any]:
    """Everything Planportal holds about *user*, as JSON-ready data (and an audit event).

    A fixed number of queries, however much the person has done.
    """
    if not may_act_for(actor, user):
        raise deny(_("You cannot export this user's data."))
    from planportal.tokens import ApiToken

    data = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "id": user.pk, "username": user.username, "first_name": user.first_name,
            "last_name": user.last_name, "email": user.email,
            "preferred_language": user.preferred_language,
            "reminder_emails": getattr(user, "reminder_emails", None),
            "is_active": user.is_active, "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "memberships": [
            {"organization": org, "unit": unit, "role": role}
            for org, unit, role in Membership.objects.filter(user=user)
            .order_by("unit__path").values_list("unit__organization__name", "unit__name", "role")
        ],
        "responsible_for_actions": [
            {"id": pk, "title": title, "due_date": _iso(due), "status": status}
            for pk, title, due, status in Action.objects.filter(responsible_person=user)
            .order_by("pk").values_list("pk", "title", "due_date", "status")
        ],
        "status_updates": [
            {"action": action, "created_at": _iso(at), "status": status, "progress": progress,
             "risk": risk, "comment": comment}
            for action, at, status, progress, risk, comment in StatusUpdate.objects
            .filter(author=user).order_by("created_at", "pk")
            .values_list("action_id", "created_at", "status", "progress", "risk", "comment")
        ],
        "evaluations": [
            {"action": pk, "evaluated_on": _iso(on), "evaluation": text}
            for pk, on, text in Action.objects.filter(evaluated_by=user).order_by("pk")
            .values_list("pk", "evaluated_on", "evaluation")
        ],
        "measurements_recorded": [
            {"indicator": indicator, "period_end": _iso(end), "value": str(value)}
            for indicator, end, value in Measurement.objects.filter(recorded_by=user)
            .order_by("pk").values_list("indicator_id", "period_end", "value")
        ],
        "api_tokens": [
            {"name": name, "created_at": _iso(created), "expires_at": _iso(expires),
             "revoked_at": _iso(revoked)}
            for name, created, expires, revoked in ApiToken.objects.filter(user=user)
            .order_by("pk").values_list("name", "created_at", "expires_at", "revoked_at")
        ],
        "audit_events": [
            {"occurred_at": _iso(at), "verb": verb, "object": obj, "changes": changes}
            for at, verb, obj, changes in AuditEvent.objects.filter(actor=user)
            .order_by("occurred_at", "pk")
            .values_list("occurred_at", "verb", "object_repr", "changes")
        ],
    }
    with transaction.atomic():
        audit.record(actor=actor, verb=AuditEvent.Verb.EXPORT, obj=user,
                     changes={"personal_data": [None, "exported"]})
    return data


def erasure_refusal(actor: Any, user: Any) -> str | None:
    """Why *actor* may not erase *user*, or None if they may.

    The one rule for :func:`erase_user` and for the admin's confirmation page, which
    names the refused users before anything is done.
    """
    if is_self(actor, user):
        return _("Ask an administrator to erase your own account.")
    if not may_act_for(actor, user):
        return _("You cannot erase this user.")
    return None


def erase_user(*, actor: Any, user: Any) -> Any:
    """Anonymise *user*: name and e-mail removed, account closed, roles and tokens ended.

    What they did stays (status updates, evaluations, audit events), attributed to
    "Slettet bruker". Irreversible; one audit event records that it happened, after one
    per revoked API token (as log-out-everywhere records them).
    """
    reason = erasure_refusal(actor, user)
    if reason is not None:
        raise deny(reason)

    with transaction.atomic():
        memberships = list(Membership.objects.filter(user=user).values_list("unit_id", "role"))
        Membership.objects.filter(user=user).delete()
        # Every session and API token ends at once, each token with its own event.
        end_sessions_and_tokens(user, actor=actor)
        user.username = f"slettet-{user.pk}"
        user.first_name = ERASED_FIRST_NAME
        user.last_name = ERASED_LAST_NAME
        user.email = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save(update_fields=["username", "first_name", "last_name", "email", "is_active",
                                 "is_staff", "is_superuser", "password"])
        audit.record(actor=actor, verb=AuditEvent.Verb.ERASE, obj=user, changes={
            "memberships": [[{"unit": unit, "role": role} for unit, role in memberships], []],
            "personal_data": ["present", "erased"],
        })
    forget_access(user)
    return user


def user_by_username(username: str) -> Any:
    """The user for a management command, or a clear error naming the username."""
    from django.core.management.base import CommandError

    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(_('No user is called "%(name)s".') % {"name": username}) from None
