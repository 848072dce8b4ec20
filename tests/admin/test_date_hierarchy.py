"""Every change list with a date drill-down answers a year at the ends of the calendar."""

from __future__ import annotations

import pytest
from django.contrib import admin

pytestmark = pytest.mark.django_db

DRILL_DOWNS = sorted(
    (model._meta.app_label, model._meta.model_name, model_admin.date_hierarchy)
    for model, model_admin in admin.site._registry.items()
    if model_admin.date_hierarchy
)


def test_the_registry_has_drill_downs_to_check():
    assert len(DRILL_DOWNS) >= 4


@pytest.mark.parametrize(("app_label", "model_name", "field"), DRILL_DOWNS)
@pytest.mark.parametrize("year", ["9999", "1", "99999999999999999999", "abc"])
def test_a_drill_down_year_out_of_range_sends_the_admin_back_to_the_list(
        admin_client, app_label, model_name, field, year):
    # Django computed 9999-01-01 – 10000-01-01 for year 9999: a 500 (OverflowError).
    url = f"/admin/{app_label}/{model_name}/"
    response = admin_client.get(url, {f"{field}__year": year})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


@pytest.mark.parametrize(("app_label", "model_name", "field"), DRILL_DOWNS)
def test_a_drill_down_at_the_last_sane_day_shows_the_list(admin_client, app_label, model_name,
                                                          field):
    url = f"/admin/{app_label}/{model_name}/"
    response = admin_client.get(url, {f"{field}__year": "2199", f"{field}__month": "12",
                                      f"{field}__day": "31"})
    assert response.status_code == 200
