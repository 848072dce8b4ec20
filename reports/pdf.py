"""Report data → A4 PDF (WeasyPrint): cover, table of contents, page numbers, tagged
PDF/UA-1 in the document's language."""

from __future__ import annotations

import gc
import io
import logging
import re
from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from planportal.formatting import table_date
from reports.rendering import report_context

_FONT_CONFIG: Any = None
_USER_AGENT_SHEET: Any = None
_HTML_CLASS: Any = None
# WeasyPrint logs every layout step at INFO; only its warnings (e.g. bad CSS) matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

#: Tagged PDF for universal design (uu-tilsynet covers the documents a kommune publishes):
#: structure tree, /Lang, /Title shown as the window title, PDF/UA-1 in the XMP metadata.
PDF_VARIANT = "pdf/ua-1"

# "3,9 %": a number and its per cent sign never part at a line end, in the running text
# as in the tables and in the kommune's own text too (a no-break space between them).
_NUMBER_AND_UNIT = re.compile(r"(?<=\d) (?=%)")


def as_of_label(data: dict[str, Any]) -> str:
    """"Per 30.06.2027": the period of a report made for a day, in the active language."""
    as_of = date.fromisoformat(data["as_of"])
    return _("As of %(date)s") % {"date": table_date(as_of)}


def render_report_html_for_pdf(data: dict[str, Any], period_label: str | None = None,
                               language: str | None = None) -> str:
    """The print HTML the PDF is made from, wholly in *language* (default: the active
    language, which the caller sets to the document's). Without *period_label* the
    period is the report's date ("Per 30.06.2027"), in that language too."""
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        # A committee document: capped lists (most overdue and highest risk first), compact
        # goal rows; the full action listing only when *data* holds the actions.
        context = report_context(data, chart_prefix="pdf", medium="pdf")
        context["period_label"] = period_label or as_of_label(data)
        html = render_to_string("reports/plan_report_pdf.html", context)
    return _NUMBER_AND_UNIT.sub("\u00a0", html)


def _user_agent_sheet() -> Any:
    """WeasyPrint's user-agent stylesheet without the rules that give *every* element
    six pseudo-elements (``::marker`` and the five of footnotes and notes).

    Each of them gets a computed style per element: in a listing of 5,000 tiltak that is
    300,000 styles, half the memory of the render and a fifth of its time. Here only a
    list item has a marker (as ``display: list-item`` needs), and none of our documents
    has footnotes (``float: footnote``). Should WeasyPrint's sheet change so that the
    rules are not found, its own sheet is used unchanged (tests/reports/test_pdf_cost.py
    notices)."""
    global _USER_AGENT_SHEET
    if _USER_AGENT_SHEET is None:
        from weasyprint import CSS
        from weasyprint.css.counters import CounterStyle
        from weasyprint.html import UA, UA_STYLESHEET

        sheet, markers = re.subn(r"\n::marker \{", "\nli::marker {", UA)
        sheet, notes = _NOTE_RULES.subn("", sheet)
        # Its @counter-style rules are WeasyPrint's own, already known to every document
        # (a fresh store here: registering them twice is refused with a warning).
        _USER_AGENT_SHEET = (CSS(string=sheet, counter_style=CounterStyle())
                             if (markers, notes) == (1, 5) else UA_STYLESHEET)
    return _USER_AGENT_SHEET


_NOTE_RULES = re.compile(r"\n::(?:footnote|note)-[a-z]+ \{[^}]*\}")


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf's ``PDF.page_references``, made once per number of pages: pydyf builds the
    tuple of every page anew on each read, and WeasyPrint's tagging reads it once per
    structure element (100,000 reads of 120 pages for the full listing: 5 s)."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_planportal_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_planportal_page_references"] = cached
    return cached[1]


def _patch_pydyf() -> None:
    import pydyf

    if isinstance(pydyf.PDF.__dict__.get("page_references"), property) and (
            pydyf.PDF.page_references.fget is not _page_references):
        pydyf.PDF.page_references = property(_page_references)


def _html_class() -> Any:
    """WeasyPrint's ``HTML`` with the lighter user-agent stylesheet (made once)."""
    global _HTML_CLASS
    if _HTML_CLASS is None:
        from weasyprint import HTML

        class ReportHTML(HTML):
            """A report's print HTML (see :func:`_user_agent_sheet`)."""

            def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
                return [_user_agent_sheet(), *super()._ua_stylesheets(forms)[1:]]

        _HTML_CLASS = ReportHTML
    return _HTML_CLASS


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Lay out *html* with WeasyPrint: the PDF bytes and the number of pages."""
    global _FONT_CONFIG
    from weasyprint.text.fonts import FontConfiguration

    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    _patch_pydyf()
    # WeasyPrint makes millions of objects that live until the PDF is written, and the
    # cyclic garbage collector walks them all again and again: a quarter of the time of
    # the full listing. Reference counting still frees what the render drops; the few
    # cycles wait for the collector's next run after it (16 MB for 5,000 tiltak).
    enabled = gc.isenabled()
    gc.disable()
    try:
        document = _html_class()(string=html, encoding="utf-8").render(
            font_config=_FONT_CONFIG, pdf_variant=PDF_VARIANT)
        buffer = io.BytesIO()
        document.write_pdf(buffer, pdf_variant=PDF_VARIANT)
    finally:
        if enabled:
            gc.enable()
    return buffer.getvalue(), len(document.pages)


def render_report_pdf(data: dict[str, Any], period_label: str | None = None,
                      language: str | None = None) -> bytes:
    """The whole report as PDF bytes (see :func:`render_report_html_for_pdf`)."""
    return html_to_pdf(render_report_html_for_pdf(data, period_label, language))[0]
