"""The progress report's option "include what contributes to the goals": per goal, the
goals and tiltak of lower plans that contribute to it, as of the report's date, on the web
page, in the PDF and through the API, only from plans the reader may read."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from reports.api_schema import ProgressReportSerializer
from reports.progress import compute_progress
from strategies.models import Goal, Plan
from tests.api.clients import TokenClient
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.queries import assert_constant_queries
from tests.reports.conftest import post
from tests.reports.test_progress_schema import undocumented
from tests.thread_helpers import link_all, thread_plans

pytestmark = pytest.mark.django_db


def test_the_report_leaves_contributions_out_unless_asked(world):
    link_all(world, thread_plans(world))
    assert "contributions" not in compute_progress(world.plan)


def test_each_goal_shows_the_progress_of_what_contributes_to_it(world):
    plans = link_all(world, thread_plans(world))
    ActionFactory(goal=plans.action_goal, progress=100, status="completed")
    Goal.objects.filter(pk=world.goal.pk).update(code="2.1")  # the schema wants goal codes
    data = compute_progress(world.plan, include_contributions=True)
    assert data["contributions"] == [{
        "goal_id": world.goal.pk, "goal_code": "2.1",
        "goal_title": world.goal.title,
        "goals": [{"id": plans.action_goal.pk, "code": "H1", "title": "Flere får hjelp tidlig",
                   "plan_id": plans.action_plan.pk, "plan_title": "Handlingsplan helse 2026",
                   "plan_level": 3, "total": 2, "completed_percent": 50.0,
                   "average_progress": 70.0}],
        "actions": [{"id": plans.action.pk, "code": "", "title": "Åpne en frisklivssentral",
                     "plan_id": plans.action_plan.pk, "plan_title": "Handlingsplan helse 2026",
                     "plan_level": 3, "status": "in_progress", "progress": 40}],
    }]
    assert undocumented(ProgressReportSerializer(), data) == []
    serializer = ProgressReportSerializer(data=data)
    assert serializer.is_valid(), serializer.errors


def test_the_figures_are_as_of_the_report_date(world):
    plans = link_all(world, thread_plans(world))
    post(plans.action, "03-01", "in_progress", 20)
    post(plans.action, "06-01", "in_progress", 90)
    data = compute_progress(world.plan, as_of=date(2026, 4, 30), since=date(2026, 1, 1),
                            include_contributions=True)
    entry = data["contributions"][0]
    assert entry["actions"][0]["progress"] == 20
    assert entry["goals"][0]["average_progress"] == 20.0


def test_a_public_report_takes_contributions_from_public_plans_only(world):
    plans = link_all(world, thread_plans(world))
    lower = GoalFactory(focus_area=FocusAreaFactory(plan=plans.action_plan))
    public_plan = PlanFactory(organization=world.org, title="Virksomhetsplan", is_public=True,
                              level=Plan.Level.BUSINESS)
    public_goal = GoalFactory(focus_area=FocusAreaFactory(plan=public_plan), title="Åpent mål")
    public_goal.contributes_to.set([world.goal])
    lower.contributes_to.set([world.goal])
    public = compute_progress(world.plan, public=True, include_contributions=True)
    assert [g["title"] for g in public["contributions"][0]["goals"]] == ["Åpent mål"]
    assert public["contributions"][0]["actions"] == []
    member = compute_progress(world.plan, include_contributions=True)
    assert len(member["contributions"][0]["goals"]) == 3


def test_the_contributions_cost_the_same_queries_for_many_links(world):
    plans = thread_plans(world)
    area = FocusAreaFactory(plan=world.plan)

    def add(n):
        for _ in range(n):
            goal = GoalFactory(focus_area=area)
            lower = GoalFactory(focus_area=plans.action_goal.focus_area)
            lower.contributes_to.set([goal])
            ActionFactory(goal=lower).contributes_to.set([goal, world.goal])

    assert_constant_queries(add, lambda: compute_progress(world.plan,
                                                          include_contributions=True),
                            few=1, many=8, expected=None)


def test_the_api_takes_the_option_and_names_a_bad_value(world):
    plans = link_all(world, thread_plans(world))
    client = TokenClient(world.reader)
    url = f"/api/v1/plans/{world.plan.pk}/progress/"
    data = client.get(url, {"contributions": "include"}).json()
    assert data["contributions"][0]["actions"][0]["id"] == plans.action.pk
    assert "contributions" not in client.get(url).json()
    refused = client.get(url, {"contributions": "yes"})
    assert refused.status_code == 400 and list(refused.json()) == ["contributions"]


def test_the_report_page_offers_the_option_and_shows_the_section(world, client):
    link_all(world, thread_plans(world))
    client.force_login(world.reader)
    url = reverse("reports:plan-report", args=[world.plan.pk])
    plain = client.get(url).text
    assert 'name="contributions" value="include"' in plain and 'id="bidrag"' not in plain
    page = client.get(url, {"contributions": "include"})
    assert page.status_code == 200
    html = page.text
    assert 'id="bidrag"' in html and "Åpne en frisklivssentral" in html
    assert re.search(r'<input type="checkbox" name="contributions" value="include"[^>]* checked>',
                     html)
    assert not re.search(r'name="contributions"[^>]* checked', plain)
    # The files keep the option.
    assert f'{reverse("reports:plan-report-pdf", args=[world.plan.pk])}?contributions=include' \
        in html


def test_the_pdf_lists_what_contributes_to_the_goals(world, client):
    from io import BytesIO

    from pypdf import PdfReader

    link_all(world, thread_plans(world))
    Plan.objects.filter(pk=world.plan.pk).update(title="Temaplan helse")
    client.force_login(world.reader)
    response = client.get(reverse("reports:plan-report-pdf", args=[world.plan.pk]),
                          {"contributions": "include"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert "frisklivssentral" in " ".join(text.split())
