from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategiesConfig(AppConfig):
    """Plans, focus areas, goals, indicators and measurements."""

    name = "strategies"
    verbose_name = _("Plans")
