"""File readers: each turns one kind of file into :class:`RawTable` objects."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from actions.importing.package import check_package
from actions.importing.tables import RawTable, UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def max_bytes() -> int:
    """The largest file accepted (``PLAN_IMPORT_MAX_BYTES``, 10 MB unless set)."""
    return int(getattr(settings, "PLAN_IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def max_rows() -> int:
    """The most rows read from one file (``PLAN_IMPORT_MAX_ROWS``, 5 000 unless set)."""
    return int(getattr(settings, "PLAN_IMPORT_MAX_ROWS", 5000))


def too_many_rows() -> UnreadableFile:
    """The refusal of a file with more rows than ``PLAN_IMPORT_MAX_ROWS``.

    Readers stop at the first row past the limit, so the real count is never known.
    """
    return UnreadableFile(_("The file has more rows than the limit of %(limit)s.")
                          % {"limit": max_rows()})


def detect_kind(content: bytes, filename: str = "", size: int | None = None) -> str:
    """``docx``, ``xlsx``, ``csv`` or ``json``, from the bytes (the name only breaks ties).

    *size* is the file's real size when *content* was cut at the limit (an upload is
    read only up to one byte past it). A .docx or .xlsx package is checked entirely
    here (``package.check_package``): sizes, ratios, lying headers, DOCTYPEs.
    """
    size = len(content) if size is None else max(size, len(content))
    if size > max_bytes():
        raise UnreadableFile(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": size, "limit": max_bytes()}
        )
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    if content.startswith(OLE_MAGIC):
        raise UnreadableFile(
            _("This is an old Word or Excel file (.doc/.xls). Save it as .docx or .xlsx "
              "and import that.")
        )
    if content.startswith(b"PK"):
        names = check_package(content, max_bytes=max_bytes(), max_rows=max_rows()).names
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise UnreadableFile(_("The file is a zip archive, but not a Word (.docx) or Excel "
                               "(.xlsx) document."))
    if b"\x00" in content[:4096]:
        raise UnreadableFile(_("This is not a Word, Excel, CSV or JSON file."))
    if PurePath(filename).suffix.lower() in (".docx", ".xlsx"):
        # Read as CSV, a renamed text file would be refused for its missing columns.
        raise UnreadableFile(_("The file is called %(name)s, but it is not a Word (.docx) "
                               "or Excel (.xlsx) document.") % {"name": PurePath(filename).name})
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"[") or filename.lower().endswith(".json"):
        return "json"
    return "csv"


def read_tables(content: bytes, kind: str) -> list[RawTable]:
    """Read a .docx, .xlsx or .csv file into tables."""
    from actions.importing.readers import csv_reader, docx_reader, xlsx_reader

    reader = {"docx": docx_reader, "xlsx": xlsx_reader, "csv": csv_reader}[kind]
    tables = reader.read(content)
    # Each reader stops at the first row past the limit; this catches the rest.
    if sum(len(table.rows) for table in tables) > max_rows():
        raise too_many_rows()
    return tables
