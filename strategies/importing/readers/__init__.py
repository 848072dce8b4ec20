"""File readers: each turns one kind of file into :class:`RawTable` objects."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from strategies.importing.tables import RawTable, UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def max_bytes() -> int:
    """The largest file accepted (``PLAN_IMPORT_MAX_BYTES``, 10 MB unless set)."""
    return int(getattr(settings, "PLAN_IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def max_rows() -> int:
    """The most rows read from one file (``PLAN_IMPORT_MAX_ROWS``, 5 000 unless set)."""
    return int(getattr(settings, "PLAN_IMPORT_MAX_ROWS", 5000))


def detect_kind(content: bytes, filename: str = "") -> str:
    """``docx``, ``xlsx``, ``csv`` or ``json``, from the bytes (the name only breaks ties)."""
    if not content.strip():
        raise UnreadableFile(_("The file is empty."))
    if len(content) > max_bytes():
        raise UnreadableFile(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": len(content), "limit": max_bytes()}
        )
    if content.startswith(OLE_MAGIC):
        raise UnreadableFile(
            _("This is an old Word or Excel file (.doc/.xls). Save it as .docx or .xlsx "
              "and import that.")
        )
    if content.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                unpacked = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile:
            raise UnreadableFile(_("The file is damaged: it is not a readable .docx or "
                                   ".xlsx file.")) from None
        # A small zip can unpack to gigabytes; refuse before parsing it.
        if unpacked > 20 * max_bytes():
            raise UnreadableFile(_("The file unpacks to more than the size limit allows."))
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise UnreadableFile(_("The file is a zip archive, but not a Word (.docx) or Excel "
                               "(.xlsx) document."))
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"[") or filename.lower().endswith(".json"):
        return "json"
    if b"\x00" in content[:4096]:
        raise UnreadableFile(_("This is not a Word, Excel, CSV or JSON file."))
    return "csv"


def read_tables(content: bytes, kind: str) -> list[RawTable]:
    """Read a .docx, .xlsx or .csv file into tables."""
    from strategies.importing.readers import csv_reader, docx_reader, xlsx_reader

    reader = {"docx": docx_reader, "xlsx": xlsx_reader, "csv": csv_reader}[kind]
    tables = reader.read(content)
    total = sum(len(table.rows) for table in tables)
    if total > max_rows():
        raise UnreadableFile(
            _("The file has %(rows)s rows; the limit is %(limit)s.")
            % {"rows": total, "limit": max_rows()}
        )
    return tables
