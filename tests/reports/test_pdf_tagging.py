"""Every PDF Planportal makes is tagged PDF/UA-1 in one language, and its tables hold their
text: the report on demand and its full listing, a frozen report, a round's report and
the public round report; each read here as a screen reader and a committee member would.

The interface is English in these tests and the document Bokmål: the kommune's language
decides the document's, never the reader's ("As of" leaked into Bokmål reports).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from itertools import pairwise
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from actions import rounds
from actions.models import ReportingReturn
from reports import services
from reports.models import ReportSnapshot
from reports.pdf import render_report_html_for_pdf, render_report_pdf
from reports.progress import compute_progress
from reports.rendering import clean_text
from reports.round_services import close_round
from tests.factories import ActionFactory, FocusAreaFactory, GoalFactory, PlanFactory
from tests.reports.conftest import AS_OF, SINCE, ReportPlan, build_report_plan, post
from tests.reports.round_report_data import round_data

pytestmark = pytest.mark.django_db

QUERY = f"?as_of={AS_OF}&since={SINCE}"


def english_client(user: Any = None) -> Client:
    """A browser whose interface language is English (the language switch's cookie)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def content_of(response: Any) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content) if response.streaming else response.content


def structure(reader: PdfReader) -> list[dict[str, Any]]:
    """The structure elements of the tagged PDF in reading order: type and alt text."""
    found: list[dict[str, Any]] = []

    def walk(node: Any, depth: int = 0) -> None:
        node = node.get_object()
        if depth > 60 or not isinstance(node, dict):
            return
        if "/S" in node:
            found.append({"type": str(node["/S"])[1:], "alt": str(node.get("/Alt") or "")})
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                walk(kid, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def assert_tagged(content: bytes, language: str, title: str) -> PdfReader:
    """*content* is a tagged PDF/UA-1 document in *language* whose title names *title*,
    with its headings, tables and charts tagged as such."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == language
    assert title in str(reader.metadata["/Title"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # the title, not the file name
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp and b'"1"' in xmp.split(b"pdfuaid:part", 1)[1][:5]
    elements = structure(reader)
    kinds = {element["type"] for element in elements}
    assert {"Table", "TH", "TD", "Caption"} <= kinds
    levels = [int(e["type"][1]) for e in elements if re.fullmatch(r"H[1-6]", e["type"])]
    assert levels[0] == 1 and levels.count(1) == 1  # the plan's title, once
    assert all(b <= a + 1 for a, b in pairwise(levels)), levels  # no level skipped
    figures = [e for e in elements if e["type"] == "Figure"]
    assert len(figures) == 2  # the two charts
    # The alternative text gives the values, not just the chart's name.
    assert "1 Helse og mestring" in figures[0]["alt"] and "%" in figures[0]["alt"]
    status_alt = figures[1]["alt"]
    assert re.search(r"\d+ tiltak: ikk(e startet|je starta) \d+", status_alt), status_alt
    return reader


# --- Every kind of PDF ---------------------------------------------------------------------


def test_the_report_on_demand_is_tagged_and_bokmal_for_an_english_reader(
        world: Any, report_plan: ReportPlan, today: Any) -> None:
    url = reverse("reports:plan-report-pdf", args=[report_plan.plan.pk])
    content = content_of(english_client(world.admin).get(url + QUERY))
    reader = assert_tagged(content, "nb", "Fremdriftsrapport: Plan for rapport – Ærø")
    text = text_of(reader)
    assert "As of" not in text and "As of" not in str(reader.metadata["/Title"])
    assert "Per 31.08.2026" in text  # the cover, every page's header and the title
    assert "Side 2 av" in text


def test_the_full_listing_is_tagged_and_bokmal_for_an_english_reader(
        world: Any, report_plan: ReportPlan, today: Any) -> None:
    url = reverse("reports:plan-report-pdf", args=[report_plan.plan.pk])
    content = content_of(english_client(world.admin).get(url + QUERY + "&actions=all"))
    reader = assert_tagged(content, "nb", "Plan for rapport – Ærø")
    text = text_of(reader)
    assert "Alle tiltak" in text and "As of" not in text


def test_a_frozen_report_is_tagged_and_bokmal_whoever_froze_it(
        world: Any, report_plan: ReportPlan, today: Any) -> None:
    with translation.override("en"):  # frozen by someone reading English
        snapshot = services.create_snapshot(actor=world.admin, plan=report_plan.plan,
                                            frequency="custom", as_of=AS_OF)
    # As a report frozen before målform was: its label stored in its freezer's language.
    ReportSnapshot.objects.filter(pk=snapshot.pk).update(period_label="As of 31.08.2026")
    with translation.override("en"):  # a worker with English active
        services.render_snapshot_pdf(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.READY, snapshot.last_error
    url = reverse("reports:snapshot-download", args=[report_plan.plan.pk, snapshot.pk, "pdf"])
    reader = assert_tagged(content_of(english_client(world.admin).get(url)), "nb",
                           "Plan for rapport – Ærø – Per 31.08.2026")
    assert "As of" not in text_of(reader)


@pytest.fixture
def round_snapshot(world: Any, today: Any) -> ReportSnapshot:
    """The 2nd tertial's round of a public plan, opened, reported and closed by people
    reading English, its PDF rendered by a worker with English active."""
    public = build_report_plan(world, public=True)
    with translation.override("en"):
        round_ = rounds.open_round(actor=world.admin, organization=world.org,
                                   frequency="tertial", period_key="2026-T2",
                                   deadline=date(2026, 9, 15), plans=[public.plan])
        ret = ReportingReturn.objects.get(round=round_, action=public.actions["1.1.1"])
        rounds.submit_return(actor=world.unit_manager, ret=ret, expected_version=ret.version,
                             status="in_progress", progress=70, risk="at_risk",
                             done="Kartlagt behovet.", next_steps="Søke tilskudd.")
        rounds.approve_return(actor=world.sector_leader, ret=ret,
                              expected_version=ret.version)
        round_.refresh_from_db()
        [snapshot] = close_round(actor=world.admin, round=round_,
                                 expected_version=round_.version, today=date(2026, 9, 20),
                                 case_number="2026/1234", committee="Helseutvalget",
                                 meeting_date=date(2026, 10, 15))
        services.render_snapshot_pdf(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.READY, snapshot.last_error
    return snapshot


def test_a_rounds_report_is_tagged_and_bokmal(world: Any, round_snapshot: ReportSnapshot
                                              ) -> None:
    url = reverse("rounds:download", args=[round_snapshot.round_id, "pdf"])
    reader = assert_tagged(content_of(english_client(world.admin).get(url)), "nb",
                           "2. tertial 2026")
    text = text_of(reader)
    assert "Rapporteringsrunde 2. tertial 2026" in text and "Rapporter fra tiltakene" in text
    assert "As of" not in text and "Reporting round" not in text


def test_the_public_round_report_is_tagged_and_bokmal(round_snapshot: ReportSnapshot) -> None:
    url = reverse("rounds:public-report-pdf",
                  args=[round_snapshot.plan_id, round_snapshot.pk])
    reader = assert_tagged(content_of(english_client().get(url)), "nb", "2. tertial 2026")
    assert "Saken" in text_of(reader)


# --- The document's language -----------------------------------------------------------------


@pytest.fixture
def data(report_plan: ReportPlan, today: Any) -> dict[str, Any]:
    return compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_lang_is_the_active_language(data: dict[str, Any], language: str) -> None:
    with translation.override(language):
        content = render_report_pdf(data)
    root = PdfReader(io.BytesIO(content)).trailer["/Root"]
    assert str(root["/Lang"]) == language


def test_an_explicit_language_wins_over_the_active_one(data: dict[str, Any]) -> None:
    with translation.override("en"):
        html = render_report_html_for_pdf(data, language="nb")
    assert '<html lang="nb">' in html and "Per 31.08.2026" in html and "As of" not in html


class _Texts(HTMLParser):
    """What a document shows: its text, the strings of its running headers and footers
    (CSS ``content``) and its title, each trimmed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.texts.update(re.findall(r'content: "([^"]+)"', data))
        elif data.strip():
            self.texts.add(" ".join(data.split()))


def shown_texts(html: str) -> set[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, str):
        # As the document shows it: control characters dropped, one paragraph per line.
        yield from (line.strip() for line in clean_text(value).splitlines() if line.strip())


def template_texts_in_both(data: dict[str, Any], language: str) -> set[str]:
    """Texts shown the same in the English document and the one in *language* once the
    plan's own words (titles, names, comments) are taken out: English left in it."""
    english = shown_texts(render_report_html_for_pdf(data, "2. tertial 2026", language="en"))
    norwegian = shown_texts(render_report_html_for_pdf(data, "2. tertial 2026",
                                                       language=language))
    own = sorted({*strings_in(data), "2. tertial 2026"}, key=len, reverse=True)
    same_in_both = {"Status"}  # the same word in either language

    def shortened(part: str) -> bool:
        return part.endswith("…") and any(s.startswith(part[:-1].rstrip()) for s in own)

    def ours(text: str) -> str:
        # The listing shortens long texts, one or each of a cell's parts ("unit · pers…").
        text = " · ".join(part for part in text.split(" · ") if not shortened(part))
        for string in own:
            text = text.replace(string, " ")
        text = re.sub(r"https?://\S+", " ", text)  # a link (the round's page) is no language
        return " ".join(text.split())

    return {text for text in english & norwegian
            if re.search(r"[A-Za-z]{2}", ours(text)) and ours(text) not in same_in_both}


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_no_text_of_the_committee_report_stays_english(
        report_plan: ReportPlan, today: Any, language: str) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, include_changes=True)
    assert template_texts_in_both(data, language) == set()


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_no_text_of_the_full_listing_stays_english(
        report_plan: ReportPlan, today: Any, language: str) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, include_actions=True)
    assert template_texts_in_both(data, language) == set()


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_no_text_of_a_rounds_report_stays_english(
        report_plan: ReportPlan, today: Any, language: str) -> None:
    assert template_texts_in_both(round_data(report_plan), language) == set()


def test_a_nynorsk_kommunes_report_is_tagged_nynorsk_for_an_english_reader(
        world: Any, report_plan: ReportPlan, today: Any) -> None:
    world.org.language = "nn"
    world.org.save()
    url = reverse("reports:plan-report-pdf", args=[report_plan.plan.pk])
    content = content_of(english_client(world.admin).get(url + QUERY))
    reader = assert_tagged(content, "nn", "Framdriftsrapport: Plan for rapport – Ærø")
    assert "As of" not in text_of(reader)


def test_a_frozen_rounds_labels_are_made_again_in_the_documents_language(
        world: Any, round_snapshot: ReportSnapshot) -> None:
    # As if the round had been opened by someone reading English: its stored labels say so.
    data = {**round_snapshot.data, "round": {**round_snapshot.data["round"],
                                              "period_label": "Tertial two 2026"}}
    round_snapshot.period_label = "Tertial two 2026"
    round_snapshot.data = data
    with translation.override("nb"):
        document = services.document_data(round_snapshot)
        label = services.document_period_label(round_snapshot)
    assert document["round"]["period_label"] == label == "2. tertial 2026"


# --- Tables ----------------------------------------------------------------------------------


def laid_out_text(html: str) -> Iterator[tuple[Any, Any, Any]]:
    """Every piece of laid-out text with the table cell it is in (None outside tables)
    and its page box, as WeasyPrint places them."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    document = HTML(string=html).render()

    def walk(box: Any, cell: Any, page: Any) -> Iterator[tuple[Any, Any, Any]]:
        if isinstance(box, boxes.TableCellBox):
            cell = box
        if isinstance(box, boxes.TextBox):
            yield box, cell, page
        for child in getattr(box, "children", ()):
            yield from walk(child, cell, page)

    for page in document.pages:
        yield from walk(page._page_box, None, page._page_box)


@pytest.fixture
def long_words(world: Any, today: Any) -> dict[str, Any]:
    """Long Norwegian words in narrow columns, numbers with units, a long comment, as in
    a kommune's real plan (Rendalen's): the report lists the tiltak as overdue."""
    world.home_care.name = "Hjemmetjenesten og hjemmesykepleien"
    world.home_care.save()
    world.unit_manager.first_name, world.unit_manager.last_name = "Kari", "Løvås"
    world.unit_manager.save()
    plan = PlanFactory(organization=world.org, title="Helse- og omsorgsplan")
    goal = GoalFactory(focus_area=FocusAreaFactory(plan=plan, code="1", title="Demens"),
                       code="1.1", title="Gjennomsnittlig ventetid skal ned")
    for order in (10, 20, 30):  # orders with gaps, as the admin leaves them
        action = ActionFactory(
            goal=goal, code="", order=order, due_date=date(2026, 6, 30),
            title="Opprettholde opplæring til servicenæringen, lag og foreninger",
            responsible_unit=world.home_care, responsible_person=world.unit_manager)
    post(action, "07-15", "in_progress", 39, "at_risk",
         "Rapportert for 2. tertial 2026: kursene er holdt, men ventelisten er lang og "
         "kapasiteten i hukommelsesteamet er presset.")
    data = compute_progress(plan, as_of=AS_OF, since=SINCE)
    return {"data": data, "html": render_report_html_for_pdf(data, "2. tertial 2026"),
            "action": action}


def test_no_table_text_runs_into_its_neighbour_or_past_the_margin(
        long_words: dict[str, Any]) -> None:
    overflowing = []
    for text, cell, page in laid_out_text(long_words["html"]):
        right = text.position_x + text.width
        page_right = page.content_box_x() + page.width
        if right > page_right + 0.5:
            overflowing.append(("past the margin", text.text))
        clipped = cell is not None and cell.style["overflow"] == "hidden"  # the listing
        if cell is not None and not clipped and right > cell.content_box_x() + cell.width + 0.5:
            overflowing.append(("out of its cell", text.text))
    assert overflowing == []


def test_a_number_never_parts_from_its_unit(long_words: dict[str, Any]) -> None:
    # In the summary's sentences as in the tables, "39 %" is held by a no-break space
    # ("Gjennomsnittlig fremdrift er 2,1 / %" in Rendalen's report).
    assert re.findall(r"\d %", long_words["html"]) == []
    assert "39\u00a0%" in long_words["html"]
    parted = [text.text for text, _cell, _page in laid_out_text(long_words["html"])
              if text.text.lstrip().startswith("%")]
    assert parted == []


def test_the_comment_column_is_wide_enough_to_read(long_words: dict[str, Any]) -> None:
    comment = long_words["action"].status_updates.first().comment
    cells = {id(cell): cell for text, cell, _page in laid_out_text(long_words["html"])
             if cell is not None and len(text.text.strip()) > 3 and text.text.strip() in comment}
    # Not a word or two a line: 25 mm at least (it had 19 mm, "Rapportert / for 3. / tertial").
    assert cells and all(cell.width >= 25 / 25.4 * 96 for cell in cells.values())


def test_the_nr_column_holds_the_tiltaks_number(long_words: dict[str, Any]) -> None:
    # Three tiltak without a code under goal 1.1 (orders 10, 20, 30): numbered by place.
    rows = long_words["data"]["overdue"]
    assert [row["code"] for row in rows] == ["", "", ""]
    assert [row["number"] for row in rows] == ["1.1.1", "1.1.2", "1.1.3"]
    cells = re.findall(r"<tr><td>([^<]*)</td><td>Opprettholde", long_words["html"])
    assert cells[:3] == ["1.1.1", "1.1.2", "1.1.3"]


def test_a_tiltak_keeps_its_number_in_a_report_narrowed_to_a_unit(
        world: Any, report_plan: ReportPlan, today: Any) -> None:
    for action in report_plan.actions.values():
        action.code = ""
        action.save()
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE, unit=world.school)
    numbers = {row["title"]: row["number"] for row in data["overdue"]}
    # 2.1.2 is the second of goal 2.1's tiltak, whichever of them the unit has.
    assert numbers == {"Tiltak 2.1.2 – øving": "2.1.2"}
    updates = {row["action_title"]: row["action_number"]
               for row in data["since_previous"]["status_updates"]}
    assert updates["Tiltak 1.2.3 – øving"] == "1.2.3"


def test_an_own_code_is_the_number(report_plan: ReportPlan, today: Any) -> None:
    data = compute_progress(report_plan.plan, as_of=AS_OF, since=SINCE)
    assert {row["number"] for row in data["overdue"]} == {row["code"] for row in data["overdue"]}
