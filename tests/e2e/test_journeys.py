"""The three journeys of the issue, in a real browser, keyboard first, axe on each page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from actions.models import Action, StatusUpdate
from strategies.models import Plan
from tests.e2e.conftest import (
    assert_accessible,
    assert_focus_visible,
    log_in,
    tab_to,
    type_date,
)
from tests.factories import ActionFactory, IndicatorFactory, MeasurementFactory

# serialized_rollback: a transactional test empties the tables, and the SDGs that a data
# migration put there must be back for the tests that run after these.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_sector_leader_assigns_a_deadline_with_the_keyboard_alone(page, world):
    action = ActionFactory(goal=world.goal, title="Innføre digitalt tilsyn",
                           responsible_unit=world.home_care)
    log_in(page, "sektorleder1")
    assert page.url.endswith("/fordel-ansvar/")
    assert_accessible(page, "fordel-ansvar")

    tab_to(page, page.get_by_role("link", name=re.compile(r"^Tildel\W+Innføre digitalt tilsyn$")))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tiltak/{action.pk}/fordel/")
    assert_accessible(page, "fordel-ett-tiltak")

    tab_to(page, page.get_by_label("Frist"))
    type_date(page, page.get_by_label("Frist"), date(2027, 6, 30))
    tab_to(page, page.get_by_role("button", name="Lagre"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/fordel-ansvar/")
    assert page.get_by_role("status").filter(has_text="er fordelt").is_visible()
    action.refresh_from_db()
    assert action.due_date == date(2027, 6, 30)


def test_the_sector_leader_assigns_several_actions_at_once(page, world):
    first = ActionFactory(goal=world.goal, title="Første uten ansvar")
    second = ActionFactory(goal=world.goal, title="Andre uten ansvar")
    log_in(page, "sektorleder1")
    page.get_by_label("Velg Første uten ansvar").check()
    page.get_by_label("Velg Andre uten ansvar").check()
    page.get_by_label("Ansvarlig enhet").select_option(label="\u2003\u2003Sykehjemmet")
    page.get_by_role("button", name="Fordel valgte tiltak").click()
    page.wait_for_url("**/fordel-ansvar/")
    assert page.get_by_text("2 tiltak ble fordelt.").is_visible()
    assert set(Action.objects.filter(pk__in=[first.pk, second.pk])
               .values_list("responsible_unit", flat=True)) == {world.nursing_home.pk}


def test_the_unit_manager_posts_an_update_with_the_keyboard_and_sees_it_at_once(page, world):
    Action.objects.filter(pk=world.action.pk).update(
        due_date=timezone.localdate() + timedelta(days=10))
    log_in(page, "enhetsleder1")
    assert page.url.endswith("/mine-tiltak/")
    assert_accessible(page, "mine-tiltak")
    page.evaluate("window.__sammeSide = true")

    # Keyboard alone: open the form, choose by typing, write, send with Enter.
    card = page.locator(f"#tiltak-{world.action.pk}")
    tab_to(page, card.locator("summary"))
    page.keyboard.press("Enter")
    status = card.get_by_label("Status", exact=True)
    tab_to(page, status)
    page.keyboard.type("på")  # a focused select jumps to the option typed: "pågår"
    tab_to(page, card.get_by_label("Fremdrift (%)"))
    page.keyboard.press("Control+A")
    page.keyboard.type("35")
    tab_to(page, card.get_by_label("Risiko"))
    page.keyboard.type("risiko")
    tab_to(page, card.get_by_label("Kommentar"))
    page.keyboard.type("Opplæring av alle ansatte er i gang – ærlig talt!")
    assert (status.input_value(), card.get_by_label("Risiko").input_value()) == (
        "in_progress", "at_risk")
    assert_accessible(page, "mine-tiltak-skjema")
    tab_to(page, card.get_by_role("button", name="Lagre statusoppdatering"))
    page.keyboard.press("Enter")

    saved = card.get_by_role("status")
    saved.wait_for()
    assert "Statusoppdateringen er lagret." in saved.inner_text()
    assert card.get_by_text("Opplæring av alle ansatte er i gang – ærlig talt!").is_visible()
    assert page.evaluate("window.__sammeSide === true")  # htmx swapped, no page load
    state = page.locator(f"#tilstand-{world.action.pk}")
    assert state.locator("progress").get_attribute("value") == "35"  # the card follows
    assert "Pågår" in state.inner_text()  # the tag, in sentence case
    assert page.evaluate("document.activeElement.getAttribute('role')") == "status"
    assert_focus_visible(page)
    update = StatusUpdate.objects.get(action=world.action)
    assert (update.progress, update.risk, update.author_id) == (35, "at_risk",
                                                                 world.unit_manager.pk)
    assert_accessible(page, "mine-tiltak-lagret")


def test_an_invalid_update_is_announced_and_tied_to_its_field(page, world):
    log_in(page, "enhetsleder1")
    page.goto(f"/tiltak/{world.action.pk}/#ny-status")
    page.get_by_label("Fremdrift (%)").fill("140")
    page.get_by_role("button", name="Lagre statusoppdatering").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    # Focus moves to the summary once htmx has settled the swap; wait for it, not a race.
    page.wait_for_function(
        "() => document.activeElement.classList.contains('ds-error-summary')", timeout=10_000)
    field = page.get_by_label("Fremdrift (%)")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby")
    assert page.locator(f"#{described.split()[-1]}").inner_text().strip()
    assert_accessible(page, "tiltak-feil")
    assert not StatusUpdate.objects.exists()


def test_the_politician_opens_the_plan_and_the_pdf_report(page, world):
    indicator = IndicatorFactory(goal=world.goal, name="Andel hjemmeboende over 80 år")
    MeasurementFactory(indicator=indicator, period_end=date(2025, 12, 31), value=71,
                       period_label="2025")
    log_in(page, "politiker1")
    assert page.url.endswith("/planer/")
    assert_accessible(page, "planer")
    page.get_by_role("link", name=world.plan.title).click()
    page.wait_for_url(f"**/planer/{world.plan.pk}/")
    assert page.get_by_text("Andel hjemmeboende over 80 år").is_visible()
    assert_accessible(page, "plan")

    page.get_by_label("Bare forsinkede tiltak").check()
    page.get_by_role("button", name="Vis").click()
    page.get_by_text("Viser 0 av 1 tiltak.").wait_for()
    assert "overdue=on" in page.url

    link = page.get_by_role("link", name="Fremdriftsrapport (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"


def test_the_action_page_and_the_public_plan_pass_axe(page, world):
    StatusUpdate.objects.create(action=world.action, status="in_progress", progress=20,
                                comment="Godt i gang.", author=world.unit_manager)
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    page.goto("/")
    assert_accessible(page, "forside-offentlig")
    page.get_by_role("link", name=world.plan.title).click()
    assert page.get_by_text(world.action.title).is_visible()
    assert_accessible(page, "offentlig-plan")
    log_in(page, "enhetsleder1")
    page.goto(f"/tiltak/{world.action.pk}/")
    assert page.get_by_text("Godt i gang.").is_visible()
    assert_accessible(page, "tiltak")
    page.goto("/logg-inn/")


def test_the_skip_link_is_first_and_moves_focus_to_the_main_content(page, world):
    page.goto("/logg-inn/")
    assert_accessible(page, "logg-inn")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "ds-skip-link"
    assert page.evaluate("document.activeElement.getBoundingClientRect().height") > 0
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innhold"


def test_the_english_switch_works_in_the_browser(page, world):
    log_in(page, "politiker1")
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Plans").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert_accessible(page, "plans-english")


def test_the_evaluation_form_and_error_states_pass_axe(page, world):
    Action.objects.filter(pk=world.action.pk).update(status="completed", progress=100)
    ActionFactory(goal=world.goal, title="Uten ansvar ennå")
    log_in(page, "enhetsleder1")
    page.goto(f"/tiltak/{world.action.pk}/#sluttevaluering")
    assert_accessible(page, "tiltak-sluttevaluering")
    page.get_by_role("button", name="Lagre sluttevaluering").click()
    page.get_by_role("alert").wait_for()
    evaluation = page.get_by_role("textbox", name="Sluttevaluering")
    assert evaluation.get_attribute("aria-invalid") == "true"
    assert_accessible(page, "tiltak-sluttevaluering-feil")
    evaluation.fill("Målet er nådd: alle brukere har fått tilbudet.")
    page.get_by_role("button", name="Lagre sluttevaluering").click()
    page.get_by_text("Sluttevalueringen er lagret.").wait_for()
    world.action.refresh_from_db()
    assert world.action.evaluation.startswith("Målet er nådd")

    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.wait_for_url("**/logg-inn/")
    log_in(page, "sektorleder1")
    page.get_by_role("button", name="Fordel valgte tiltak").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page, "fordel-ansvar-feil")
    page.goto(f"/planer/{world.plan.pk}/?status=ukjent")
    assert_accessible(page, "plan-filterfeil")
