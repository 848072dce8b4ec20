"""Issue 17, items 3, 4 and 7 in a real browser, on the demo data a kommune first sees.

Reflow (WCAG 1.4.10): at 320 px, and at 640 px (1280 px zoomed to 200 %), no page needs
sideways scrolling; only a data table scrolls, inside its own container. axe (WCAG 2.1 A
and AA) runs on every page at 320 px, where a scroll container must also be reachable by
keyboard. The pages are those each demo role opens: Mine tiltak with a status form open,
the action page whose heading holds "velferdsteknologiløsninger", the report, the frozen
reports, Fordel ansvar, the round pages, the public pages and the error pages. After a
failed login or freeze, the focus is on the error summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command

from actions.models import Action, ReportingReturn, ReportingRound
from reports.models import ReportSnapshot
from strategies.models import FocusArea, Indicator, Plan
from tests.e2e.conftest import WCAG_TAGS, _axe_source, log_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEMO_PASSWORD = "planportal-demo"  # fixtures/: every demo user's
WIDTHS = (320, 640)


@dataclass
class Demo:
    """Ids of Rendalen's demo objects the pages need."""

    plan: int
    long_word_action: int
    assign_action: int
    open_round: int
    closed_round: int
    requested_return: int
    submitted_return: int
    focus_area: int
    snapshot: int
    #: an indicator the demo administrator follows up (Elverum's: Rendalen has none)
    indicator: int


@pytest.fixture
def demo(db: Any) -> Demo:
    call_command("load_demo", force=True, verbosity=0)
    plan = Plan.objects.get(organization__name="Rendalen kommune", kind=Plan.Kind.ACTION_PLAN)
    open_round = ReportingRound.objects.get(organization=plan.organization, state="open")
    returns = ReportingReturn.objects.filter(round=open_round).order_by("pk")
    mine = returns.filter(action__responsible_unit__name="Hjemmetjenesten")
    return Demo(
        plan=plan.pk,
        long_word_action=Action.objects.get(
            title__contains="velferdsteknologiløsninger", goal__focus_area__plan=plan).pk,
        assign_action=Action.objects.filter(goal__focus_area__plan=plan,
                                            responsible_person=None).order_by("pk")[0].pk,
        open_round=open_round.pk,
        closed_round=ReportingRound.objects.get(organization=plan.organization,
                                                state="closed").pk,
        requested_return=(mine.filter(state="requested").first()
                          or returns.filter(state="requested").first()).pk,
        submitted_return=returns.filter(state="submitted").first().pk,
        focus_area=FocusArea.objects.filter(plan=plan).order_by("pk")[0].pk,
        snapshot=ReportSnapshot.objects.filter(plan=plan).order_by("-pk")[0].pk,
        indicator=Indicator.objects.filter(responsible_person__username="admin")
        .order_by("next_due_on", "pk")[0].pk,
    )


def _open_status_form(page: Any) -> None:
    page.locator(".pp-action-list details summary").first.click()
    # The card loads its form when opened (htmx): check the page with the form in it.
    page.locator(".pp-action-list details .pp-status-panel form").first.wait_for()


def _open_follow_up_form(page: Any) -> None:
    page.locator("#oppfolging details summary").click()


def _fail_bulk_assign(page: Any) -> None:
    page.get_by_role("button", name="Fordel valgte tiltak").click()
    page.locator(".ds-error-summary").wait_for()


def _fail_freeze(page: Any) -> None:
    page.locator("#id_period_key").fill("2026-T9")
    page.get_by_role("button", name="Frys rapporten").click()
    page.locator(".ds-error-summary").wait_for()


def _fail_login(page: Any) -> None:
    page.get_by_role("button", name="Logg inn").click()
    page.locator(".ds-error-summary").wait_for()


#: persona (None: not logged in) → [(name, path from the demo ids, what to do there)]
PAGES: dict[str | None, list[tuple[str, Callable[[Demo], str], Any]]] = {
    "enhetsleder": [
        ("mine-tiltak-skjema", lambda d: "/mine-tiltak/", _open_status_form),
        ("tiltak-langt-ord", lambda d: f"/tiltak/{d.long_word_action}/", None),
        ("runder", lambda d: "/rapportering/", None),
        ("rapport-skjema", lambda d: f"/rapportering/{d.open_round}/rapporter/"
                                     f"{d.requested_return}/", None),
        ("innstillinger", lambda d: "/innstillinger/", None),
        ("kalender", lambda d: "/kalender/", None),
        ("404-innlogget", lambda d: "/finnes-ikke/", None),
    ],
    "sektorleder": [
        ("fordel-ansvar-feil", lambda d: "/fordel-ansvar/", _fail_bulk_assign),
        ("fordel-ett", lambda d: f"/tiltak/{d.assign_action}/fordel/", None),
        ("runde", lambda d: f"/rapportering/{d.open_round}/", None),
        ("vurder-rapport", lambda d: f"/rapportering/{d.open_round}/rapporter/"
                                     f"{d.submitted_return}/", None),
        ("vurdering", lambda d: f"/rapportering/{d.open_round}/vurdering/"
                                f"?focus_area={d.focus_area}", None),
    ],
    "admin": [
        ("plan", lambda d: f"/planer/{d.plan}/", None),
        ("rapport", lambda d: f"/reports/plans/{d.plan}/", None),
        ("frosne-rapporter-feil", lambda d: f"/reports/plans/{d.plan}/snapshots/", _fail_freeze),
        ("sammenlign", lambda d: f"/reports/plans/{d.plan}/snapshots/compare/"
                                 f"?a={d.snapshot}&b={d.snapshot}", None),
        ("ny-runde", lambda d: "/rapportering/ny/", None),
        ("lukk-runde", lambda d: f"/rapportering/{d.open_round}/lukk/", None),
        ("lukket-runde", lambda d: f"/rapportering/{d.closed_round}/", None),
        ("indikator-skjema", lambda d: f"/indikatorer/{d.indicator}/", _open_follow_up_form),
    ],
    "politiker": [
        ("planer", lambda d: "/planer/", None),
        ("rapport-leser", lambda d: f"/reports/plans/{d.plan}/", None),
        ("403", lambda d: "/rapportering/ny/", None),
    ],
    None: [
        ("forside", lambda d: "/", None),
        ("offentlig-plan", lambda d: f"/offentlig/planer/{d.plan}/", None),
        ("offentlig-rapport", lambda d: f"/offentlig/planer/{d.plan}/rapporter/{d.snapshot}/",
         None),
        ("logg-inn-feil", lambda d: "/logg-inn/", _fail_login),
        ("404", lambda d: "/finnes-ikke/", None),
    ],
}


@pytest.fixture
def narrow(browser: Any, live_server: Any) -> Iterator[Callable[[int], Any]]:
    """``narrow(width)``: a fresh page of that width; JavaScript errors fail the test."""
    contexts, errors = [], []

    def make(width: int) -> Any:
        context = browser.new_context(base_url=live_server.url, locale="nb-NO",
                                      viewport={"width": width, "height": 800})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def _axe(page: Any) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"]]


#: What sticks out of the viewport and is not inside a scroll container of its own.
_WIDE = """width => [...document.body.querySelectorAll('*')].filter(el => {
  const box = el.getBoundingClientRect();
  if (box.right <= width + 0.5 || !el.checkVisibility()) return false;
  for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
    if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return false;
  }
  return !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 0.5;
}).slice(0, 3).map(el => el.tagName.toLowerCase() + '.' + el.className + ': '
                   + (el.textContent || '').trim().slice(0, 40))"""


def test_every_page_of_every_demo_role_reflows_at_320_and_640_px_and_passes_axe(
        demo, narrow):
    failures: list[str] = []
    for width in WIDTHS:
        for persona, pages in PAGES.items():
            page = narrow(width)
            if persona:
                log_in(page, persona, DEMO_PASSWORD)
            for name, path, act in pages:
                response = page.goto(path(demo))
                assert response is not None
                if act:
                    act(page)
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    failures.append(f"{width} px {persona} {name} ({path(demo)}): "
                                    f"{scroll_width} px wide; {page.evaluate(_WIDE, width)}")
                if width == 320:
                    # Each table's container holds the table: it scrolls, the page does not.
                    unboxed = page.evaluate(
                        "() => [...document.querySelectorAll('main table')]"
                        ".filter(t => !t.closest('.table-scroll')).length")
                    if unboxed:
                        failures.append(f"{name}: {unboxed} tables outside a scroll container")
                    violations = _axe(page)
                    if violations:
                        failures.append(f"axe {persona} {name}: "
                                        f"{json.dumps(violations, ensure_ascii=False)}")
    assert not failures, "\n".join(failures)


def test_a_failed_login_moves_the_focus_to_the_error_summary(page, world):
    page.goto("/logg-inn/")
    page.get_by_label("Brukernavn").fill("admin1")
    page.get_by_label("Passord").fill("feil-passord")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_function(
        "() => document.activeElement.classList.contains('ds-error-summary')")
    assert "brukernavn og passord" in page.evaluate("document.activeElement.innerText")
    username = page.get_by_label("Brukernavn")
    assert username.get_attribute("aria-invalid") == "true"
    assert username.get_attribute("aria-describedby") == "skjema-feil"


def test_a_failed_freeze_moves_the_focus_to_the_error_summary_and_its_link_to_the_field(
        page, world):
    log_in(page, "admin1")
    page.goto(f"/reports/plans/{world.plan.pk}/snapshots/")
    page.locator("#id_period_key").fill("2026-T9")
    page.get_by_role("button", name="Frys rapporten").click()
    page.wait_for_function(
        "() => document.activeElement.classList.contains('ds-error-summary')")
    summary = page.locator(".ds-error-summary")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_period_key"
    field = page.locator("#id_period_key")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    assert "id_period_key_helptext" in described and "id_period_key_error" in described
    assert all(page.locator(f"#{ref}").is_visible() for ref in described)


@pytest.mark.urls("tests.web.error_urls")
def test_the_400_and_500_pages_reflow_and_pass_axe(narrow, world):
    page = narrow(320)
    for path, status in (("/mistenkelig/", 400), ("/feiler/", 500)):
        response = page.goto(path)
        assert response.status == status
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert page.get_by_role("link", name="Gå til forsiden").is_visible()
        assert _axe(page) == [], path
