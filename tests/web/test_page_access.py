"""Every page for every role: who gets the page, who is sent away, who gets 404/403."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAS = ["admin", "sector_leader", "unit_manager", "reader", "other_admin", None]

# page -> expected status per persona, in PERSONAS order (302 = sent to login/start page).
EXPECTED = {
    "home": [302, 302, 302, 302, 302, 200],
    "mine": [200, 200, 200, 200, 200, 302],
    # Only those who may assign have the page (issue 17, item 9): an empty list would say
    # "everything in your area is assigned" to a reader of a kommune with 65 unassigned.
    "assign": [200, 200, 403, 403, 200, 302],
    "plan-list": [200, 200, 200, 200, 200, 302],
    "plan-detail": [200, 200, 200, 200, 404, 302],
    "action-detail": [200, 200, 200, 200, 404, 302],
    "assign-one": [200, 200, 404, 404, 404, 302],
    "public-plan": [404, 404, 404, 404, 404, 404],  # the plan is not public
    "login": [302, 302, 302, 302, 302, 200],
    "preferences": [200, 200, 200, 200, 200, 302],  # everyone's own settings
    "calendar": [200, 200, 200, 200, 200, 302],  # everyone's own calendar addresses
}


def _url(page, world):
    return {
        "home": reverse("home"),
        "mine": reverse("actions:mine"),
        "assign": reverse("actions:assign"),
        "plan-list": reverse("strategies:plan-list"),
        "plan-detail": reverse("strategies:plan-detail", args=[world.plan.pk]),
        "action-detail": reverse("actions:detail", args=[world.action.pk]),
        "assign-one": reverse("actions:assign-one", args=[world.action.pk]),
        "public-plan": reverse("strategies:public-plan-detail", args=[world.plan.pk]),
        "login": reverse("login"),
        "preferences": reverse("preferences"),
        "calendar": reverse("actions:calendar"),
    }[page]


@pytest.mark.parametrize("page", sorted(EXPECTED))
@pytest.mark.parametrize("index", range(len(PERSONAS)), ids=[str(p) for p in PERSONAS])
def test_each_role_gets_the_answer_its_rights_give(browse, world, page, index):
    response = browse(PERSONAS[index]).get(_url(page, world))
    assert response.status_code == EXPECTED[page][index]


@pytest.mark.parametrize("persona", ["reader", "other_admin"])
def test_readers_and_other_kommunes_cannot_post_updates_or_assign(browse, world, persona):
    client = browse(persona)
    post = client.post(reverse("actions:post-status", args=[world.action.pk]), {})
    assign = client.post(reverse("actions:assign-one", args=[world.action.pk]), {})
    assert post.status_code in (403, 404) and assign.status_code == 404
    world.action.refresh_from_db()
    assert world.action.version == 1
