"""Template tags for the page layout that every app's pages share."""

from __future__ import annotations

import html
import re
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)


class TableScrollNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: Any) -> None:
        self.nodelist = nodelist
        self.label = label

    def render(self, context: template.Context) -> SafeString:
        inner = self.nodelist.render(context)
        # The report templates also make the PDF, where nothing scrolls.
        if context.get("medium") == "pdf":
            return mark_safe(inner)  # noqa: S308 - rendered by the template engine
        label = self.label.resolve(context) if self.label is not None else ""
        if not label:
            caption = _CAPTION.search(inner)
            label = html.unescape(" ".join(strip_tags(caption.group(1)).split())) if caption else ""
        if not label:
            return format_html('<div class="table-scroll" tabindex="0">{}</div>',
                               mark_safe(inner))  # noqa: S308 - rendered by the template engine
        return format_html(
            '<div class="table-scroll" tabindex="0" role="region" aria-label="{}">{}</div>',
            label, mark_safe(inner))  # noqa: S308 - rendered by the template engine


@register.tag
def tablescroll(parser: Parser, token: Token) -> TableScrollNode:
    """``{% tablescroll [label] %}<table>…</table>{% endtablescroll %}``: a data table in
    its own horizontal scroll container, so a narrow screen scrolls the table, never the
    page (WCAG 1.4.10). The container takes keyboard focus (a region that scrolls must be
    reachable without a mouse) and is named by *label*, else by the table's caption."""
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("tablescroll takes at most one argument, the label")
    label = parser.compile_filter(bits[1]) if len(bits) == 2 else None
    nodelist = parser.parse(("endtablescroll",))
    parser.delete_first_token()
    return TableScrollNode(nodelist, label)
