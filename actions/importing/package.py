"""Word and Excel files are zip packages: this checks one before any parser opens it.

A zip declares each member's sizes in its central directory, and parsers believe them.
A small file can unpack to gigabytes (a zip bomb), or declare small sizes and unpack to
far more (headers that lie): ``zipfile`` then inflates the whole member in one call
before it cuts the result to the declared size. So, before python-docx or openpyxl see
the file:

- the declared sizes are checked: the number of members, their total (each member is
  within it) and each large member's compression ratio;
- every member is inflated here, in small chunks, through a stream that stops as soon
  as more comes out than was declared or than the limit allows, and whose CRC must
  match; after that the parsers can only read what was checked;
- every XML part must be UTF-8 and carry no DOCTYPE or ENTITY declaration (Word and
  Excel never write one; python-docx drops an entity's text silently, and entities are
  how a small XML part grows huge), and all the parts together hold a bounded number of
  XML elements, which bounds the parsed tree in memory.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from actions.importing.tables import UnreadableFile

#: Inflate this much at a time: the most memory one member costs while it is checked.
CHUNK = 64 * 1024
#: A Word or Excel document has tens of parts; a few hundred with many images.
MAX_MEMBERS = 2000
#: Office XML packs 5–35 times; deflate can reach ~1,000. Above this a part is a bomb.
MAX_RATIO = 200
#: Small parts may pack as tightly as they like: they cost nothing to unpack.
RATIO_FROM_BYTES = 1024 * 1024
#: What any XML markup starts with after an optional UTF-8 byte order mark.
XML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*<")
#: The first bytes of XML in an encoding where "<!DOCTYPE" is not those ASCII bytes.
OTHER_ENCODINGS = (b"\xfe\xff", b"\xff\xfe", b"\x00\x00\x00<", b"<\x00\x00\x00",
                   b"\x00<\x00?", b"<\x00?\x00", b"\x4c\x6f\xa7\x94", b"+/v")
XML_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def max_unpacked(max_bytes: int) -> int:
    """Most bytes a package may unpack to: five times the file size limit (50 MB)."""
    return 5 * max_bytes


def max_elements(max_rows: int) -> int:
    """Most XML elements in a package: a table row takes 20–60, styles ~25,000."""
    return 100 * max_rows + 200_000


@dataclass
class Package:
    """A zip package whose every member was inflated and checked."""

    names: set[str] = field(default_factory=set)
    unpacked: int = 0
    elements: int = 0


def check_package(content: bytes, *, max_bytes: int, max_rows: int) -> Package:
    """Check the zip package *content* (see the module's docstring) and list its names.

    Raises :class:`UnreadableFile` saying why the package is refused.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OverflowError,
            struct.error, NotImplementedError):  # a crafted central directory
        raise _damaged() from None
    if len(members) > MAX_MEMBERS:
        raise UnreadableFile(_("The file has more than %(limit)s parts; a Word or Excel "
                               "document has far fewer.") % {"limit": MAX_MEMBERS})
    limit = max_unpacked(max_bytes)
    if sum(info.file_size for info in members) > limit:
        raise UnreadableFile(_("The file unpacks to more than the size limit allows."))
    for info in members:
        if info.file_size > RATIO_FROM_BYTES and \
                info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnreadableFile(
                _("The file is packed suspiciously tightly (%(name)s unpacks to %(ratio)s "
                  "times its packed size); it is not imported.")
                % {"name": info.filename, "ratio": info.file_size // max(info.compress_size, 1)})
    package = Package(names={info.filename for info in members})
    element_limit = max_elements(max_rows)
    for info in members:
        _check_member(content, info, package, limit)
        if package.elements > element_limit:
            raise UnreadableFile(_("The file holds more than %(limit)s XML elements; that is "
                                   "far more than a plan has.") % {"limit": element_limit})
    return package


def _damaged() -> UnreadableFile:
    return UnreadableFile(_("The file is damaged: it is not a readable .docx or .xlsx file."))


def _raw_data(content: bytes, info: zipfile.ZipInfo) -> memoryview:
    """The member's compressed bytes, found through its local header (as zipfile does)."""
    start = info.header_offset
    header = content[start:start + LOCAL_HEADER.size]
    if len(header) != LOCAL_HEADER.size:
        raise _damaged()
    fields = LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise _damaged()
    begin = start + LOCAL_HEADER.size + fields[9] + fields[10]
    data = memoryview(content)[begin:begin + info.compress_size]
    if len(data) != info.compress_size:
        raise _damaged()
    return data


def inflate(content: bytes, info: zipfile.ZipInfo, budget: int) -> Iterator[bytes]:
    """The member's bytes in chunks, never more than it declares or than *budget*.

    Raises :class:`UnreadableFile` when the data unpacks to more (or less) than the
    header says, the CRC is wrong, or the member is encrypted or packed in a way Office
    never uses.
    """
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                          zipfile.ZIP_DEFLATED):
        raise _damaged()
    data = _raw_data(content, info)
    allowed = min(info.file_size, budget)
    produced = 0
    crc = 0

    def lie() -> UnreadableFile:
        return UnreadableFile(
            _("The file's zip headers give wrong sizes (%(name)s unpacks to more than the "
              "%(size)s bytes it declares); it is not imported.")
            % {"name": info.filename, "size": info.file_size})

    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(data), CHUNK):
            chunk = bytes(data[offset:offset + CHUNK])
            produced += len(chunk)
            if produced > allowed:
                raise lie() if produced > info.file_size else _too_big()
            crc = zlib.crc32(chunk, crc)
            yield chunk
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        offset = 0
        pending = b""
        while not inflater.eof:
            if not pending and offset < len(data):
                pending = bytes(data[offset:offset + CHUNK])
                offset += CHUNK
            try:
                # At most one byte past what is allowed: enough to know it lied.
                chunk = inflater.decompress(pending, max(1, min(CHUNK, allowed - produced + 1)))
            except zlib.error:
                raise _damaged() from None
            pending = inflater.unconsumed_tail
            if not chunk and not pending and offset >= len(data) and not inflater.eof:
                raise _damaged()  # the data ends before the deflate stream does
            produced += len(chunk)
            if produced > allowed:
                raise lie() if produced > info.file_size else _too_big()
            crc = zlib.crc32(chunk, crc)
            if chunk:
                yield chunk
    if produced != info.file_size or crc != info.CRC:
        raise _damaged()


def _too_big() -> UnreadableFile:
    return UnreadableFile(_("The file unpacks to more than the size limit allows."))


def _check_member(content: bytes, info: zipfile.ZipInfo, package: Package, limit: int) -> None:
    """Inflate one member; if it is XML, check its encoding, declarations and elements."""
    head = b""
    tail = b""
    is_xml: bool | None = None
    for chunk in inflate(content, info, limit - package.unpacked):
        package.unpacked += len(chunk)
        if is_xml is None:
            head += chunk
            if len(head) < 256 and len(head) < info.file_size:
                continue
            is_xml = _is_xml(head, info.filename)
            chunk, head = head, b""
        if not is_xml:
            continue
        window = tail + chunk
        if any(marker in window for marker in FORBIDDEN):
            raise UnreadableFile(
                _("The file contains a DOCTYPE or ENTITY declaration (in %(name)s), which "
                  "Word and Excel never write; it is not imported.") % {"name": info.filename})
        # Every element starts with "<" (so do end tags, comments and the declaration:
        # counting them too only errs on the safe side).
        package.elements += chunk.count(b"<") - chunk.count(b"</")
        tail = window[-len(FORBIDDEN[0]):]


def _is_xml(head: bytes, name: str) -> bool:
    """Whether a parser would read this member as XML; refuses XML that is not UTF-8.

    In UTF-16, UTF-32, EBCDIC or UTF-7 a DOCTYPE is not the bytes searched for, so such
    parts are refused outright (Word and Excel write UTF-8 only).
    """
    if head.startswith(OTHER_ENCODINGS):
        raise _not_utf8(name)
    if not XML_START.match(head):
        return False  # an image or other binary part: no XML parser reads it
    declared = XML_DECLARATION.match(head)
    if declared and declared.group(1).strip().lower() not in (b"utf-8", b"utf8"):
        raise _not_utf8(name)
    return True


def _not_utf8(name: str) -> UnreadableFile:
    return UnreadableFile(_("The part %(name)s of the file is not UTF-8 XML; save the file "
                            "again from Word or Excel.") % {"name": name})
