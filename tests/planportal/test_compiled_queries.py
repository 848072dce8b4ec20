"""CompiledQuery: compiled once per database and key, rows as ``values()`` gives them."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from actions.models import Action
from planportal.compiled_queries import CompiledQuery, Slot
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def _titled(calls: list):
    def build(key):
        calls.append(key)
        title = RawSQL('"actions_action"."title" = %s', (Slot("title"),),
                       output_field=BooleanField())
        return (Action.objects.filter(title, version__gte=key).with_overdue(date(2026, 3, 1))
                .order_by("id").values("id", "title", "overdue", "created_at", "due_date"))
    return build


@pytest.fixture
def actions(world):
    return [ActionFactory(goal=world.goal, title=title, due_date=date(2026, 2, 1))
            for title in ("Første tiltak", "Første tiltak", "Andre tiltak")]


def test_the_rows_are_exactly_what_values_returns_with_converters_applied(actions):
    query = CompiledQuery(_titled([]))
    rows = query.rows(1, title="Første tiltak")
    expected = list(Action.objects.filter(title="Første tiltak", version__gte=1)
                    .with_overdue(date(2026, 3, 1)).order_by("id")
                    .values("id", "title", "overdue", "created_at", "due_date"))
    assert rows == expected
    assert [row["id"] for row in rows] == [actions[0].pk, actions[1].pk]
    # Converted, not raw database text (SQLite stores dates and times as text).
    assert rows[0]["due_date"] == date(2026, 2, 1)
    assert rows[0]["created_at"].tzinfo is not None
    assert rows[0]["overdue"] is True


def test_the_query_is_compiled_once_per_key_and_run_once_per_call(actions):
    calls: list = []
    query = CompiledQuery(_titled(calls))
    with CaptureQueriesContext(connection) as captured:
        query.rows(1, title="Første tiltak")
        query.rows(1, title="Andre tiltak")
    assert calls == [1]
    assert len(captured) == 2
    assert captured[0]["sql"].split("WHERE")[0] == captured[1]["sql"].split("WHERE")[0]


def test_a_new_key_compiles_again_and_replaces_the_old_entry(actions):
    calls: list = []
    query = CompiledQuery(_titled(calls))
    query.rows(1, title="Andre tiltak")
    assert query.rows(2, title="Andre tiltak") == []  # version 1 is below 2
    assert calls == [1, 2]
    assert list(query._cache) == [("default", 2)]


def test_every_slot_must_be_given_a_value(actions):
    query = CompiledQuery(_titled([]))
    with pytest.raises(TypeError, match="title"):
        query.rows(1)
    with pytest.raises(TypeError, match="title"):
        query.rows(1, title="x", other="y")


def test_a_param_stands_in_for_a_value_in_an_ordinary_filter(actions):
    from django.db.models import BigIntegerField

    from planportal.compiled_queries import Param

    query = CompiledQuery(lambda _key: Action.objects.filter(
        pk=Param("id", BigIntegerField())).values("title"))
    assert query.rows(None, id=actions[2].pk) == [{"title": "Andre tiltak"}]
    assert query.rows(None, id=actions[0].pk) == [{"title": "Første tiltak"}]
    assert query.rows(None, id=-1) == []


def test_a_units_path_is_looked_up_by_id_alone(world):
    from planportal.models import Unit

    assert Unit.objects.path_of(world.home_care.pk) == world.home_care.path
    assert Unit.objects.path_of(10**9) is None
    with pytest.raises(ValueError, match="by id alone"):
        Unit.objects.filter(organization=world.org).path_of(world.home_care.pk)


def test_roles_read_through_the_compiled_query_follow_membership_changes(world):
    from planportal.permissions import forget_access, get_access
    from tests.factories import MembershipFactory

    access = get_access(world.unit_manager)
    assert access.unit_manager_units == ((world.org.pk, world.home_care.path),)
    MembershipFactory(user=world.unit_manager, unit=world.school, role="sector_leader")
    forget_access(world.unit_manager)
    assert get_access(world.unit_manager).sector_leader_units == (
        (world.org.pk, world.school.path),)


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_query_compiled_in_one_thread_runs_in_another_on_its_own_connection(world):
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("threads need a server database")
    ActionFactory(goal=world.goal, title="Andre tiltak", due_date=date(2026, 2, 1))
    query = CompiledQuery(_titled([]))
    here = query.rows(1, title="Andre tiltak")
    main = connections["default"]
    there: list = []

    def run() -> None:
        try:
            there.append(query.rows(1, title="Andre tiltak"))
            there.append(connections["default"] is not main)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert there == [here, True]
    assert here[0]["due_date"] == date(2026, 2, 1)
