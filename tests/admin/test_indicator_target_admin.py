"""The indicator admin's target and baseline inlines: saved with the indicator through
its service, all or nothing, a refused row shown at its inline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from planportal.audit.models import AuditEvent
from strategies.models import Indicator
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int, initial: int) -> dict[str, Any]:
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}


def rows(prefix: str, items: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    data = management(prefix, len(items), initial)
    for n, item in enumerate(items):
        for name, value in item.items():
            if value is not False:  # an unchecked box is not sent
                data[f"{prefix}-{n}-{name}"] = "on" if value is True else value
    return data


def indicator_form(**fields: Any) -> dict[str, Any]:
    return {"order": 0, "name": "Lærlingeplasser", "unit": "antall", "direction": "higher",
            "source": "internal", **fields, **management("measurements", 0, 0)}


def errors_of(response: Any) -> Any:
    """What the admin page says is wrong (the form's and every inline's errors)."""
    context = response.context
    return (context["adminform"].form.errors,
            [(f.formset.prefix, f.formset.errors, f.formset.non_form_errors())
             for f in context["inline_admin_formsets"]])


def stored(indicator: Indicator) -> tuple[list[Any], list[Any]]:
    return (list(indicator.targets.values_list("year", "comparison", "value",
                                               "relative_to_national")),
            list(indicator.baselines.values_list("year", "value")))


@pytest.fixture
def indicator(world: Any) -> Indicator:
    return IndicatorFactory(goal=world.goal, name="Lærlingeplasser", unit="antall",
                            targets=[{"year": 2030, "comparison": "gte", "value": 8}])


def test_the_change_page_shows_the_targets_and_baselines_to_edit(world, plan_admin, indicator):
    page = plan_admin.get(reverse("admin:strategies_indicator_change", args=[indicator.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="targets-0-year" value="2030"' in body
    assert 'name="targets-0-comparison"' in body and 'name="baselines-0-year"' in body


def test_targets_and_baselines_are_saved_through_the_service(world, plan_admin, indicator):
    target = indicator.targets.get()
    url = reverse("admin:strategies_indicator_change", args=[indicator.pk])
    response = plan_admin.post(url, {
        **indicator_form(),
        **rows("targets", [
            {"id": target.pk, "indicator": indicator.pk, "year": 2030, "comparison": "gte",
             "value": "8", "DELETE": True},
            {"indicator": indicator.pk, "year": 2026, "comparison": "gte", "value": "10"},
            {"indicator": indicator.pk, "year": "", "comparison": "gt", "value": "0",
             "relative_to_national": True},
        ], initial=1),
        **rows("baselines", [{"indicator": indicator.pk, "year": 2024, "value": "7.5"}]),
    })
    assert response.status_code == 302, errors_of(response)
    assert stored(indicator) == ([(2026, "gte", Decimal(10), False),
                                  (None, "gt", Decimal(0), True)],
                                 [(2024, Decimal("7.5"))])
    event = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Indicator),
        object_id=str(indicator.pk), verb="update").get()
    assert set(event.changes) == {"targets", "baselines"}


def test_a_refused_row_is_shown_at_its_inline_and_nothing_is_saved(world, plan_admin,
                                                                   indicator):
    target = indicator.targets.get()
    url = reverse("admin:strategies_indicator_change", args=[indicator.pk])
    response = plan_admin.post(url, {
        **indicator_form(name="Omdøpt"),
        **rows("targets", [{"id": target.pk, "indicator": indicator.pk, "year": 2030,
                            "comparison": "gte", "value": "8"}], initial=1),
        **rows("baselines", [{"indicator": indicator.pk, "year": 2031, "value": "5"}]),
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rett opp målene og utgangsverdiene nedenfor." in body
    assert "Rad 1, år: et år med utgangsverdi (2031) må være før det første målåret (2030)." \
        in body
    indicator.refresh_from_db()
    assert indicator.name == "Lærlingeplasser"
    assert stored(indicator) == ([(2030, "gte", Decimal(8), False)], [])


def test_a_wrong_field_in_a_row_keeps_the_indicator_as_it_was(world, plan_admin, indicator):
    target = indicator.targets.get()
    url = reverse("admin:strategies_indicator_change", args=[indicator.pk])
    response = plan_admin.post(url, {
        **indicator_form(name="Omdøpt"),
        **rows("targets", [{"id": target.pk, "indicator": indicator.pk, "year": 1800,
                            "comparison": "gte", "value": "8"}], initial=1),
        **management("baselines", 0, 0),
    })
    assert response.status_code == 200
    indicator.refresh_from_db()
    assert indicator.name == "Lærlingeplasser"
    assert stored(indicator) == ([(2030, "gte", Decimal(8), False)], [])


def test_an_indicator_is_added_with_its_targets(world, plan_admin):
    response = plan_admin.post(reverse("admin:strategies_indicator_add"), {
        **indicator_form(goal=world.goal.pk, name="Heltid", unit="%"),
        **rows("targets", [{"year": "", "comparison": "gt", "value": "50"}]),
        **rows("baselines", [{"year": 2022, "value": "38"}]),
    })
    assert response.status_code == 302, errors_of(response)
    indicator = Indicator.objects.get(name="Heltid")
    assert stored(indicator) == ([(None, "gt", Decimal(50), False)], [(2022, Decimal(38))])


def test_the_lists_show_the_target_as_the_plan_states_it(world, plan_admin, indicator):
    IndicatorFactory(goal=world.goal, name="Heltid", targets=[
        {"year": None, "comparison": "gt", "value": 50}])
    listing = plan_admin.get(reverse("admin:strategies_indicator_changelist")).content.decode()
    assert "≥\xa08 (2030)" in listing and "&gt;\xa050\xa0%" in listing
    goal_page = plan_admin.get(reverse("admin:strategies_goal_change", args=[world.goal.pk]))
    assert "≥\xa08 (2030)" in goal_page.content.decode()
