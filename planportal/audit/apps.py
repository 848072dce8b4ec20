"""App config for the audit trail."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail lives in its own app so its table and trigger stand apart."""

    name = "planportal.audit"
    label = "audit"
    verbose_name = _("Audit trail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from planportal.audit import signals  # noqa: F401  (Celery task hooks)
