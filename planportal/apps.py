from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanportalConfig(AppConfig):
    """Organisations, units, users and memberships."""

    name = "planportal"
    verbose_name = _("Organisation and access")

    def ready(self) -> None:
        from planportal import checks  # noqa: F401  (registers the system checks)
