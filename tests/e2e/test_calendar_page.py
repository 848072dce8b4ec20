"""Kalender in a real browser: reached from Mine tiltak and Innstillinger, a unit's address
created, copied with the keyboard (the clipboard API) and revoked after a confirmation,
axe-clean in every state."""

from __future__ import annotations

import re

import pytest

from actions.calendar_models import CalendarFeed
from tests.e2e.conftest import assert_accessible, log_in, tab_to

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_unit_manager_creates_copies_and_revokes_his_units_address(page, world):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "enhetsleder1")
    page.goto("/mine-tiltak/")
    page.get_by_role("link", name="Få fristene i kalenderen din").click()
    page.get_by_role("heading", name="Frister i kalenderen", level=1).wait_for()
    assert_accessible(page, "kalender")

    page.get_by_label("Frister for").select_option(str(world.home_care.pk))
    page.get_by_role("button", name="Lag en kalenderadresse").click()
    address = page.get_by_label("Kalenderadresse", exact=True)
    address.wait_for()
    url = address.input_value()
    assert re.search(r"/calendar/ppc_[\w-]+\.ics$", url)
    assert address.get_attribute("readonly") is not None
    copy = page.get_by_role("button", name="Kopier adressen")
    tab_to(page, copy)
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Adressen er kopiert.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert_accessible(page, "kalender-ny-adresse")

    page.get_by_role("link", name=re.compile("^Trekk tilbake adressen for Hjemmetjenesten")).click()
    page.get_by_role("heading", name="Trekke tilbake kalenderadressen?", level=1).wait_for()
    assert_accessible(page, "kalender-trekk-tilbake")
    page.get_by_role("button", name="Trekk tilbake adressen").click()
    page.get_by_text("Kalenderadressen er trukket tilbake").wait_for()
    assert CalendarFeed.objects.get().revoked_at is not None
    assert page.request.get(url).status == 404


def test_the_settings_page_links_it_and_a_refused_unit_is_announced(page, world):
    log_in(page, "enhetsleder1")
    page.goto("/innstillinger/")
    page.get_by_role("link", name="Få fristene i kalenderen din").click()
    page.get_by_role("heading", name="Frister i kalenderen", level=1).wait_for()
    # A unit the page does not offer (as a tampered or outdated form would send).
    page.get_by_label("Frister for").evaluate(
        f"el => {{ el.add(new Option('Sykehjemmet', '{world.nursing_home.pk}')); "
        f"el.value = '{world.nursing_home.pk}'; }}")
    page.get_by_role("button", name="Lag en kalenderadresse").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_label("Frister for").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "kalender-feil")
    assert not CalendarFeed.objects.exists()
