"""The derived flags: overdue and unassigned, and the latest-update annotation."""

from datetime import date

import pytest

from actions.models import Action
from actions.services import post_status_update
from planportal.models import Unit
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


@pytest.fixture
def actions(world):
    def make(title, **kwargs):
        return ActionFactory(goal=world.goal, title=title, **kwargs)

    return {
        "late": make("late", due_date=date(2026, 2, 28), responsible_unit=world.home_care),
        "due_today": make("due_today", due_date=TODAY, responsible_unit=world.home_care),
        "late_done": make("late_done", due_date=date(2025, 1, 1), status="completed",
                          progress=100, responsible_unit=world.home_care),
        "late_cancelled": make("late_cancelled", due_date=date(2025, 1, 1),
                               status="cancelled", responsible_unit=world.home_care),
        "late_postponed": make("late_postponed", due_date=date(2025, 1, 1),
                               status="postponed", responsible_unit=world.home_care),
        "no_deadline": make("no_deadline", responsible_unit=world.home_care),
    }


def test_overdue_means_deadline_passed_and_not_completed_or_cancelled(actions):
    overdue = {a.title for a in Action.objects.overdue(TODAY)}
    assert overdue == {"late", "late_postponed"}


def test_the_overdue_annotation_agrees_with_the_filter_and_the_model(actions):
    for action in Action.objects.with_overdue(TODAY):
        assert action.overdue == action.is_overdue(TODAY)
        assert action.overdue == Action.objects.overdue(TODAY).filter(pk=action.pk).exists()


def test_unassigned_means_no_unit_or_no_deadline(world, actions):
    unassigned = {a.title for a in Action.objects.unassigned()}
    assert "no_deadline" in unassigned
    assert world.action.title in unassigned  # the world's action has no deadline
    assert "late" not in unassigned


def test_the_latest_update_annotation_shows_the_newest_entry(world):
    post_status_update(actor=world.admin, action=world.action, expected_version=1,
                       status="in_progress", progress=10, comment="første")
    post_status_update(actor=world.admin, action=world.action, expected_version=2,
                       status="in_progress", progress=20, risk="at_risk", comment="andre")
    annotated = Action.objects.with_latest_update().get(pk=world.action.pk)
    assert (annotated.latest_comment, annotated.latest_risk) == ("andre", "at_risk")


@pytest.mark.parametrize("n", [1, 15])
def test_the_list_queryset_runs_one_query_whatever_the_number_of_rows(
    world, n, django_assert_num_queries
):
    ActionFactory.create_batch(n, goal=world.goal, responsible_unit=world.home_care)
    # Tiltak on the area and on the whole plan read their place from the same row.
    ActionFactory.create_batch(n, goal=None, focus_area=world.goal.focus_area)
    ActionFactory.create_batch(n, goal=None, plan=world.plan)
    with django_assert_num_queries(2):  # memberships of the user, then the list
        rows = list(
            Action.objects.visible_to(world.reader).for_list().with_overdue().with_latest_update()
        )
        for row in rows:
            _ = (row.plan.title, row.plan.organization, row.focus_area, row.goal,
                 row.responsible_unit, row.responsible_person)
    assert len(rows) == 3 * n + 1


@pytest.fixture
def listed(world):
    """Three actions with contributing units, a person, status history and a late one."""
    from datetime import timedelta

    from django.utils import timezone

    late = ActionFactory(goal=world.goal, title="Sen", responsible_unit=world.home_care,
                         responsible_person=world.unit_manager,
                         due_date=timezone.localdate() - timedelta(days=3))
    # Contributing units out of tree order, to see the tree order come back.
    late.contributing_units.set([world.school, world.nursing_home, world.health])
    post_status_update(actor=world.unit_manager, action=late, expected_version=late.version,
                       status="in_progress", progress=40, risk="at_risk",
                       comment="Første runde, æøå")
    late.refresh_from_db()
    post_status_update(actor=world.unit_manager, action=late, expected_version=late.version,
                       status="in_progress", progress=60, risk="on_track", comment="Bedre")
    quiet = ActionFactory(goal=world.goal, title="Stille", budget="1250.50")
    return [late.pk, world.action.pk, quiet.pk]


@pytest.mark.postgres
def test_the_compiled_postgresql_rows_equal_the_generic_orm_rows(listed):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the compiled rows query is PostgreSQL's")
    compiled = Action.objects.api_rows(listed)
    generic = {row["id"]: row for row in Action.objects.generic_api_rows(listed)}
    assert [row["id"] for row in compiled] == listed  # in the order asked for
    assert compiled == [generic[pk] for pk in listed]
    late = compiled[0]
    assert late["overdue"] is True
    assert late["latest_comment"] == "Bedre" and late["latest_risk"] == "on_track"
    assert [Unit.objects.get(pk=pk).code for pk in late["contributing_unit_ids"]] == [
        "helse", "sykehjem", "skole"]


def test_api_rows_keep_the_order_asked_for_and_skip_unknown_ids(listed):
    rows = Action.objects.api_rows([listed[2], 999_999, listed[0]])
    assert [row["id"] for row in rows] == [listed[2], listed[0]]
    assert rows[1]["contributing_unit_ids"] == sorted(
        rows[1]["contributing_unit_ids"],
        key=lambda pk: Unit.objects.get(pk=pk).path)
    assert Action.objects.api_rows([]) == []


def test_api_rows_refuse_a_filtered_queryset_because_only_the_ids_decide(listed):
    with pytest.raises(ValueError, match="by id alone"):
        Action.objects.filter(title="Sen").api_rows(listed)


def test_one_actions_row_for_the_detail_is_its_row_in_the_list(listed):
    # PostgreSQL: the uncompiled in-SQL query against the compiled one; elsewhere the same
    # generic query for one id.
    assert [Action.objects.api_row(pk) for pk in listed] == Action.objects.api_rows(listed)
    assert Action.objects.api_row(999_999) is None
    with pytest.raises(ValueError, match="by id alone"):
        Action.objects.filter(title="Sen").api_row(listed[0])
