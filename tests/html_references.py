"""Ids an HTML page refers to (aria-describedby, aria-labelledby, <label for>) that the
page does not have: a hint or a label a screen reader is promised but never finds; and ids
the page has twice, where such a reference (or a link to a field) finds the wrong one."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

#: Attributes that name other elements by id, space separated.
REFERRING = ("aria-describedby", "aria-labelledby", "for")
#: Made by the Django admin's DateTimeShortcuts.js, only when the browser's time zone
#: differs from the server's: never in the HTML itself.
MADE_BY_SCRIPT = "_timezone_warning_helptext"


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.twice: list[str] = []
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                if value in self.ids:
                    self.twice.append(value)
                self.ids.add(value)
            elif name in REFERRING and value and (name != "for" or tag == "label"):
                self.refs += [(tag, name, ref) for ref in value.split()]

    handle_startendtag = handle_starttag


def _parsed(page: str) -> _References:
    parser = _References()
    parser.feed(page)
    parser.close()
    return parser


def dangling_references(page: str) -> list[str]:
    """``<tag attr="id">`` for every referred id the page lacks, in page order."""
    parser = _parsed(page)
    return [f'<{tag} {name}="{ref}">' for tag, name, ref in parser.refs
            if ref not in parser.ids and not ref.endswith(MADE_BY_SCRIPT)]


def is_html(response: Any) -> bool:
    """A whole HTML page in memory (not a streamed file)."""
    return "text/html" in response.get("Content-Type", "") and not response.streaming


def duplicate_ids(page: str) -> list[str]:
    """Every id the page has more than once (named once per repeat), in page order."""
    return _parsed(page).twice


class _Tables(HTMLParser):
    """Counts the tables outside a ``{% tablescroll %}`` container (divs tracked alone:
    a div is never a void element, so their nesting is exact)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.divs = 0
        self.scrollers: list[int] = []
        self.outside: list[str] = []
        self._caption: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div":
            self.divs += 1
            if ("table-scroll" in (found.get("class") or "").split()
                    and found.get("tabindex") == "0" and found.get("aria-label")):
                self.scrollers.append(self.divs)
        elif tag == "table" and not self.scrollers:
            self.outside.append("?")
            self._caption = ""

    def handle_data(self, data: str) -> None:
        if self._caption is not None and self.outside:
            self.outside[-1] = (self._caption + data).strip()[:60] or "?"
            self._caption = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            if self.scrollers and self.scrollers[-1] == self.divs:
                self.scrollers.pop()
            self.divs -= 1


def tables_outside_scroll_containers(page: str) -> list[str]:
    """The start of each data table that is not in a named, focusable scroll container: on
    a narrow screen it would widen the page (WCAG 1.4.10)."""
    parser = _Tables()
    parser.feed(page)
    parser.close()
    return parser.outside
