"""An integration gets the API's messages in its person's language, as their pages are.

The language middleware runs before DRF authenticates a token, so without help a token
client of a Nynorsk kommune got Bokmål (a session client was already right).
"""

import pytest

from planportal.models import Organization, User

pytestmark = pytest.mark.django_db

MISSING = "/api/v1/actions/987654321/"


@pytest.fixture
def nynorsk_kommune(world):
    Organization.objects.filter(pk=world.org.pk).update(language="nn")
    return world


@pytest.mark.parametrize("client_kind", ["api", "token_api"])
def test_a_client_of_a_nynorsk_kommune_gets_nynorsk(nynorsk_kommune, client_kind, request):
    client = request.getfixturevalue(client_kind)("unit_manager")

    response = client.get(MISSING)

    assert response.status_code == 404
    assert response.headers["Content-Language"] == "nn"
    assert "spørjinga" in response.json()["detail"]  # Django's nn: «… matchar spørjinga»


def test_a_token_client_gets_its_persons_own_choice(world, token_api):
    User.objects.filter(pk=world.unit_manager.pk).update(preferred_language="en")

    response = token_api("unit_manager").get(MISSING)

    assert response.headers["Content-Language"] == "en"
    assert "matches the given query" in response.json()["detail"]


def test_a_token_client_of_a_bokmal_kommune_keeps_bokmal(world, token_api):
    response = token_api("unit_manager").get(MISSING)

    assert response.headers["Content-Language"] == "nb"
    assert "spørjinga" not in response.json()["detail"]
