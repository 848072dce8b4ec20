"""Continuous tiltak ("løpende", "2024-", "fra 2025"): a kind of period, not a missing
deadline.

Regression for "'Løpende' tiltak clog the queue forever": a tiltak with a unit, a person
and the period "løpende" stayed in "Mangler ansvar eller frist" and counted as "Uten
ansvar/frist" in the committee report.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from actions import services
from actions.models import Action
from actions.reminders.sweep import due_sector_items
from reports.progress import compute_progress
from tests.actions.reminder_helpers import TODAY
from tests.factories import ActionFactory
from tests.login_helpers import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_settings")]


def create(world, title, period_text, **fields):
    fields.setdefault("responsible_unit", world.home_care)
    fields.setdefault("responsible_person", world.unit_manager)
    return services.create_action(actor=world.admin, goal=world.goal, title=title,
                                  period_text=period_text, **fields)


@pytest.fixture
def periods(world):
    world.action.delete()
    return {
        "løpende": create(world, "Løpende tiltak", "løpende"),
        "fra": create(world, "Fra 2024", "2024-"),
        "fra 2025": create(world, "Fra 2025", "fra 2025"),
        "missing": create(world, "Uten frist", ""),
        "no unit": create(world, "Løpende uten enhet", "løpende", responsible_unit=None,
                          responsible_person=None),
        "dated": create(world, "Med frist", "", due_date=date(2027, 6, 30)),
    }


def test_an_open_ended_period_makes_the_tiltak_continuous(periods):
    continuous = {key for key, action in periods.items() if action.continuous}
    assert continuous == {"løpende", "fra", "fra 2025", "no unit"}


def test_a_continuous_tiltak_with_a_unit_and_person_leaves_the_assign_queue(world, periods):
    page = logged_in(world.sector_leader).get(reverse("actions:assign"))
    listed = {action.title for action in page.context["unassigned"]}
    assert listed == {"Uten frist", "Løpende uten enhet"}


def test_unassigned_means_no_unit_or_neither_deadline_nor_continuous_period(periods):
    assert set(Action.objects.unassigned().values_list("title", flat=True)) == {
        "Uten frist", "Løpende uten enhet"}


def test_reports_count_continuous_tiltak_apart_from_the_unassigned(world, periods):
    data = compute_progress(world.plan)
    assert (data["totals"]["continuous"], data["totals"]["unassigned"]) == (4, 2)
    area = data["focus_areas"][0]
    assert (area["continuous"], area["unassigned"]) == (4, 2)
    assert (area["goals"][0]["continuous"], area["goals"][0]["unassigned"]) == (4, 2)


def test_the_sector_digest_does_not_list_a_continuous_tiltak_as_missing_a_deadline(
        world, periods):
    listed = {item.action_id: item.kind for item in due_sector_items(TODAY)}
    assert periods["løpende"].pk not in listed
    assert listed[periods["missing"].pk] == "sector_no_deadline"


def test_giving_a_continuous_tiltak_a_deadline_ends_continuous(world, periods):
    action = periods["løpende"]
    services.assign_action(actor=world.admin, action=action, expected_version=action.version,
                           responsible_unit=world.home_care,
                           responsible_person=world.unit_manager, due_date=date(2027, 1, 1))
    action.refresh_from_db()
    assert not action.continuous


def test_bulk_assignment_with_an_open_ended_period_makes_the_tiltak_continuous(world,
                                                                              periods):
    dated = ActionFactory(goal=world.goal, title="Datert", responsible_unit=world.home_care,
                          due_date=date(2026, 6, 30), period_text="juni 2026")
    missing = periods["missing"]
    services.bulk_assign_actions(actor=world.admin, actions=[dated, missing],
                                 period_text="løpende")
    for action in (dated, missing):
        action.refresh_from_db()
        assert (action.period_text, action.due_date, action.continuous) == (
            "løpende", None, True)
    assert dated.responsible_unit == world.home_care  # blank keeps


def test_bulk_assignment_reads_a_period_as_the_importer_does(world, periods):
    missing = periods["missing"]
    services.bulk_assign_actions(actor=world.admin, actions=[missing],
                                 period_text="2. tertial 2026")
    missing.refresh_from_db()
    assert (missing.start_date, missing.due_date, missing.period_text) == (
        date(2026, 5, 1), date(2026, 8, 31), "2. tertial 2026")
    # A deadline given with the period is the deadline.
    services.bulk_assign_actions(actor=world.admin, actions=[missing],
                                 period_text="2025–2026", due_date=date(2026, 3, 1))
    missing.refresh_from_db()
    assert (missing.due_date, missing.period_text) == (date(2026, 3, 1), "2025–2026")


def test_bulk_assignment_refuses_an_unreadable_period_and_writes_nothing(world, periods):
    from django.core.exceptions import ValidationError

    missing = periods["missing"]
    with pytest.raises(ValidationError) as error:
        services.bulk_assign_actions(actor=world.admin, actions=[missing],
                                     period_text="når det passer")
    assert "period_text" in error.value.message_dict
    missing.refresh_from_db()
    assert (missing.period_text, missing.version) == ("", 1)
