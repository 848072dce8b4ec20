"""The follow-up cycle in a real browser, with a real Celery worker and a real SMTP server:
the administrator opens a round; the unit manager is e-mailed, and reports from a phone;
the sector leader sends the return back, it is fixed and approved, and the sector is
assessed; the administrator closes the round with a case number; the politician
downloads the PDF and the Word document; an anonymous visitor reads the public report,
which holds only approved text."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from actions import rounds
from actions.models import ReportingReturn, ReportingRound
from actions.reminders.sweep import sweep_deadlines, sweep_notices
from reports.models import ReportSnapshot
from strategies.models import Plan
from tests.celery.conftest import wait_for
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import ActionFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIRST = "Vi har startet."
FIXED = "Rutinen for trygghetsalarm er tatt i bruk i alle fire soner."
NEXT = "Evaluere rutinen med brukerne i januar."
UNAPPROVED = "HEMMELIG UTKAST som ingen har godkjent"
COMMENT = "Skriv hvor mange soner som er ferdige."
ASSESSMENT = "Helse og omsorg følger planen; bemanningen er den største risikoen."


def messages_to(smtp: Any, address: str) -> list[Any]:
    return [message for recipients, message in smtp.accepted if address in recipients]


def plain_text(message: Any) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def person_page(browser: Any, live_server: Any, username: str | None, width: int = 1280) -> Any:
    """A browser of its own for one person (logged in unless *username* is None)."""
    context = browser.new_context(base_url=live_server.url, locale="nb-NO",
                                  viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    if username:
        log_in(page, username)
    return page


def review(page: Any, path: str, decision: str, comment: str = "") -> None:
    page.goto(path)
    page.get_by_label(decision).check()
    if comment:
        page.get_by_label("Kommentar til den som rapporterer").fill(comment)
    page.get_by_role("button", name="Lagre beslutningen").click()
    page.wait_for_load_state()


def test_a_reporting_round_from_the_request_to_the_committee_and_the_public(
    page: Any, browser: Any, live_server: Any, world: Any, start_worker: Any,
    smtp_server: Any, settings: Any,
) -> None:
    settings.REMINDER_SENDING_HOURS = (0, 24)
    Plan.objects.filter(pk=world.plan.pk).update(is_public=True)
    other = ActionFactory(goal=world.goal, responsible_unit=world.home_care,
                          title="Et annet tiltak")
    start_worker()
    today = timezone.localdate()
    manager_mail = world.unit_manager.email

    # The administrator opens the round for the second tertial.
    log_in(page, "admin1")
    page.goto("/rapportering/ny/")
    page.get_by_label("Periode", exact=True).fill("2026-T2")
    page.get_by_label("Rapporteringsfrist").fill((today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Åpne runden").click()
    page.wait_for_url(re.compile(r"/rapportering/\d+/$"))
    round_ = ReportingRound.objects.get()
    assert round_.period_key == "2026-T2" and round_.returns.count() == 2

    # A return nobody approves: its text must never reach a report.
    pending = ReportingReturn.objects.get(round=round_, action=other)
    rounds.submit_return(actor=world.unit_manager, ret=pending,
                         expected_version=pending.version, status="in_progress", progress=10,
                         done=UNAPPROVED)

    # The beat's daily sweep: the unit manager is asked to report, by e-mail.
    sweep_deadlines(today)
    wait_for(lambda: messages_to(smtp_server, manager_mail), 60, "no request e-mail")
    body = plain_text(messages_to(smtp_server, manager_mail)[0])
    link = re.search(r"https?://\S+/rapportering/\d+/rapporter/\d+/", body)
    assert link, body
    path = urlparse(link.group(0)).path
    ret = ReportingReturn.objects.get(round=round_, action=world.action)
    assert path == f"/rapportering/{round_.pk}/rapporter/{ret.pk}/"

    # The unit manager reports from a phone, 375 px wide.
    phone = person_page(browser, live_server, "enhetsleder1", width=375)
    phone.goto(path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone, "runde-rapport-mobil")
    phone.get_by_label("Status").select_option("in_progress")
    phone.get_by_label("Fremdrift (%)").fill("40")
    phone.get_by_label("Hva ble gjort i perioden").fill(FIRST)
    phone.get_by_label("Hva skjer videre").fill(NEXT)
    phone.get_by_role("button", name="Send inn").click()
    wait_for(lambda: ReportingReturn.objects.get(pk=ret.pk).state == "submitted", 20,
             "the return was not submitted")

    # The sector leader sends it back with a comment; the unit manager is told.
    leader = person_page(browser, live_server, "sektorleder1")
    leader.goto(f"/rapportering/{round_.pk}/")
    leader.get_by_role("link", name=world.action.title).first.click()
    leader.wait_for_url(f"**{path}")
    review(leader, path, "Send tilbake for endringer", COMMENT)
    assert ReportingReturn.objects.get(pk=ret.pk).state == "sent_back"
    sweep_notices(today)
    wait_for(lambda: any(COMMENT in plain_text(m) for m in messages_to(smtp_server, manager_mail)),
             60, "no e-mail saying the return was sent back")

    # Fixed and submitted again, from the phone.
    phone.goto(path)
    assert phone.get_by_text(COMMENT).is_visible()
    phone.get_by_label("Fremdrift (%)").fill("60")
    phone.get_by_label("Hva ble gjort i perioden").fill(FIXED)
    phone.get_by_role("button", name="Send inn").click()
    wait_for(lambda: ReportingReturn.objects.get(pk=ret.pk).state == "submitted", 20,
             "the fixed return was not submitted")

    # Approved, and the sector assessed.
    review(leader, path, "Godkjenn")
    assert ReportingReturn.objects.get(pk=ret.pk).state == "approved"
    leader.goto(f"/rapportering/{round_.pk}/vurdering/?unit={world.health.pk}")
    leader.get_by_label("Vurdering").fill(ASSESSMENT)
    leader.get_by_role("button", name="Lagre vurderingen").click()
    wait_for(lambda: round_.assessments.filter(text=ASSESSMENT).exists(), 20, "no assessment")

    # The administrator closes it, after the period, with the case facts.
    page.goto(f"/rapportering/{round_.pk}/lukk/")
    page.get_by_label("Saksnummer").fill("2026/1234")
    page.get_by_label("Utvalg").fill("Hovedutvalg for helse og omsorg")
    page.get_by_label("Møtedato").fill((today + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Lukk runden").click()
    wait_for(lambda: ReportingRound.objects.get(pk=round_.pk).state == "closed", 20,
             "the round was not closed")
    snapshot = wait_for(lambda: ReportSnapshot.objects.filter(
        round=round_, status=ReportSnapshot.Status.READY).first(), 90, "no PDF from the worker")

    # The politician downloads the PDF and the Word document.
    politician = person_page(browser, live_server, "politiker1")
    politician.goto(f"/rapportering/{round_.pk}/")
    documents = {}
    for fmt in ("pdf", "docx"):
        href = politician.locator(f"a[href*='rapport.{fmt}']").first.get_attribute("href")
        response = politician.request.get(href)
        assert response.status == 200, (fmt, response.text()[:300])
        documents[fmt] = response.body()
    from pypdf import PdfReader

    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(documents["pdf"])).pages)
    pdf_text = " ".join(pdf_text.split())
    for expected in ("2026/1234", FIXED, ASSESSMENT, "2. tertial 2026"):
        assert expected in pdf_text, expected
    assert UNAPPROVED not in pdf_text and FIRST not in pdf_text
    from docx import Document

    document = Document(io.BytesIO(documents["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings and document.tables
    docx_text = "\n".join([p.text for p in document.paragraphs]
                          + [cell.text for table in document.tables for row in table.rows
                             for cell in row.cells])
    assert FIXED in docx_text and "2026/1234" in docx_text and UNAPPROVED not in docx_text

    # Anyone reads the public report: approved text only, and no names.
    visitor = person_page(browser, live_server, None)
    visitor.goto(f"/offentlig/planer/{world.plan.pk}/")
    visitor.get_by_role("link", name=snapshot.period_label).first.click()
    visitor.wait_for_url(f"**/rapporter/{snapshot.pk}/")
    public = visitor.content()
    assert FIXED in public and ASSESSMENT in public
    assert UNAPPROVED not in public and world.unit_manager.last_name not in public
    assert_accessible(visitor, "offentlig-rapport")
