"""Every service writes its audit event in the transaction of its change."""

from __future__ import annotations

from datetime import date

import pytest

from actions import rollover
from actions import services as actions
from planportal import services as core
from planportal.audit.models import AuditEvent
from planportal.locking import VersionConflict
from planportal.permissions import SYSTEM
from strategies import services as strategies

pytestmark = pytest.mark.django_db


def latest() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def test_assigning_records_who_set_which_unit_person_and_deadline(world):
    action = world.action
    actions.assign_action(actor=world.sector_leader, action=action,
                          expected_version=action.version, responsible_unit=world.nursing_home,
                          responsible_person=world.unit_manager, due_date=date(2026, 12, 31))
    event = latest()
    assert (event.verb, event.actor, event.actor_kind) == ("assign", world.sector_leader, "user")
    assert event.organization_id == world.org.pk
    assert event.changes["responsible_unit"][1] == world.nursing_home.pk
    assert event.changes["responsible_person"][1] == world.unit_manager.pk
    assert event.changes["due_date"][1] == "2026-12-31"


def test_a_status_update_is_recorded_with_a_pointer_to_the_history_row(world):
    action = world.action
    actions.assign_action(actor=world.admin, action=action, expected_version=action.version,
                          responsible_unit=world.home_care, due_date=date(2026, 12, 31))
    update = actions.post_status_update(actor=world.unit_manager, action=action,
                                        expected_version=action.version, status="in_progress",
                                        progress=30, comment="Pasient Ola – skal ikke stå her")
    event = latest()
    assert event.verb == "post_update"
    assert event.changes["status"] == ["not_started", "in_progress"]
    assert event.changes["progress"] == [0, 30]
    assert event.changes["status_update"] == [None, update.pk]
    assert "Ola" not in str(event.changes)  # the comment stays in the history only


def test_evaluating_creating_and_editing_actions_are_recorded(world):
    action = actions.create_action(actor=world.admin, goal=world.goal, title="Nytt tiltak",
                                   contributing_units=[world.school])
    created = latest()
    assert created.verb == "create"
    assert created.changes["title"] == [None, "Nytt tiltak"]
    assert created.changes["contributing_units"] == [None, [world.school.pk]]
    actions.update_action(actor=world.admin, action=action, expected_version=action.version,
                          title="Nytt tiltak – endret", contributing_units=[])
    edited = latest()
    assert edited.changes == {"title": ["Nytt tiltak", "Nytt tiltak – endret"],
                              "contributing_units": [[world.school.pk], []]}
    actions.post_status_update(actor=world.admin, action=action,
                               expected_version=action.version, status="completed",
                               progress=100)
    actions.evaluate_action(actor=world.admin, action=action, expected_version=action.version,
                            evaluation="Nådd.")
    assert latest().verb == "evaluate"
    assert latest().changes["evaluation"] == ["", "Nådd."]


def test_a_stale_version_writes_neither_the_change_nor_an_event(world):
    before = AuditEvent.objects.count()
    with pytest.raises(VersionConflict):
        actions.assign_action(actor=world.admin, action=world.action,
                              expected_version=world.action.version + 5,
                              responsible_unit=world.home_care)
    assert AuditEvent.objects.count() == before


def test_plan_hierarchy_edits_are_recorded_only_when_something_changed(world):
    old_title = world.plan.title
    strategies.update_plan(actor=world.admin, plan=world.plan, title="Ny tittel")
    assert latest().changes == {"title": [old_title, "Ny tittel"]}
    count = AuditEvent.objects.count()
    strategies.update_plan(actor=world.admin, plan=world.plan, title="Ny tittel")
    assert AuditEvent.objects.count() == count  # nothing changed, nothing recorded
    area = strategies.create_focus_area(actor=world.admin, plan=world.plan, title="Område",
                                        sdg_numbers=[3])
    assert latest().verb == "create" and latest().changes["sdgs"] == [[], [3]]
    goal = strategies.create_goal(actor=world.admin, focus_area=area, title="Mål")
    indicator = strategies.create_indicator(actor=world.admin, goal=goal, name="Andel",
                                            unit="%", direction="higher")
    strategies.record_measurement(actor=world.admin, indicator=indicator, value="12.5",
                                  period_end=date(2026, 6, 30))
    kinds = list(AuditEvent.objects.order_by("id").values_list("content_type__model", "verb"))
    assert kinds[-3:] == [("goal", "create"), ("indicator", "create"),
                          ("measurement", "create")]


def test_rolling_a_plan_over_is_recorded_on_the_old_plan(world):
    rollover.roll_over_plan(actor=world.admin, plan=world.plan, period_start=2031,
                            period_end=2035)
    event = AuditEvent.objects.filter(verb="roll_over", content_type__model="plan").get()
    assert event.object_id == str(world.plan.pk)
    assert event.changes["carried_over_actions"] == [None, 1]
    assert AuditEvent.objects.filter(verb="create", content_type__model="action").exists()


def test_role_changes_and_units_are_recorded_without_personal_data(world):
    membership = core.add_membership(actor=world.admin, user=world.reader,
                                     unit=world.school, role="unit_manager")
    granted = latest()
    assert granted.verb == "role_change"
    assert granted.changes == {"membership": [None, {"unit": world.school.pk,
                                                     "role": "unit_manager"}]}
    assert granted.object_repr == f"#{world.reader.pk}"
    core.remove_membership(actor=world.admin, membership=membership)
    assert latest().changes["membership"][1] is None
    unit = core.create_unit(actor=world.admin, organization=world.org, parent=world.health,
                            kind="enhet", code="ny", name="Ny enhet")
    assert (latest().verb, latest().object_id) == ("create", str(unit.pk))
    core.update_unit(actor=world.admin, unit=unit, name="Nyere enhet")
    assert latest().changes == {"name": ["Ny enhet", "Nyere enhet"]}


def test_a_new_user_is_recorded_without_name_or_e_mail(world):
    user = core.create_user(actor=SYSTEM, username="kari", password=None,
                            email="kari@example.no", first_name="Kari", last_name="Nordmann")
    event = latest()
    assert (event.verb, event.actor_kind, event.object_repr) == ("create", "system",
                                                                 f"#{user.pk}")
    assert "Kari" not in str(event.changes) and "example.no" not in str(event.changes)


def test_issuing_and_revoking_a_token_are_recorded_without_the_secret(world):
    from planportal.tokens import issue_token, revoke_token

    token, raw = issue_token(actor=world.admin, user=world.admin, name="Power BI")
    issued = latest()
    assert (issued.verb, issued.object_repr) == ("token", f"#{world.admin.pk}")
    assert issued.changes["api_token"][1]["name"] == "Power BI"
    assert raw not in str(issued.changes) and token.key_hash not in str(issued.changes)
    revoke_token(actor=world.admin, token=token)
    assert latest().changes["api_token"][1] == "revoked"
    count = AuditEvent.objects.count()
    revoke_token(actor=world.admin, token=token)  # already revoked: nothing happens
    assert AuditEvent.objects.count() == count
