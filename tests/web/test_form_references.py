"""Issue 17, item 4: every hint and label a form field names exists on its page.

The URL walk (tests/access/test_url_walk.py) checks every page as it first opens; this
checks the states the walk does not reach: a form showing its errors, the final
evaluation form of a closed action, the login page with a failed attempt and the page
behind an invitation link.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actions import services
from tests.actions.reminder_helpers import eager_celery  # noqa: F401 - a fixture
from tests.html_references import dangling_references
from tests.invitation_helpers import invite, link_in, outbox_to

pytestmark = pytest.mark.django_db


def _closed(world: Any) -> Any:
    services.post_status_update(actor=world.unit_manager, action=world.action,
                                expected_version=1, status="completed", progress=100)
    return world.action


#: page state → (persona, method, URL builder, POST data builder)
STATES: dict[str, tuple[str | None, str, Any, Any]] = {
    "bulk assign": ("sector_leader", "get", lambda w: reverse("actions:assign"), None),
    "bulk assign with errors": ("sector_leader", "post",
                                lambda w: reverse("actions:assign-bulk"),
                                lambda w: {"actions": [w.action.pk]}),
    "assign one with errors": ("sector_leader", "post",
                               lambda w: reverse("actions:assign-one", args=[w.action.pk]),
                               lambda w: {"version": 1, "responsible_person": w.reader.pk}),
    "status form with errors": ("unit_manager", "post",
                                lambda w: reverse("actions:post-status", args=[w.action.pk]),
                                lambda w: {f"tiltak-{w.action.pk}-version": 1,
                                           f"tiltak-{w.action.pk}-progress": 500}),
    "evaluation form": ("unit_manager", "get",
                        lambda w: reverse("actions:detail", args=[_closed(w).pk]), None),
    "evaluation form with errors": (
        "unit_manager", "post",
        lambda w: reverse("actions:post-evaluation", args=[_closed(w).pk]),
        lambda w: {f"evaluering-{w.action.pk}-version": 2}),
    "freeze form": ("admin", "get",
                    lambda w: reverse("reports:snapshot-list", args=[w.plan.pk]), None),
    "freeze form with errors": ("admin", "post",
                                lambda w: reverse("reports:snapshot-list", args=[w.plan.pk]),
                                lambda w: {"frequency": "tertial", "period_key": "2025-T9"}),
    "preferences with errors": ("reader", "post", lambda w: reverse("preferences"),
                                lambda w: {"preferred_language": "xx"}),
    "login with a failed attempt": (None, "post", lambda w: reverse("login"),
                                    lambda w: {"username": "admin1", "password": "feil"}),
}


@pytest.mark.parametrize("state", sorted(STATES))
def test_every_id_a_form_page_refers_to_is_on_the_page(browse, world, state):
    persona, method, url, data = STATES[state]
    client = browse(persona)
    target = url(world)
    response = client.get(target) if method == "get" else client.post(target, data(world))
    assert response.status_code in (200, 400, 409, 422), response.status_code
    assert "<form" in response.text
    assert dangling_references(response.text) == []


def test_the_invitation_page_and_its_errors_refer_only_to_ids_on_the_page(
        world, django_capture_on_commit_callbacks, eager_celery):  # noqa: F811
    invite(world, django_capture_on_commit_callbacks)
    link = link_in(outbox_to("nina@testkommune.no")[0])
    client = Client()
    page = client.get(link)
    refused = client.post(link, {"password1": "kort", "password2": "annet"})
    assert "<form" in page.text and "<form" in refused.text
    assert dangling_references(page.text) == []
    assert dangling_references(refused.text) == []


def test_the_bulk_assign_hints_are_shown_where_their_fields_point(browse, world):
    text = browse("sector_leader").get(reverse("actions:assign")).text
    for name in ("responsible_unit", "responsible_person", "due_date"):
        assert f'aria-describedby="id_{name}_helptext"' in text
        assert f'id="id_{name}_helptext"' in text
