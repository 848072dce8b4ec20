"""The page shell: landing page per role, login/logout, language, footer, skip link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("unit_manager", "actions:mine"),
        ("sector_leader", "actions:assign"),
        ("reader", "strategies:plan-list"),
        ("admin", "strategies:plan-list"),
        ("other_admin", "strategies:plan-list"),
    ],
)
def test_the_landing_page_sends_each_role_to_its_own_start(browse, persona, target):
    response = browse(persona).get("/")
    assert response.status_code == 302
    assert response.url == reverse(target)


def test_the_landing_page_shows_visitors_only_the_public_plans(browse, world):
    PlanFactory(organization=world.org, title="Offentlig plan for eldre", is_public=True)
    response = browse(None).get("/")
    assert response.status_code == 200
    assert "Offentlig plan for eldre" in response.text
    assert world.plan.title not in response.text  # not public
    assert reverse("login") in response.text


def test_login_page_is_in_bokmal_and_logs_the_user_in(client, world):
    world.unit_manager.set_password("riktig-passord-123")
    world.unit_manager.save()
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert '<html lang="nb"' in page.text
    assert "Logg inn" in page.text
    response = client.post(
        reverse("login"), {"username": "enhetsleder1", "password": "riktig-passord-123"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get("/").url == reverse("actions:mine")


def test_a_wrong_password_gives_an_announced_error_tied_to_the_fields(client, world):
    response = client.post(reverse("login"), {"username": "enhetsleder1", "password": "feil"})
    assert response.status_code == 200
    assert 'class="ds-error-summary" id="skjema-feil"' in response.text
    assert 'role="alert"' in response.text
    # One error about both fields together: each is invalid and points at the summary.
    assert response.text.count('aria-describedby="skjema-feil"') == 2
    assert response.text.count('aria-invalid="true"') == 2
    assert " autofocus" not in response.text  # nothing takes the focus from the summary


def test_logout_is_a_post_that_ends_the_session(browse):
    client = browse("reader")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("strategies:plan-list")).status_code == 302  # to login


def test_pages_need_login_and_send_visitors_to_the_login_page(client):
    response = client.get(reverse("actions:mine"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_login_providers_setting_adds_a_button_without_changing_the_page(client, settings):
    settings.LOGIN_PROVIDERS = [("Logg inn med Entra ID", "/oidc/authenticate/")]
    response = client.get(reverse("login") + "?next=/planer/")
    assert "/oidc/authenticate/" in response.text
    assert "Logg inn med Entra ID" in response.text
    assert "/planer/" in response.text  # where to go afterwards travels with it


def test_every_page_has_a_skip_link_and_the_accessibility_statement(browse, settings):
    settings.ACCESSIBILITY_STATEMENT_URL = "https://uustatus.no/nb/erklaringer/publisert/abc"
    response = browse("reader").get(reverse("strategies:plan-list"))
    assert '<a class="ds-skip-link" href="#innhold">Gå til hovedinnholdet</a>' in response.text
    assert 'id="innhold"' in response.text
    assert 'href="https://uustatus.no/nb/erklaringer/publisert/abc"' in response.text
    assert "Tilgjengelighetserklæring" in response.text


def test_the_english_switch_changes_the_interface_language(browse):
    client = browse("reader")
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/planer/"})
    assert switched.status_code == 302
    response = client.get(reverse("strategies:plan-list"))
    assert '<html lang="en"' in response.text
    assert ">Plans<" in response.text
    assert "Log out" in response.text


def test_the_menu_offers_each_role_only_its_own_pages(browse):
    leader = browse("sector_leader").get(reverse("strategies:plan-list")).text
    manager = browse("unit_manager").get(reverse("strategies:plan-list")).text
    reader = browse("reader").get(reverse("strategies:plan-list")).text
    assert reverse("actions:assign") in leader and reverse("actions:mine") not in leader
    assert reverse("actions:mine") in manager and reverse("actions:assign") not in manager
    assert reverse("actions:mine") not in reader and reverse("actions:assign") not in reader


def test_a_responsible_person_without_a_manager_role_finds_mine_tiltak(browse, world):
    from actions.models import Action

    assert reverse("actions:mine") not in browse("reader").get(
        reverse("strategies:plan-list")).text
    Action.objects.filter(pk=world.action.pk).update(responsible_person=world.reader)
    assert reverse("actions:mine") in browse("reader").get(
        reverse("strategies:plan-list")).text
