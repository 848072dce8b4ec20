from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Progress reports, snapshots and subscriptions (built on the plan hierarchy)."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from planportal import retention
        from reports.retention import prune_report_deliveries

        retention.register("reports.deliveries", prune_report_deliveries)
