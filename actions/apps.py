from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    """Actions (tiltak) and their status history."""

    name = "actions"
    verbose_name = _("Actions")

    def ready(self) -> None:
        from actions.reminders.retention import prune_reminder_log
        from planportal import retention

        retention.register("actions.reminders", prune_reminder_log)
