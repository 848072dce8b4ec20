"""The action admin: edits, status updates and bulk assignment go through the services."""

from datetime import date

import pytest
from django.urls import reverse

from actions.models import Action, StatusUpdate
from planportal.models import Membership
from tests.factories import ActionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form_data(action, **changes):
    data = {
        # The change form offers the area and goal (a tiltak moves within its plan).
        "focus_area": action.focus_area_id or "", "goal": action.goal_id or "",
        "order": action.order, "code": action.code, "title": action.title,
        "description": action.description,
        "responsible_unit": action.responsible_unit_id or "",
        "responsible_person": action.responsible_person_id or "",
        "start_date": "", "due_date": action.due_date.isoformat() if action.due_date else "",
        "period_text": action.period_text, "budget": "", "budget_reference": "",
        "evaluation": action.evaluation, "expected_version": action.version,
        "new_status": "", "new_progress": "", "new_risk": "on_track", "new_comment": "",
        "status_updates-TOTAL_FORMS": 0, "status_updates-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def _change_url(action):
    return reverse("admin:actions_action_change", args=[action.pk])


def test_editing_an_action_in_the_admin_bumps_its_version(world, plan_admin):
    response = plan_admin.post(_change_url(world.action),
                                _form_data(world.action, title="Nytt navn på tiltaket",
                                           due_date="2026-06-30"))
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Action.objects.get(pk=world.action.pk)
    assert stored.title == "Nytt navn på tiltaket"
    assert stored.due_date == date(2026, 6, 30)
    assert stored.version == 3  # one edit, one assignment


def test_a_stale_admin_form_shows_an_error_and_keeps_what_was_typed(world, plan_admin):
    Action.objects.filter(pk=world.action.pk).update(version=5)
    response = plan_admin.post(_change_url(world.action),
                                _form_data(world.action, title="Mitt utkast", expected_version=1))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mitt utkast" in body
    assert "versjon 5" in body  # the conflict message, in Bokmål
    assert Action.objects.get(pk=world.action.pk).title == world.action.title


def test_a_status_update_can_be_posted_from_the_admin(world, plan_admin):
    response = plan_admin.post(_change_url(world.action), _form_data(
        world.action, new_status="in_progress", new_progress=30, new_risk="at_risk",
        new_comment="Venter på budsjett"))
    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert (update.status, update.progress, update.risk, update.author) == (
        "in_progress", 30, "at_risk", world.admin)
    assert Action.objects.get(pk=world.action.pk).progress == 30


def test_an_invalid_status_update_is_a_form_error_and_changes_nothing(world, plan_admin):
    response = plan_admin.post(_change_url(world.action), _form_data(
        world.action, new_status="completed", new_progress=50))
    assert response.status_code == 200
    assert "100 %" in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_the_status_history_is_read_only(world, plan_admin):
    StatusUpdate.objects.create(action=world.action, status="in_progress", progress=10)
    update = StatusUpdate.objects.get()
    assert plan_admin.get(reverse("admin:actions_statusupdate_changelist")).status_code == 200
    assert plan_admin.get(reverse("admin:actions_statusupdate_add")).status_code == 403
    plan_admin.post(reverse("admin:actions_statusupdate_change", args=[update.pk]),
                     {"comment": "endret"})
    assert StatusUpdate.objects.get().comment == ""
    delete = plan_admin.post(reverse("admin:actions_statusupdate_delete", args=[update.pk]),
                              {"post": "yes"})
    assert delete.status_code == 403
    assert StatusUpdate.objects.exists()


def test_list_filters_for_status_overdue_assignment_unit_and_plan(world, plan_admin):
    late = ActionFactory(goal=world.goal, title="Forsinket", due_date=date(2020, 1, 1),
                         responsible_unit=world.nursing_home)
    done = ActionFactory(goal=world.goal, title="Ferdig", status="completed", progress=100,
                         due_date=date(2020, 1, 1), responsible_unit=world.nursing_home)
    url = reverse("admin:actions_action_changelist")

    def titles(query):
        response = plan_admin.get(url + query)
        assert response.status_code == 200
        return {a.title for a in response.context["cl"].result_list}

    assert titles("?overdue=yes") == {"Forsinket"}
    assert titles("?status__exact=completed") == {"Ferdig"}
    assert titles("?assigned=no") == {world.action.title}
    assert titles(f"?responsible_unit__id__exact={world.nursing_home.pk}") == {
        "Forsinket", "Ferdig"}
    assert titles(f"?plan={world.plan.pk}") == {world.action.title, late.title, done.title}
    assert titles("?q=Forsinket") == {"Forsinket"}


def test_the_action_list_runs_the_same_number_of_queries_however_many_rows(
    world, plan_admin
):
    from tests.queries import assert_constant_queries

    url = reverse("admin:actions_action_changelist")
    assert_constant_queries(
        lambda n: ActionFactory.create_batch(n, goal=world.goal, responsible_unit=world.home_care),
        lambda: plan_admin.get(url),
    )


def test_the_action_page_runs_the_same_number_of_queries_however_long_the_history(
    world, plan_admin
):
    from tests.factories import StatusUpdateFactory
    from tests.queries import assert_constant_queries

    assert_constant_queries(
        lambda n: StatusUpdateFactory.create_batch(n, action=world.action),
        lambda: plan_admin.get(_change_url(world.action)),
    )


def test_bulk_assignment_goes_through_the_service_for_each_action(world, plan_admin):
    second = ActionFactory(goal=world.goal, title="Andre tiltak")
    response = plan_admin.post(reverse("admin:actions_action_changelist"), {
        "action": "bulk_assign", "_selected_action": [world.action.pk, second.pk],
        "apply": "1", "responsible_unit": world.nursing_home.pk,
        "responsible_person": world.unit_manager.pk, "due_date": "2027-01-31",
    })
    assert response.status_code == 302
    for action in Action.objects.filter(pk__in=[world.action.pk, second.pk]):
        assert action.responsible_unit == world.nursing_home
        assert action.due_date == date(2027, 1, 31)
        assert action.version == 2


def test_bulk_assignment_reports_actions_the_user_may_not_move(world, client):
    leader = world.sector_leader
    leader.is_staff = True
    leader.save()
    client.force_login(leader)
    response = client.post(reverse("admin:actions_action_changelist"), {
        "action": "bulk_assign", "_selected_action": [world.action.pk], "apply": "1",
        "responsible_unit": world.school.pk, "due_date": "",
    }, follow=True)
    assert Action.objects.get(pk=world.action.pk).responsible_unit == world.home_care
    messages = [str(m) for m in response.context["messages"]]
    assert any(world.action.title in m for m in messages)


def test_admin_bulk_assignment_keeps_blank_fields(world, plan_admin):
    second = ActionFactory(goal=world.goal, title="Andre tiltak",
                           responsible_unit=world.home_care,
                           responsible_person=world.unit_manager, due_date=date(2026, 9, 1))
    response = plan_admin.post(reverse("admin:actions_action_changelist"), {
        "action": "bulk_assign", "_selected_action": [world.action.pk, second.pk],
        "apply": "1", "responsible_unit": world.nursing_home.pk,
        "responsible_person": "", "due_date": "",
    })
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.responsible_unit == world.nursing_home
    assert (second.responsible_person, second.due_date) == (world.unit_manager,
                                                             date(2026, 9, 1))


def test_admin_bulk_assignment_is_all_or_nothing(world, client):
    leader = world.sector_leader
    leader.is_staff = True
    leader.save()
    client.force_login(leader)
    school = ActionFactory(goal=world.goal, title="Skolens tiltak",
                           responsible_unit=world.school)
    response = client.post(reverse("admin:actions_action_changelist"), {
        "action": "bulk_assign", "_selected_action": [world.action.pk, school.pk],
        "apply": "1", "responsible_unit": "", "due_date": "2027-01-31",
    }, follow=True)
    assert all(a.due_date is None and a.version == 1
               for a in Action.objects.filter(pk__in=[world.action.pk, school.pk]))
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "Skolens tiltak" in messages[0]


def test_a_plan_administrator_sees_only_their_own_kommune(world, other_plan, plan_admin):
    response = plan_admin.get(reverse("admin:actions_action_changelist"))
    shown = set(response.context["cl"].result_list)
    assert world.action in shown and other_plan not in shown
    assert plan_admin.get(_change_url(other_plan)).status_code in (302, 404)


def test_a_reader_with_staff_flag_cannot_change_actions(world, client):
    reader = world.reader
    reader.is_staff = True
    reader.save()
    client.force_login(reader)
    response = client.post(_change_url(world.action), _form_data(world.action, title="Nei"))
    assert response.status_code == 403
    assert Action.objects.get(pk=world.action.pk).title != "Nei"


def test_a_staff_user_without_memberships_sees_nothing(world, client):
    stranger = UserFactory(is_staff=True)
    client.force_login(stranger)
    assert client.get(reverse("admin:actions_action_changelist")).status_code == 403
    MembershipFactory(user=stranger, unit=world.root, role=Membership.Role.READER)
    assert client.get(reverse("admin:actions_action_changelist")).status_code == 200


def test_the_action_form_offers_only_the_kommunes_own_units_and_people(world, other_plan,
                                                                       client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    form = client.get(_change_url(world.action)).context["adminform"].form
    units = set(form.fields["responsible_unit"].queryset)
    assert world.nursing_home in units
    assert all(unit.organization_id == world.org.pk for unit in units)
    assert all(unit.organization_id == world.org.pk
               for unit in form.fields["contributing_units"].queryset)
    people = set(form.fields["responsible_person"].queryset)
    assert world.unit_manager in people and world.other_admin not in people


def test_a_unit_manager_posts_a_status_update_on_an_action_with_multiline_text(world, client):
    """Regression: CRLF from the browser made the unchanged description look edited, and
    the edit needs rights the unit manager does not have."""
    Action.objects.filter(pk=world.action.pk).update(description="Første linje\nAndre linje")
    world.action.refresh_from_db()
    manager = world.unit_manager
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    response = client.post(_change_url(world.action), _form_data(
        world.action, description="Første linje\r\nAndre linje", new_status="in_progress",
        new_progress=20))
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.progress, stored.version) == (20, 2)
    assert stored.description == "Første linje\nAndre linje"


def test_not_started_with_progress_is_refused_on_the_admins_progress_field(world, plan_admin):
    response = plan_admin.post(_change_url(world.action), _form_data(
        world.action, new_status="not_started", new_progress=40))
    assert response.status_code == 200
    assert "har 0 % fremdrift" in response.content.decode()
    assert response.context["adminform"].form.errors["new_progress"]
    assert not StatusUpdate.objects.exists()
