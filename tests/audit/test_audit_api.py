"""GET /api/v1/audit-events/ and the admin: admins read their kommune's trail, nobody writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from planportal.audit.models import AuditEvent
from planportal.audit.services import record
from tests.api.clients import SessionClient
from tests.factories import PlanFactory
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit-events/"


def client_for(user):
    return SessionClient(user)


@pytest.fixture
def events(world, other_plan):
    from tests.audit.conftest import clear_trail

    clear_trail()  # other_plan's set-up is audited too
    return {
        "assign": record(actor=world.sector_leader, verb="assign", obj=world.action,
                         changes={"due_date": [None, "2026-12-31"]}),
        "plan": record(actor=world.admin, verb="update", obj=world.plan),
        "other": record(actor=world.other_admin, verb="update", obj=other_plan),
    }


def test_an_admin_reads_only_their_own_kommunes_events(world, events):
    ids = [row["id"] for row in client_for(world.admin).get(URL).json()["results"]]
    assert set(ids) == {events["assign"].pk, events["plan"].pk}
    other = client_for(world.other_admin).get(URL).json()["results"]
    assert [row["id"] for row in other] == [events["other"].pk]


@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager", "reader"])
def test_nobody_but_admins_reads_the_trail(world, events, persona):
    assert client_for(world.persona(persona)).get(URL).status_code == 403


def test_anonymous_visitors_are_refused(world, events):
    assert client_for(None).get(URL).status_code in (401, 403)


def test_another_kommunes_event_is_a_404(world, events):
    assert client_for(world.admin).get(f"{URL}{events['other'].pk}/").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_trail_cannot_be_written_through_the_api(world, events, method):
    response = getattr(client_for(world.admin), method)(f"{URL}{events['plan'].pk}/", {})
    assert response.status_code == 405
    assert AuditEvent.objects.count() == 3


def test_an_event_shows_object_type_changes_and_actor(world, events):
    row = client_for(world.admin).get(f"{URL}{events['assign'].pk}/").json()
    assert row["object_type"] == "actions.action"
    assert row["object_id"] == str(world.action.pk)
    assert row["actor"] == world.sector_leader.pk
    assert row["verb"] == "assign"
    assert row["changes"] == {"due_date": [None, "2026-12-31"]}


def test_filters_by_object_actor_verb_and_time(world, events):
    client = client_for(world.admin)

    def ids(query):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(f"object_type=actions.action&object_id={world.action.pk}") == {
        events["assign"].pk}
    assert ids(f"actor={world.admin.pk}") == {events["plan"].pk}
    assert ids("verb=assign") == {events["assign"].pk}
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    assert ids(f"occurred_after={future.replace('+', '%2B')}") == set()
    assert ids(f"occurred_before={future.replace('+', '%2B')}") == {
        events["assign"].pk, events["plan"].pk}


def test_an_unknown_object_type_is_a_400_naming_the_filter(world, events):
    response = client_for(world.admin).get(f"{URL}?object_type=nope.nothing")
    assert response.status_code == 400
    assert "object_type" in response.json()


def test_the_list_runs_a_constant_number_of_queries(world):
    def add_rows(n):
        for _ in range(n):
            record(actor=world.admin, verb="create", obj=PlanFactory(organization=world.org))

    client = client_for(world.admin)
    assert_constant_queries(add_rows, lambda: client.get(URL), 1, 50)


def test_the_admin_shows_events_read_only(world, events, client):
    from planportal.audit.admin import AuditEventAdmin

    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    client.force_login(world.admin)
    page = client.get("/admin/audit/auditevent/")
    assert page.status_code == 200
    assert str(world.action) in page.content.decode()
    assert client.get(f"/admin/audit/auditevent/{events['other'].pk}/change/").status_code in (
        302, 404)
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    admin = AuditEventAdmin(AuditEvent, None)
    assert not admin.has_delete_permission(type("R", (), {"user": world.admin})())
