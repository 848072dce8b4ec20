"""Issue 17, item 7: 400, 403, 404 and 500 pages in the site's layout and the user's
language, JSON under /api/, also with DEBUG on (the embedded default); and a favicon."""

from __future__ import annotations

import logging

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.urls import reverse

from planportal import errors
from tests.html_references import dangling_references, duplicate_ids

URLS = "tests.web.error_urls"


def _in_the_layout(response, language: str = "nb") -> str:
    text = response.content.decode()
    assert f'<html lang="{language}"' in text
    assert 'class="pp-header"' in text and 'class="pp-footer"' in text
    assert '<a class="ds-link" href="/">' in text  # the way on
    assert dangling_references(text) == [] and duplicate_ids(text) == []
    return text


@pytest.mark.django_db
def test_an_unknown_address_gets_the_sites_404_page_in_bokmal(client):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    text = _in_the_layout(response)
    assert "Fant ikke siden" in text and "Feilkode 404" in text
    assert "Log in" not in text and "Logg inn" in text  # the header as everywhere


@pytest.mark.django_db
def test_the_404_page_is_in_the_users_own_language(browse, world):
    world.reader.preferred_language = "en"
    world.reader.save()
    response = browse("reader").get("/finnes-ikke/")
    text = _in_the_layout(response, "en")
    assert "Page not found" in text and "Error code 404" in text
    assert "Log out" in text  # the signed-in header, menu and all


@pytest.mark.django_db
def test_an_unknown_address_under_the_api_answers_json(client):
    response = client.get("/api/v1/finnes-ikke/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ikke funnet."}


@pytest.mark.django_db
def test_a_refusal_gets_the_403_page_with_its_reason(browse, world):
    response = browse("reader").get(reverse("rounds:open"))
    assert response.status_code == 403
    text = _in_the_layout(response)
    assert "Ingen tilgang" in text
    assert "Bare en administrator i organisasjonen kan åpne rapporteringsrunder." in text


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_the_sites_page(world):
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "admin1", "password": "feil"})
    assert response.status_code == 403
    text = _in_the_layout(response)
    assert "Skjemaet kunne ikke sendes" in text
    assert "CSRF verification failed" not in text


@pytest.mark.django_db
@pytest.mark.urls(URLS)
def test_a_bad_request_gets_the_400_page(client):
    response = client.get("/mistenkelig/")
    assert response.status_code == 400
    assert "Forespørselen kunne ikke leses" in _in_the_layout(response)


@pytest.mark.django_db
@pytest.mark.urls(URLS)
def test_a_broken_view_gets_the_500_page_with_the_requests_reference(caplog):
    response = Client(raise_request_exception=False).get("/feiler/")
    assert response.status_code == 500
    text = response.content.decode()
    assert '<html lang="nb"' in text and "Noe gikk galt" in text and "Feilkode 500" in text
    assert f"<code>{response['X-Request-ID']}</code>" in text
    assert 'class="pp-nav"' not in text  # no menu: it would need the request's context
    assert dangling_references(text) == [] and duplicate_ids(text) == []


def test_the_500_page_renders_without_the_database():
    # No django_db mark: any query (a context processor, the menu, the user) would raise.
    request = RequestFactory().get("/tiltak/1/")
    request.request_id = "abc123"
    response = errors.server_error(request)
    assert response.status_code == 500
    assert "<code>abc123</code>" in response.content.decode()
    assert "https://uustatus.no/" in response.content.decode()  # the footer's statement


@pytest.mark.django_db
def test_with_debug_on_an_unknown_address_gets_the_sites_404_page(client, settings):
    settings.DEBUG = True
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    text = _in_the_layout(response)
    assert "Fant ikke siden" in text and "URLconf" not in text


@pytest.mark.django_db
@pytest.mark.urls(URLS)
def test_with_debug_on_a_missing_object_and_a_broken_view_get_the_sites_pages(
        client, settings, caplog):
    settings.DEBUG = True
    missing = client.get("/mangler/")
    assert missing.status_code == 404
    assert "Fant ikke siden" in _in_the_layout(missing)
    assert "No Action matches" not in missing.content.decode()
    with caplog.at_level(logging.ERROR, logger="django.request"):
        broken = Client(raise_request_exception=False).get("/feiler/")
    assert broken.status_code == 500 and "Noe gikk galt" in broken.content.decode()
    assert "Traceback" not in broken.content.decode()
    # The developer still gets the traceback, in the log.
    assert any(record.exc_info and "the view broke" in str(record.exc_info[1])
               for record in caplog.records)
    bad = client.get("/mistenkelig/")
    assert bad.status_code == 400 and "Forespørselen kunne ikke leses" in bad.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(URLS)
def test_technical_error_pages_bring_djangos_own_back_for_a_developer(client, settings):
    settings.DEBUG = True
    settings.TECHNICAL_ERROR_PAGES = True
    assert "URLconf" in client.get("/finnes-ikke/").content.decode()
    broken = Client(raise_request_exception=False).get("/feiler/")
    assert "the view broke" in broken.content.decode()


@pytest.mark.django_db
def test_every_page_links_the_favicon_and_favicon_ico_answers(client):
    page = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/planportal/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/planportal/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("planportal/favicon.svg") and finders.find("planportal/favicon.ico")


@pytest.mark.django_db
def test_with_debug_on_other_middleware_still_answers_a_views_exception(browse, settings):
    # allauth's middleware turns "confirm your password first" into a redirect: the
    # error pages must leave it that chance, not make it a 500.
    settings.DEBUG = True
    response = browse("admin").get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
