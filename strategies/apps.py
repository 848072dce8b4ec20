from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategiesConfig(AppConfig):
    """Plans, focus areas, goals, indicators and measurements."""

    name = "strategies"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from strategies import privacy

        privacy.register()  # this app's part of the personal-data export
