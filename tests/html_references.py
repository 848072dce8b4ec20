"""Ids an HTML page refers to (aria-describedby, aria-labelledby, <label for>) that the
page does not have: a hint or a label a screen reader is promised but never finds."""

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
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERRING and value and (name != "for" or tag == "label"):
                self.refs += [(tag, name, ref) for ref in value.split()]

    handle_startendtag = handle_starttag


def dangling_references(page: str) -> list[str]:
    """``<tag attr="id">`` for every referred id the page lacks, in page order."""
    parser = _References()
    parser.feed(page)
    parser.close()
    return [f'<{tag} {name}="{ref}">' for tag, name, ref in parser.refs
            if ref not in parser.ids and not ref.endswith(MADE_BY_SCRIPT)]


def is_html(response: Any) -> bool:
    """A whole HTML page in memory (not a streamed file)."""
    return "text/html" in response.get("Content-Type", "") and not response.streaming
