"""/api/v1/reporting-rounds/: opening, reading, the returns' transitions, closing.

Every client logs in for real (a browser session with CSRF enforced, or a token obtained
with the password); the rules are those of design §3 (actions.permissions).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from actions import rounds
from actions.models import ReportingReturn, ReportingRound, StatusUpdate
from actions.services import assign_action
from planportal.models import Membership
from tests.api.clients import AUTH_KINDS, CLIENTS
from tests.factories import (
    ActionFactory,
    GoalFactory,
    IndicatorFactory,
    MembershipFactory,
    PlanFactory,
    UnitFactory,
    UserFactory,
)
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

State = ReportingReturn.State
ROUNDS = "/api/v1/reporting-rounds/"
DONE = {"status": "in_progress", "progress": 40, "risk": "at_risk",
        "done": "Kartlagt behovet i tre soner.", "next_steps": "Søke tilskudd."}


def open_t2(world: Any, **kwargs: Any) -> ReportingRound:
    return rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                             period_key="2026-T2", deadline=date(2026, 9, 15), **kwargs)


def returns_url(round_: ReportingRound, ret: ReportingReturn | None = None,
                verb: str = "") -> str:
    url = f"{ROUNDS}{round_.pk}/returns/"
    if ret is not None:
        url += f"{ret.pk}/"
    return url + (f"{verb}/" if verb else "")


def the_return(round_: ReportingRound, action: Any = None) -> ReportingReturn:
    return ReportingReturn.objects.get(round=round_, action=action or round_.returns.first()
                                       .action)


def client_for(world: Any, persona: str | None, auth: str = "session") -> Any:
    return CLIENTS[auth](world.persona(persona) if persona else None)


@pytest.fixture
def person(world: Any) -> Any:
    """A home-care employee responsible for the world's action."""
    user = UserFactory(username="ansatt1", first_name="Åse", last_name="Ødegård")
    MembershipFactory(user=user, unit=world.home_care, role=Membership.Role.READER)
    assign_action(actor=world.admin, action=world.action, expected_version=world.action.version,
                  responsible_unit=world.home_care, responsible_person=user,
                  due_date=date(2026, 12, 31))
    return user


@pytest.fixture
def other_sector_leader(world: Any) -> Any:
    """The sector leader of Oppvekst: a sector the world's action is not in."""
    user = UserFactory(username="sektorleder-oppvekst")
    MembershipFactory(user=user, unit=world.education, role=Membership.Role.SECTOR_LEADER)
    return user


def submitted(world: Any, person: Any) -> ReportingReturn:
    ret = the_return(open_t2(world), world.action)
    return rounds.submit_return(actor=person, ret=ret, expected_version=ret.version, **DONE)


# --- Rounds ---------------------------------------------------------------------------


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_an_administrator_opens_a_round_for_every_adopted_plan(world: Any, auth: str) -> None:
    response = client_for(world, "admin", auth).post(ROUNDS, {
        "frequency": "tertial", "period_key": "2026-T2", "deadline": "2026-09-15"},
        format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    round_ = ReportingRound.objects.get()
    assert body["id"] == round_.pk and body["plans"] == [world.plan.pk]
    assert body["all_plans"] is True and body["state"] == "open"
    assert body["period_label"] == round_.period_label
    assert response["ETag"] == f'"{round_.version}"'
    assert round_.returns.filter(action=world.action).exists()


def test_a_round_can_be_opened_for_chosen_plans(world: Any) -> None:
    other = PlanFactory(organization=world.org, title="Oppvekstplan")
    ActionFactory(goal=GoalFactory(focus_area__plan=other))

    response = client_for(world, "admin").post(ROUNDS, {
        "plans": [other.pk], "frequency": "tertial", "period_key": "2026-T2",
        "deadline": "2026-09-15"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["plans"] == [other.pk] and response.json()["all_plans"] is False


@pytest.mark.parametrize(("body", "field"), [
    ({"period_key": "2026-T4"}, "period_key"),
    ({"deadline": "2026-01-01"}, "deadline"),
    ({"deadline": "x"}, "deadline"),
    ({"frequency": "weekly"}, "frequency"),
    ({"plans": [999_999]}, "plans"),
    ({"case_number": "2026/1"}, "case_number"),
])
def test_a_bad_round_names_its_field(world: Any, body: dict[str, Any], field: str) -> None:
    response = client_for(world, "admin").post(ROUNDS, {
        "frequency": "tertial", "period_key": "2026-T2", "deadline": "2026-09-15", **body},
        format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ReportingRound.objects.exists()


def test_a_plan_of_another_kommune_does_not_exist_for_the_round(world: Any,
                                                                other_plan: Any) -> None:
    response = client_for(world, "admin").post(ROUNDS, {
        "plans": [other_plan.goal.focus_area.plan.pk], "frequency": "tertial",
        "period_key": "2026-T2", "deadline": "2026-09-15"}, format="json")

    assert response.status_code == 400 and "plans" in response.json()


@pytest.mark.parametrize("auth", AUTH_KINDS)
@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager", "reader"])
def test_only_administrators_open_rounds_and_others_hear_403_before_field_errors(
    world: Any, persona: str, auth: str,
) -> None:
    response = client_for(world, persona, auth).post(ROUNDS, {"frequency": "x"},
                                                     format="json")

    assert response.status_code == 403, response.content
    assert set(response.json()) == {"detail"}
    assert not ReportingRound.objects.exists()


def test_another_kommunes_admin_cannot_open_a_round_for_this_kommune(world: Any) -> None:
    response = client_for(world, "other_admin").post(ROUNDS, {
        "organization": world.org.pk, "frequency": "tertial", "period_key": "2026-T2",
        "deadline": "2026-09-15"}, format="json")

    assert response.status_code == 400 and "organization" in response.json()
    assert not ReportingRound.objects.exists()


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_anonymous_cannot_open_a_round(world: Any, auth: str) -> None:
    response = client_for(world, None, auth).post(ROUNDS, {}, format="json")

    assert response.status_code in (401, 403)


@pytest.mark.parametrize("persona", ["admin", "sector_leader", "unit_manager"])
def test_the_kommunes_staff_read_its_open_rounds(world: Any, persona: str) -> None:
    round_ = open_t2(world)
    client = client_for(world, persona)

    listed = client.get(ROUNDS)
    detail = client.get(f"{ROUNDS}{round_.pk}/")

    assert [row["id"] for row in listed.json()["results"]] == [round_.pk]
    assert detail.status_code == 200 and detail["ETag"] == f'"{round_.version}"'


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_a_reader_reads_only_closed_rounds_and_their_returns(world: Any, person: Any,
                                                             auth: str) -> None:
    ret = submitted(world, person)
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)
    t3 = rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                           period_key="2026-T3", deadline=date(2026, 12, 15))
    client = client_for(world, "reader", auth)

    # Both rounds are open: a reader (committee member, politician) sees neither.
    assert client.get(ROUNDS).json()["results"] == []
    for url in (f"{ROUNDS}{ret.round_id}/", returns_url(ret.round), returns_url(ret.round, ret)):
        assert client.get(url).status_code == 404, url

    ReportingRound.objects.filter(pk=ret.round_id).update(state="closed")

    assert [row["id"] for row in client.get(ROUNDS).json()["results"]] == [ret.round_id]
    assert client.get(f"{ROUNDS}{ret.round_id}/").status_code == 200
    assert [row["id"] for row in client.get(returns_url(ret.round)).json()["results"]] == [
        ret.pk]
    assert client.get(f"{ROUNDS}{t3.pk}/").status_code == 404
    assert client.get(returns_url(t3)).status_code == 404


def test_a_reader_responsible_for_a_tiltak_sees_the_open_round_and_only_their_return(
    world: Any, person: Any,
) -> None:
    school_action = ActionFactory(goal=world.goal, responsible_unit=world.school)
    round_ = open_t2(world)
    client = CLIENTS["session"](person)  # a reader of Hjemmetjenesten, with a tiltak

    assert [row["id"] for row in client.get(ROUNDS).json()["results"]] == [round_.pk]
    assert client.get(f"{ROUNDS}{round_.pk}/").status_code == 200
    listed = client.get(returns_url(round_)).json()["results"]
    assert [row["action"]["id"] for row in listed] == [world.action.pk]
    assert client.get(returns_url(round_, the_return(round_, school_action))).status_code == 404


@pytest.mark.parametrize("persona", ["other_admin", None])
def test_outsiders_do_not_see_the_rounds(world: Any, persona: str | None) -> None:
    round_ = open_t2(world)
    client = client_for(world, persona)

    assert client.get(ROUNDS).json()["results"] == []
    assert client.get(f"{ROUNDS}{round_.pk}/").status_code == 404
    assert client.get(returns_url(round_)).status_code == 404


def test_rounds_filter_by_state_and_period(world: Any) -> None:
    t2 = open_t2(world)
    ReportingRound.objects.filter(pk=t2.pk).update(state="closed")
    t3 = rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                           period_key="2026-T3", deadline=date(2026, 12, 15))
    client = client_for(world, "admin")

    def ids(**query: str) -> list[int]:
        return [row["id"] for row in client.get(ROUNDS, query).json()["results"]]

    assert ids() == [t3.pk, t2.pk]
    assert ids(state="closed") == [t2.pk]
    assert ids(period_key="2026-T3") == [t3.pk]
    assert ids(plan=str(world.plan.pk)) == [t3.pk, t2.pk]


# --- Closing (reports.round_services.close_round, written in parallel) -----------------


CLOSE = {"case_number": "2026/1234", "committee": "Hovedutvalg for helse",
         "meeting_date": "2026-12-10"}


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_the_administrator_closes_a_round_with_the_case_facts(world: Any, auth: str) -> None:
    round_ = open_t2(world)

    response = client_for(world, "admin", auth).post(
        f"{ROUNDS}{round_.pk}/close/", CLOSE, format="json",
        HTTP_IF_MATCH=f'"{round_.version}"')

    assert response.status_code == 200, response.content
    round_.refresh_from_db()
    assert round_.state == "closed" and round_.case_number == "2026/1234"
    assert response.json()["state"] == "closed"
    assert response["ETag"] == f'"{round_.version}"'
    assert round_.snapshots.count() == 1


def test_a_round_whose_period_has_not_ended_cannot_be_closed(world: Any) -> None:
    # A period far ahead, so that the test does not depend on today's date.
    future = rounds.open_round(actor=world.admin, organization=world.org,
                               frequency="tertial", period_key="2099-T3",
                               deadline=date(2099, 12, 15))

    response = client_for(world, "admin").post(f"{ROUNDS}{future.pk}/close/", CLOSE,
                                               format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 400 and "period_end" in response.json(), response.content
    assert ReportingRound.objects.get(pk=future.pk).state == "open"


def test_closing_with_a_stale_version_is_412_and_changes_nothing(world: Any) -> None:
    round_ = open_t2(world)
    ReportingRound.objects.filter(pk=round_.pk).update(version=5)

    response = client_for(world, "admin").post(f"{ROUNDS}{round_.pk}/close/", CLOSE,
                                               format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 412, response.content
    assert response["ETag"] == '"5"' and response.json()["current_version"] == 5
    assert ReportingRound.objects.get(pk=round_.pk).state == "open"


def test_closing_without_a_version_is_428(world: Any) -> None:
    round_ = open_t2(world)

    response = client_for(world, "admin").post(f"{ROUNDS}{round_.pk}/close/", CLOSE,
                                               format="json")

    assert response.status_code == 428
    assert ReportingRound.objects.get(pk=round_.pk).state == "open"


@pytest.mark.parametrize(("body", "field"), [
    ({"case_number": ""}, "case_number"), ({"meeting_date": "x"}, "meeting_date"),
    ({"committee": None}, "committee"), ({"hemmelig": 1}, "hemmelig"),
])
def test_a_bad_close_names_its_field(world: Any, body: dict[str, Any], field: str) -> None:
    round_ = open_t2(world)

    response = client_for(world, "admin").post(f"{ROUNDS}{round_.pk}/close/",
                                               {**CLOSE, **body}, format="json",
                                               HTTP_IF_MATCH='"1"')

    assert response.status_code == 400 and field in response.json(), response.content


@pytest.mark.parametrize("persona", ["sector_leader", "unit_manager"])
def test_only_the_administrator_closes_and_others_hear_403(world: Any, persona: str) -> None:
    round_ = open_t2(world)

    response = client_for(world, persona).post(f"{ROUNDS}{round_.pk}/close/", {},
                                               format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 403 and set(response.json()) == {"detail"}
    assert ReportingRound.objects.get(pk=round_.pk).state == "open"


def test_a_reader_cannot_find_an_open_round_to_close(world: Any) -> None:
    round_ = open_t2(world)

    response = client_for(world, "reader").post(f"{ROUNDS}{round_.pk}/close/", {},
                                                format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 404
    assert ReportingRound.objects.get(pk=round_.pk).state == "open"


def test_another_kommunes_admin_cannot_find_the_round_to_close(world: Any) -> None:
    round_ = open_t2(world)

    response = client_for(world, "other_admin").post(f"{ROUNDS}{round_.pk}/close/", CLOSE,
                                                     format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 404
    assert ReportingRound.objects.get(pk=round_.pk).state == "open"


# --- Returns: reading -------------------------------------------------------------------


def test_a_return_reads_as_the_contract_says(world: Any, person: Any) -> None:
    ret = submitted(world, person)

    response = client_for(world, "sector_leader").get(returns_url(ret.round, ret))

    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{ret.version}"'
    body = response.json()
    assert list(body) == ["id", "round", "action", "plan", "responsible_unit",
                          "responsible_person", "state", "status", "progress", "risk",
                          "done", "next_steps", "indicator_values", "review_comment",
                          "submitted_at", "reviewed_at", "version"]
    assert body["action"] == {"id": world.action.pk, "code": world.action.code,
                              "title": world.action.title}
    assert body["plan"] == world.plan.pk and body["round"] == ret.round_id
    assert body["responsible_unit"] == {"id": world.home_care.pk, "name": "Hjemmetjenesten"}
    assert body["responsible_person"]["id"] == person.pk
    assert (body["state"], body["status"], body["progress"]) == ("submitted", "in_progress",
                                                                 40)
    assert body["done"] == DONE["done"] and body["submitted_at"]


def test_returns_filter_by_unit_subtree_state_and_person(world: Any, person: Any) -> None:
    school_action = ActionFactory(goal=world.goal, responsible_unit=world.school)
    nursing = ActionFactory(goal=world.goal, responsible_unit=world.nursing_home)
    ret = submitted(world, person)
    round_ = ret.round
    client = client_for(world, "admin")

    def ids(**query: Any) -> set[int]:
        response = client.get(returns_url(round_), query)
        assert response.status_code == 200, response.content
        return {row["action"]["id"] for row in response.json()["results"]}

    assert ids() == {world.action.pk, school_action.pk, nursing.pk}
    assert ids(unit=world.health.pk) == {world.action.pk, nursing.pk}
    assert ids(unit=world.school.pk) == {school_action.pk}
    assert ids(unit=999_999) == set()
    assert ids(state="submitted") == {world.action.pk}
    assert ids(state=["requested", "draft"]) == {school_action.pk, nursing.pk}
    assert ids(person=person.pk) == {world.action.pk}
    assert client_for(world, "unit_manager").get(
        returns_url(round_), {"state": "nonsense"}).status_code == 400


def test_the_person_filter_me_is_the_caller(world: Any, person: Any) -> None:
    round_ = open_t2(world)

    response = CLIENTS["token"](person).get(returns_url(round_), {"person": "me"})

    assert [row["action"]["id"] for row in response.json()["results"]] == [world.action.pk]


def test_each_role_lists_only_the_returns_it_may_read(world: Any, person: Any,
                                                      other_sector_leader: Any) -> None:
    school_action = ActionFactory(goal=world.goal, responsible_unit=world.school)
    round_ = open_t2(world)

    def ids(who: Any) -> set[int] | None:
        client = client_for(world, who) if isinstance(who, str) else CLIENTS["session"](who)
        response = client.get(returns_url(round_))
        if response.status_code == 404:
            return None  # the round itself is not visible
        return {row["action"]["id"] for row in response.json()["results"]}

    assert ids("admin") == {world.action.pk, school_action.pk}
    assert ids("sector_leader") == {world.action.pk}
    assert ids("unit_manager") == {world.action.pk}
    assert ids(person) == {world.action.pk}
    assert ids(other_sector_leader) == {school_action.pk}
    assert ids("reader") is None  # an open round is no reader's to see


def test_readers_read_the_approved_returns_of_closed_rounds_only(world: Any,
                                                                 person: Any) -> None:
    ret = submitted(world, person)
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)
    pending = ActionFactory(goal=world.goal, responsible_unit=world.school)
    other = ReportingReturn.objects.create(round=ret.round, action=pending)
    client = client_for(world, "reader")
    assert client.get(returns_url(ret.round, ret)).status_code == 404  # the round is open

    ReportingRound.objects.filter(pk=ret.round_id).update(state="closed")

    listed = client.get(returns_url(ret.round)).json()["results"]
    assert [row["id"] for row in listed] == [ret.pk]
    assert listed[0]["responsible_person"]["id"] == person.pk  # a member sees people
    assert client.get(returns_url(ret.round, ret)).status_code == 200
    assert client.get(returns_url(ret.round, other)).status_code == 404


def test_a_return_is_not_found_under_another_round(world: Any, person: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    t3 = rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                           period_key="2026-T3", deadline=date(2026, 12, 15))

    response = client_for(world, "admin").get(returns_url(t3, ret))

    assert response.status_code == 404


def test_another_kommunes_admin_finds_no_return_and_no_name(world: Any, person: Any) -> None:
    ret = the_return(open_t2(world), world.action)

    response = client_for(world, "other_admin").get(returns_url(ret.round, ret))

    assert response.status_code == 404
    assert "Ødegård" not in response.content.decode()


# --- Returns: transitions ---------------------------------------------------------------


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_the_person_saves_a_draft_then_submits(world: Any, person: Any, auth: str) -> None:
    ret = the_return(open_t2(world), world.action)
    client = CLIENTS[auth](person)

    draft = client.post(returns_url(ret.round, ret, "save"), {"done": "Halvveis",
                                                               "progress": 30},
                        format="json", HTTP_IF_MATCH=f'"{ret.version}"')
    assert draft.status_code == 200, draft.content
    assert draft.json()["state"] == "draft" and draft.json()["done"] == "Halvveis"
    assert not StatusUpdate.objects.exists()

    submit = client.post(returns_url(ret.round, ret, "submit"), DONE, format="json",
                         HTTP_IF_MATCH=draft["ETag"])

    assert submit.status_code == 200, submit.content
    ret.refresh_from_db()
    assert ret.state == State.SUBMITTED and submit["ETag"] == f'"{ret.version}"'
    assert submit.json()["state"] == "submitted"
    assert StatusUpdate.objects.get().action == world.action


def test_the_unit_manager_submits_for_the_unit_with_a_body_version(world: Any) -> None:
    ret = the_return(open_t2(world), world.action)

    response = client_for(world, "unit_manager", "token").post(
        returns_url(ret.round, ret, "submit"), {**DONE, "version": ret.version}, format="json")

    assert response.status_code == 200, response.content
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.SUBMITTED


def test_indicator_values_are_submitted_with_the_return(world: Any, person: Any) -> None:
    indicator = IndicatorFactory(goal=world.goal)
    ret = the_return(open_t2(world), world.action)

    response = CLIENTS["session"](person).post(
        returns_url(ret.round, ret, "submit"),
        {**DONE, "indicator_values": [{"indicator": indicator.pk, "value": "12.5"}]},
        format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 200, response.content
    assert response.json()["indicator_values"] == [{"indicator": indicator.pk,
                                                    "value": "12.50"}]


@pytest.mark.parametrize(("body", "field"), [
    ({"progress": 500}, "progress"),
    ({"status": "flying"}, "status"),
    ({"status": "carried_over"}, "status"),
    ({"done": ""}, "done"),
    ({"status": "completed", "progress": 80}, "progress"),
    ({"indicator_values": [{"indicator": 999_999, "value": "1"}]}, "indicator_values"),
    ({"indicator_values": [{"indicator": 1, "value": "x"}]}, "indicator_values"),
    ({"username": "ny"}, "username"),
])
def test_a_bad_submission_names_its_field_and_writes_nothing(
    world: Any, person: Any, body: dict[str, Any], field: str,
) -> None:
    ret = the_return(open_t2(world), world.action)

    response = CLIENTS["session"](person).post(returns_url(ret.round, ret, "submit"),
                                               {**DONE, **body}, format="json",
                                               HTTP_IF_MATCH='"1"')

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.REQUESTED
    assert not StatusUpdate.objects.exists()


def test_submitting_with_a_stale_if_match_is_412_and_writes_nothing(world: Any,
                                                                    person: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    rounds.save_return(actor=person, ret=ret, expected_version=ret.version, done="Utkast")

    response = CLIENTS["session"](person).post(returns_url(ret.round, ret, "submit"), DONE,
                                               format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 412, response.content
    assert response["ETag"] == '"2"' and response.json()["current_version"] == 2
    ret.refresh_from_db()
    assert ret.state == State.DRAFT and ret.done == "Utkast"
    assert not StatusUpdate.objects.exists()


def test_a_stale_body_version_is_409_and_none_is_428(world: Any, person: Any) -> None:
    ret = the_return(open_t2(world), world.action)
    client = CLIENTS["session"](person)
    url = returns_url(ret.round, ret, "submit")
    ReportingReturn.objects.filter(pk=ret.pk).update(version=4)

    assert client.post(url, {**DONE, "version": 1}, format="json").status_code == 409
    assert client.post(url, DONE, format="json").status_code == 428
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.REQUESTED


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_the_sector_leader_approves(world: Any, person: Any, auth: str) -> None:
    ret = submitted(world, person)

    response = client_for(world, "sector_leader", auth).post(
        returns_url(ret.round, ret, "approve"), {}, format="json",
        HTTP_IF_MATCH=f'"{ret.version}"')

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved" and response.json()["reviewed_at"]
    assert ReportingReturn.objects.get(pk=ret.pk).reviewed_by == world.sector_leader


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_the_sector_leader_sends_back_and_the_person_resubmits(world: Any, person: Any,
                                                               auth: str) -> None:
    ret = submitted(world, person)

    back = client_for(world, "sector_leader", auth).post(
        returns_url(ret.round, ret, "send-back"), {"comment": "Mer konkret, takk."},
        format="json", HTTP_IF_MATCH=f'"{ret.version}"')

    assert back.status_code == 200, back.content
    assert back.json()["state"] == "sent_back"
    assert back.json()["review_comment"] == "Mer konkret, takk."
    again = CLIENTS[auth](person).post(returns_url(ret.round, ret, "submit"),
                                       {**DONE, "progress": 50}, format="json",
                                       HTTP_IF_MATCH=back["ETag"])
    assert again.status_code == 200, again.content
    assert again.json()["state"] == "submitted"


def test_sending_back_needs_a_comment(world: Any, person: Any) -> None:
    ret = submitted(world, person)

    response = client_for(world, "sector_leader").post(
        returns_url(ret.round, ret, "send-back"), {"comment": " "}, format="json",
        HTTP_IF_MATCH=f'"{ret.version}"')

    assert response.status_code == 400 and "comment" in response.json()
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.SUBMITTED


def test_approving_what_is_not_submitted_is_a_clear_400(world: Any, person: Any) -> None:
    ret = the_return(open_t2(world), world.action)

    response = client_for(world, "sector_leader").post(
        returns_url(ret.round, ret, "approve"), {}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 400
    assert "innsendt" in str(response.json())  # "Only a submitted return…", in nb


def test_approving_with_a_stale_version_is_412(world: Any, person: Any) -> None:
    ret = submitted(world, person)

    response = client_for(world, "sector_leader").post(
        returns_url(ret.round, ret, "approve"), {}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 412
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.SUBMITTED


@pytest.mark.parametrize("auth", AUTH_KINDS)
@pytest.mark.parametrize("who", ["unit_manager", "other_sector_leader", "reader_member"])
def test_who_may_not_review_hears_403_or_404(world: Any, person: Any, other_sector_leader: Any,
                                             who: str, auth: str) -> None:
    ret = submitted(world, person)
    user = {"unit_manager": world.unit_manager, "other_sector_leader": other_sector_leader,
            "reader_member": person}[who]
    client = CLIENTS[auth](user)

    approve = client.post(returns_url(ret.round, ret, "approve"), {}, format="json",
                          HTTP_IF_MATCH=f'"{ret.version}"')
    back = client.post(returns_url(ret.round, ret, "send-back"), {"comment": "Nei"},
                       format="json", HTTP_IF_MATCH=f'"{ret.version}"')

    # The unit manager and the person see the return (they report on it): 403. The
    # sector leader of another sector does not see it at all: 404.
    expected = 404 if who == "other_sector_leader" else 403
    assert (approve.status_code, back.status_code) == (expected, expected)
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.SUBMITTED


@pytest.mark.parametrize("persona", ["reader", "other_admin"])
def test_readers_and_other_kommunes_cannot_submit(world: Any, persona: str) -> None:
    ret = the_return(open_t2(world), world.action)

    response = client_for(world, persona).post(returns_url(ret.round, ret, "submit"),
                                               {"progress": "x"}, format="json",
                                               HTTP_IF_MATCH='"1"')

    assert response.status_code == 404  # neither may read an open round's return
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.REQUESTED


def test_a_reader_of_a_closed_round_sees_the_return_but_hears_403_on_writes(
    world: Any, person: Any,
) -> None:
    ret = submitted(world, person)
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)
    ReportingRound.objects.filter(pk=ret.round_id).update(state="closed")
    client = client_for(world, "reader")

    for verb, body in [("save", {"progress": "x"}), ("submit", {}), ("approve", {}),
                       ("send-back", {})]:
        response = client.post(returns_url(ret.round, ret, verb), body, format="json",
                               HTTP_IF_MATCH='"1"')
        assert response.status_code == 403, (verb, response.content)
        assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("auth", AUTH_KINDS)
def test_anonymous_cannot_write_returns(world: Any, auth: str) -> None:
    ret = the_return(open_t2(world), world.action)
    client = client_for(world, None, auth)

    for verb in ("save", "submit", "approve", "send-back"):
        response = client.post(returns_url(ret.round, ret, verb), DONE, format="json")
        assert response.status_code in (401, 403), verb
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.REQUESTED


def test_a_session_without_the_csrf_header_is_refused(world: Any, person: Any) -> None:
    from tests.api.clients import SessionClient

    ret = the_return(open_t2(world), world.action)
    client = SessionClient(person, send_csrf_header=False)

    response = client.post(returns_url(ret.round, ret, "submit"), DONE, format="json",
                           HTTP_IF_MATCH='"1"')

    assert response.status_code == 403
    assert ReportingReturn.objects.get(pk=ret.pk).state == State.REQUESTED


# --- Query counts -------------------------------------------------------------------------


def test_the_return_list_runs_the_same_queries_for_10_and_100_returns(world: Any) -> None:
    round_ = open_t2(world)
    client = client_for(world, "admin")

    def add(n: int) -> None:
        units = [UnitFactory(organization=world.org, parent=world.health) for _ in range(3)]
        for i in range(n):
            person = UserFactory()
            action = ActionFactory(goal=world.goal, responsible_unit=units[i % 3],
                                   responsible_person=person)
            ReportingReturn.objects.create(round=round_, action=action,
                                           indicator_values=[{"indicator": 1, "value": "2"}])

    assert_constant_queries(add, lambda: client.get(returns_url(round_) + "?page_size=200"),
                            few=10, many=100)


def test_the_round_list_runs_the_same_queries_for_few_and_many_rounds(world: Any) -> None:
    client = client_for(world, "reader")
    years = iter(range(2000, 2100))

    def add(n: int) -> None:
        for _ in range(n):
            plan = PlanFactory(organization=world.org)
            round_ = ReportingRound.objects.create(
                organization=world.org, state="closed", frequency="yearly",
                period_key=str(next(years)),
                period_label="år", period_start=date(2020, 1, 1),
                period_end=date(2020, 12, 31), deadline=date(2021, 1, 15))
            round_.plans.set([plan, world.plan])

    assert_constant_queries(add, lambda: client.get(ROUNDS + "?page_size=100"), few=1,
                            many=30)
