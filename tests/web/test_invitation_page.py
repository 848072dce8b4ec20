"""The page behind an invitation link: the invited person sets a password (Django's
validators), is signed in and lands on the start page; a used, expired or altered link
shows a clear page (404) that names nobody."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from planportal.audit.models import AuditEvent
from planportal.invitations import invitation_tokens
from planportal.models import User
from tests.actions.reminder_helpers import eager_celery  # noqa: F401 - a fixture
from tests.invitation_helpers import invite, link_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

PASSWORD = "blåbær-syltetøy-42"


@pytest.fixture
def invited(world: Any, django_capture_on_commit_callbacks: Any) -> User:
    return invite(world, django_capture_on_commit_callbacks)


@pytest.fixture
def link(invited: User) -> str:
    return link_in(mail.outbox[0])


def choose(client: Client, link: str, password: str = PASSWORD,
           again: str | None = None) -> Any:
    page = client.get(link)
    assert page.status_code == 200
    # The form's own hidden token, as a browser sends it (the cookie name differs in
    # production: __Host-).
    csrf = str(page.context["csrf_token"])
    return client.post(link, {"password1": password, "password2": again or password,
                              "csrfmiddlewaretoken": csrf})


def token_made(user: User, days_ago: float) -> str:
    """A token as :data:`invitation_tokens` would have made it *days_ago*."""
    then = datetime.now() - timedelta(days=days_ago)
    return invitation_tokens._make_token_with_timestamp(
        user, invitation_tokens._num_seconds(then), invitation_tokens.secret)


def test_the_link_sets_the_password_signs_the_person_in_and_lands_on_the_start_page(
    world, invited, link
):
    client = Client(enforce_csrf_checks=True)
    response = choose(client, link)

    assert response.status_code == 302
    assert response["Location"] == "/"
    # A reader's start page is the plan list; she is signed in as herself.
    start = client.get("/", follow=True)
    assert start.status_code == 200
    assert start.wsgi_request.user.pk == invited.pk
    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)
    assert invited.last_login is not None
    assert AuditEvent.objects.filter(actor=invited, verb="update", object_id=str(invited.pk),
                                     changes={"invitation": ["sent", "accepted"]}).exists()
    # And signs in again with the username from the e-mail.
    assert Client().login(username=invited.username, password=PASSWORD)


def test_the_page_names_the_person_and_has_labelled_password_fields(invited, link):
    html = Client().get(link).content.decode()

    assert "Velg passordet ditt" in html
    assert "Nina Nyansatt" in html and invited.username in html
    assert '<label class="ds-label" for="id_password1">' in html
    assert '<label class="ds-label" for="id_password2">' in html
    assert 'autocomplete="new-password"' in html and 'autocomplete="username"' in html


def test_the_second_use_of_the_link_shows_the_expired_page_and_keeps_the_password(
    invited, link
):
    assert choose(Client(), link).status_code == 302

    again = Client().get(link)
    posted = Client().post(link, {"password1": "et-annet-passord-99",
                                  "password2": "et-annet-passord-99"})

    assert again.status_code == posted.status_code == 404
    html = again.content.decode()
    assert "Invitasjonslenken virker ikke" in html
    assert "ny invitasjon" in html
    assert "Nina" not in html and invited.username not in html
    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)


def test_a_link_used_meanwhile_in_another_tab_is_refused_on_submit(invited, link):
    first, second = Client(), Client()
    page = second.get(link)
    assert page.status_code == 200
    assert choose(first, link).status_code == 302

    late = second.post(link, {"password1": "et-annet-passord-99",
                              "password2": "et-annet-passord-99"})

    assert late.status_code == 404
    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)


def test_a_link_older_than_the_invitation_timeout_has_expired(invited, settings):
    settings.INVITATION_TIMEOUT = 7

    expired = Client().get(f"/invitasjon/{invited.pk}/{token_made(invited, 7.1)}/")
    valid = Client().get(f"/invitasjon/{invited.pk}/{token_made(invited, 6.9)}/")

    assert expired.status_code == 404
    assert "Invitasjonslenken virker ikke" in expired.content.decode()
    # Longer than Django's password-reset timeout (3 days): the invitation has its own.
    assert valid.status_code == 200


def test_the_invitation_timeout_comes_from_the_setting(invited, settings):
    settings.INVITATION_TIMEOUT = 1

    assert Client().get(f"/invitasjon/{invited.pk}/{token_made(invited, 1.1)}/"
                        ).status_code == 404


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"),
    lambda token: "zzzzzz-" + token.split("-")[1],
    lambda token: "ikke-et-token-i-det-hele-tatt",
    lambda token: "x" * 40,
])
def test_a_tampered_token_shows_the_invalid_page_and_sets_nothing(invited, link, tamper):
    user_id, token = link.strip("/").split("/")[1:]
    url = f"/invitasjon/{user_id}/{tamper(token)}/"

    page = Client().get(url)
    posted = Client().post(url, {"password1": PASSWORD, "password2": PASSWORD})

    assert page.status_code == posted.status_code == 404
    assert "Nina" not in page.content.decode()
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_a_token_for_one_person_does_not_open_anothers_page(world, invited, link):
    token = link.strip("/").split("/")[2]

    for other in (world.reader.pk, 999_999):
        page = Client().get(f"/invitasjon/{other}/{token}/")
        assert page.status_code == 404
        assert world.reader.get_full_name() not in page.content.decode()


def test_a_deactivated_person_cannot_use_the_link(invited, link):
    User.objects.filter(pk=invited.pk).update(is_active=False)

    assert Client().get(link).status_code == 404


def test_a_weak_or_mismatched_password_shows_the_error_summary_and_sets_nothing(
    invited, link
):
    client = Client()
    short = choose(client, link, password="kort")
    mismatch = choose(client, link, password=PASSWORD, again=PASSWORD + "x")

    assert short.status_code == mismatch.status_code == 400
    html = short.content.decode()
    assert 'class="ds-error-summary"' in html
    assert 'href="#id_password1"' in html
    assert 'aria-invalid="true"' in html
    assert "for kort" in html  # Django's validator, in Bokmål
    assert 'href="#id_password2"' in mismatch.content.decode()
    invited.refresh_from_db()
    assert not invited.has_usable_password()
    assert invited.last_login is None
    # The link still works after a refused attempt.
    assert choose(client, link).status_code == 302


def test_the_service_itself_refuses_a_token_already_used(invited, link):
    from django.core.exceptions import ValidationError

    from planportal import services

    token = link.strip("/").split("/")[2]
    services.accept_invitation(user=invited, token=token, password=PASSWORD)

    # Two submissions that both passed the page's check: the locked row decides.
    with pytest.raises(ValidationError) as refused:
        services.accept_invitation(user=invited, token=token, password="et-annet-passord-99")

    assert "token" in refused.value.message_dict
    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)
