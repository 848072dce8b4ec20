"""The strategies app's part of the personal-data export (``planportal.privacy``): the
indicator values a person recorded.

Erasure adds nothing here: the measurements stay, attributed to "Slettet bruker".
"""

from __future__ import annotations

from typing import Any

from planportal.privacy import iso, register_section
from strategies.models import Measurement


def measurements_recorded(user: Any) -> list[dict[str, Any]]:
    """The indicator values *user* recorded."""
    return [
        {"indicator": indicator, "period_end": iso(end), "value": str(value)}
        for indicator, end, value in Measurement.objects.filter(recorded_by=user)
        .order_by("pk").values_list("indicator_id", "period_end", "value")
    ]


def register() -> None:
    """Add the section to the export (from ``StrategiesConfig.ready``)."""
    register_section("measurements_recorded", order=60, read=measurements_recorded)
