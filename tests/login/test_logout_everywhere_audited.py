""""Avslutt alle økter" leaves a trail (issue 14, item 12): one event for the ending of the
sessions, one per revoked API token, tagged with the request they came from."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from planportal import services
from planportal.audit.models import AuditEvent
from planportal.tokens import issue_token, revoke_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "riktig-passord-123"  # UserFactory's


def logged_in(user: Any) -> Client:
    client = Client()
    assert client.post("/logg-inn/", {"username": user.username, "password": PASSWORD}
                       ).status_code == 302
    return client


def test_the_button_records_the_ended_sessions_and_each_revoked_token() -> None:
    user = UserFactory()
    laptop = logged_in(user)
    first, _raw = issue_token(actor=user, user=user, name="Power BI")
    second, _raw = issue_token(actor=user, user=user, name="Excel")
    old, _raw = issue_token(actor=user, user=user, name="Gammel")
    revoke_token(actor=user, token=old)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    answer = laptop.post("/logg-ut-overalt/")

    assert answer.status_code == 302
    events = AuditEvent.objects.exclude(pk__in=before).order_by("pk")
    assert [(e.verb, e.object_id, e.actor_id) for e in events] == [
        ("token", str(user.pk), user.pk),
        ("token", str(user.pk), user.pk),
        ("update", str(user.pk), user.pk),
    ]
    assert [e.changes for e in events] == [
        {"api_token": [{"id": first.pk, "name": "Power BI"}, "revoked"]},
        {"api_token": [{"id": second.pk, "name": "Excel"}, "revoked"]},
        {"session_epoch": [0, 1]},
    ]
    # All three belong to the one request that made them.
    references = {(e.origin, e.reference) for e in events}
    assert len(references) == 1
    assert references == {("request", answer["X-Request-ID"])}


def test_an_administrator_logging_someone_out_is_the_recorded_actor(world: Any) -> None:
    issue_token(actor=world.unit_manager, user=world.unit_manager, name="Power BI")
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    services.log_out_everywhere(actor=world.admin, user=world.unit_manager)

    events = AuditEvent.objects.exclude(pk__in=before)
    assert {(e.verb, e.actor_id, e.object_id) for e in events} == {
        ("token", world.admin.pk, str(world.unit_manager.pk)),
        ("update", world.admin.pk, str(world.unit_manager.pk)),
    }


def test_a_refused_log_out_records_nothing(world: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.log_out_everywhere(actor=world.reader, user=world.unit_manager)
    assert AuditEvent.objects.count() == before
