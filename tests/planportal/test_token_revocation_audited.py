"""Every path that ends a person's access records each API token it revokes (issue 14):
deactivation and erasure recorded only a count, or nothing, where log-out-everywhere
records one event per token. They share one helper now, so the events are the same."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from planportal import privacy, services
from planportal.audit.models import AuditEvent
from planportal.token_models import ApiToken
from planportal.tokens import issue_token, revoke_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def deactivate(actor: Any, user: Any) -> None:
    services.deactivate_user(actor=actor, user=user)


def erase(actor: Any, user: Any) -> None:
    privacy.erase_user(actor=actor, user=user)


def log_out(actor: Any, user: Any) -> None:
    services.log_out_everywhere(actor=actor, user=user)


def new_password(actor: Any, user: Any) -> None:
    services.set_password(actor=actor, user=user, password="Nytt-sterkt-passord-æøå-42")


PATHS: dict[str, Callable[[Any, Any], None]] = {
    "deactivation": deactivate, "erasure": erase, "log out everywhere": log_out,
    "a new password": new_password,
}


def token_events(since: set[int]) -> list[AuditEvent]:
    return list(AuditEvent.objects.exclude(pk__in=since).filter(verb="token").order_by("pk"))


@pytest.mark.parametrize("path", PATHS, ids=list(PATHS))
def test_each_live_token_revoked_on_the_way_out_gets_its_own_event(world, path) -> None:
    person = world.unit_manager
    power_bi, _raw = issue_token(actor=person, user=person, name="Power BI")
    excel, _raw = issue_token(actor=person, user=person, name="Excel")
    old, _raw = issue_token(actor=person, user=person, name="Gammel")
    revoke_token(actor=person, token=old)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    # A platform operator may take every path (a kommune admin may not set passwords).
    actor = world.admin if path != "a new password" else UserFactory(
        username="operatør", is_staff=True, is_superuser=True)

    PATHS[path](actor, person)

    events = token_events(before)
    # The shape revoke_token gives one token; the old token was revoked already.
    assert [(e.actor_id, e.object_id, e.changes) for e in events] == [
        (actor.pk, str(person.pk), {"api_token": [{"id": power_bi.pk, "name": "Power BI"},
                                                  "revoked"]}),
        (actor.pk, str(person.pk), {"api_token": [{"id": excel.pk, "name": "Excel"},
                                                  "revoked"]}),
    ]
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()


def test_deactivation_records_its_tokens_before_the_deactivation_itself(world) -> None:
    person = world.unit_manager
    issue_token(actor=person, user=person, name="Power BI")
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    services.deactivate_user(actor=world.admin, user=person)

    events = AuditEvent.objects.exclude(pk__in=before).order_by("pk")
    assert [e.verb for e in events] == ["token", "deactivate"]
    assert events.last().changes == {"is_active": [True, False],
                                     "api_tokens_revoked": [0, 1]}


def test_the_token_events_of_an_erasure_name_nobody(world) -> None:
    person = world.unit_manager
    person.first_name, person.last_name = "Åse", "Ødegård"
    person.email = "ase.odegard@testkommune.no"
    person.save()
    issue_token(actor=person, user=person, name="Power BI")
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    privacy.erase_user(actor=world.admin, user=person)

    trail = json.dumps([(e.object_repr, e.changes) for e in AuditEvent.objects.exclude(
        pk__in=before)], ensure_ascii=False)
    for detail in ("Åse", "Ødegård", "ase.odegard", "enhetsleder1"):
        assert detail not in trail


def test_a_person_with_no_live_token_leaves_no_token_event(world) -> None:
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    services.deactivate_user(actor=world.admin, user=world.reader)

    assert token_events(before) == []
