"""post_status_update: the history row and the action's current status move together."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action, StatusUpdate
from actions.services import post_status_update
from planportal.locking import VersionConflict
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def _post(world, actor, version=None, **values):
    values = {"status": "in_progress", "progress": 40, **values}
    return post_status_update(
        actor=actor, action=world.action,
        expected_version=world.action.version if version is None else version, **values)


def test_a_unit_manager_posts_an_update_that_becomes_the_current_status(world):
    update = _post(world, world.unit_manager, risk="at_risk", comment="Mangler vikarer – øker")
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.status, stored.progress, stored.version) == ("in_progress", 40, 2)
    assert update.author == world.unit_manager
    assert update.comment == "Mangler vikarer – øker"
    assert list(stored.status_updates.all()) == [update]


def test_the_responsible_person_may_post_even_without_a_unit_role(world):
    world.action.responsible_person = world.reader
    Action.objects.filter(pk=world.action.pk).update(responsible_person=world.reader)
    _post(world, world.reader)
    assert StatusUpdate.objects.filter(author=world.reader).count() == 1


def test_a_unit_manager_cannot_post_on_another_units_action(world):
    other = ActionFactory(goal=world.goal, responsible_unit=world.nursing_home)
    with pytest.raises(PermissionDenied):
        post_status_update(actor=world.unit_manager, action=other, expected_version=1,
                           status="in_progress", progress=10)
    assert not other.status_updates.exists()


@pytest.mark.parametrize("persona", ["sector_leader", "reader", "other_admin"])
def test_roles_without_reporting_rights_cannot_post(world, persona):
    with pytest.raises(PermissionDenied):
        _post(world, world.persona(persona))
    assert not StatusUpdate.objects.exists()
    assert Action.objects.get(pk=world.action.pk).version == 1


def test_an_admin_may_post(world):
    _post(world, world.admin)
    assert StatusUpdate.objects.count() == 1


def test_a_stale_version_appends_nothing(world):
    _post(world, world.unit_manager)
    with pytest.raises(VersionConflict):
        _post(world, world.unit_manager, version=1, progress=90)
    assert StatusUpdate.objects.count() == 1
    assert Action.objects.get(pk=world.action.pk).progress == 40


@pytest.mark.parametrize(
    ("values", "field"),
    [({"progress": 101}, "progress"), ({"progress": -1}, "progress"),
     ({"status": "ferdig"}, "status"), ({"risk": "kanskje"}, "risk"),
     ({"status": "completed", "progress": 80}, "progress"),
     # Issue 17, item 9: "ikke startet" at 40 % would be counted as not started.
     ({"status": "not_started", "progress": 40}, "progress")],
)
def test_bad_values_are_refused_with_the_field_named(world, values, field):
    with pytest.raises(ValidationError) as error:
        _post(world, world.unit_manager, **values)
    assert field in error.value.message_dict
    assert not StatusUpdate.objects.exists()
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.status, stored.progress, stored.version) == ("not_started", 0, 1)
    assert world.action.status == "not_started"


def test_status_updates_cannot_be_changed_or_deleted(world):
    update = _post(world, world.unit_manager)
    update.comment = "endret"
    with pytest.raises(ValueError, match="append-only"):
        update.save()
    with pytest.raises(ValueError, match="append-only"):
        update.delete()
    with pytest.raises(ValueError, match="append-only"):
        StatusUpdate.objects.all().update(comment="x")
    with pytest.raises(ValueError, match="append-only"):
        StatusUpdate.objects.all().delete()
    assert StatusUpdate.objects.get().comment == ""


def test_the_database_refuses_to_rewrite_history_on_postgresql(world):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    update = _post(world, world.unit_manager)
    for sql in ("UPDATE actions_statusupdate SET comment = 'x' WHERE id = %s",
                "DELETE FROM actions_statusupdate WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql, [update.pk])
    assert StatusUpdate.objects.get(pk=update.pk).comment == ""


def test_posting_an_update_takes_a_handful_of_queries(world, django_assert_max_num_queries):
    # roles, permission check, savepoint, compare-and-set UPDATE, INSERT, audit INSERT,
    # release
    with django_assert_max_num_queries(7):
        _post(world, world.unit_manager)


def test_not_started_at_zero_is_still_a_status_update(world):
    _post(world, world.unit_manager, status="not_started", progress=0, comment="Venter")
    assert Action.objects.get(pk=world.action.pk).version == 2


def test_a_return_of_a_round_refuses_not_started_with_progress_as_well(world):
    from datetime import date

    from actions import rounds
    from actions.models import ReportingReturn

    round_ = rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                               period_key="2026-T2", deadline=date(2026, 9, 15))
    ret = ReportingReturn.objects.get(round=round_, action=world.action)
    with pytest.raises(ValidationError) as error:
        rounds.save_return(actor=world.unit_manager, ret=ret, expected_version=ret.version,
                           status="not_started", progress=30)
    assert "0 % fremdrift" in " ".join(error.value.message_dict["progress"])
