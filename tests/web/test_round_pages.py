"""The reporting round pages: the list, opening, the chase view, the return form, review,
assessments, closing, the documents and the public round report. Every client logs in
through the login page and sends the form's CSRF token, as a browser does."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actions import rounds
from actions.models import Action, ReportingReturn, ReportingRound, RoundAssessment
from actions.services import assign_action
from planportal.models import Membership
from reports import services as report_services
from reports.models import ReportSnapshot
from strategies.models import Plan
from tests.factories import (
    ActionFactory,
    IndicatorFactory,
    MembershipFactory,
    ReportingReturnFactory,
    UserFactory,
)
from tests.login_helpers import PASSWORD
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
State = ReportingReturn.State


class Browser:
    """A browser with CSRF enforced, signed in through the login page."""

    def __init__(self, user: Any = None) -> None:
        self.client = Client(enforce_csrf_checks=True)
        if user is not None:
            page = self.client.get("/logg-inn/")
            response = self.client.post("/logg-inn/", {
                "username": user.username, "password": PASSWORD,
                "csrfmiddlewaretoken": str(page.context["csrf_token"])})
            assert response.status_code == 302, response.content[:300]

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def submit(self, url: str, data: dict[str, Any], page_url: str | None = None) -> Any:
        """POST *data* with the CSRF token of the page the form is on."""
        page = self.client.get(page_url or url)
        assert page.status_code == 200, page.content[:300]
        return self.client.post(url, {**data, "csrfmiddlewaretoken":
                                      str(page.context["csrf_token"])})


@pytest.fixture
def person(world: Any) -> Any:
    """A home-care employee responsible for the world's action."""
    user = UserFactory(username="ansatt1")
    MembershipFactory(user=user, unit=world.home_care, role=Membership.Role.READER)
    assign_action(actor=world.admin, action=world.action, expected_version=world.action.version,
                  responsible_unit=world.home_care, responsible_person=user,
                  due_date=date(2026, 12, 31))
    return user


def open_t2(world: Any) -> ReportingRound:
    return rounds.open_round(actor=world.admin, organization=world.org, frequency="tertial",
                             period_key="2026-T2", deadline=date(2026, 9, 15))


@pytest.fixture
def round_(world: Any, person: Any) -> ReportingRound:
    return open_t2(world)


def the_return(round_: ReportingRound, action: Action) -> ReportingReturn:
    return ReportingReturn.objects.get(round=round_, action=action)


def return_url(ret: ReportingReturn) -> str:
    return reverse("rounds:return", args=[ret.round_id, ret.pk])


FILLED = {"status": "in_progress", "progress": "40", "risk": "at_risk",
          "done": "Kartlagt behovet i tre soner.", "next_steps": "Søke tilskudd."}


def submit_as(world: Any, ret: ReportingReturn, user: Any) -> ReportingReturn:
    return rounds.submit_return(actor=user, ret=ret, expected_version=ret.version,
                                **{**FILLED, "progress": 40})


# --- The list and opening --------------------------------------------------------------


def test_the_list_shows_open_rounds_first_with_counts_and_admins_can_open_one(
        world, round_):
    closed = rounds.open_round(actor=world.admin, organization=world.org, frequency="yearly",
                               period_key="2025", deadline=date(2026, 1, 15))
    ReportingRound.objects.filter(pk=closed.pk).update(state="closed")
    text = Browser(world.admin).get(reverse("rounds:list")).text
    assert text.index("2. tertial 2026") < text.index("2025")
    assert reverse("rounds:open") in text
    row = text[text.index("2. tertial 2026"):].split("</tr>")[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["1", "0", "0", "1"]


def test_a_sector_leader_sees_the_rounds_but_cannot_open_one(world, round_):
    browser = Browser(world.sector_leader)
    text = browser.get(reverse("rounds:list")).text
    assert "2. tertial 2026" in text and reverse("rounds:open") not in text
    assert browser.get(reverse("rounds:open")).status_code == 403


def test_the_menu_has_reporting_for_members(world):
    text = Browser(world.reader).get(reverse("strategies:plan-list")).text
    assert f'href="{reverse("rounds:list")}"' in text


def test_another_kommunes_user_sees_no_round_of_ours(world, round_):
    text = Browser(world.other_admin).get(reverse("rounds:list")).text
    assert "2. tertial 2026" not in text
    assert Browser(world.other_admin).get(
        reverse("rounds:detail", args=[round_.pk])).status_code == 404


def test_the_open_form_defaults_to_the_current_tertial(world):
    text = Browser(world.admin).get(reverse("rounds:open")).text
    assert 'value="2026-T3"' in text  # the tests run on 2 December 2026 (or the clock's day)


def test_an_admin_opens_a_round_for_chosen_plans_through_the_form(world, person):
    response = Browser(world.admin).submit(reverse("rounds:open"), {
        "organization": world.org.pk, "scope": "some", "plans": [world.plan.pk],
        "frequency": "tertial", "period_key": "2026-T2", "deadline": "2026-09-15"})
    round_ = ReportingRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rounds:detail", args=[round_.pk])
    assert not round_.all_plans and list(round_.plans.all()) == [world.plan]
    assert round_.returns.count() == 1


def test_a_plan_already_in_a_round_of_the_period_is_refused_on_the_plans_field(world, round_):
    response = Browser(world.admin).submit(reverse("rounds:open"), {
        "organization": world.org.pk, "scope": "all", "frequency": "tertial",
        "period_key": "2026-T2", "deadline": "2026-09-15"})
    assert response.status_code == 400
    assert 'id="id_plans_error"' in response.text
    assert ReportingRound.objects.count() == 1


# --- The chase view --------------------------------------------------------------------


def test_the_sector_leader_sees_counts_per_unit_of_the_sector_with_filter_links(
        world, round_):
    school_action = ActionFactory(goal=world.goal, responsible_unit=world.school,
                                  title="Skolens tiltak")
    ReportingReturnFactory(round=round_, action=school_action)
    nursing = ActionFactory(goal=world.goal, responsible_unit=world.nursing_home,
                            title="Sykehjemmets tiltak")
    ReportingReturnFactory(round=round_, action=nursing, state=State.SUBMITTED)
    text = Browser(world.sector_leader).get(reverse("rounds:detail", args=[round_.pk])).text
    overview = text[text.index('id="oversikt"'):text.index('id="rapporter"')]
    assert "Helse og omsorg" in overview and "Skole" not in overview
    health = overview[overview.index("Helse og omsorg"):].split("</tr>")[0]
    # requested, submitted, approved, sent back, missing
    assert re.findall(r">(\d+)</a></td>", health) == ["2", "1", "0", "0", "1"]
    assert f"?unit={world.nursing_home.pk}&amp;state=submitted" in overview
    assert "Skolens tiltak" not in text


def test_a_tiltak_cancelled_or_carried_over_since_the_round_opened_is_not_missing(
        world, round_):
    from actions.rollover import roll_over_plan
    from actions.services import post_status_update

    cancelled = ActionFactory(goal=world.goal, responsible_unit=world.nursing_home,
                              title="Avlyst tiltak")
    ReportingReturnFactory(round=round_, action=cancelled)
    post_status_update(actor=world.admin, action=cancelled, expected_version=cancelled.version,
                       status="cancelled", progress=0)
    # The world's own tiltak (Hjemmetjenesten) is carried over into the plan's next version.
    roll_over_plan(actor=world.admin, plan=world.plan, period_start=2027, period_end=2031)
    browser = Browser(world.sector_leader)

    listed = browser.get(reverse("rounds:list")).text
    row = listed[listed.index("2. tertial 2026"):].split("</tr>")[0]
    # requested, submitted, approved, missing
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["2", "0", "0", "0"]
    url = reverse("rounds:detail", args=[round_.pk])
    text = browser.get(url).text
    overview = text[text.index('id="oversikt"'):text.index('id="rapporter"')]
    health = overview[overview.index("Helse og omsorg"):].split("</tr>")[0]
    # requested, submitted, approved, sent back, missing
    assert re.findall(r">(\d+)</a></td>", health) == ["2", "0", "0", "0", "0"]
    missing = browser.get(url, query_params={"state": "missing"}).text
    assert "Avlyst tiltak" not in missing and world.action.title not in missing


def test_the_returns_list_filters_by_unit_subtree_and_state(world, round_):
    nursing = ActionFactory(goal=world.goal, responsible_unit=world.nursing_home,
                            title="Sykehjemmets tiltak")
    ReportingReturnFactory(round=round_, action=nursing, state=State.SUBMITTED)
    browser = Browser(world.sector_leader)
    url = reverse("rounds:detail", args=[round_.pk])
    missing = browser.get(url, query_params={"unit": world.health.pk, "state": "missing"}).text
    assert world.action.title in missing and "Sykehjemmets tiltak" not in missing
    home = browser.get(url, query_params={"unit": world.nursing_home.pk}).text
    assert "Sykehjemmets tiltak" in home and world.action.title not in home


def test_the_returns_list_is_paged_on_the_server_with_the_total_shown(world, round_):
    actions = ActionFactory.create_batch(55, goal=world.goal, responsible_unit=world.home_care)
    ReportingReturn.objects.bulk_create(
        [ReportingReturn(round=round_, action=action) for action in actions])
    browser = Browser(world.admin)
    url = reverse("rounds:detail", args=[round_.pk])
    first = browser.get(url, query_params={"state": "missing"}).text
    assert "56 rapporter" in first or "56 returns" in first
    assert first.count('href="/rapportering/') - first.count("rapport.") >= 50
    assert "state=missing&amp;page=2" in first
    second = browser.get(url, query_params={"state": "missing", "page": 2}).text
    assert second.count(f'href="/rapportering/{round_.pk}/rapporter/') == 6


def test_the_chase_view_runs_the_same_queries_for_10_and_100_returns(world, round_):
    browser = Browser(world.sector_leader)
    url = reverse("rounds:detail", args=[round_.pk])

    def add(n: int) -> None:
        for _ in range(n):
            ReportingReturnFactory(round=round_, action=ActionFactory(
                goal=world.goal, responsible_unit=world.nursing_home))

    assert_constant_queries(add, lambda: browser.get(url), few=10, many=100)


def test_the_chase_view_offers_write_assessment_links(world, round_):
    text = Browser(world.sector_leader).get(reverse("rounds:detail", args=[round_.pk])).text
    area = world.goal.focus_area
    assert f"{reverse('rounds:assessment', args=[round_.pk])}?focus_area={area.pk}" in text
    assert f"{reverse('rounds:assessment', args=[round_.pk])}?unit={world.health.pk}" in text
    assert f"?unit={world.education.pk}\"" not in text  # not the leader's sector


# --- The return form -------------------------------------------------------------------


def test_the_person_saves_a_draft_and_then_submits(world, person, round_):
    ret = the_return(round_, world.action)
    browser = Browser(person)
    page = browser.get(return_url(ret)).text
    assert "Lagre utkast" in page and "Send inn" in page
    assert "personopplysninger om pasienter eller ansatte" in page
    draft = {**FILLED, "version": ret.version, "save": "1", "done": "Halvveis skrevet."}
    assert browser.submit(return_url(ret), draft).status_code == 302
    ret.refresh_from_db()
    assert (ret.state, ret.done) == (State.DRAFT, "Halvveis skrevet.")
    response = browser.submit(return_url(ret), {**FILLED, "version": ret.version,
                                                "submit": "1"})
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.state == State.SUBMITTED and ret.status_update is not None


def test_submitting_without_what_was_done_names_the_field(world, person, round_):
    ret = the_return(round_, world.action)
    response = Browser(person).submit(return_url(ret), {**FILLED, "done": "",
                                                        "version": ret.version, "submit": "1"})
    assert response.status_code == 400
    assert 'id="id_done_error"' in response.text
    assert the_return(round_, world.action).state == State.REQUESTED


def test_indicator_values_of_the_goal_are_sent_with_the_return(world, person, round_):
    indicator = IndicatorFactory(goal=world.goal, name="Andel hjemmeboende")
    ret = the_return(round_, world.action)
    browser = Browser(person)
    assert "Andel hjemmeboende" in browser.get(return_url(ret)).text
    browser.submit(return_url(ret), {**FILLED, "version": ret.version, "save": "1",
                                     f"indicator_{indicator.pk}": "12,5"})
    ret.refresh_from_db()
    assert ret.indicator_values == [{"indicator": indicator.pk, "value": "12.5"}]


def test_a_version_conflict_keeps_the_typed_text_and_shows_the_stored_values(
        world, person, round_):
    ret = the_return(round_, world.action)
    stale = ret.version
    browser = Browser(person)
    page = browser.get(return_url(ret))
    rounds.save_return(actor=world.unit_manager, ret=the_return(round_, world.action),
                       expected_version=stale, done="Enhetslederen skrev dette.")
    response = browser.client.post(return_url(ret), {
        **FILLED, "version": stale, "submit": "1", "done": "Mitt eget utkast.",
        "csrfmiddlewaretoken": str(page.context["csrf_token"])})
    assert response.status_code == 409
    assert "Mitt eget utkast." in response.text
    assert "Enhetslederen skrev dette." in response.text
    assert 'id="lagret-na"' in response.text
    assert f'name="version" value="{stale + 1}"' in response.text
    assert the_return(round_, world.action).done == "Enhetslederen skrev dette."


def test_on_a_public_plan_the_form_says_approved_text_will_be_public(world, person, round_):
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    text = Browser(person).get(return_url(the_return(round_, world.action))).text
    notice = text.index("publiseres det du skriver her på planens offentlige side")
    assert notice < text.index('name="version"')


def test_others_who_may_see_the_return_get_it_read_only(world, person, round_):
    ret = submit_as(world, the_return(round_, world.action), person)
    text = Browser(world.sector_leader).get(return_url(ret)).text
    assert 'id="rapporten"' in text and "Kartlagt behovet i tre soner." in text
    assert 'name="submit"' not in text


def test_another_kommunes_user_gets_404_on_the_return(world, person, round_):
    ret = the_return(round_, world.action)
    browser = Browser(world.other_admin)
    assert browser.get(return_url(ret)).status_code == 404
    assert browser.get(reverse("rounds:review", args=[round_.pk, ret.pk])).status_code in (
        404, 405)


# --- Review ----------------------------------------------------------------------------


def review_url(ret: ReportingReturn) -> str:
    return reverse("rounds:review", args=[ret.round_id, ret.pk])


def test_sending_back_needs_a_comment_and_the_person_then_sees_it(world, person, round_):
    ret = submit_as(world, the_return(round_, world.action), person)
    leader = Browser(world.sector_leader)
    empty = leader.submit(review_url(ret), {"vurder-version": ret.version,
                                            "vurder-decision": "send_back"},
                          page_url=return_url(ret))
    assert empty.status_code == 400 and 'id="id_vurder-comment_error"' in empty.text
    response = leader.submit(review_url(ret), {
        "vurder-version": ret.version, "vurder-decision": "send_back",
        "vurder-comment": "Skriv mer om hva som ble gjort i sone 2."}, page_url=return_url(ret))
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.state == State.SENT_BACK
    text = Browser(person).get(return_url(ret)).text
    assert "Skriv mer om hva som ble gjort i sone 2." in text and 'name="submit"' in text


def _tag(text: str, element_id: str) -> str:
    """The opening tag of the element with *element_id*."""
    start = text.rindex("<", 0, text.index(f'id="{element_id}"'))
    return text[start:text.index(">", start) + 1]


def test_the_review_forms_errors_are_tied_to_their_fields(world, person, round_):
    ret = submit_as(world, the_return(round_, world.action), person)
    leader = Browser(world.sector_leader)
    # No decision: the form's own check, on the radio group.
    undecided = leader.submit(review_url(ret), {"vurder-version": ret.version},
                              page_url=return_url(ret))
    assert undecided.status_code == 400
    assert 'id="id_vurder-decision_error"' in undecided.text
    for radio in ("id_vurder-decision_0", "id_vurder-decision_1"):
        tag = _tag(undecided.text, radio)
        assert 'aria-describedby="id_vurder-decision_error"' in tag
        assert 'aria-invalid="true"' in tag
    assert 'href="#id_vurder-decision_0"' in undecided.text  # the summary's link
    # A comment the service refuses (too long): its error is tied to the field too.
    long = leader.submit(review_url(ret), {"vurder-version": ret.version,
                                           "vurder-decision": "send_back",
                                           "vurder-comment": "x" * 10_001},
                         page_url=return_url(ret))
    assert long.status_code == 400 and 'id="id_vurder-comment_error"' in long.text
    tag = _tag(long.text, "id_vurder-comment")
    assert "id_vurder-comment_error" in tag and 'aria-invalid="true"' in tag


def test_the_sector_leader_approves_a_submitted_return(world, person, round_):
    ret = submit_as(world, the_return(round_, world.action), person)
    response = Browser(world.sector_leader).submit(review_url(ret), {
        "vurder-version": ret.version, "vurder-decision": "approve"}, page_url=return_url(ret))
    assert response.status_code == 302
    assert the_return(round_, world.action).state == State.APPROVED


def test_the_person_cannot_review_their_own_return(world, person, round_):
    ret = submit_as(world, the_return(round_, world.action), person)
    browser = Browser(person)
    assert 'id="vurder-tittel"' not in browser.get(return_url(ret)).text
    response = browser.submit(review_url(ret), {"vurder-version": ret.version,
                                                "vurder-decision": "approve"},
                              page_url=return_url(ret))
    assert response.status_code == 403
    assert the_return(round_, world.action).state == State.SUBMITTED


# --- Assessments -----------------------------------------------------------------------


def test_the_sector_leader_writes_and_rewrites_a_focus_area_assessment(world, round_):
    area = world.goal.focus_area
    url = reverse("rounds:assessment", args=[round_.pk]) + f"?focus_area={area.pk}"
    browser = Browser(world.sector_leader)
    first = browser.submit(url, {"focus_area": area.pk, "version": "",
                                 "text": "God framdrift i hjemmetjenesten."})
    assert first.status_code == 302
    saved = RoundAssessment.objects.get(round=round_, focus_area=area)
    assert "God framdrift i hjemmetjenesten." in browser.get(url).text
    again = browser.submit(url, {"focus_area": area.pk, "version": saved.version,
                                 "text": "Bedre enn ventet."})
    assert again.status_code == 302
    saved.refresh_from_db()
    assert saved.text == "Bedre enn ventet."


def test_a_stale_assessment_keeps_the_typed_text_beside_the_stored_one(world, round_):
    area = world.goal.focus_area
    first = rounds.write_assessment(actor=world.admin, round=round_, focus_area=area,
                                    text="Første.")
    url = reverse("rounds:assessment", args=[round_.pk]) + f"?focus_area={area.pk}"
    browser = Browser(world.sector_leader)
    page = browser.get(url)
    rounds.write_assessment(actor=world.admin, round=round_, focus_area=area, text="Andre.",
                            expected_version=first.version)
    response = browser.client.post(url, {"focus_area": area.pk, "version": 1,
                                         "text": "Min vurdering.",
                                         "csrfmiddlewaretoken": str(page.context["csrf_token"])})
    assert response.status_code == 409
    assert "Min vurdering." in response.text and "Andre." in response.text


def test_a_unit_manager_cannot_write_assessments(world, round_):
    url = reverse("rounds:assessment", args=[round_.pk]) + f"?unit={world.home_care.pk}"
    assert Browser(world.unit_manager).get(url).status_code == 403


# --- Closing ---------------------------------------------------------------------------


def test_before_the_period_has_ended_the_close_form_is_disabled(world, person):
    current = rounds.open_round(actor=world.admin, organization=world.org,
                                frequency="yearly", period_key="2026",
                                deadline=date(2026, 12, 20))
    text = Browser(world.admin).get(reverse("rounds:close", args=[current.pk])).text
    assert 'id="ikke-slutt"' in text and "disabled" in text


def test_only_admins_open_the_close_page(world, round_):
    assert Browser(world.sector_leader).get(
        reverse("rounds:close", args=[round_.pk])).status_code == 403


def test_the_admin_closes_an_ended_round_with_the_case_facts(world, round_):
    """Needs reports.round_services.close_round (written beside these pages)."""
    response = Browser(world.admin).submit(reverse("rounds:close", args=[round_.pk]), {
        "version": round_.version, "case_number": "2026/1234", "committee": "Helseutvalget",
        "meeting_date": "2026-12-10"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.state, round_.case_number) == ("closed", "2026/1234")
    assert ReportSnapshot.objects.filter(round=round_).count() == 1


# --- Documents and the public report ---------------------------------------------------


@pytest.fixture
def closed(world: Any, round_: ReportingRound) -> tuple[ReportingRound, ReportSnapshot]:
    """The round closed, with a frozen report of its plan (as closing makes it)."""
    snapshot = report_services.create_snapshot(actor=world.admin, plan=world.plan,
                                               frequency="tertial", period_key="2026-T2")
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(round=round_,
                                                         scope_key=f"round:{round_.pk}")
    ReportingRound.objects.filter(pk=round_.pk).update(state="closed", case_number="2026/77")
    round_.refresh_from_db()
    return round_, snapshot


def test_a_politician_downloads_a_closed_rounds_report_as_json_and_excel(world, closed):
    round_, _snapshot = closed
    browser = Browser(world.reader)
    response = browser.get(reverse("rounds:download", args=[round_.pk, "json"]))
    assert response.status_code == 200
    assert json.loads(response.content)["plan"]["title"] == world.plan.title
    xlsx = browser.get(reverse("rounds:download", args=[round_.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    pdf = browser.get(reverse("rounds:download", args=[round_.pk, "pdf"]))
    assert pdf.status_code == 409  # the PDF is made after the commit, which never comes


def test_an_open_rounds_report_cannot_be_downloaded(world, round_):
    url = reverse("rounds:download", args=[round_.pk, "json"])
    assert Browser(world.admin).get(url).status_code == 404


def test_another_kommune_cannot_download_our_round(world, closed):
    url = reverse("rounds:download", args=[closed[0].pk, "json"])
    assert Browser(world.other_admin).get(url).status_code == 404


def test_a_public_plans_round_report_is_public_without_names(world, person, closed):
    _round, snapshot = closed
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    anonymous = Browser()
    plan_page = anonymous.get(reverse("strategies:public-plan-detail", args=[world.plan.pk]))
    url = reverse("rounds:public-report", args=[world.plan.pk, snapshot.pk])
    assert url in plan_page.text
    response = anonymous.get(url)
    assert response.status_code == 200
    assert world.plan.title in response.text and "2. tertial 2026" in response.text
    assert person.last_name not in response.text


def test_a_non_public_plans_report_is_not_public(world, closed):
    url = reverse("rounds:public-report", args=[world.plan.pk, closed[1].pk])
    assert Browser().get(url).status_code == 404


# --- Mine tiltak -----------------------------------------------------------------------


def test_mine_tiltak_lists_the_returns_awaiting_submission_first(world, person, round_):
    text = Browser(person).get(reverse("actions:mine")).text
    ret = the_return(round_, world.action)
    section = text[text.index('id="gruppe-rapportering"'):]
    assert return_url(ret) in section
    assert "15. september 2026" in section
    assert text.index('id="gruppe-rapportering"') < text.index('id="gruppe-snart"')


def test_a_return_of_a_tiltak_carried_over_since_the_round_opened_leaves_mine_tiltak(
        world, person, round_):
    from actions.rollover import roll_over_plan

    roll_over_plan(actor=world.admin, plan=world.plan, period_start=2027, period_end=2031)
    text = Browser(person).get(reverse("actions:mine")).text
    assert return_url(the_return(round_, world.action)) not in text


def test_a_submitted_return_leaves_mine_tiltak(world, person, round_):
    submit_as(world, the_return(round_, world.action), person)
    assert 'id="gruppe-rapportering"' not in Browser(person).get(reverse("actions:mine")).text


def test_mine_tiltak_runs_the_same_queries_for_few_and_many_returns(world, person, round_):
    browser = Browser(world.unit_manager)
    url = reverse("actions:mine")

    def add(n: int) -> None:
        for _ in range(n):
            ReportingReturnFactory(round=round_, action=ActionFactory(
                goal=world.goal, responsible_unit=world.home_care))

    assert_constant_queries(add, lambda: browser.get(url), few=2, many=12)


# --- Addresses, roles and markup -------------------------------------------------------


def test_a_return_under_another_rounds_address_redirects_to_its_own(world, person, round_):
    other = rounds.open_round(actor=world.admin, organization=world.org, frequency="yearly",
                              period_key="2026", deadline=date(2026, 12, 20))
    ret = the_return(round_, world.action)
    response = Browser(person).get(reverse("rounds:return", args=[other.pk, ret.pk]))
    assert response.status_code == 302 and response["Location"] == return_url(ret)


def test_a_unit_manager_of_another_unit_is_refused_a_return_and_outsiders_get_404(
        world, round_):
    school_manager = UserFactory(username="enhetsleder-skole")
    MembershipFactory(user=school_manager, unit=world.school,
                      role=Membership.Role.UNIT_MANAGER)
    ret = the_return(round_, world.action)
    # The round is the school manager's to follow (a role above reader), this return not.
    assert Browser(school_manager).get(return_url(ret)).status_code == 403
    assert Browser(world.other_admin).get(return_url(ret)).status_code == 404


def test_a_reader_sees_only_closed_rounds_and_no_open_rounds_work(world, person, round_):
    ret = submit_as(world, the_return(round_, world.action), person)
    rounds.approve_return(actor=world.sector_leader, ret=ret, expected_version=ret.version)
    rounds.write_assessment(actor=world.sector_leader, round=round_, unit=world.health,
                            text="Utkast til vurdering av sektoren.")
    browser = Browser(world.reader)
    detail = reverse("rounds:detail", args=[round_.pk])

    listed = browser.get(reverse("rounds:list")).text
    assert detail not in listed and "2. tertial 2026" not in listed
    assert "Ingen rapporteringsrunde er avsluttet ennå." in listed  # not "none opened"
    assert browser.get(detail).status_code == 404
    assert browser.get(return_url(ret)).status_code == 404
    mine = browser.get(reverse("actions:mine")).text
    assert f"/rapportering/{round_.pk}/" not in mine

    ReportingRound.objects.filter(pk=round_.pk).update(state="closed")

    assert detail in browser.get(reverse("rounds:list")).text
    page = browser.get(detail).text
    assert "Utkast til vurdering av sektoren." in page and return_url(ret) in page


def test_a_reader_responsible_for_a_tiltak_reports_in_the_open_round_but_reads_no_assessment(
        world, person, round_):
    rounds.write_assessment(actor=world.sector_leader, round=round_, unit=world.health,
                            text="Utkast til vurdering av sektoren.")
    browser = Browser(person)  # a reader of Hjemmetjenesten, responsible for the tiltak
    detail = reverse("rounds:detail", args=[round_.pk])
    assert detail in browser.get(reverse("rounds:list")).text
    page = browser.get(detail)
    assert page.status_code == 200
    assert return_url(the_return(round_, world.action)) in page.text
    assert "Utkast til vurdering av sektoren." not in page.text
    assert 'name="submit"' in browser.get(return_url(the_return(round_, world.action))).text


def test_readers_read_the_approved_returns_of_a_closed_round(world, person, closed):
    round_, _snapshot = closed
    ret = the_return(round_, world.action)
    ReportingReturn.objects.filter(pk=ret.pk).update(state=State.APPROVED,
                                                     done="Godkjent tekst.")
    text = Browser(world.reader).get(return_url(ret)).text
    assert "Godkjent tekst." in text and 'name="submit"' not in text


def test_every_round_page_names_only_ids_it_has(world, person, round_):
    from tests.html_references import dangling_references

    IndicatorFactory(goal=world.goal, name="Andel hjemmeboende")
    ret = submit_as(world, the_return(round_, world.action), person)
    area = world.goal.focus_area
    pages = {
        world.admin: [reverse("rounds:list"), reverse("rounds:open"),
                      reverse("rounds:detail", args=[round_.pk]),
                      reverse("rounds:close", args=[round_.pk]),
                      reverse("rounds:assessment", args=[round_.pk]) + f"?focus_area={area.pk}"],
        world.sector_leader: [return_url(ret)],
    }
    rounds.send_back_return(actor=world.sector_leader, ret=ret, expected_version=ret.version,
                            comment="Mer, takk.")
    pages[person] = [return_url(ret), reverse("actions:mine")]
    for user, urls in pages.items():
        browser = Browser(user)
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, url
            assert dangling_references(response.text) == [], url


def test_a_closed_rounds_report_downloads_as_word(world, closed):
    """Needs reports.docx.report_docx (written beside these pages)."""
    response = Browser(world.reader).get(reverse("rounds:download", args=[closed[0].pk,
                                                                          "docx"]))
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_the_round_list_runs_the_same_queries_for_few_and_many_returns(world, round_):
    browser = Browser(world.admin)

    def add(n: int) -> None:
        for _ in range(n):
            ReportingReturnFactory(round=round_, action=ActionFactory(goal=world.goal))

    assert_constant_queries(add, lambda: browser.get(reverse("rounds:list")), few=1, many=10)


def test_the_return_page_runs_the_same_queries_whatever_the_round_size(world, person, round_):
    browser = Browser(person)
    url = return_url(the_return(round_, world.action))

    def add(n: int) -> None:
        for _ in range(n):
            ReportingReturnFactory(round=round_, action=ActionFactory(goal=world.goal))

    assert_constant_queries(add, lambda: browser.get(url), few=1, many=10)
