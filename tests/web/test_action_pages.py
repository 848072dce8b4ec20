"""Mine tiltak and the action page: grouping, the htmx status form, evaluation, conflicts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action, StatusUpdate
from tests.factories import ActionFactory, StatusUpdateFactory
from tests.queries import assert_constant_queries
from tests.web.conftest import htmx

pytestmark = pytest.mark.django_db


def _status_data(action, **overrides):
    data = {"version": action.version, "status": "in_progress", "progress": 40,
            "risk": "at_risk", "comment": "Kurs for alle ansatte i mars; rom er bestilt."}
    data.update(overrides)
    prefix = f"tiltak-{action.pk}-"
    return {"visning": overrides.pop("visning", "detalj"),
            **{prefix + k: v for k, v in data.items() if k != "visning"}}


def test_mine_tiltak_groups_overdue_soon_and_later(browse, world):
    today = timezone.localdate()
    world.action.delete()
    ActionFactory(goal=world.goal, responsible_unit=world.home_care, title="Forsinket tiltak",
                  due_date=today - timedelta(days=3))
    ActionFactory(goal=world.goal, responsible_unit=world.home_care, title="Snart tiltak",
                  due_date=today + timedelta(days=10))
    ActionFactory(goal=world.goal, responsible_unit=world.home_care, title="Senere tiltak",
                  due_date=today + timedelta(days=90))
    ActionFactory(goal=world.goal, responsible_unit=world.school, title="Skolens tiltak")
    text = browse("unit_manager").get(reverse("actions:mine")).text
    overdue, soon, later = (text.index(f'id="gruppe-{slug}"')
                            for slug in ("forsinket", "snart", "senere"))
    assert overdue < text.index("Forsinket tiltak") < soon < text.index("Snart tiltak")
    assert soon < later < text.index("Senere tiltak")
    assert "Skolens tiltak" not in text
    assert world.goal.focus_area.plan.title in text
    assert "<progress" in text


def test_mine_tiltak_includes_actions_where_the_user_is_the_responsible_person(browse, world):
    ActionFactory(goal=world.goal, responsible_unit=world.school, title="Personlig tiltak",
                  responsible_person=world.reader)
    assert "Personlig tiltak" in browse("reader").get(reverse("actions:mine")).text


def test_mine_tiltak_shows_deadlines_in_norwegian(browse, world):
    Action.objects.filter(pk=world.action.pk).update(due_date=date(2031, 3, 3))
    assert "3. mars 2031" in browse("unit_manager").get(reverse("actions:mine")).text


def test_another_kommunes_user_sees_none_of_our_actions(browse, world):
    text = browse("other_admin").get(reverse("actions:mine")).text
    assert world.action.title not in text


def test_the_action_page_has_the_status_form_at_ny_status(browse, world):
    StatusUpdateFactory(action=world.action, comment="Første rapport", author=world.unit_manager)
    text = browse("unit_manager").get(reverse("actions:detail", args=[world.action.pk])).text
    assert 'id="ny-status"' in text
    assert f'hx-post="{reverse("actions:post-status", args=[world.action.pk])}"' in text
    assert "Første rapport" in text


def test_readers_see_the_history_but_no_status_form(browse, world):
    StatusUpdateFactory(action=world.action, comment="Første rapport")
    text = browse("reader").get(reverse("actions:detail", args=[world.action.pk])).text
    assert "Første rapport" in text
    assert "hx-post" not in text


def test_another_kommunes_user_gets_404_on_the_action_page(browse, world):
    url = reverse("actions:detail", args=[world.action.pk])
    assert browse("other_admin").get(url).status_code == 404


def test_posting_with_htmx_saves_through_the_service_and_returns_the_new_entry(browse, world):
    client = browse("unit_manager")
    url = reverse("actions:post-status", args=[world.action.pk])
    response = htmx(client, url, _status_data(world.action))
    assert response.status_code == 200
    assert "<html" not in response.text  # a fragment, not a page
    assert f'id="statuspanel-{world.action.pk}"' in response.text
    assert "Kurs for alle ansatte i mars; rom er bestilt." in response.text
    assert "Statusoppdateringen er lagret." in response.text
    world.action.refresh_from_db()
    assert (world.action.status, world.action.progress, world.action.version) == (
        "in_progress", 40, 2)
    update = StatusUpdate.objects.get(action=world.action)
    assert (update.author, update.risk) == (world.unit_manager, "at_risk")
    # The action's status line and progress bar elsewhere on the page follow (out of band).
    assert f'id="tilstand-{world.action.pk}" class="pp-state" hx-swap-oob="true"' in response.text
    # The fresh form carries the new version, so a second update works at once.
    assert f'name="tiltak-{world.action.pk}-version" value="2"' in response.text


def test_posting_without_javascript_redirects_back_to_the_form(browse, world):
    url = reverse("actions:post-status", args=[world.action.pk])
    response = browse("unit_manager").post(url, _status_data(world.action))
    assert response.status_code == 302
    assert response.url == reverse("actions:detail", args=[world.action.pk]) + "#ny-status"


def test_an_invalid_progress_is_tied_to_its_field_and_nothing_is_saved(browse, world):
    url = reverse("actions:post-status", args=[world.action.pk])
    response = htmx(browse("unit_manager"), url, _status_data(world.action, progress=150))
    field_id = f"id_tiltak-{world.action.pk}-progress"
    assert f'id="{field_id}_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert f'aria-describedby="{field_id}_error"' in response.text
    assert 'role="alert"' in response.text
    assert not StatusUpdate.objects.exists()


def test_the_services_rule_comes_back_on_the_field(browse, world):
    url = reverse("actions:post-status", args=[world.action.pk])
    response = htmx(browse("unit_manager"), url,
                    _status_data(world.action, status="completed", progress=80))
    assert "Et fullført tiltak har 100 % fremdrift." in response.text
    assert f'id="id_tiltak-{world.action.pk}-progress_error"' in response.text
    assert not StatusUpdate.objects.exists()


def test_not_started_with_progress_is_refused_on_the_progress_field(browse, world):
    url = reverse("actions:post-status", args=[world.action.pk])
    response = htmx(browse("unit_manager"), url,
                    _status_data(world.action, status="not_started", progress=40))
    assert "Et tiltak som ikke er startet, har 0 % fremdrift." in response.text
    assert f'id="id_tiltak-{world.action.pk}-progress_error"' in response.text
    assert not StatusUpdate.objects.exists()


def test_a_stale_version_keeps_what_the_user_typed_and_says_why(browse, world):
    stale = _status_data(world.action, comment="Min lange tekst som ikke må forsvinne")
    services.post_status_update(actor=world.admin, action=world.action,
                                expected_version=1, status="in_progress", progress=10)
    url = reverse("actions:post-status", args=[world.action.pk])
    response = htmx(browse("unit_manager"), url, stale)
    assert response.status_code == 200
    assert "Min lange tekst som ikke må forsvinne" in response.text
    assert "endret dette tiltaket mens du skrev" in response.text
    assert f'name="tiltak-{world.action.pk}-version" value="2"' in response.text
    assert StatusUpdate.objects.count() == 1
    # Sending again is now a deliberate update on top of the newer version.
    again = htmx(browse("unit_manager"), url,
                 {**stale, f"tiltak-{world.action.pk}-version": "2"})
    assert "Statusoppdateringen er lagret." in again.text
    assert StatusUpdate.objects.count() == 2


def test_a_reader_cannot_post_a_status_update(browse, world):
    url = reverse("actions:post-status", args=[world.action.pk])
    response = htmx(browse("reader"), url, _status_data(world.action))
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_the_final_evaluation_form_appears_once_the_action_is_closed(browse, world):
    client = browse("unit_manager")
    detail = reverse("actions:detail", args=[world.action.pk])
    assert f'name="evaluering-{world.action.pk}-evaluation"' not in client.get(detail).text
    services.post_status_update(actor=world.unit_manager, action=world.action,
                                expected_version=1, status="completed", progress=100)
    assert f'name="evaluering-{world.action.pk}-evaluation"' in client.get(detail).text
    response = client.post(
        reverse("actions:post-evaluation", args=[world.action.pk]),
        {f"evaluering-{world.action.pk}-version": 2,
         f"evaluering-{world.action.pk}-evaluation": "Målet er nådd."},
    )
    assert response.status_code == 302
    world.action.refresh_from_db()
    assert world.action.evaluation == "Målet er nådd."
    assert world.action.evaluated_by == world.unit_manager


def test_the_evaluations_confirmation_is_shown_and_focused_in_its_own_section(browse, world):
    # The redirect opens the page at #sluttevaluering: the confirmation must be there, not
    # at the top of the page where nobody is (issue 17, item 4).
    client = browse("unit_manager")
    services.post_status_update(actor=world.unit_manager, action=world.action,
                                expected_version=1, status="completed", progress=100)
    response = client.post(
        reverse("actions:post-evaluation", args=[world.action.pk]),
        {f"evaluering-{world.action.pk}-version": 2,
         f"evaluering-{world.action.pk}-evaluation": "Målet er nådd."}, follow=True)
    text = response.text
    assert response.redirect_chain[-1][0].endswith("#sluttevaluering")
    section = text[text.index('<section id="sluttevaluering"'):]
    section = section[:section.index("</section>")]
    assert 'role="status" tabindex="-1" data-autofocus>Sluttevalueringen er lagret.' in section
    assert text.count("Sluttevalueringen er lagret.") == 1  # not at the top as well


def test_an_empty_evaluation_is_refused_on_its_field(browse, world):
    services.post_status_update(actor=world.unit_manager, action=world.action,
                                expected_version=1, status="cancelled", progress=0)
    response = browse("unit_manager").post(
        reverse("actions:post-evaluation", args=[world.action.pk]),
        {f"evaluering-{world.action.pk}-version": 2,
         f"evaluering-{world.action.pk}-evaluation": ""},
    )
    assert response.status_code == 400
    assert f'id="id_evaluering-{world.action.pk}-evaluation_error"' in response.text
    world.action.refresh_from_db()
    assert world.action.evaluation == ""


def test_closed_actions_without_evaluation_are_listed_on_mine_tiltak(browse, world):
    services.post_status_update(actor=world.unit_manager, action=world.action,
                                expected_version=1, status="completed", progress=100)
    text = browse("unit_manager").get(reverse("actions:mine")).text
    assert 'id="gruppe-evaluering"' in text
    assert "#sluttevaluering" in text


def test_mine_tiltak_runs_a_constant_number_of_queries(browse, world):
    client = browse("unit_manager")

    def add(n):
        for _ in range(n):
            action = ActionFactory(goal=world.goal, responsible_unit=world.home_care,
                                   due_date=timezone.localdate())
            StatusUpdateFactory(action=action)

    assert_constant_queries(add, lambda: client.get(reverse("actions:mine")))


def test_the_action_page_runs_a_constant_number_of_queries(browse, world):
    client = browse("unit_manager")
    url = reverse("actions:detail", args=[world.action.pk])

    def add(n):
        for _ in range(n):
            StatusUpdateFactory(action=world.action, author=world.unit_manager)
        world.action.contributing_units.add(world.school, world.nursing_home)

    assert_constant_queries(add, lambda: client.get(url))


def test_a_failed_update_without_javascript_reshows_mine_tiltak_with_the_error(browse, world):
    url = reverse("actions:post-status", args=[world.action.pk])
    data = _status_data(world.action, progress=-5, comment="Beholdes")
    data["visning"] = "mine"
    response = browse("unit_manager").post(url, data)
    assert response.status_code == 400
    assert "<html" in response.text and 'id="gruppe-' in response.text
    assert f'id="id_tiltak-{world.action.pk}-progress_error"' in response.text
    assert "Beholdes" in response.text
    assert "<details class=\"ds-details\" open>" in response.text


def test_another_kommunes_staff_see_no_names_on_a_public_plans_action_page(browse, world):
    from strategies.models import Plan

    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    Action.objects.filter(pk=world.action.pk).update(responsible_person=world.unit_manager)
    world.unit_manager.first_name, world.unit_manager.last_name = "Kari", "Løvås"
    world.unit_manager.save()
    StatusUpdateFactory(action=world.action, author=world.sector_leader,
                        comment="Godt i gang")
    url = reverse("actions:detail", args=[world.action.pk])

    outsider = browse("other_admin").get(url)
    assert outsider.status_code == 200
    assert "Godt i gang" in outsider.text and world.action.title in outsider.text
    for name in ("Løvås", world.unit_manager.username, world.sector_leader.username):
        assert name not in outsider.text
    assert "Ansvarlig person" not in outsider.text

    own = browse("reader").get(url)
    assert "Kari Løvås" in own.text and "Ansvarlig person" in own.text
