"""Data protection: a person's own data on request, and erasure that keeps the plan history.

GDPR art. 15 and 20 (access, portability): :func:`export_personal_data` gathers what
Planportal holds about one person. Art. 17 (erasure) is limited by the kommune's duty to
document its decisions, so :func:`erase_user` anonymises the person instead of deleting
what they did: their name and e-mail go, the account is closed, and the status history,
evaluations and audit trail stay, now pointing at "Slettet bruker".

Each app contributes its own part (the core imports no app): an app's ``privacy`` module,
loaded from its ``AppConfig.ready``, calls :func:`register_section` for the data it holds
about a person. Erasure needs no app's part yet: what the apps keep about a person points
at the account, which erasure anonymises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planportal.audit import services as audit
from planportal.audit.models import AuditEvent
from planportal.models import Membership
from planportal.permissions import deny, forget_access, is_self, may_act_for
from planportal.services import end_sessions_and_tokens

ERASED_FIRST_NAME = "Slettet"
ERASED_LAST_NAME = "bruker"


def iso(value: Any) -> str | None:
    """A date or time as ISO 8601 text for the export, None kept."""
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class Section:
    """One key of the personal-data export: *read* gives its value for a user.

    *order* places it in the export (the core's own: profile 10, memberships 20,
    api_tokens 80, audit_events 90); each section should cost a fixed number of queries.
    """

    key: str
    order: int
    read: Callable[[Any], Any]


_sections: dict[str, Section] = {}


def register_section(key: str, *, order: int, read: Callable[[Any], Any]) -> None:
    """Add (or replace, on a repeated ``ready``) the export section *key*."""
    _sections[key] = Section(key, order, read)


def _profile(user: Any) -> dict[str, Any]:
    return {
        "id": user.pk, "username": user.username, "first_name": user.first_name,
        "last_name": user.last_name, "email": user.email,
        "preferred_language": user.preferred_language,
        "reminder_emails": getattr(user, "reminder_emails", None),
        "is_active": user.is_active, "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
    }


def _memberships(user: Any) -> list[dict[str, Any]]:
    return [
        {"organization": org, "unit": unit, "role": role}
        for org, unit, role in Membership.objects.filter(user=user)
        .order_by("unit__path").values_list("unit__organization__name", "unit__name", "role")
    ]


def _api_tokens(user: Any) -> list[dict[str, Any]]:
    from planportal.token_models import ApiToken

    return [
        {"name": name, "created_at": iso(created), "expires_at": iso(expires),
         "revoked_at": iso(revoked)}
        for name, created, expires, revoked in ApiToken.objects.filter(user=user)
        .order_by("pk").values_list("name", "created_at", "expires_at", "revoked_at")
    ]


def _audit_events(user: Any) -> list[dict[str, Any]]:
    return [
        {"occurred_at": iso(at), "verb": verb, "object": obj, "changes": changes}
        for at, verb, obj, changes in AuditEvent.objects.filter(actor=user)
        .order_by("occurred_at", "pk")
        .values_list("occurred_at", "verb", "object_repr", "changes")
    ]


register_section("profile", order=10, read=_profile)
register_section("memberships", order=20, read=_memberships)
register_section("api_tokens", order=80, read=_api_tokens)
register_section("audit_events", order=90, read=_audit_events)


def export_personal_data(*, actor: Any, user: Any) -> dict[str, Any]:
    """Everything Planportal holds about *user*, as JSON-ready data (and an audit event).

    A fixed number of queries, however much the person has done.
    """
    if not may_act_for(actor, user):
        raise deny(_("You cannot export this user's data."))
    data: dict[str, Any] = {"exported_at": timezone.now().isoformat()}
    for section in sorted(_sections.values(), key=lambda section: section.order):
        data[section.key] = section.read(user)
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
