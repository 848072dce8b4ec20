"""The reporting round pages in a real browser: axe on each, and the return form on a
375 px wide phone without horizontal scrolling."""

from __future__ import annotations

from datetime import date

import pytest

from actions import rounds
from actions.models import ReportingReturn
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import IndicatorFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _round(world):
    round_ = rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                               period_key="2026-T2", deadline=date(2026, 9, 15))
    return round_, ReportingReturn.objects.get(round=round_, action=world.action)


def test_the_return_form_fits_a_phone_and_its_errors_pass_axe(page, world):
    IndicatorFactory(goal=world.goal, name="Andel hjemmeboende", unit="%")
    round_, ret = _round(world)
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, "enhetsleder1")
    page.goto(f"/rapportering/{round_.pk}/rapporter/{ret.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page, "rapport-skjema-mobil")
    page.get_by_role("button", name="Send inn").click()
    page.get_by_role("alert").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page, "rapport-skjema-feil")


def test_the_round_list_and_the_chase_view_pass_axe(page, world):
    round_, _ret = _round(world)
    log_in(page, "admin1")
    page.goto("/rapportering/")
    assert_accessible(page, "runder")
    page.goto("/rapportering/ny/")
    assert_accessible(page, "ny-runde")
    page.goto(f"/rapportering/{round_.pk}/")
    assert page.get_by_text(world.action.title).is_visible()
    assert_accessible(page, "runde")
    page.goto(f"/rapportering/{round_.pk}/lukk/")
    assert_accessible(page, "lukk-runde")
