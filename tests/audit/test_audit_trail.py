"""The audit trail itself: what an event holds, that it never changes, and retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from planportal.audit.context import origin
from planportal.audit.models import AuditEvent
from planportal.audit.services import changes_between, prune_audit_events, record
from planportal.permissions import SYSTEM, SystemActor

pytestmark = pytest.mark.django_db


def test_an_event_names_actor_object_organisation_changes_and_request(world):
    with origin("request", "req-123"):
        event = record(actor=world.unit_manager, verb="post_update", obj=world.action,
                       changes={"status": ["not_started", "in_progress"]})
    event.refresh_from_db()
    assert event.actor == world.unit_manager
    assert event.actor_kind == "user"
    assert event.organization_id == world.org.pk  # found through goal → focus area → plan
    assert event.object_id == str(world.action.pk)
    assert event.object_repr == str(world.action)
    assert event.changes == {"status": ["not_started", "in_progress"]}
    assert (event.origin, event.reference) == ("request", "req-123")


@pytest.mark.parametrize(("actor", "kind_of_origin", "expected"), [
    (SYSTEM, "", "system"),
    (SYSTEM, "task", "task"),
    (SystemActor("import"), "", "import"),
    (SYSTEM, "import", "import"),
])
def test_a_system_actor_is_recorded_as_system_task_or_import(world, actor, kind_of_origin,
                                                              expected):
    with origin(kind_of_origin, "x"):
        event = record(actor=actor, verb="update", obj=world.plan)
    assert event.actor is None
    assert event.actor_kind == expected


def test_changes_lists_only_fields_that_differ_and_never_secrets():
    from datetime import date
    from decimal import Decimal

    before = {"title": "A", "due_date": date(2026, 1, 1), "budget": Decimal("1.50"),
              "password": "x", "progress": 10}
    after = {"title": "A", "due_date": date(2026, 2, 1), "budget": Decimal("1.50"),
             "password": "y", "progress": 20}
    assert changes_between(before, after) == {
        "due_date": ["2026-01-01", "2026-02-01"], "progress": [10, 20]}


def test_an_event_can_be_neither_edited_nor_deleted_through_django(world):
    event = record(actor=world.admin, verb="update", obj=world.plan)
    event.verb = "create"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    with pytest.raises(ValueError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="create")
    with pytest.raises(ValueError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "update"


@pytest.mark.postgres
def test_the_database_refuses_raw_updates_and_deletes_of_events(world):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    event = record(actor=world.admin, verb="update", obj=world.plan)
    for sql in ("UPDATE audit_auditevent SET verb = 'create' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        with (pytest.raises(DatabaseError, match="append-only"), transaction.atomic(),
              connection.cursor() as cursor):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, verb="update").exists()


def test_retention_prunes_only_events_older_than_the_setting(world, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = record(actor=world.admin, verb="update", obj=world.plan)
    recent = record(actor=world.admin, verb="update", obj=world.goal)
    # Backdate one event the only way possible: a new row with an old time.
    backdated = AuditEvent.objects.create(
        actor=world.admin, actor_kind="user", organization=world.org,
        content_type=old.content_type, object_id=old.object_id, verb="update",
        occurred_at=timezone.now() - timedelta(days=31),
    )
    assert prune_audit_events() == 1
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert backdated.pk not in remaining
    assert {old.pk, recent.pk} <= remaining
    assert prune_audit_events() == 0  # idempotent


def test_the_prune_task_runs_eagerly_on_the_embedded_default(world, settings, eager_celery):
    from planportal.audit.tasks import prune_audit_events as task

    settings.AUDIT_RETENTION_DAYS = 1
    AuditEvent.objects.create(
        actor_kind="system", organization=world.org,
        content_type=record(actor=SYSTEM, verb="update", obj=world.plan).content_type,
        object_id="1", verb="update", occurred_at=timezone.now() - timedelta(days=2),
    )
    assert task.delay().get() == 1


def test_a_rolled_back_change_leaves_no_event(world):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=world.admin, verb="update", obj=world.plan)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before


def test_every_response_carries_a_request_id_and_keeps_a_sane_trusted_proxy_id(client, world,
                                                                              settings):
    settings.TRUST_X_REQUEST_ID = True  # else a client's id is never kept (test_request_id)
    response = client.get("/api/v1/sdgs/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    generated = client.get("/api/v1/sdgs/", HTTP_X_REQUEST_ID="bad id with spaces")
    assert generated["X-Request-ID"] != "bad id with spaces"
    assert len(generated["X-Request-ID"]) == 32
