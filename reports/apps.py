from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Progress reports, snapshots and subscriptions (built on the plan hierarchy)."""

    name = "reports"
    verbose_name = _("Reports")
