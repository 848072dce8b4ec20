"""Reports in the kommune's målform: a frozen report keeps the language it was frozen in,
its files and pages are in it whatever the reader's language, the report e-mail follows
the kommune unless the recipient chose a language, and the public report pages are in
the kommune's målform for visitors."""

from __future__ import annotations

import email
import io
from datetime import date
from email import policy
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from planportal.models import User
from planportal.services import update_organization
from reports import services
from reports.models import ReportSnapshot
from strategies.models import Plan
from tests.reports.conftest import ReportPlan, build_report_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def nynorsk(world: Any) -> Any:
    """The world's kommune after its administrator chose nynorsk."""
    update_organization(actor=world.admin, organization=world.org, language="nn")
    return world


@pytest.fixture
def plan(nynorsk: Any, today: Any) -> Plan:
    """A public plan of the nynorsk kommune, as a view loads it."""
    report_plan = build_report_plan(nynorsk, public=True)
    return Plan.objects.select_related("organization").get(pk=report_plan.plan.pk)


def freeze(plan: Plan, actor: Any, capture: Any, **period: Any) -> ReportSnapshot:
    period = period or {"frequency": "tertial", "period_key": "2026-T2"}
    with capture(execute=True):
        snapshot = services.create_snapshot(actor=actor, plan=plan, **period)
    snapshot.refresh_from_db()
    return snapshot


def english(user: Any) -> Client:
    User.objects.filter(pk=user.pk).update(preferred_language="en")
    client = Client()
    client.force_login(user)
    return client


def body(response: Any) -> bytes:
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(content)).pages)


def test_a_frozen_report_records_the_language_it_was_frozen_in(
    nynorsk: Any, plan: Plan, django_capture_on_commit_callbacks: Any,
) -> None:
    snapshot = freeze(plan, nynorsk.admin, django_capture_on_commit_callbacks)

    assert snapshot.data["language"] == snapshot.language == "nn"
    assert "Samandrag" in pdf_text(snapshot.pdf.open("rb").read())


def test_its_files_stay_in_that_language_when_the_kommune_switches_back(
    nynorsk: Any, plan: Plan, django_capture_on_commit_callbacks: Any,
) -> None:
    snapshot = freeze(plan, nynorsk.admin, django_capture_on_commit_callbacks)
    update_organization(actor=nynorsk.admin, organization=plan.organization, language="nb")
    client = Client()
    client.force_login(nynorsk.reader)

    document = Document(io.BytesIO(body(client.get(reverse(
        "reports:snapshot-download", args=[plan.pk, snapshot.pk, "docx"])))))

    assert document.core_properties.language == "nn-NO"
    assert "Samandrag" in [paragraph.text for paragraph in document.paragraphs]


def test_a_report_frozen_before_there_was_a_malform_is_in_bokmal(
    nynorsk: Any, plan: Plan, django_capture_on_commit_callbacks: Any,
) -> None:
    snapshot = freeze(plan, nynorsk.admin, django_capture_on_commit_callbacks)
    del snapshot.data["language"]

    assert snapshot.language == "nb"


def test_the_frozen_label_is_the_kommunes_even_when_an_english_administrator_freezes(
    world: Any, report_plan: ReportPlan, today: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    User.objects.filter(pk=world.admin.pk).update(preferred_language="en")
    browser = Client()
    browser.force_login(world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post(reverse("reports:snapshot-list", args=[report_plan.plan.pk]),
                              {"frequency": "custom", "as_of": "2026-08-31"})

    assert answer.status_code == 302
    snapshot = ReportSnapshot.objects.get(plan=report_plan.plan)
    assert snapshot.period_label == "Per 31.08.2026"
    assert snapshot.data["language"] == "nb"


def test_files_made_on_demand_are_in_the_kommunes_language_for_an_english_reader(
    nynorsk: Any, plan: Plan,
) -> None:
    client = english(nynorsk.reader)

    pdf = pdf_text(body(client.get(reverse("reports:plan-report-pdf", args=[plan.pk]))))
    workbook = load_workbook(io.BytesIO(body(client.get(
        reverse("reports:plan-report-xlsx", args=[plan.pk])))))

    assert "FRAMDRIFTSRAPPORT" in pdf and "Summary" not in pdf
    assert workbook.sheetnames[0] == "Samandrag"


def test_the_report_page_shows_the_kommunes_report_marked_nynorsk_to_an_english_reader(
    nynorsk: Any, plan: Plan,
) -> None:
    html = english(nynorsk.reader).get(
        reverse("reports:plan-report", args=[plan.pk])).content.decode()

    assert '<html lang="en"' in html
    assert "Download as PDF" in html  # the page around the report: the reader's language
    assert '<header lang="nn">' in html and '<div lang="nn">' in html
    assert '<h2 id="sammendrag">Samandrag</h2>' in html


def test_the_report_page_needs_no_mark_when_the_reader_reads_the_kommunes_language(
    nynorsk: Any, plan: Plan,
) -> None:
    client = Client()
    client.force_login(nynorsk.reader)

    html = client.get(reverse("reports:plan-report", args=[plan.pk])).content.decode()

    assert '<html lang="nn"' in html
    assert "<header>" in html and '<div lang=' not in html


def test_a_public_plans_report_is_in_the_kommunes_malform_for_visitors(
    nynorsk: Any, plan: Plan,
) -> None:
    response = Client().get(reverse("reports:plan-report", args=[plan.pk]))

    assert response["Content-Language"] == "nn"
    assert '<h2 id="sammendrag">Samandrag</h2>' in response.content.decode()


def test_a_public_round_report_is_in_the_kommunes_malform_for_visitors(
    nynorsk: Any, plan: Plan, django_capture_on_commit_callbacks: Any,
) -> None:
    snapshot = freeze(plan, nynorsk.admin, django_capture_on_commit_callbacks)
    url = reverse("rounds:public-report", args=[plan.pk, snapshot.pk])

    visitor = Client().get(url)
    switched = Client()
    switched.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english_page = switched.get(url).content.decode()

    assert visitor["Content-Language"] == "nn"
    assert '<html lang="nn"' in visitor.content.decode()
    assert '<html lang="en"' in english_page and '<div lang="nn">' in english_page
    assert '<h2 id="sammendrag">Samandrag</h2>' in english_page


# --- The report e-mail --------------------------------------------------------------------


def sent_subjects(world: Any, plan: Plan, smtp_sink: Any, capture: Any,
                  **subscription: Any) -> list[str]:
    services.create_subscription(actor=world.admin, plan=plan, email="leder@komite.no",
                                 frequency="tertial", starts_on=date(2026, 1, 1),
                                 **subscription)
    with capture(execute=True):
        services.send_due_reports(date(2026, 9, 1))
    return [email.message_from_bytes(envelope.original_content, policy=policy.default)[
        "Subject"] for envelope in smtp_sink.accepted]


def test_a_subscription_follows_the_kommunes_malform_by_default(
    nynorsk: Any, plan: Plan, smtp_sink: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    assert sent_subjects(nynorsk, plan, smtp_sink, django_capture_on_commit_callbacks) == [
        "Framdriftsrapport: Plan for rapport – Ærø – 2. tertial 2026"]


def test_a_subscriptions_own_language_stands(
    nynorsk: Any, plan: Plan, smtp_sink: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    subjects = sent_subjects(nynorsk, plan, smtp_sink, django_capture_on_commit_callbacks,
                             language="en")

    assert subjects == ["Progress report: Plan for rapport – Ærø – 2. tertial 2026"]
