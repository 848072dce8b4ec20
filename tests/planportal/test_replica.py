"""The read replica (DATABASE_REPLICA_URL): reports, lists and exports read from it; writes,
a write's own reads and a client's reads right after it go to the primary.

The suite runs with two database aliases on PostgreSQL (tests/xdist_worker.py points
DATABASE_REPLICA_URL at the test database, as a test mirror): these tests commit, so the
replica's separate connection sees the rows, and count the queries on each connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from planportal.db_routers import PrimaryReplicaRouter
from planportal.models import Organization
from planportal.replica import may_use_replica, replica_reads
from tests.api.clients import SessionClient, TokenClient
from tests.factories import (
    ActionFactory,
    GoalFactory,
    MembershipFactory,
    OrganizationFactory,
    PlanFactory,
    UnitFactory,
    UserFactory,
)

needs_replica = pytest.mark.skipif(
    "replica" not in __import__("django.conf").conf.settings.DATABASES,
    reason="runs with DATABASE_REPLICA_URL (PostgreSQL: CI sets it)",
)
pytestmark = [needs_replica]
BOTH = ["default", "replica"]


@pytest.fixture
def replica_closed_after() -> Iterator[None]:
    """The replica's connection is not the test database's: close it, or the test
    database cannot be dropped at the end."""
    yield
    connections["replica"].close()


@pytest.fixture
def kommune(replica_closed_after: None) -> dict[str, Any]:
    org = OrganizationFactory(name="Replikakommune", slug="replikakommune")
    root = UnitFactory(organization=org, kind="kommune", code="rk", name="Replikakommune")
    user = UserFactory(username="leder")
    MembershipFactory(user=user, unit=root, role="admin")
    plan = PlanFactory(organization=org, title="Plan på replika")
    action = ActionFactory(goal=GoalFactory(focus_area__plan=plan), responsible_unit=root,
                           responsible_person=user)
    return {"org": org, "user": user, "plan": plan, "action": action}


def queries_on_each(call: Any) -> tuple[list[str], list[str]]:
    """The SQL the call sent to the primary and to the replica."""
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        call()
    return ([q["sql"] for q in primary.captured_queries],
            [q["sql"] for q in replica.captured_queries])


CONTENT_TABLES = ("strategies_", "actions_", "reports_")


def reads_no_content(sql: list[str]) -> bool:
    """Only who is asking (session, token, user, roles) was read from the primary: the
    middleware's reads before the view, which must see a role change at once."""
    return not any(table in q for q in sql for table in CONTENT_TABLES)


def test_the_router_reads_from_the_primary_unless_asked() -> None:
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Organization) == "default"
    assert router.db_for_write(Organization) == "default"
    assert router.allow_migrate("replica", "planportal") is False


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_inside_replica_reads_go_to_the_replica_but_not_inside_a_transaction(
        replica_closed_after: None) -> None:
    OrganizationFactory(slug="synlig")
    with replica_reads():
        assert Organization.objects.all().db == "replica"
        assert Organization.objects.filter(slug="synlig").exists()
        with transaction.atomic():
            # A write's own reads must see what it wrote: the primary's.
            assert Organization.objects.all().db == "default"
    assert Organization.objects.all().db == "default"


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_sessions_and_tokens_are_always_read_from_the_primary(
        replica_closed_after: None) -> None:
    from django.contrib.sessions.models import Session

    from planportal.models import ApiToken

    with replica_reads():
        assert Session.objects.all().db == "default"
        assert ApiToken.objects.all().db == "default"


def test_reports_lists_and_exports_may_use_the_replica_and_work_pages_may_not() -> None:
    for name in ("reports:plan-report", "reports:plan-report-pdf", "strategies:plan-list",
                 "strategies:plan-detail", "strategies:public-plan-detail",
                 "rounds:download", "api:action-list", "api:plan-export",
                 "api:plan-progress"):
        assert may_use_replica(name), name
    for name in ("actions:mine", "actions:assign", "actions:detail", "rounds:return",
                 "api:action-detail", "api:auth-token", "login", None):
        assert not may_use_replica(name), name


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_plan_page_is_read_from_the_replica(kommune: dict[str, Any], settings: Any) -> None:
    settings.REPLICA_PIN_SECONDS = 0
    browser = SessionClient(kommune["user"])
    primary, replica = queries_on_each(
        lambda: browser.get(f"/planer/{kommune['plan'].pk}/"))
    assert replica, "the plan page read nothing from the replica"
    assert reads_no_content(primary), primary


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_mine_tiltak_is_read_from_the_primary(kommune: dict[str, Any], settings: Any) -> None:
    settings.REPLICA_PIN_SECONDS = 0
    browser = SessionClient(kommune["user"])
    primary, replica = queries_on_each(lambda: browser.get("/mine-tiltak/"))
    assert primary and not replica


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_after_a_write_the_same_client_reads_from_the_primary(
        kommune: dict[str, Any], settings: Any) -> None:
    settings.REPLICA_PIN_SECONDS = 60
    browser = SessionClient(kommune["user"])
    other = SessionClient(kommune["user"])
    action = kommune["action"]
    answer = browser.post(f"/api/v1/actions/{action.pk}/status-updates/",
                          {"status": "in_progress", "progress": 30, "risk": "on_track",
                           "comment": "", "version": action.version}, format="json")
    assert answer.status_code == 201, answer.content
    primary, replica = queries_on_each(
        lambda: browser.get(f"/planer/{kommune['plan'].pk}/"))
    assert primary and not replica, "the writer's next page must show its write"
    # Another session of the same person has written nothing: the replica serves it.
    primary, replica = queries_on_each(lambda: other.get(f"/planer/{kommune['plan'].pk}/"))
    assert replica


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_api_list_with_a_token_is_read_from_the_replica(
        kommune: dict[str, Any], settings: Any) -> None:
    settings.REPLICA_PIN_SECONDS = 0
    api = TokenClient(kommune["user"])
    primary, replica = queries_on_each(lambda: api.get("/api/v1/actions/"))
    assert replica
    assert reads_no_content(primary), primary
    primary, replica = queries_on_each(lambda: api.get(f"/api/v1/actions/{kommune['action'].pk}/"))
    assert primary and not replica
