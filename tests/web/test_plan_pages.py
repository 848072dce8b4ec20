"""Plan list, plan page (tree, filters, indicators, reports) and the public plan page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from strategies.models import Plan
from tests.factories import (
    ActionFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    OrganizationFactory,
    PlanFactory,
)
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_the_plan_list_shows_readable_plans_with_progress(browse, world, other_plan):
    Action.objects.filter(pk=world.action.pk).update(progress=40)
    ActionFactory(goal=world.goal, progress=60)
    ActionFactory(goal=world.goal, progress=0, status="cancelled")  # does not count
    text = browse("reader").get(reverse("strategies:plan-list")).text
    assert world.plan.title in text
    assert 'value="50"' in text  # mean of 40 and 60
    assert "Nabokommunens plan" not in text


@pytest.mark.parametrize("persona", ["admin", "sector_leader", "unit_manager", "reader"])
def test_every_role_of_the_kommune_can_open_the_plan_page(browse, world, persona):
    response = browse(persona).get(reverse("strategies:plan-detail", args=[world.plan.pk]))
    assert response.status_code == 200
    assert world.action.title in response.text
    assert world.goal.title in response.text


def test_another_kommunes_user_gets_404_on_a_non_public_plan(browse, world):
    url = reverse("strategies:plan-detail", args=[world.plan.pk])
    assert browse("other_admin").get(url).status_code == 404


def test_the_plan_page_filters_by_status_unit_and_overdue(browse, world):
    today = timezone.localdate()
    ActionFactory(goal=world.goal, title="Skoletiltak", responsible_unit=world.school,
                  status="in_progress")
    ActionFactory(goal=world.goal, title="Gammelt tiltak", responsible_unit=world.nursing_home,
                  due_date=today - timedelta(days=1))
    client = browse("reader")
    url = reverse("strategies:plan-detail", args=[world.plan.pk])
    by_status = client.get(url, {"status": "in_progress"}).text
    assert "Skoletiltak" in by_status and world.action.title not in by_status
    by_unit = client.get(url, {"unit": world.health.pk}).text  # the whole sector subtree
    assert world.action.title in by_unit and "Gammelt tiltak" in by_unit
    assert "Skoletiltak" not in by_unit
    overdue = client.get(url, {"overdue": "on"}).text
    assert "Gammelt tiltak" in overdue and "Skoletiltak" not in overdue
    assert "Viser 1 av 3 tiltak." in overdue


def test_an_unknown_filter_value_is_reported_on_its_field(browse, world):
    url = reverse("strategies:plan-detail", args=[world.plan.pk])
    response = browse("reader").get(url, {"status": "finished-maybe"})
    assert response.status_code == 400
    assert 'id="id_status_error"' in response.text


def test_indicators_show_target_against_the_latest_value(browse, world):
    indicator = IndicatorFactory(goal=world.goal, name="Sykefravær", direction="lower",
                                 targets=[{"year": 2030, "comparison": "lte", "value": 8}])
    MeasurementFactory(indicator=indicator, period_end=date(2024, 12, 31), value="9.50",
                       period_label="2024")
    MeasurementFactory(indicator=indicator, period_end=date(2023, 12, 31), value="11")
    text = browse("reader").get(reverse("strategies:plan-detail", args=[world.plan.pk])).text
    assert "Sykefravær" in text
    assert "9,5" in text and "(2024)" in text
    row = text.split("Sykefravær")[1].split("</tr>")[0]
    assert "11" not in row
    assert "≤\xa08\xa0% (2030)" in row


def test_indicators_show_every_target_and_baseline_as_the_plan_states_them(browse, world):
    IndicatorFactory(goal=world.goal, name="Lærlingeplasser", unit="antall",
                     targets=[{"year": year, "comparison": "gte", "value": 10}
                              for year in (2026, 2027)],
                     baselines=[{"year": 2023, "value": 6}, {"year": 2024, "value": 7}])
    IndicatorFactory(goal=world.goal, name="Heltid", targets=[
        {"year": None, "comparison": "gt", "value": 50}])
    IndicatorFactory(goal=world.goal, name="Levekår", unit="", targets=[
        {"year": None, "comparison": "lt", "value": 0, "relative_to_national": True}])
    text = browse("reader").get(reverse("strategies:plan-detail", args=[world.plan.pk])).text

    def row(name: str) -> str:
        return text.split(f"{name}")[1].split("</tr>")[0]

    assert "≥\xa010 (2026, 2027)" in row("Lærlingeplasser")
    assert "6 (2023), 7 (2024)" in row("Lærlingeplasser")
    assert "&gt;\xa050\xa0%" in row("Heltid") and "(20" not in row("Heltid")
    assert "&lt;\xa0landssnittet" in row("Levekår")


def test_the_plan_page_links_to_the_html_pdf_and_xlsx_reports(browse, world):
    text = browse("reader").get(reverse("strategies:plan-detail", args=[world.plan.pk])).text
    for suffix in ("", "report.pdf", "report.xlsx"):
        assert f'href="/reports/plans/{world.plan.pk}/{suffix}"' in text


def test_a_public_plan_is_readable_without_login_and_shows_no_person(browse, world):
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    Action.objects.filter(pk=world.action.pk).update(responsible_person=world.unit_manager)
    world.unit_manager.first_name, world.unit_manager.last_name = "Kari", "Løvås"
    world.unit_manager.save()
    response = browse(None).get(reverse("strategies:public-plan-detail", args=[world.plan.pk]))
    assert response.status_code == 200
    assert world.action.title in response.text
    assert world.home_care.name in response.text
    assert "Løvås" not in response.text and world.unit_manager.username not in response.text
    assert reverse("actions:detail", args=[world.action.pk]) not in response.text


def test_the_public_plan_page_links_its_public_report(browse, world):
    """Issue 17, item 9: the public page had no way to the plan's report, which the public
    may read (without names) as the kommune's own people do."""
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    Action.objects.filter(pk=world.action.pk).update(responsible_person=world.unit_manager)
    visitor = browse(None)
    page = visitor.get(reverse("strategies:public-plan-detail", args=[world.plan.pk])).text
    for suffix in ("", "report.pdf", "report.xlsx"):
        assert f'href="/reports/plans/{world.plan.pk}/{suffix}"' in page
    report = visitor.get(f"/reports/plans/{world.plan.pk}/")
    assert report.status_code == 200 and world.plan.title in report.text
    assert world.unit_manager.last_name not in report.text


def test_the_plan_list_puts_the_users_own_kommunes_plans_first(browse, world):
    """Issue 17, item 9: Testkommune's reader found Nabokommune's public plans (sorted by
    kommune name) before his own."""
    Plan.objects.filter(pk=world.plan.pk).update(title="Å-planen")  # last by title too
    PlanFactory(organization=world.other_org, title="Aaa nabo", is_public=True)
    PlanFactory(organization=OrganizationFactory(name="Aremark kommune"), title="Aremark",
                is_public=True)
    page = browse("reader").get(reverse("strategies:plan-list"), {"kommune": "alle"})
    titles = [plan.title for plan in page.context["plans"]]
    assert titles[0] == "Å-planen"
    assert titles[1:] == ["Aremark", "Aaa nabo"]  # the others as before: by kommune


def test_the_plan_list_starts_on_the_users_own_kommune_and_offers_the_others(browse, world):
    PlanFactory(organization=world.other_org, title="Nabokommunens offentlige plan",
                is_public=True)
    client = browse("reader")
    own = client.get(reverse("strategies:plan-list"))
    assert [plan.title for plan in own.context["plans"]] == [world.plan.title]
    assert f'<option value="{world.other_org.slug}">' in own.text
    other = client.get(reverse("strategies:plan-list"), {"kommune": world.other_org.slug})
    assert [plan.title for plan in other.context["plans"]] == ["Nabokommunens offentlige plan"]


def test_the_plan_lists_page_their_plans_and_say_how_many_there_are(browse, world):
    for n in range(30):
        PlanFactory(organization=world.org, title=f"Plan {n:02d} – særskilt", is_public=True)
    client = browse("reader")
    first = client.get(reverse("strategies:plan-list"))
    assert len(first.context["plans"]) == 24
    assert "31 planer" in first.text
    assert 'rel="next"' in first.text
    second = client.get(reverse("strategies:plan-list"), {"page": 2})
    assert len(second.context["plans"]) == 7
    shown = {p.pk for p in first.context["plans"]} | {p.pk for p in second.context["plans"]}
    assert len(shown) == 31
    public = browse(None).get(reverse("strategies:public-plan-list"), {"page": 2})
    assert len(public.context["plans"]) == 30 - 24  # the 30 public ones; world.plan is not


def test_a_plan_card_has_its_figures_when_the_list_is_paged(browse, world):
    Action.objects.filter(pk=world.action.pk).update(progress=40)
    ActionFactory(goal=world.goal, progress=60)
    card = browse("reader").get(reverse("strategies:plan-list")).context["plans"][0]
    assert (card.progress, card.action_count) == (50, 2)


def test_a_plan_that_is_not_public_has_no_public_page(browse, world):
    url = reverse("strategies:public-plan-detail", args=[world.plan.pk])
    assert browse(None).get(url).status_code == 404
    assert browse("admin").get(url).status_code == 404


def test_the_plan_list_runs_a_constant_number_of_queries(browse, world):
    client = browse("reader")

    def add(n):
        for _ in range(n):
            goal = GoalFactory(focus_area=FocusAreaFactory(plan=PlanFactory(
                organization=world.org)))
            ActionFactory(goal=goal)

    assert_constant_queries(add, lambda: client.get(reverse("strategies:plan-list")))


def test_the_plan_page_runs_a_constant_number_of_queries(browse, world):
    client = browse("reader")
    url = reverse("strategies:plan-detail", args=[world.plan.pk])

    def add(n):
        for _ in range(n):
            goal = GoalFactory(focus_area=FocusAreaFactory(plan=world.plan))
            ActionFactory(goal=goal, responsible_unit=world.home_care,
                          responsible_person=world.unit_manager)
            MeasurementFactory(indicator=IndicatorFactory(goal=goal))

    assert_constant_queries(add, lambda: client.get(url))


def test_the_public_pages_run_a_constant_number_of_queries(browse, world):
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    client = browse(None)
    url = reverse("strategies:public-plan-detail", args=[world.plan.pk])

    def add(n):
        for _ in range(n):
            ActionFactory(goal=GoalFactory(focus_area=FocusAreaFactory(plan=world.plan)))

    assert_constant_queries(add, lambda: client.get(url))
    assert_constant_queries(lambda n: None, lambda: client.get("/"))


@pytest.mark.slow
def test_a_plan_with_1000_actions_runs_the_same_queries_as_one_and_opens_by_goal(browse, world):
    # Speed is measured by hand in bench/, never as a timed assertion here.
    focus_areas = [FocusAreaFactory(plan=world.plan) for _ in range(5)]
    goals = [GoalFactory(focus_area=focus_areas[i % 5]) for i in range(50)]
    client = browse("reader")
    url = reverse("strategies:plan-detail", args=[world.plan.pk])

    def add(n):
        start = Action.objects.count()
        Action.objects.bulk_create(
            # bulk_create skips Action.save(): the area and plan are given as a service would.
            Action(goal=goals[i % 50], focus_area=goals[i % 50].focus_area, plan=world.plan,
                   order=i, title=f"Tiltak nummer {i} med en lang tittel",
                   responsible_unit=world.home_care, due_date=date(2027, 1, 1) + timedelta(i),
                   progress=i % 101)
            for i in range(start, start + n)
        )

    assert_constant_queries(add, lambda: client.get(url), few=1, many=1000)
    # Too many to show whole (tests/web/test_big_plan_page.py): the plan's bar and one per
    # area (these five and the world's); an opened area of 200 shows its goals so; an
    # opened goal its 20 tiltak.
    assert client.get(url).text.count("<progress") == 1 + 6
    area = client.get(url, {"area": focus_areas[0].pk}).text
    assert area.count('class="pp-goal pp-summary"') == 10
    assert client.get(url, {"goal": goals[0].pk}).text.count('href="/tiltak/') == 20


def test_action_rows_escape_titles_and_show_norwegian_dates(browse, world):
    ActionFactory(goal=world.goal, title='<script>alert("x")</script> & co',
                  due_date=date(2031, 3, 3))
    text = browse("reader").get(reverse("strategies:plan-detail", args=[world.plan.pk])).text
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in text
    assert '<time datetime="2031-03-03">03.03.2031</time>' in text


def test_the_public_plan_page_lists_actions_without_links_or_names(browse, world):
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    ActionFactory(goal=world.goal, title="Åpent tiltak", responsible_unit=world.home_care,
                  responsible_person=world.sector_leader)
    text = browse(None).get(reverse("strategies:public-plan-detail",
                                    args=[world.plan.pk])).text
    assert "<td>Åpent tiltak</td>" in text
    assert world.sector_leader.username not in text


def test_the_plan_page_lists_a_goals_tiltak_in_their_order_not_their_age(browse, world):
    world.action.delete()
    ActionFactory(goal=world.goal, order=2, title="Andre tiltak")
    ActionFactory(goal=world.goal, order=1, title="Første tiltak")
    text = browse("reader").get(reverse("strategies:plan-detail", args=[world.plan.pk])).text
    assert text.index("Første tiltak") < text.index("Andre tiltak")
