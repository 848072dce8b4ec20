"""The OpenAPI description of the progress JSON matches what the endpoint returns, field by
field: no key undocumented, no documented key missing, every value valid."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers

from reports.api_schema import ProgressReportSerializer
from reports.progress import compute_progress
from tests.reports.conftest import AS_OF, SINCE, ReportPlan

pytestmark = pytest.mark.django_db


def undocumented(serializer: Any, value: Any, path: str = "") -> list[str]:
    """Keys the data has and the serializer lacks, or lacks and the serializer requires."""
    if isinstance(serializer, serializers.ListSerializer):
        return [problem for index, item in enumerate(value)
                for problem in undocumented(serializer.child, item, f"{path}[{index}]")]
    if not isinstance(serializer, serializers.Serializer) or value is None:
        return []
    fields = serializer.fields
    problems = [f"{path}.{key} is not documented" for key in value if key not in fields]
    for name, field in fields.items():
        if name not in value:
            if field.required:
                problems.append(f"{path}.{name} is documented but missing")
            continue
        problems += undocumented(field, value[name], f"{path}.{name}")
    return problems


@pytest.mark.parametrize("public", [False, True])
def test_every_field_of_the_progress_json_is_documented_and_valid(
    report_plan: ReportPlan, today: Any, public: bool
) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, public=public,
                            include_actions=True)
    assert data["overdue"] and data["indicators"] and data["since_previous"]["status_updates"]
    assert undocumented(ProgressReportSerializer(), data) == []
    serializer = ProgressReportSerializer(data=data)
    assert serializer.is_valid(), serializer.errors


def test_a_wrong_type_breaks_the_schema(report_plan: ReportPlan, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)
    data["totals"]["overdue"] = "many"
    data["extra"] = 1
    assert not ProgressReportSerializer(data=data).is_valid()
    assert undocumented(ProgressReportSerializer(), data) == [".extra is not documented"]
