"""CSV: Norwegian Excel writes ``;`` and cp1252 or UTF-8 with a BOM; all are accepted."""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _

from actions.importing.tables import RawRow, RawTable, UnreadableFile

NOT_SPACE = re.compile(r"\S")


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1252."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableFile(_("The CSV file's text encoding is not UTF-8 or "
                                   "Windows-1252.")) from None


def first_line(text: str) -> str:
    """The first line that is not blank, found in linear time.

    A pattern matching the whole line backtracks over a long line of blanks (seconds
    for 20,000 spaces, hours for 10 MB); one search for a non-blank character cannot.
    """
    found = NOT_SPACE.search(text)
    if found is None:
        return ""
    start = max(text.rfind("\n", 0, found.start()), text.rfind("\r", 0, found.start())) + 1
    ends = [i for i in (text.find("\n", found.start()), text.find("\r", found.start()))
            if i >= 0]
    return text[start:min(ends, default=len(text))]


def read(content: bytes) -> list[RawTable]:
    """The whole file as one table; stops at the first row past ``PLAN_IMPORT_MAX_ROWS``."""
    from actions.importing.readers import max_rows, too_many_rows

    text = decode(content)
    # The header line decides the delimiter: it rarely holds quotes or commas of its own.
    # (Found in place: a StringIO of the whole text would cost four bytes per character.)
    first = first_line(text)
    delimiter = max(";,\t", key=first.count)
    table = RawTable(label=_("CSV file"))
    limit = max_rows()
    try:
        # Streamed: a file of half a million short rows never becomes half a million rows.
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""),
                                                  delimiter=delimiter), start=1):
            if number > limit:
                raise too_many_rows()
            table.rows.append(RawRow(number=number, cells=cells))
    except csv.Error as exc:
        raise UnreadableFile(_("The CSV file cannot be read: %(error)s") % {"error": exc}) \
            from None
    return [table]
