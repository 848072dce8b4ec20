"""Issue 17, item 4: every hint and label a form field names exists on its page.

The URL walk (tests/access/test_url_walk.py) checks every page as it first opens; this
checks the states the walk does not reach: a form showing its errors, the final
evaluation form of a closed action, the login page with a failed attempt and the page
behind an invitation link. Each id is there once, and a form with errors shows them in
the error summary, which takes the focus, each field's error under its field.
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from actions import rounds, services
from actions.models import ReportingReturn
from tests.actions.reminder_helpers import eager_celery  # noqa: F401 - a fixture
from tests.html_references import dangling_references, duplicate_ids
from tests.invitation_helpers import invite, link_in, outbox_to

pytestmark = pytest.mark.django_db


def _closed(world: Any) -> Any:
    services.post_status_update(actor=world.unit_manager, action=world.action,
                                expected_version=1, status="completed", progress=100)
    return world.action



def _round(world: Any) -> tuple[Any, Any]:
    """An open round of the world's kommune, and the world's action's return in it."""
    if not hasattr(world, "open_round"):
        world.open_round = rounds.open_round(
            actor=world.admin, organization=world.org, frequency="tertial",
            period_key="2026-T2", deadline=date(2026, 9, 15))
        world.open_return = ReportingReturn.objects.get(round=world.open_round,
                                                        action=world.action)
    return world.open_round, world.open_return


def _submitted(world: Any) -> tuple[Any, Any]:
    round_, ret = _round(world)
    world.open_return = rounds.submit_return(
        actor=world.unit_manager, ret=ret, expected_version=ret.version,
        status="in_progress", progress=40, risk="on_track", done="Noe er gjort.",
        next_steps="Mer kommer.")
    return round_, world.open_return

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
    "login with errors": (None, "post", lambda w: reverse("login"), lambda w: {}),
    "report dates with errors": (
        "reader", "get",
        lambda w: reverse("reports:plan-report", args=[w.plan.pk]) + "?as_of=2026-13-45"
        + "&since=2027-01-01", None),
    "return with errors": ("unit_manager", "post",
                           lambda w: reverse("rounds:return", args=[r.pk for r in _round(w)]),
                           lambda w: {"version": w.open_return.version, "submit": "1",
                                      "progress": 500}),
    "review with errors": ("sector_leader", "post",
                           lambda w: reverse("rounds:review", args=[r.pk for r in _submitted(w)]),
                           lambda w: {"version": w.open_return.version}),
    "open round with errors": ("admin", "post", lambda w: reverse("rounds:open"),
                               lambda w: {"frequency": "tertial", "period_key": "2026-T9"}),
    "assessment with errors": ("admin", "post",
                               lambda w: reverse("rounds:assessment", args=[_round(w)[0].pk]),
                               lambda w: {"focus_area": w.goal.focus_area_id, "text": ""}),
    "close round with errors": ("admin", "post",
                                lambda w: reverse("rounds:close", args=[_round(w)[0].pk]),
                                lambda w: {"version": w.open_round.version}),
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
    assert duplicate_ids(response.text) == []
    if "errors" in state or "failed" in state:
        assert_errors_summarised(response.text)


class _Errors(HTMLParser):
    """The error summaries (their attributes and links), every id, and the field errors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.summaries: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.field_errors: list[str | None] = []
        self.ids: set[str | None] = set()
        self.described: set[str] = set()
        self._depth = 0  # inside a summary: its open divs

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        self.ids.add(found.get("id"))
        self.described.update((found.get("aria-describedby") or "").split())
        if "ds-error-summary" in classes:
            self.summaries.append(found)
            self._depth = 1
        elif self._depth and tag == "div":
            self._depth += 1
        elif self._depth and tag == "a":
            self.links.append((found.get("href") or "").removeprefix("#"))
        if "ds-validation-message" in classes:
            self.field_errors.append(found.get("id"))

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "div":
            self._depth -= 1


def assert_errors_summarised(page: str) -> None:
    """One error summary, focusable and marked to take the focus, whose links each lead
    to a field on the page; every field error describes its field (a refusal from the
    service, after validation, too)."""
    found = _Errors()
    found.feed(page)
    assert len(found.summaries) == 1, found.summaries
    summary = found.summaries[0]
    assert summary.get("tabindex") == "-1" and "data-autofocus" in summary, summary
    assert [link for link in found.links if link not in found.ids] == []
    assert None not in found.field_errors
    assert [error for error in found.field_errors if error not in found.described] == []


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


def test_allauths_pages_reauthentication_totp_set_up_and_code_step_summarise_errors(world):
    """allauth's pages (planportal/login/templates/allauth/elements) render as ours."""
    cache.clear()  # allauth remembers used codes there
    client = Client()
    client.post(reverse("login"), {"username": "admin1", "password": "riktig-passord-123"})
    reauthenticate = client.post("/accounts/reauthenticate/", {"password": "feil"})
    client.post("/accounts/reauthenticate/", {"password": "riktig-passord-123"})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    refused = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    TOTP.activate(world.admin, generate_totp_secret())
    client = Client()
    client.post(reverse("login"), {"username": "admin1", "password": "riktig-passord-123"})
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    for page in (reauthenticate, refused, wrong):
        assert page.status_code == 200
        text = page.content.decode()
        assert 'class="ds-input"' in text and 'class="ds-button"' in text
        assert dangling_references(text) == [] and duplicate_ids(text) == []
        assert_errors_summarised(text)
