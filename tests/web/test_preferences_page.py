"""Innstillinger: the signed-in user's own reminder e-mail settings, and the link to them
at the bottom of every reminder e-mail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from actions.reminders.sweep import sweep_deadlines
from planportal.audit.models import AuditEvent
from planportal.models import User
from tests.actions.reminder_helpers import (  # noqa: F401 - fixtures used by name
    TODAY,
    action_due,
    eager_celery,
    reminder_settings,
)

pytestmark = pytest.mark.django_db

URL = "/innstillinger/"


def stored(user):
    row = User.objects.get(pk=user.pk)
    return row.reminder_emails, row.preferred_language


def test_the_page_lives_at_innstillinger():
    assert reverse("preferences") == URL


def test_the_page_shows_the_users_current_settings_in_bokmaal(browse, world):
    User.objects.filter(pk=world.reader.pk).update(reminder_emails=False)

    response = browse("reader").get(URL)

    assert response.status_code == 200
    html = response.text
    assert '<h1 class="ds-heading" data-size="lg">Innstillinger</h1>' in html
    checkbox = re.search(r'<input type="checkbox" name="reminder_emails"[^>]*>', html).group(0)
    assert "checked" not in checkbox
    assert '<label class="ds-label" for="id_reminder_emails"' in html
    # Nobody has chosen a language yet: the page follows the kommune's målform.
    assert re.search(r'<option value="" selected>', html)
    assert '<label class="ds-label" for="id_preferred_language">Språk' in html
    assert world.reader.email in html
    # The header links to the page, marked as the current one.
    assert f'<a href="{URL}" aria-current="page">Innstillinger</a>' in html


def test_a_user_with_reminders_on_and_english_sees_both_and_the_page_in_english(
    browse, world
):
    User.objects.filter(pk=world.unit_manager.pk).update(preferred_language="en")

    html = browse("unit_manager").get(URL).text

    checkbox = re.search(r'<input type="checkbox" name="reminder_emails"[^>]*>', html).group(0)
    assert "checked" in checkbox
    assert re.search(r'<option value="en" selected>', html)
    assert '<h1 class="ds-heading" data-size="lg">Settings</h1>' in html
    assert "Send me reminder e-mails" in html


def test_saving_changes_the_settings_through_the_service_and_audits_it(browse, world):
    client = browse("reader")

    response = client.post(URL, {"preferred_language": "en"})  # box left unticked

    assert response.status_code == 302
    assert response.headers["Location"] == URL
    assert stored(world.reader) == (False, "en")
    event = AuditEvent.objects.get(verb="preferences", object_id=str(world.reader.pk))
    assert event.actor_id == world.reader.pk
    assert set(event.changes) == {"reminder_emails", "preferred_language"}
    # Said in the language just chosen, as the next page is.
    assert "Your settings are saved." in client.get(URL).text


def test_turning_reminders_back_on_is_saved(browse, world):
    User.objects.filter(pk=world.reader.pk).update(reminder_emails=False)

    client = browse("reader")
    response = client.post(URL, {"reminder_emails": "on", "preferred_language": "nb"})

    assert response.status_code == 302
    assert stored(world.reader) == (True, "nb")
    assert "Innstillingene dine er lagret." in client.get(URL).text


def test_saving_without_a_change_writes_no_audit_event(browse, world):
    # "": the stored default, the kommune's målform.
    response = browse("reader").post(URL, {"reminder_emails": "on", "preferred_language": ""})

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(verb="preferences").exists()


def test_an_unknown_language_gets_a_field_error_and_changes_nothing(browse, world):
    response = browse("reader").post(URL, {"preferred_language": "de"})

    assert response.status_code == 400
    html = response.text
    assert 'class="ds-error-summary"' in html
    assert 'href="#id_preferred_language"' in html
    assert 'id="id_preferred_language_error"' in html
    assert re.search(r'<select name="preferred_language"[^>]*aria-invalid="true"', html)
    assert stored(world.reader) == (True, "")
    assert not AuditEvent.objects.filter(verb="preferences").exists()


def test_a_missing_language_gets_a_field_error_and_changes_nothing(browse, world):
    response = browse("reader").post(URL, {})

    assert response.status_code == 400
    assert 'id="id_preferred_language_error"' in response.text
    assert stored(world.reader) == (True, "")


def test_the_language_switch_shows_the_page_in_english(browse, world):
    client = browse("reader")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # __Host-… in production

    html = client.get(URL).text

    assert '<h1 class="ds-heading" data-size="lg">Settings</h1>' in html
    assert '<label class="ds-label" for="id_preferred_language">Language' in html


def test_anonymous_visitors_are_sent_to_the_login_page(browse, world):
    response = browse(None).get(URL)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))
    assert "next=/innstillinger/" in response.headers["Location"]


def test_anonymous_posts_change_nothing(browse, world):
    response = browse(None).post(URL, {"preferred_language": "en"})

    assert response.status_code == 302
    assert stored(world.reader) == (True, "")


def test_the_header_links_to_the_page_for_signed_in_users_only(browse, world):
    assert f'href="{URL}"' in browse("reader").get(reverse("strategies:plan-list")).text
    assert f'href="{URL}"' not in browse(None).get(reverse("home")).text


def send_reminders(capture_on_commit):
    """Sweep TODAY and let the e-mail tasks run (eagerly) after the commit."""
    with capture_on_commit(execute=True):
        sweep_deadlines(TODAY)


@pytest.mark.usefixtures("reminder_settings", "eager_celery")
def test_the_reminder_email_links_to_the_page(world, django_capture_on_commit_callbacks):
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)

    send_reminders(django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    link = "https://planportal.example.no/innstillinger/"
    assert ("Du får denne e-posten fordi påminnelser er slått på for brukeren din."
            f"\nEndre varslene dine: {link}") in message.body
    html = message.alternatives[0].content
    assert f'Endre varslene dine: <a href="{link}">{link}</a>' in html


@pytest.mark.usefixtures("reminder_settings", "eager_celery")
def test_the_english_reminder_email_links_to_the_page_in_english(
    world, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.reader.pk).update(preferred_language="en")
    action_due(world, TODAY + timedelta(days=3), responsible_person=world.reader)

    send_reminders(django_capture_on_commit_callbacks)

    body = mail.outbox[0].body
    assert "Change your reminders: https://planportal.example.no/innstillinger/" in body
