from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Progress reports, snapshots and subscriptions (built on the plan hierarchy)."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from planportal import retention
        from planportal.context_processors import register_menu_item
        from reports.retention import prune_report_deliveries
        from reports.round_menu import shows_rounds

        retention.register("reports.deliveries", prune_report_deliveries)
        register_menu_item("rounds", shows_rounds)

