"""Writing and pruning the audit trail.

``record`` is called by every service inside the transaction of its change, so an event
exists exactly when the change does: a rolled-back change leaves no event, and a
compare-and-set or bulk write is recorded like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from planportal.access import SystemActor
from planportal.audit.context import current_origin
from planportal.audit.models import AuditEvent

# Fields that never go into the trail: secrets and bookkeeping.
_SKIPPED = {"password", "token_hash", "secret", "version", "updated_at", "last_login"}


def plain(value: Any) -> Any:
    """A JSON-safe form of a field value: related objects by id, dates as ISO text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet):
        return sorted(value.values_list("pk", flat=True))
    if isinstance(value, (set, frozenset, list, tuple)):
        items = [plain(item) for item in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of *fields* on *instance* (foreign keys by id, no query)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = plain(getattr(instance, attname))
    return values


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for each field whose value differs."""
    changed = {}
    for name in sorted(set(before) | set(after)):
        if name in _SKIPPED:
            continue
        old, new = plain(before.get(name)), plain(after.get(name))
        if old != new:
            changed[name] = [old, new]
    return changed


def created_fields(instance: models.Model) -> dict[str, list[Any]]:
    """Every concrete field of a new object as ``[None, value]``."""
    names = [f.name for f in instance._meta.concrete_fields
             if not f.primary_key and f.name not in _SKIPPED]
    return {name: [None, value] for name, value in snapshot(instance, names).items()
            if value not in (None, "")}


def _organization_id(obj: models.Model) -> int | None:
    # Walk up the plan hierarchy; every object in Planportal belongs to one kommune.
    for path in ("organization_id", "plan.organization_id", "focus_area.plan.organization_id",
                 "goal.focus_area.plan.organization_id",
                 "action.plan.organization_id",
                 "indicator.goal.focus_area.plan.organization_id",
                 "unit.organization_id"):
        value: Any = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return value
    return None


def _describe(obj: models.Model) -> str:
    # A person is named by id only: names live on the user row, where erasure reaches them.
    if isinstance(obj, get_user_model()):
        return f"#{obj.pk}"
    return str(obj)[:200]


def _actor_kind(actor: Any, origin_kind: str) -> str:
    if isinstance(actor, SystemActor) or actor is None or not getattr(actor, "pk", None):
        if origin_kind == "task" or getattr(actor, "label", "") == "task":
            return AuditEvent.ActorKind.TASK
        if origin_kind == "import" or getattr(actor, "label", "") == "import":
            return AuditEvent.ActorKind.IMPORT
        return AuditEvent.ActorKind.SYSTEM
    return AuditEvent.ActorKind.USER


def record(
    *,
    actor: Any,
    verb: str,
    obj: models.Model,
    changes: dict[str, list[Any]] | None = None,
    organization_id: int | None = None,
) -> AuditEvent:
    """Write one audit event for *verb* on *obj* by *actor*, in the caller's transaction.

    *changes* is ``{field: [before, after]}`` (see :func:`changes_between`). The request
    or task id comes from the audit context (:mod:`planportal.audit.context`).
    """
    origin = current_origin()
    user = None if isinstance(actor, SystemActor) or not getattr(actor, "pk", None) else actor
    return AuditEvent.objects.create(
        actor=user,
        actor_kind=_actor_kind(actor, origin.kind),
        organization_id=organization_id if organization_id is not None
        else _organization_id(obj),
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=_describe(obj),
        verb=verb,
        changes=changes or {},
        origin=origin.kind,
        reference=origin.reference,
    )


def prune_audit_events(*, now: datetime | None = None) -> int:
    """Delete events older than ``AUDIT_RETENTION_DAYS``; returns how many went.

    The only way rows leave the trail: on PostgreSQL the trigger lets a DELETE through
    only inside this transaction, which sets ``planportal.audit_prune``.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL planportal.audit_prune = 'on'")
        old = AuditEvent.objects.filter(occurred_at__lt=cutoff)
        deleted = old._raw_delete(old.db)
        if postgres:
            # SET LOCAL lasts to the end of the outermost transaction, not of this block:
            # switch it off so a caller's later statements are guarded again.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL planportal.audit_prune = 'off'")
    return deleted
