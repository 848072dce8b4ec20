"""The audit event: one row per change, written in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planportal.audit.querysets import AuditEventQuerySet


class AuditEvent(models.Model):
    """Who did what to which object, when, and from which request or task.

    Append-only: the model, its queryset and (on PostgreSQL) a trigger refuse updates;
    rows leave only through the retention service. People are stored by id, never by
    name, so erasing a user's name anonymises the trail too.
    """

    class Verb(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("edited")
        ASSIGN = "assign", _("assigned")
        POST_UPDATE = "post_update", _("posted a status update")
        EVALUATE = "evaluate", _("evaluated")
        RESTORE = "restore", _("restored history")
        ROLL_OVER = "roll_over", _("rolled over")
        IMPORT = "import", _("imported")
        EXPORT = "export", _("exported")
        ROLE_CHANGE = "role_change", _("changed a role")
        PREFERENCES = "preferences", _("changed preferences")
        DEACTIVATE = "deactivate", _("deactivated")
        ERASE = "erase", _("erased personal data")
        TOKEN = "token", _("issued or revoked a token")
        OPEN_ROUND = "open_round", _("opened a reporting round")
        SAVE_RETURN = "save_return", _("saved a return as a draft")
        SUBMIT_RETURN = "submit_return", _("submitted a return")
        APPROVE_RETURN = "approve_return", _("approved a return")
        SEND_BACK_RETURN = "send_back_return", _("sent a return back")
        CLOSE_ROUND = "close_round", _("closed a reporting round")

    class ActorKind(models.TextChoices):
        USER = "user", _("user")
        SYSTEM = "system", _("system")
        IMPORT = "import", _("import")
        TASK = "task", _("task")

    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_kind = models.CharField(_("actor kind"), max_length=16, choices=ActorKind.choices)
    organization = models.ForeignKey(
        "planportal.Organization", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    verb = models.CharField(_("verb"), max_length=32, choices=Verb.choices)
    changes = models.JSONField(
        _("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder,
        help_text=_("Each changed field with its value before and after."),
    )
    origin = models.CharField(_("origin"), max_length=16, blank=True,
                              help_text=_("request, task, import or command"))
    reference = models.CharField(_("request or task id"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-occurred_at"],
                         name="audit_object_time_idx"),
            models.Index(fields=["organization", "-occurred_at"], name="audit_org_time_idx"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_verb_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit events are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Audit events are removed only by the retention service.")
