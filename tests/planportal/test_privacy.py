"""A person's own data on request, and erasure that keeps the plan history."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from actions.models import StatusUpdate
from actions.services import post_status_update
from planportal.audit.models import AuditEvent
from planportal.privacy import erase_user, export_personal_data
from planportal.token_models import ApiToken
from planportal.tokens import issue_token
from tests.api.clients import SessionClient
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    action = world.action
    action.responsible_person = world.unit_manager
    action.save(update_fields=["responsible_person"])
    update = post_status_update(actor=world.unit_manager, action=action,
                                expected_version=action.version, status="in_progress",
                                progress=20, comment="Oppstart – æøå")
    issue_token(actor=world.unit_manager, user=world.unit_manager, name="Power BI")
    return update


def test_every_app_adds_its_part_of_the_export_in_the_same_order(world):
    # The sections come from the core, strategies and actions (planportal.privacy's
    # registry); the export's keys and their order are what they were before it.
    data = export_personal_data(actor=world.unit_manager, user=world.unit_manager)
    assert list(data) == ["exported_at", "profile", "memberships", "responsible_for_actions",
                          "status_updates", "evaluations", "responsible_for_indicators",
                          "measurements_recorded", "api_tokens", "audit_events"]


def test_the_export_holds_profile_roles_responsibilities_updates_and_tokens(world, history):
    data = export_personal_data(actor=world.unit_manager, user=world.unit_manager)
    assert data["profile"]["email"] == world.unit_manager.email
    assert data["memberships"] == [{"organization": "Testkommune", "unit": "Hjemmetjenesten",
                                    "role": "unit_manager"}]
    assert [a["id"] for a in data["responsible_for_actions"]] == [world.action.pk]
    assert data["status_updates"][0]["comment"] == "Oppstart – æøå"
    assert data["api_tokens"][0]["name"] == "Power BI"
    assert "key_hash" not in json.dumps(data)
    assert any(e["verb"] == "post_update" for e in data["audit_events"])
    assert AuditEvent.objects.filter(verb="export", object_id=str(world.unit_manager.pk)).exists()


def test_the_export_takes_a_fixed_number_of_queries(world, history,
                                                    django_assert_max_num_queries):
    for _ in range(5):
        post_status_update(actor=world.unit_manager, action=world.action,
                           expected_version=world.action.version, status="in_progress",
                           progress=30)
    with django_assert_max_num_queries(15):
        export_personal_data(actor=world.unit_manager, user=world.unit_manager)


def test_the_export_names_the_indicators_a_person_follows_up(world):
    indicator = IndicatorFactory(goal=world.goal, name="Sykefravær",
                                 responsible_unit=world.home_care,
                                 responsible_person=world.unit_manager, frequency="tertial",
                                 next_due_on=date(2026, 5, 31))
    data = export_personal_data(actor=world.unit_manager, user=world.unit_manager)
    assert data["responsible_for_indicators"] == [
        {"id": indicator.pk, "name": "Sykefravær", "frequency": "tertial",
         "next_due_on": "2026-05-31"}]


def test_a_person_downloads_their_own_data_from_the_api(world, history):
    client = SessionClient(world.unit_manager)
    response = client.get("/api/v1/me/personal-data/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response.json()["profile"]["username"] == world.unit_manager.username
    assert APIClient().get("/api/v1/me/personal-data/").status_code in (401, 403)


def test_nobody_else_exports_a_persons_data_but_their_kommunes_admin(world, history):
    with pytest.raises(PermissionDenied):
        export_personal_data(actor=world.reader, user=world.unit_manager)
    with pytest.raises(PermissionDenied):
        export_personal_data(actor=world.other_admin, user=world.unit_manager)
    assert export_personal_data(actor=world.admin, user=world.unit_manager)["profile"]


def test_erasure_removes_name_and_email_but_keeps_what_they_did(world, history):
    user = world.unit_manager
    erase_user(actor=world.admin, user=user)
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("Slettet", "bruker", "")
    assert user.username == f"slettet-{user.pk}"
    assert not user.is_active and not user.has_usable_password()
    assert not user.memberships.exists()
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    # The history is intact and now shows the anonymised name.
    update = StatusUpdate.objects.get(pk=history.pk)
    assert update.comment == "Oppstart – æøå"
    assert str(update.author) == "Slettet bruker"
    world.action.refresh_from_db()
    assert world.action.responsible_person_id == user.pk
    event = AuditEvent.objects.filter(verb="erase").get()
    assert event.object_repr == f"#{user.pk}"
    assert AuditEvent.objects.filter(actor=user).exists()  # their own events stay, anonymised


def test_erasure_is_refused_to_readers_other_kommunes_and_oneself(world, history):
    for actor in (world.reader, world.other_admin, world.unit_manager):
        with pytest.raises(PermissionDenied):
            erase_user(actor=actor, user=world.unit_manager)
    world.unit_manager.refresh_from_db()
    assert world.unit_manager.is_active


def test_the_commands_export_and_erase_by_username(world, history, tmp_path, capsys):
    out = tmp_path / "data.json"
    call_command("export_personal_data", world.unit_manager.username, output=str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["status_updates"][0]["comment"] == (
        "Oppstart – æøå")
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_user", world.unit_manager.username)
    with pytest.raises(CommandError, match="finnes-ikke"):
        call_command("erase_user", "finnes-ikke", yes=True)
    call_command("erase_user", world.unit_manager.username, yes=True)
    world.unit_manager.refresh_from_db()
    assert world.unit_manager.email == ""


def test_free_text_fields_ask_users_not_to_write_about_patients():
    from actions.forms import EvaluationForm, StatusUpdateForm
    from actions.models import Action

    warning = "Ikke skriv personopplysninger om pasienter"  # the suite runs in Bokmål
    for field in (StatusUpdate._meta.get_field("comment"), Action._meta.get_field("evaluation")):
        assert warning in str(field.help_text)
    assert warning in str(StatusUpdateForm.base_fields["comment"].help_text)
    assert warning in str(EvaluationForm.base_fields["evaluation"].help_text)
