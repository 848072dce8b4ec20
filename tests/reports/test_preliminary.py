"""A period is frozen only once it has ended; before, only as a preliminary (foreløpig)
report: as of the day, labelled so, and never sent by the subscription sweep.

The defect: frozen on 1 December for 2026-T3, a report called tiltak due later in
December overdue, could never change, and the January sweep sent exactly that report.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from reports import services
from reports.models import ReportDelivery, ReportSnapshot
from tests.factories import ActionFactory
from tests.reports.conftest import OSLO, ReportPlan

pytestmark = pytest.mark.django_db

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 12, 0, tzinfo=OSLO)


@pytest.fixture
def december(report_plan: ReportPlan) -> Any:
    """1 December 2026, with a tiltak due on 15 December."""
    action = ActionFactory(goal=report_plan.goals["2.2"], code="2.2.1", title="Julemarked",
                           due_date=date(2026, 12, 15))
    with time_machine.travel(FIRST_OF_DECEMBER, tick=True):
        yield action


def freeze_t3(world: Any, plan: Any, **kwargs: Any) -> ReportSnapshot:
    return services.create_snapshot(actor=world.admin, plan=plan, frequency="tertial",
                                    period_key="2026-T3", **kwargs)


def test_freezing_2026_t3_on_1_december_is_refused(
    world: Any, report_plan: ReportPlan, december: Any,
) -> None:
    with pytest.raises(ValidationError) as error:
        freeze_t3(world, report_plan.plan)
    assert "period_key" in error.value.message_dict
    assert "31. desember 2026" in error.value.message_dict["period_key"][0]  # a sentence
    assert not ReportSnapshot.objects.exists()


def test_the_freeze_form_shows_the_refusal_and_offers_a_preliminary_report(
    world: Any, report_plan: ReportPlan, december: Any,
) -> None:
    client = Client()
    client.force_login(world.admin)
    url = reverse("reports:snapshot-list", args=[report_plan.plan.pk])
    assert 'name="preliminary"' in client.get(url).content.decode()
    response = client.post(url, {"frequency": "tertial", "period_key": "2026-T3"})
    assert response.status_code == 400
    assert "3. tertial 2026 er ikke slutt" in response.content.decode()
    assert not ReportSnapshot.objects.exists()

    response = client.post(url, {"frequency": "tertial", "period_key": "2026-T3",
                                 "preliminary": "on"})
    assert response.status_code == 302
    assert ReportSnapshot.objects.get().preliminary


def test_a_preliminary_report_is_as_of_the_day_and_labelled(
    world: Any, report_plan: ReportPlan, december: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = freeze_t3(world, report_plan.plan, preliminary=True)
    snapshot.refresh_from_db()
    assert snapshot.preliminary and snapshot.data["preliminary"] is True
    assert snapshot.period_label == "3. tertial 2026 (foreløpig)"
    assert snapshot.scope_key == "p20261201:"
    assert (snapshot.period_start, snapshot.period_end) == (date(2026, 9, 1), date(2026, 12, 1))
    assert snapshot.data["as_of"] == "2026-12-01"
    # Due on 15 December: not overdue on the 1st.
    assert "2.2.1" not in [row["code"] for row in snapshot.data["overdue"]]
    reader = PdfReader(snapshot.pdf.open("rb"))
    assert "(foreløpig)" in reader.pages[0].extract_text()


def test_a_preliminary_report_is_never_sent_by_the_sweep(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, december: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.create_subscription(actor=world.admin, plan=report_plan.plan,
                                 email="leder@komite.no", starts_on=date(2026, 9, 1))
    preliminary = freeze_t3(world, report_plan.plan, preliminary=True)
    # Swept twice on 1 December (nothing due yet: the 3rd tertial has not ended) ...
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due_reports(date(2026, 12, 1)).due == []
    # ... and twice in January: the final report is frozen and sent, once.
    for day in (date(2027, 1, 1), date(2027, 1, 2)):
        with django_capture_on_commit_callbacks(execute=True):
            services.send_due_reports(day)
    [delivery] = ReportDelivery.objects.all()
    assert delivery.snapshot != preliminary and delivery.status == ReportDelivery.Status.SENT
    final = delivery.snapshot
    assert not final.preliminary and final.period_label == "3. tertial 2026"
    assert final.data["as_of"] == "2026-12-31" and final.data["preliminary"] is False
    assert len(smtp_sink.accepted) == 1
    assert "foreløpig" not in smtp_sink.accepted[0].original_content.decode(errors="replace")


def test_a_delivery_of_a_preliminary_report_is_never_sent(
    world: Any, report_plan: ReportPlan, smtp_sink: Any, december: Any,
) -> None:
    subscription = services.create_subscription(actor=world.admin, plan=report_plan.plan,
                                                email="leder@komite.no")
    preliminary = freeze_t3(world, report_plan.plan, preliminary=True)
    delivery = ReportDelivery.objects.create(subscription=subscription, snapshot=preliminary,
                                             period_key="2026-T3", email="leder@komite.no")
    assert services.send_report_delivery(delivery.pk) == "failed"
    assert smtp_sink.accepted == []


def test_a_custom_date_of_today_is_preliminary_only(
    world: Any, report_plan: ReportPlan, december: Any,
) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_snapshot(actor=world.admin, plan=report_plan.plan, frequency="custom",
                                 as_of=date(2026, 12, 1))
    assert "as_of" in error.value.message_dict
    snapshot = services.create_snapshot(actor=world.admin, plan=report_plan.plan,
                                        frequency="custom", as_of=date(2026, 12, 1),
                                        preliminary=True)
    assert snapshot.preliminary and snapshot.period_label == "Per 01.12.2026 (foreløpig)"


def test_a_period_that_has_ended_is_frozen_as_the_final_report(
    world: Any, report_plan: ReportPlan, december: Any,
) -> None:
    snapshot = services.create_snapshot(actor=world.admin, plan=report_plan.plan,
                                        frequency="tertial", period_key="2026-T2",
                                        preliminary=True)
    assert not snapshot.preliminary and snapshot.scope_key == ""
    assert snapshot.period_label == "2. tertial 2026"


def test_a_period_that_has_not_begun_is_refused_even_as_preliminary(
    world: Any, report_plan: ReportPlan, december: Any,
) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_snapshot(actor=world.admin, plan=report_plan.plan,
                                 frequency="tertial", period_key="2027-T1", preliminary=True)
    assert "period_key" in error.value.message_dict
