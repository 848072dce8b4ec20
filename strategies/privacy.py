"""The strategies app's part of the personal-data export (``planportal.privacy``): the
indicators a person follows up, and the indicator values they recorded.

Erasure adds nothing here: the measurements stay, attributed to "Slettet bruker".
"""

from __future__ import annotations

from typing import Any

from planportal.privacy import iso, register_section
from strategies.models import Indicator, Measurement


def responsible_for_indicators(user: Any) -> list[dict[str, Any]]:
    """The indicators *user* is the responsible person of, and when a value is due."""
    return [
        {"id": pk, "name": name, "frequency": frequency, "next_due_on": iso(due)}
        for pk, name, frequency, due in Indicator.objects.filter(responsible_person=user)
        .order_by("pk").values_list("pk", "name", "frequency", "next_due_on")
    ]


def measurements_recorded(user: Any) -> list[dict[str, Any]]:
    """The indicator values *user* recorded."""
    return [
        {"indicator": indicator, "period_end": iso(end), "value": str(value)}
        for indicator, end, value in Measurement.objects.filter(recorded_by=user)
        .order_by("pk").values_list("indicator_id", "period_end", "value")
    ]


def register() -> None:
    """Add the sections to the export (from ``StrategiesConfig.ready``)."""
    register_section("responsible_for_indicators", order=55, read=responsible_for_indicators)
    register_section("measurements_recorded", order=60, read=measurements_recorded)
