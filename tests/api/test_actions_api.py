"""/api/v1/actions/: reading, filtering, writing with versions, and the transitions."""

from datetime import date

import pytest

from actions.models import Action, StatusUpdate
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/actions/"


def detail(action, suffix=""):
    return f"{URL}{action.pk}/{suffix}"


def test_a_reader_lists_the_kommunes_actions(world, api):
    response = api("reader").get(URL)
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["title"] == "Ærlig øving på å"
    assert row["responsible_unit"]["name"] == "Hjemmetjenesten"
    assert row["overdue"] is False and row["version"] == 1


def test_another_kommunes_action_is_a_404(world, other_plan, api):
    assert api("reader").get(detail(other_plan)).status_code == 404
    assert api("other_admin").get(detail(world.action)).status_code == 404
    assert world.action.pk not in [r["id"] for r in api("other_admin").get(URL).json()["results"]]


def test_anonymous_visitors_see_public_plans_without_people(world, api):
    public = PlanFactory(organization=world.org, title="Offentlig", is_public=True)
    action = ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=public)),
                           responsible_unit=world.home_care,
                           responsible_person=world.unit_manager)
    response = api(None).get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [action.pk]
    assert rows[0]["responsible_person"] is None and rows[0]["evaluated_by"] is None
    assert world.unit_manager.last_name not in response.content.decode()
    assert api(None).post(detail(action, "status-updates/"), {}).status_code in (401, 403)


def test_detail_carries_an_etag_made_from_the_version(world, api):
    response = api("reader").get(detail(world.action))
    assert response["ETag"] == '"1"'


def test_a_status_update_with_a_fresh_if_match_goes_through(world, api):
    client = api("unit_manager")
    response = client.post(detail(world.action, "status-updates/"),
                           {"status": "in_progress", "progress": 40, "risk": "at_risk",
                            "comment": "Venter på vikarer"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 201, response.json()
    assert response["ETag"] == '"2"'
    assert response.json()["latest_update"]["risk"] == "at_risk"
    assert StatusUpdate.objects.get().author == world.unit_manager


def test_not_started_with_progress_is_a_400_on_progress(world, api):
    response = api("unit_manager").post(detail(world.action, "status-updates/"),
                                        {"status": "not_started", "progress": 40},
                                        format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert "progress" in response.json()
    assert not StatusUpdate.objects.exists()


def test_a_stale_if_match_is_412_and_changes_nothing(world, api):
    Action.objects.filter(pk=world.action.pk).update(version=3)
    response = api("unit_manager").post(detail(world.action, "status-updates/"),
                                        {"status": "in_progress", "progress": 40},
                                        format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert response["ETag"] == '"3"'
    assert response.json()["current_version"] == 3
    assert not StatusUpdate.objects.exists()


def test_a_stale_body_version_is_409(world, api):
    Action.objects.filter(pk=world.action.pk).update(version=3)
    response = api("admin").patch(detail(world.action), {"title": "Ny", "version": 1},
                                  format="json")
    assert response.status_code == 409
    assert Action.objects.get(pk=world.action.pk).title != "Ny"


def test_a_write_without_any_version_is_428(world, api):
    response = api("admin").patch(detail(world.action), {"title": "Ny"}, format="json")
    assert response.status_code == 428


def test_patch_with_the_right_version_edits_the_action(world, api):
    response = api("sector_leader").patch(detail(world.action), {"title": "Nytt navn",
                                          "budget": "1000.50", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Nytt navn"
    assert response["ETag"] == '"2"'


def test_assign_sets_unit_person_and_deadline(world, api):
    response = api("sector_leader").post(detail(world.action, "assign/"), {
        "responsible_unit": world.nursing_home.pk, "responsible_person": world.unit_manager.pk,
        "due_date": "2026-09-30", "period_text": "høst 2026", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    stored = Action.objects.get(pk=world.action.pk)
    assert (stored.responsible_unit, stored.due_date) == (world.nursing_home, date(2026, 9, 30))


def test_a_sector_leader_cannot_assign_outside_the_sector(world, api):
    response = api("sector_leader").post(detail(world.action, "assign/"), {
        "responsible_unit": world.school.pk, "version": 1}, format="json")
    assert response.status_code == 403
    assert Action.objects.get(pk=world.action.pk).responsible_unit == world.home_care


def test_evaluate_needs_a_closed_action(world, api):
    client = api("unit_manager")
    response = client.post(detail(world.action, "evaluate/"),
                           {"evaluation": "Bra", "version": 1}, format="json")
    assert response.status_code == 400
    assert "evaluation" in response.json()


def test_bad_input_is_400_with_the_field_named(world, api):
    client = api("unit_manager")
    response = client.post(detail(world.action, "status-updates/"),
                           {"status": "ferdig", "progress": 140, "version": 1}, format="json")
    assert response.status_code == 400
    assert {"status", "progress"} <= set(response.json())


@pytest.mark.parametrize(
    ("query", "expected"),
    [("overdue=true", {"late"}), ("unassigned=true", {"Ærlig øving på å", "open"}),
     ("status=completed", {"done"}), ("q=forsink", {"late"}),
     ("due_after=2020-01-01&due_before=2020-12-31", {"late", "done"})],
)
def test_filters(world, api, query, expected):
    ActionFactory(goal=world.goal, title="late", due_date=date(2020, 6, 1),
                  responsible_unit=world.home_care, description="forsinket")
    ActionFactory(goal=world.goal, title="done", due_date=date(2020, 6, 1), status="completed",
                  progress=100, responsible_unit=world.home_care)
    ActionFactory(goal=world.goal, title="open", responsible_unit=None)
    response = api("reader").get(f"{URL}?{query}")
    assert response.status_code == 200
    assert {r["title"] for r in response.json()["results"]} == expected


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("patch", "", {"title": "Ny"}),
     ("put", "", {"title": "Ny", "order": 0}),
     ("post", "assign/", {"responsible_unit": None}),
     ("post", "status-updates/", {"status": "in_progress", "progress": 5}),
     ("post", "evaluate/", {"evaluation": "Ferdig"})],
)
def test_every_write_with_a_stale_if_match_is_412_and_changes_nothing(world, api, method,
                                                                      suffix, body):
    Action.objects.filter(pk=world.action.pk).update(version=2, status="completed",
                                                     progress=100)
    before = Action.objects.filter(pk=world.action.pk).values().get()
    response = getattr(api("admin"), method)(detail(world.action, suffix), body, format="json",
                                             HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 412
    assert response["ETag"] == '"2"'
    assert Action.objects.filter(pk=world.action.pk).values().get() == before
    assert not StatusUpdate.objects.exists()


def test_if_match_star_skips_the_version_check(world, api):
    response = api("admin").patch(detail(world.action), {"title": "Uansett"}, format="json",
                                  HTTP_IF_MATCH="*")
    assert response.status_code == 200
    assert response.json()["title"] == "Uansett"


def test_a_malformed_if_match_is_a_400(world, api):
    response = api("admin").patch(detail(world.action), {"title": "X"}, format="json",
                                  HTTP_IF_MATCH="abc")
    assert response.status_code == 400
    assert "If-Match" in response.json()


def test_the_fast_action_rendering_equals_drfs_field_by_field_rendering(world, api):
    from decimal import Decimal

    from django.utils import timezone

    from actions.api.serializers import ActionSerializer
    from actions.api.views import ActionViewSet
    from actions.read_model import action_row
    from tests.factories import StatusUpdateFactory

    action = ActionFactory(goal=world.goal, responsible_unit=world.home_care,
                           responsible_person=world.unit_manager, evaluated_by=world.admin,
                           start_date=date(2026, 1, 1), due_date=date(2026, 3, 1),
                           evaluated_on=date(2026, 3, 2), budget=Decimal("1250.5"),
                           evaluation="Nådd – æøå", status="completed", progress=100)
    action.contributing_units.set([world.nursing_home, world.school])
    StatusUpdateFactory(action=action, author=world.unit_manager, risk="at_risk",
                        comment="Første – ærlig")
    view = ActionViewSet()
    view.request = type("R", (), {"user": world.admin})()
    view.format_kwarg = None
    zone = timezone.get_current_timezone()
    for pk in (action.pk, world.action.pk):
        # DRF's rendering of the model object, annotated as for_list() lists annotate it.
        instance = (Action.objects.for_list().with_overdue().with_latest_update()
                    .get(pk=pk))
        generic = dict(ActionSerializer(instance, context={"request": view.request}).data)
        assert view._document(Action.objects.api_row(pk), zone) == generic
        assert action_row(Action.objects.api_rows([pk])[0], zone) == generic


def test_the_status_filter_does_not_make_the_query_distinct(world, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        api("reader").get(f"{URL}?status=in_progress&status=not_started")
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)


def test_each_listed_action_equals_its_detail_page(world, api):
    from decimal import Decimal

    from tests.factories import StatusUpdateFactory

    action = ActionFactory(goal=world.goal, responsible_unit=world.home_care,
                           responsible_person=world.unit_manager, evaluated_by=world.admin,
                           start_date=date(2025, 1, 1), due_date=date(2025, 3, 1),
                           evaluated_on=date(2026, 3, 2), budget=Decimal("1250.5"),
                           evaluation="Nådd – æøå", status="in_progress", progress=40)
    action.contributing_units.set([world.school, world.nursing_home])
    StatusUpdateFactory(action=action, author=world.unit_manager, risk="at_risk",
                        comment="Første – ærlig")
    client = api("admin")
    listed = client.get(f"{URL}?page_size=500").json()["results"]
    assert {row["id"] for row in listed} == {action.pk, world.action.pk}
    for row in listed:
        assert row == client.get(f"{URL}{row['id']}/").json()
    mine = next(row for row in listed if row["id"] == action.pk)
    assert mine["overdue"] is True
    assert mine["latest_update"]["comment"] == "Første – ærlig"
    assert mine["responsible_person"]["name"] == str(world.unit_manager)


def test_the_list_counts_every_matching_action_and_pages_through_them(world, api):
    for order in range(5):
        ActionFactory(goal=world.goal, order=order + 10)
    client = api("admin")
    first = client.get(f"{URL}?page_size=2&ordering=id").json()
    assert first["count"] == 6
    assert first["previous"] is None and "page=2" in first["next"]
    seen = [row["id"] for row in first["results"]]
    for page in (2, 3):
        body = client.get(f"{URL}?page_size=2&ordering=id&page={page}").json()
        assert body["count"] == 6
        seen += [row["id"] for row in body["results"]]
    assert body["next"] is None
    assert seen == sorted(Action.objects.values_list("pk", flat=True))
    last = client.get(f"{URL}?page_size=2&ordering=id&page=last").json()
    assert last["results"][-1]["id"] == seen[-1]


def test_a_page_past_the_end_is_a_404_but_an_empty_first_page_is_not(world, api):
    client = api("admin")
    assert client.get(f"{URL}?page=2").status_code == 404
    assert client.get(f"{URL}?page=0").status_code == 404
    assert client.get(f"{URL}?page=abc").status_code == 404
    empty = client.get(f"{URL}?status=cancelled")
    assert empty.status_code == 200
    assert empty.json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize("url", [
    "/api/v1/goals/?focus_area=-6.568553390247715e%2B276",
    "/api/v1/actions/?plan=1e30",
    "/api/v1/actions/?responsible_unit_subtree=9223372036854775808",
    "/api/v1/units/?parent=1.5",
    "/api/v1/plans/?active_in=100000",
])
def test_an_id_filter_outside_the_integer_range_is_a_400_not_a_500(world, api, url):
    # Regression: django-filter's NumberFilter let 1e276 through to the database (500).
    response = api("admin").get(url)
    assert response.status_code == 400


def test_the_risk_filter_looks_at_the_latest_status_update_only(world, api):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import StatusUpdateFactory

    recovered = ActionFactory(goal=world.goal, title="Kom seg")
    worsened = ActionFactory(goal=world.goal, title="Ble verre")
    now = timezone.now()
    for action, risks in ((recovered, ("off_track", "on_track")),
                          (worsened, ("on_track", "off_track"))):
        for age, risk in zip((2, 1), risks, strict=True):
            StatusUpdateFactory(action=action, author=world.unit_manager, risk=risk,
                                created_at=now - timedelta(days=age))
    client = api("reader")

    def titles(query):
        return {row["title"] for row in client.get(f"{URL}?{query}").json()["results"]}

    assert titles("risk=off_track") == {"Ble verre"}
    assert titles("risk=on_track") == {"Kom seg"}
    assert titles("risk=on_track&risk=off_track") == {"Kom seg", "Ble verre"}
    assert titles("risk=off_track&q=verre&ordering=-due_date") == {"Ble verre"}
    assert client.get(f"{URL}?risk=bad").status_code == 400


def test_an_action_assigned_with_a_continuous_period_says_so(world, api):
    response = api("admin").post(detail(world.action, "assign/"), {
        "responsible_unit": world.home_care.pk, "period_text": "løpende",
        "version": world.action.version}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["continuous"] is True and response.json()["due_date"] is None
    listed = api("reader").get(URL).json()["results"]
    assert [row["continuous"] for row in listed] == [True]


def test_assign_with_a_period_and_no_date_derives_the_dates_as_the_web_form(world, api):
    response = api("admin").post(detail(world.action, "assign/"), {
        "responsible_unit": world.home_care.pk, "period_text": "2025–2026",
        "version": world.action.version}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["start_date"], body["due_date"], body["continuous"]) == (
        "2025-01-01", "2026-12-31", False)

    response = api("admin").post(detail(world.action, "assign/"), {
        "responsible_unit": world.home_care.pk, "period_text": "2024-",
        "due_date": "2026-12-31", "version": body["version"]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    # The deadline sent was the one the old period gave: the new, open-ended one clears it.
    assert (body["start_date"], body["due_date"], body["continuous"]) == (
        "2024-01-01", None, True)


def test_assign_refuses_a_period_that_cannot_be_read_as_the_web_form(world, api):
    response = api("admin").post(detail(world.action, "assign/"), {
        "responsible_unit": world.home_care.pk, "period_text": "når det passer",
        "version": world.action.version}, format="json")
    assert response.status_code == 400 and "period_text" in response.json()
    assert Action.objects.get(pk=world.action.pk).period_text == ""


def test_creating_with_a_period_and_no_dates_derives_them(world, api):
    response = api("admin").post(URL, {"goal": world.goal.pk, "title": "Nytt tiltak",
                                       "period_text": "2. tertial 2027"}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["start_date"], response.json()["due_date"]) == (
        "2027-05-01", "2027-08-31")
