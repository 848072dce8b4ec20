"""Server-rendered bar charts for the report: SVG (no JavaScript, readable in HTML and PDF)
and the same charts as PNG images for the Word document (Pillow).

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>``; the
description states every value in words (the text alternative), every bar carries its
value as text (colour is never the only cue), and the report prints the same numbers
in a table next to the chart.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from planportal.formatting import percent, tag_label

# Designsystemet-like colours with at least 3:1 contrast against white.
COLOURS = {
    "not_started": "#68707c",
    "in_progress": "#0062ba",
    "completed": "#1a7d39",
    "postponed": "#a15c00",
    "cancelled": "#8b3b8a",
    "carried_over": "#4b5563",
    "average": "#0062ba",
    "completed_share": "#1a7d39",
}
FONT = "font-family=\"'DejaVu Sans', 'Liberation Sans', Arial, sans-serif\""


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str
    text: str  # the value as shown beside the bar


def _shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _percent(value: float | None) -> str:
    return percent(value)


def _svg(chart_id: str, title: str, description: str, body: list[str], width: int,
         height: int) -> SafeString:
    # Every piece of text below is escaped; the markup is ours.
    return mark_safe(  # noqa: S308
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="report-chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" {FONT} font-size="12">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(chart_id: str, title: str, description: str, groups: list[tuple[str, list[Bar]]],
              maximum: float, legend: list[tuple[str, str]] | None = None) -> SafeString:
    """Horizontal bars, one group per row label, scaled to *maximum*."""
    label_width, bar_space, value_width, bar_height = 230, 300, 80, 16
    width = label_width + bar_space + value_width
    y = 10
    body: list[str] = []
    if legend:
        x = label_width
        for text, colour in legend:
            body.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>'
                        f'<text x="{x + 16}" y="{y + 10}">{escape(text)}</text>')
            x += 30 + 7 * len(text)
        y += 24
    # The axis: 0 and the maximum, so bar lengths can be read against something.
    axis_top = y
    for group_label, bars in groups:
        body.append(f'<text x="{label_width - 8}" y="{y + bar_height - 3}" '
                    f'text-anchor="end">{escape(_shorten(group_label))}</text>')
        for bar in bars:
            length = 0 if maximum <= 0 else round(bar_space * max(bar.value, 0) / maximum, 1)
            body.append(
                f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
                f'fill="{bar.colour}"><title>{escape(bar.label)}: {escape(bar.text)}</title>'
                f'</rect>'
                f'<text x="{label_width + length + 4}" y="{y + bar_height - 3}">'
                f'{escape(bar.text)}</text>'
            )
            y += bar_height + 2
        y += 8
    body.append(f'<line x1="{label_width}" y1="{axis_top - 2}" x2="{label_width}" y2="{y}" '
                f'stroke="#1e2b3c" stroke-width="1"/>')
    return _svg(chart_id, title, description, body, width, y + 4)


@dataclass(frozen=True)
class Chart:
    """What a chart shows, whatever it is drawn as: its text alternative is *description*."""

    title: str
    description: str
    groups: list[tuple[str, list[Bar]]]
    maximum: float
    legend: list[tuple[str, str]] | None = None


def progress_chart_data(focus_areas: list[dict], plan_level: dict | None = None) -> Chart:
    """Average progress and share completed, per focus area (0–100 %); the plan-wide
    tiltak (*plan_level*, the report's figures of them) first, when there are any."""
    title = _("Progress per focus area")
    average, share = _("Average progress"), _("Completed")
    groups, sentences = [], []
    rows = [(f"{area['code']} {area['title']}".strip(), area) for area in focus_areas]
    if isinstance(plan_level, dict) and plan_level.get("total"):
        rows.insert(0, (_("Applies to the whole plan"), plan_level))
    for label, area in rows:
        groups.append((label, [
            Bar(average, area["average_progress"] or 0, COLOURS["average"],
                _percent(area["average_progress"])),
            Bar(share, area["completed_percent"] or 0, COLOURS["completed_share"],
                _percent(area["completed_percent"])),
        ]))
        sentences.append(
            _("%(area)s: average progress %(average)s, %(completed)s completed.") % {
                "area": label, "average": _percent(area["average_progress"]),
                "completed": _percent(area["completed_percent"]),
            }
        )
    description = " ".join(sentences) or _("The report has no focus areas.")
    return Chart(title, description, groups, 100,
                 legend=[(average, COLOURS["average"]), (share, COLOURS["completed_share"])])


def status_chart_data(by_status: dict[str, int], labels: dict[str, str]) -> Chart:
    """Number of actions in each status, in the labels' order (a status the labels do not
    know is left out)."""
    # The labels' order, not by_status's: a frozen report's data comes back from a
    # PostgreSQL jsonb column with its keys sorted by length.
    counts = {status: by_status[status] for status in labels if status in by_status}
    title = _("Actions by status")
    total = sum(counts.values())
    # The bars are labelled as the tags are ("Pågår"); the sentence keeps the lower case.
    groups = [
        (tag_label(labels[status]), [Bar(tag_label(labels[status]), count,
                                         COLOURS.get(status, "#4b5563"), str(count))])
        for status, count in counts.items()
    ]
    description = _("%(total)s actions: %(parts)s.") % {
        "total": total,
        "parts": ", ".join(f"{labels[s]} {n}" for s, n in counts.items()),
    }
    return Chart(title, description, groups, max(counts.values() or [0]) or 1)


def _chart_svg(chart: Chart, chart_id: str, alt_in_title: bool = False) -> SafeString:
    # A tagged PDF takes a figure's alternative text (/Alt) from the SVG's <title> alone
    # (WeasyPrint reads no <desc>): there the title carries every value in words too.
    title = f"{chart.title}. {chart.description}" if alt_in_title else chart.title
    return bar_chart(chart_id, title, chart.description, chart.groups, chart.maximum,
                     legend=chart.legend)


def progress_chart(focus_areas: list[dict], chart_id: str = "chart-progress",
                   alt_in_title: bool = False, plan_level: dict | None = None) -> SafeString:
    """Average progress and share completed, per focus area (and the plan-wide tiltak),
    as SVG (*alt_in_title*: the whole text alternative in its ``<title>``, for the PDF)."""
    return _chart_svg(progress_chart_data(focus_areas, plan_level), chart_id, alt_in_title)


def status_chart(by_status: dict[str, int], labels: dict[str, str],
                 chart_id: str = "chart-status", alt_in_title: bool = False) -> SafeString:
    """Number of actions in each status, as SVG (*alt_in_title* as for progress_chart)."""
    return _chart_svg(status_chart_data(by_status, labels), chart_id, alt_in_title)


def _font(size: int) -> Any:
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def chart_png(chart: Chart, scale: int = 2) -> bytes:
    """*chart* as a PNG image laid out like the SVG (title on top), *scale* times its size.

    The picture carries no text alternative itself: the Word document puts
    ``chart.description`` in the picture's description (alt text).
    """
    from PIL import Image, ImageDraw

    label_width, bar_space, value_width, bar_height = 230, 300, 80, 16
    width = label_width + bar_space + value_width
    rows = sum(len(bars) * (bar_height + 2) + 8 for _label, bars in chart.groups)
    height = 30 + (24 if chart.legend else 0) + rows + 6
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw = ImageDraw.Draw(image)
    font, bold = _font(12 * scale), _font(13 * scale)

    def at(x: float, y: float) -> tuple[float, float]:
        return x * scale, y * scale

    draw.text(at(4, 6), chart.title, fill="#1e2b3c", font=bold)
    y = 30
    if chart.legend:
        x = label_width
        for text, colour in chart.legend:
            draw.rectangle([at(x, y), at(x + 12, y + 12)], fill=colour)
            draw.text(at(x + 16, y + 6), text, fill="#1e2b3c", font=font, anchor="lm")
            x += 30 + 7 * len(text)
        y += 24
    axis_top = y
    for group_label, bars in chart.groups:
        draw.text(at(label_width - 8, y + bar_height / 2), _shorten(group_label),
                  fill="#1e2b3c", font=font, anchor="rm")
        for bar in bars:
            length = 0 if chart.maximum <= 0 else bar_space * max(bar.value, 0) / chart.maximum
            if length > 0:
                draw.rectangle([at(label_width, y), at(label_width + length, y + bar_height)],
                               fill=bar.colour)
            draw.text(at(label_width + length + 4, y + bar_height / 2), bar.text,
                      fill="#1e2b3c", font=font, anchor="lm")
            y += bar_height + 2
        y += 8
    draw.line([at(label_width, axis_top - 2), at(label_width, y)], fill="#1e2b3c",
              width=scale)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
