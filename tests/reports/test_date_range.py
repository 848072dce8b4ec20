"""Report dates out of range (issue 14, item 7): the report pages and freezing answer 400
naming the field, and dates already stored at the ends of the calendar break no report."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actions.models import Action
from planportal.periods import parse_period_key
from reports.models import ReportSnapshot
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db

REPORTS = ["plan-report", "plan-report-pdf", "plan-report-xlsx"]


@pytest.fixture
def public_plan(world: Any) -> Any:
    plan = PlanFactory(organization=world.org, title="Offentlig plan", is_public=True)
    ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=plan)),
                  responsible_unit=world.home_care, due_date=date(2026, 6, 30))
    return plan


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_report_date_out_of_range_is_a_400_naming_the_field_without_login(
    public_plan: Any, name: str, value: str
) -> None:
    response = Client().get(reverse(f"reports:{name}", args=[public_plan.pk]),
                            {"as_of": value})

    assert response.status_code == 400
    assert "as_of" in response.content.decode()
    assert "1900-01-01" in response.content.decode()


@pytest.mark.parametrize("name", REPORTS)
def test_a_changes_since_date_out_of_range_is_a_400(public_plan: Any, name: str) -> None:
    response = Client().get(reverse(f"reports:{name}", args=[public_plan.pk]),
                            {"since": "0001-01-01", "as_of": "2026-06-30"})

    assert response.status_code == 400
    assert "since" in response.content.decode()


@pytest.mark.parametrize("name", [*REPORTS, "api"])
@pytest.mark.parametrize("due", [date(1, 1, 1), date(9999, 12, 31)])
def test_a_stored_deadline_at_the_end_of_the_calendar_breaks_no_report(
    public_plan: Any, name: str, due: date
) -> None:
    # Stored before the range existed (or by SQL): the pages must still answer.
    Action.objects.filter(goal__focus_area__plan=public_plan).update(due_date=due)
    url = (f"/api/v1/plans/{public_plan.pk}/progress/" if name == "api"
           else reverse(f"reports:{name}", args=[public_plan.pk]))

    response = Client().get(url, {"actions": "all"})

    assert response.status_code == 200


def freeze(world: Any, plan: Any, **data: str) -> Any:
    client = Client()
    client.force_login(world.admin)
    return client.post(reverse("reports:snapshot-list", args=[plan.pk]), data)


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_freezing_a_custom_period_out_of_range_is_a_400_naming_the_date(
    world: Any, as_of: str
) -> None:
    response = freeze(world, world.plan, frequency="custom", as_of=as_of)

    assert response.status_code == 400
    assert "1900-01-01" in response.content.decode()
    assert not ReportSnapshot.objects.exists()


@pytest.mark.parametrize(("frequency", "key"), [
    ("yearly", "99999999999999999999"),
    ("yearly", "0001"),
    ("tertial", "9999-T3"),
    ("monthly", "99999999999999999999-01"),
    ("tertial", "2025-T2x"),
])
def test_freezing_a_period_key_out_of_range_or_malformed_is_a_400(
    world: Any, frequency: str, key: str
) -> None:
    response = freeze(world, world.plan, frequency=frequency, period_key=key)

    assert response.status_code == 400
    assert not ReportSnapshot.objects.exists()


@pytest.mark.parametrize(("frequency", "key"), [
    ("yearly", "99999999999999999999"), ("yearly", "1899"), ("yearly", "2200"),
    ("monthly", "9999-12"), ("tertial", "0001-T1"), ("tertial", "2025-T4"),
    ("monthly", "2025-13"), ("monthly", "2025-00"), ("yearly", " "),
])
def test_a_period_key_out_of_range_or_malformed_is_a_value_error(frequency: str,
                                                                  key: str) -> None:
    with pytest.raises(ValueError):
        parse_period_key(frequency, key)


@pytest.mark.parametrize(("frequency", "key", "expected"), [
    ("tertial", "1900-T1", "1900-T1"), ("monthly", "2199-12", "2199-12"),
    ("monthly", "2025-5", "2025-05"), ("yearly", "2025", "2025"),
])
def test_period_keys_within_the_range_still_parse(frequency: str, key: str,
                                                  expected: str) -> None:
    assert parse_period_key(frequency, key).key == expected
