"""Innstillinger in a real browser: reached from the header, saved with the keyboard,
axe-clean with and without errors."""

from __future__ import annotations

import pytest

from planportal.models import User
from tests.e2e.conftest import assert_accessible, log_in, tab_to

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_settings_page_is_reached_saved_with_the_keyboard_and_passes_axe(page, world):
    log_in(page, "enhetsleder1")
    page.get_by_role("link", name="Innstillinger").click()
    page.get_by_role("heading", name="Innstillinger", level=1).wait_for()
    assert_accessible(page, "innstillinger")

    box = page.get_by_role("checkbox", name="Send meg påminnelser på e-post")
    assert box.is_checked()
    tab_to(page, box)
    page.keyboard.press("Space")
    page.get_by_label("Språk").select_option("en")
    page.get_by_role("button", name="Lagre innstillingene").click()

    # The saved preference also picks the pages' language: the page comes back in English.
    page.get_by_text("Your settings are saved.").wait_for()
    user = User.objects.get(pk=world.unit_manager.pk)
    assert (user.reminder_emails, user.preferred_language) == (False, "en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert not page.get_by_role("checkbox", name="Send me reminder e-mails").is_checked()
    assert_accessible(page, "innstillinger-lagret")


def test_the_settings_error_state_is_announced_and_passes_axe(page, world):
    log_in(page, "enhetsleder1")
    page.goto("/innstillinger/")
    # A value no option offers (as a tampered or outdated form would send).
    page.get_by_label("Språk").evaluate(
        "el => { el.add(new Option('Deutsch', 'de')); el.value = 'de'; }")
    page.get_by_role("button", name="Lagre innstillingene").click()

    page.get_by_role("alert").wait_for()
    language = page.get_by_label("Språk")
    assert language.get_attribute("aria-invalid") == "true"
    assert_accessible(page, "innstillinger-feil")
    assert User.objects.get(pk=world.unit_manager.pk).preferred_language == ""
