from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    """Actions (tiltak) and their status history."""

    name = "actions"
    verbose_name = _("Actions")

    def ready(self) -> None:
        from actions import menu, privacy
        from actions.reminders.retention import prune_reminder_log
        from planportal import retention
        from planportal.context_processors import register_menu_item

        privacy.register()  # this app's part of the personal-data export
        register_menu_item("my_actions", menu.shows_my_actions)
        retention.register("actions.reminders", prune_reminder_log)
