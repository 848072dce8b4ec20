"""CSV: Norwegian Excel writes ``;`` and cp1252 or UTF-8 with a BOM; all are accepted."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from strategies.importing.tables import RawRow, RawTable, UnreadableFile


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


def read(content: bytes) -> list[RawTable]:
    """The whole file as one table."""
    text = decode(content)
    # The header line decides the delimiter: it rarely holds quotes or commas of its own.
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(_("The CSV file cannot be read: %(error)s") % {"error": exc}) \
            from None
    table = RawTable(label=_("CSV file"))
    table.rows = [RawRow(number=n, cells=cells) for n, cells in enumerate(rows, start=1)]
    return [table]
