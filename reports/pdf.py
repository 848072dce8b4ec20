"""Report data → A4 PDF (WeasyPrint): cover, table of contents, page numbers, Bokmål."""

from __future__ import annotations

import io
import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from reports.rendering import report_context

_FONT_CONFIG: Any = None
# WeasyPrint logs every layout step at INFO; only its warnings (e.g. bad CSS) matter here.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_report_html_for_pdf(data: dict[str, Any], period_label: str,
                               language: str = "nb") -> str:
    """The print HTML the PDF is made from (Bokmål unless told otherwise)."""
    with translation.override(language):
        # A committee document: capped lists (most overdue and highest risk first), compact
        # goal rows; the full action listing only when *data* holds the actions.
        context = report_context(data, chart_prefix="pdf", medium="pdf")
        context["period_label"] = period_label
        return render_to_string("reports/plan_report_pdf.html", context)


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Lay out *html* with WeasyPrint: the PDF bytes and the number of pages."""
    global _FONT_CONFIG
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    # Tagged (PDF/UA-style structure: headings, tables, lists, the document's language), so
    # screen readers can read a report a kommune publishes (uu-tilsynet covers documents).
    document = HTML(string=html, encoding="utf-8").render(font_config=_FONT_CONFIG,
                                                          pdf_tags=True)
    buffer = io.BytesIO()
    document.write_pdf(buffer, pdf_tags=True)
    return buffer.getvalue(), len(document.pages)


def render_report_pdf(data: dict[str, Any], period_label: str, language: str = "nb") -> bytes:
    """The whole report as PDF bytes."""
    return html_to_pdf(render_report_html_for_pdf(data, period_label, language))[0]
