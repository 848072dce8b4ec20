"""edit_action: a whole-action edit (the admin form) is its steps' services, in one transaction."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from actions.models import Action, StatusUpdate
from actions.services import edit_action
from planportal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_events():
    """The verbs of the audit events written after the fixtures (which write their own)."""
    mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return lambda: list(AuditEvent.objects.filter(pk__gt=mark).order_by("pk")
                        .values_list("verb", flat=True))


def _edit(world, **changes):
    fields = {"title": world.action.title, "responsible_unit": world.action.responsible_unit,
              "responsible_person": world.action.responsible_person,
              "due_date": world.action.due_date, **changes}
    return edit_action(actor=world.admin, action=world.action,
                       expected_version=world.action.version, **fields)


def test_each_changed_part_goes_through_its_own_service(world, new_events):
    _edit(world, title="Nytt navn", due_date=date(2027, 6, 30),
          status_update={"status": "in_progress", "progress": 40})
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.title, stored.due_date, stored.progress) == (
        "Nytt navn", date(2027, 6, 30), 40)
    assert stored.version == 4
    assert new_events() == ["update", "assign", "post_update"]


def test_what_is_unchanged_is_not_written(world, new_events):
    _edit(world, contributing_units=[])
    assert Action.objects.get(pk=world.action.pk).version == 1
    assert new_events() == []


def test_a_refused_later_step_undoes_the_earlier_ones(world, new_events):
    with pytest.raises(ValidationError):
        _edit(world, title="Nytt navn", due_date=date(2027, 6, 30),
              status_update={"status": "completed", "progress": 50})
    stored = Action.objects.get(pk=world.action.pk)
    assert stored.version == 1 and stored.title != "Nytt navn"
    assert not StatusUpdate.objects.exists() and new_events() == []
    assert (world.action.title, world.action.version) == (stored.title, 1)


def test_a_field_the_edit_does_not_cover_is_refused(world):
    with pytest.raises(ValidationError):
        _edit(world, status="completed")
