"""Report data → A4 PDF (WeasyPrint): cover, table of contents, page numbers, tagged
PDF/UA-1 in the document's language."""

from __future__ import annotations

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


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Lay out *html* with WeasyPrint: the PDF bytes and the number of pages."""
    global _FONT_CONFIG
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    document = HTML(string=html, encoding="utf-8").render(font_config=_FONT_CONFIG,
                                                          pdf_variant=PDF_VARIANT)
    buffer = io.BytesIO()
    document.write_pdf(buffer, pdf_variant=PDF_VARIANT)
    return buffer.getvalue(), len(document.pages)


def render_report_pdf(data: dict[str, Any], period_label: str | None = None,
                      language: str | None = None) -> bytes:
    """The whole report as PDF bytes (see :func:`render_report_html_for_pdf`)."""
    return html_to_pdf(render_report_html_for_pdf(data, period_label, language))[0]
