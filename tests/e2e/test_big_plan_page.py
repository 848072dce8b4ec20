"""A big plan's page in a real browser: focus areas as summaries that open with the
keyboard alone, a big area's goals so too, the opened goal's pages; axe on each."""

from __future__ import annotations

import re

import pytest

from tests.big_plans import grow_plan
from tests.e2e.conftest import assert_accessible, log_in, tab_to
from tests.factories import PlanFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_politician_opens_a_big_plan_area_by_area_with_the_keyboard(page, world):
    plan = PlanFactory(organization=world.org, title="Stor helseplan")
    made = grow_plan(plan, world.home_care, [[60] * 4, [40] * 2], plan_wide=3)
    log_in(page, "politiker1")
    page.goto(f"/planer/{plan.pk}/")
    assert page.get_by_text("323 tiltak i planen.").is_visible()
    assert page.locator(".pp-summary").count() == 2
    assert_accessible(page, "stor-plan")

    tab_to(page, page.get_by_role("link", name=re.compile(r"^Åpne satsingsområdet\W+Område 1$")))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/planer/{plan.pk}/?area={made['areas'][0].pk}#fa-*")
    # 240 tiltak: too many to show whole, so its goals are summaries too.
    assert page.locator(".pp-goal.pp-summary").count() == 4
    assert_accessible(page, "stor-plan-omrade")

    goal = made["goals"][2]
    name = re.compile(rf"^Vis delmålets indikatorer og tiltak\W+{re.escape(str(goal))}$")
    tab_to(page, page.get_by_role("link", name=name))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/planer/{plan.pk}/?goal={goal.pk}#mal-{goal.pk}")
    rows = page.locator(f"#mal-{goal.pk} tbody tr")
    assert rows.count() == 50
    assert page.get_by_text("Viser 1–50 av 60 tiltak.").is_visible()
    assert_accessible(page, "stor-plan-delmal")
    page.locator(f"#mal-{goal.pk}").get_by_role("link", name="Neste side").click()
    page.wait_for_url(f"**page=2#mal-{goal.pk}")
    assert rows.count() == 10
