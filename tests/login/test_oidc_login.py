"""End to end: OIDC login through a real provider (django-oauth-toolkit) on loopback.

A real HTTP client follows every redirect: Planportal's login page → the provider's
authorize endpoint (with PKCE) → its login and consent forms → Planportal's callback,
which exchanges the code server to server and logs the person in.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urljoin

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from planportal.login.models import OrganizationLoginProvider
from planportal.models import Membership, User
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, root_unit
from tests.login.conftest import IDP_PASSWORD, IdP

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class Forms(HTMLParser):
    """Every form on a page: its action and its inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append({"action": values.get("action") or "", "fields": {}})
        elif (
            tag in ("input", "button") and self.forms and values.get("name")
            and (values.get("type") != "submit" or values.get("name") == "allow")
        ):
            self.forms[-1]["fields"][values["name"]] = values.get("value") or ""


def forms_of(response: requests.Response) -> list[dict[str, Any]]:
    parser = Forms()
    parser.feed(response.text)
    return parser.forms


def configure(org: Any, provider_id: str, idp: IdP) -> OrganizationLoginProvider:
    client_id, secret = idp.clients[provider_id]
    return OrganizationLoginProvider.objects.create(
        organization=org, provider_id=provider_id, name=f"{org.name}", server_url=idp.issuer,
        client_id=client_id, secret=secret,
    )


def log_in_through(base: str, button: str, session: requests.Session) -> requests.Response:
    """Press the provider's button on Planportal's login page, then log in and consent."""
    page = session.get(f"{base}/logg-inn/")
    assert page.status_code == 200
    form = next(f for f in forms_of(page) if button in f["action"])
    at_idp = session.post(urljoin(page.url, form["action"]), data=form["fields"])
    assert "/login/" in at_idp.url, at_idp.url
    # The authorize request carried a PKCE challenge.
    authorize = unquote(at_idp.url)
    assert "code_challenge=" in authorize and "code_challenge_method=S256" in authorize
    login_form = forms_of(at_idp)[0]
    consent = session.post(at_idp.url, data={
        **login_form["fields"], "username": "kari", "password": IDP_PASSWORD,
    })
    assert "/o/authorize/" in consent.url, consent.url
    consent_form = forms_of(consent)[0]
    return session.post(consent.url, data={**consent_form["fields"], "allow": "Authorize"})


def test_first_login_through_a_kommunes_provider_creates_a_reader_of_that_kommune_only(
    live_server: Any, idp: IdP
) -> None:
    rendalen = OrganizationFactory(name="Rendalen kommune", slug="rendalen")
    OrganizationFactory(name="Tynset kommune", slug="tynset")
    configure(rendalen, "rendalen", idp)

    session = requests.Session()
    landed = log_in_through(live_server.url, "/oidc/rendalen/", session)

    assert landed.status_code == 200
    assert landed.url.startswith(live_server.url) and "/logg-inn/" not in landed.url
    assert "Kari Nordmann" in landed.text  # the header names the signed-in user
    account = SocialAccount.objects.get(provider="rendalen")
    user = account.user
    assert (user.username, user.email) == ("kari", "kari.nordmann@rendalen.kommune.no")
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list(
        "unit__organization__slug", "unit__parent", "role")) == [("rendalen", None, "reader")]


def test_a_returning_user_is_found_by_subject_and_keeps_their_roles(
    live_server: Any, idp: IdP
) -> None:
    rendalen = OrganizationFactory(name="Rendalen kommune", slug="rendalen")
    configure(rendalen, "rendalen", idp)
    log_in_through(live_server.url, "/oidc/rendalen/", requests.Session())
    user = SocialAccount.objects.get(provider="rendalen").user
    Membership.objects.filter(user=user).update(role=Membership.Role.ADMIN)

    again = log_in_through(live_server.url, "/oidc/rendalen/", requests.Session())

    assert "Kari Nordmann" in again.text and "/logg-inn/" not in again.url
    assert User.objects.count() == 1
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == ["admin"]


def test_another_kommunes_provider_never_gives_access_to_the_first_kommune(
    live_server: Any, idp: IdP
) -> None:
    rendalen = OrganizationFactory(name="Rendalen kommune", slug="rendalen")
    tynset = OrganizationFactory(name="Tynset kommune", slug="tynset")
    configure(rendalen, "rendalen", idp)
    configure(tynset, "tynset", idp)
    log_in_through(live_server.url, "/oidc/rendalen/", requests.Session())

    # The same person, the same subject, the same e-mail, through Tynset's app.
    log_in_through(live_server.url, "/oidc/tynset/", requests.Session())

    by_provider = {a.provider: a.user for a in SocialAccount.objects.select_related("user")}
    assert by_provider["rendalen"] != by_provider["tynset"]
    for provider_id, org in (("rendalen", rendalen), ("tynset", tynset)):
        orgs = set(Membership.objects.filter(user=by_provider[provider_id])
                   .values_list("unit__organization_id", flat=True))
        assert orgs == {org.pk}


def test_a_local_account_with_the_same_e_mail_is_not_taken_over(
    live_server: Any, idp: IdP
) -> None:
    rendalen = OrganizationFactory(name="Rendalen kommune", slug="rendalen")
    tynset = OrganizationFactory(name="Tynset kommune", slug="tynset")
    configure(rendalen, "rendalen", idp)
    local = UserFactory(username="kari", email="kari.nordmann@rendalen.kommune.no")
    MembershipFactory(user=local, unit=root_unit(tynset), role=Membership.Role.ADMIN)

    log_in_through(live_server.url, "/oidc/rendalen/", requests.Session())

    new = SocialAccount.objects.get(provider="rendalen").user
    assert new.pk != local.pk
    assert new.username != "kari"
    assert not SocialAccount.objects.filter(user=local).exists()
    assert set(Membership.objects.filter(user=new)
               .values_list("unit__organization_id", flat=True)) == {rendalen.pk}


def test_a_switched_off_provider_is_not_offered_and_cannot_be_used(
    live_server: Any, idp: IdP
) -> None:
    rendalen = OrganizationFactory(name="Rendalen kommune", slug="rendalen")
    provider = configure(rendalen, "rendalen", idp)
    session = requests.Session()
    assert "Logg inn med Rendalen kommune" in session.get(f"{live_server.url}/logg-inn/").text
    OrganizationLoginProvider.objects.filter(pk=provider.pk).update(is_active=False)

    page = session.get(f"{live_server.url}/logg-inn/")
    assert "Rendalen kommune" not in page.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    refused = session.post(f"{live_server.url}/accounts/oidc/rendalen/login/",
                           data={"csrfmiddlewaretoken": token}, allow_redirects=False)
    assert refused.status_code == 404
    assert not User.objects.exists()


def test_a_deactivated_user_cannot_log_in_through_the_provider(
    live_server: Any, idp: IdP
) -> None:
    rendalen = OrganizationFactory(name="Rendalen kommune", slug="rendalen")
    configure(rendalen, "rendalen", idp)
    log_in_through(live_server.url, "/oidc/rendalen/", requests.Session())
    User.objects.update(is_active=False)

    session = requests.Session()
    answer = log_in_through(live_server.url, "/oidc/rendalen/", session)

    assert "Kari Nordmann" not in answer.text
    assert not session.get(f"{live_server.url}/planer/").url.startswith(
        f"{live_server.url}/planer/")
    assert User.objects.count() == 1
