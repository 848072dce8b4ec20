"""Hostile and awkward import files, built in code (no binary blobs in the repository).

Each generator takes its size, so the tests build small files (with the limits lowered
through the ``settings`` fixture) and ``python -m bench imports`` builds the real ones
(30 MB of paragraphs, 480,000 rows, a 1.26 MB zip that unpacks to 1.3 GB while its
headers say 1,000 bytes). Big members are produced in chunks, never whole in memory.

:data:`CORPUS` lists every case with its file name and the start of the Bokmål message
it must be refused with (``None``: it must import, with æ, ø and å intact).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from tests.strategies.import_files import build_csv, build_docx, build_xlsx
from tests.strategies.seed_tables import SeedTable

HEADER = ["Satsingsområde", "Delmål", "Tiltak"]
NORWEGIAN_ROWS = [HEADER, ["Økonomi og særtilskudd", "Bærekraftig drift",
                           "Åpne møter på Ørsta"]]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MB = 1024 * 1024

DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
XLSX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
XLSX_RELS = DOCX_RELS.replace(b"word/document.xml", b"xl/workbook.xml")
XLSX_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{S}" '
    f'xmlns:r="{R}"><sheets><sheet name="Tiltak" sheetId="1" r:id="rId1"/></sheets>'
    f'</workbook>'
).encode()
XLSX_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)

Member = tuple[str, bytes | Callable[[], Iterable[bytes]]]


def zip_package(members: Iterable[Member], *, declare: dict[str, int] | None = None) -> bytes:
    """A deflated zip written by hand, so a member's declared size can be a lie.

    A member is its bytes or a function giving them in chunks (a gigabyte need never be
    in memory). ``declare`` maps a name to the uncompressed size its local and central
    headers claim; the CRC stays that of the real data.
    """
    declare = declare or {}
    out = io.BytesIO()
    central = []
    for name, data in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(b"\0" * (30 + len(encoded)))  # the local header, filled in below
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        crc = size = packed = 0
        for chunk in ([data] if isinstance(data, bytes) else data()):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            piece = compressor.compress(chunk)
            packed += len(piece)
            out.write(piece)
        piece = compressor.flush()
        packed += len(piece)
        out.write(piece)
        end = out.tell()
        said = declare.get(name, size)
        out.seek(offset)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, packed, said,
                              len(encoded), 0) + encoded)
        out.seek(end)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc,
                                   packed, said, len(encoded), 0, 0, 0, 0, 0, offset)
                       + encoded)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                          len(directory), start, 0))
    return out.getvalue()


def rewrite_member(content: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same package with one member's bytes changed."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == name else data)
    return out.getvalue()


def _document(body: Callable[[], Iterator[bytes]]) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               f'<w:document xmlns:w="{W}"><w:body>').encode()
        yield from body()
        yield b"</w:body></w:document>"
    return chunks


def _table_xml(rows: list[list[str]]) -> bytes:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"
                           for text in row) + "</w:tr>" for row in rows)
    grid = "".join("<w:gridCol/>" for _ in rows[0])
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{cells}</w:tbl>".encode()


# The generators -----------------------------------------------------------------------


def empty() -> bytes:
    """Zero bytes."""
    return b""


def text_renamed_docx() -> bytes:
    """A plain text file with a .docx name."""
    return "Handlingsplan 2025–2030\nDelmål: bedre helse\nTiltak: flere turstier\n".encode()


def zip_bomb(unpacked: int = 1024 * MB) -> bytes:
    """An honest zip bomb: word/document.xml really is *unpacked* bytes of spaces."""
    def spaces() -> Iterator[bytes]:
        block = b" " * MB
        for _ in range(unpacked // MB):
            yield block
    return zip_package([("[Content_Types].xml", DOCX_TYPES), ("_rels/.rels", DOCX_RELS),
                        ("word/document.xml", spaces)])


def lying_zip(unpacked: int = 1300 * MB, declared: int = 1000) -> bytes:
    """word/document.xml unpacks to *unpacked* bytes; its headers say *declared*."""
    def body() -> Iterator[bytes]:
        block = b" " * MB
        for _ in range(unpacked // MB):
            yield block
    return zip_package([("[Content_Types].xml", DOCX_TYPES), ("_rels/.rels", DOCX_RELS),
                        ("word/document.xml", _document(body))],
                       declare={"word/document.xml": declared})


def many_paragraphs(text_bytes: int = 30 * MB, *, varied: bool = False) -> bytes:
    """A .docx whose body is *text_bytes* of one-word paragraphs, then a plan table.

    Alike paragraphs pack ~400 to 1 (the bench's 30 MB in 77 KB); *varied* ones number
    each paragraph, so they pack like ordinary text.
    """
    def body() -> Iterator[bytes]:
        written = 0
        number = 0
        while written < text_bytes:
            lines = []
            for _ in range(1000):
                number += 1
                word = f"Avsnitt {number}" if varied else "Tekst"
                lines.append(f"<w:p><w:r><w:t>{word}</w:t></w:r></w:p>")
            chunk = "".join(lines).encode()
            written += len(chunk)
            yield chunk
        yield _table_xml([HEADER, ["Demens", "Et mål", "Et tiltak"]])
    return zip_package([("[Content_Types].xml", DOCX_TYPES), ("_rels/.rels", DOCX_RELS),
                        ("word/document.xml", _document(body))])


def plan_docx(rows: int) -> bytes:
    """An honest .docx at the limits: one table of *rows* rows of distinct tiltak."""
    def body() -> Iterator[bytes]:
        yield b'<w:p><w:r><w:t>Helse og omsorg</w:t></w:r></w:p>'
        yield _table_xml([HEADER] + [[f"Område {n % 9}", f"Delmål {n % 101}",
                                      f"Tiltak nummer {n}"] for n in range(1, rows)])
    return zip_package([("[Content_Types].xml", DOCX_TYPES), ("_rels/.rels", DOCX_RELS),
                        ("word/document.xml", _document(body))])


def many_rows_xlsx(rows: int = 480_000) -> bytes:
    """A one-sheet .xlsx (inline strings, written by hand) with *rows* rows of tiltak."""
    def sheet() -> Iterator[bytes]:
        yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
               f'xmlns="{S}"><sheetData>').encode()

        def row(number: int, texts: list[str]) -> str:
            cells = "".join(f'<c r="{column}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
                            for column, text in zip("ABC", texts, strict=True))
            return f'<row r="{number}">{cells}</row>'

        yield row(1, HEADER).encode()
        for start in range(2, rows + 2, 1000):
            yield "".join(row(n, [f"Område {n % 97}", f"Delmål {n % 1013}",
                                  f"Tiltak {n * 7919 % 1_000_003}"])
                          for n in range(start, min(start + 1000, rows + 2))).encode()
        yield b"</sheetData></worksheet>"
    return zip_package([("[Content_Types].xml", XLSX_TYPES), ("_rels/.rels", XLSX_RELS),
                        ("xl/workbook.xml", XLSX_WORKBOOK),
                        ("xl/_rels/workbook.xml.rels", XLSX_WORKBOOK_RELS),
                        ("xl/worksheets/sheet1.xml", sheet)])


def many_rows_csv(rows: int = 480_000) -> bytes:
    """A CSV with *rows* short rows of tiltak under the header (8.6 MB for 480,000)."""
    lines = ["Satsingsområde;Delmål;Tiltak"]
    lines.extend(f"D{n % 7};M{n % 13};Tiltak {n}" for n in range(rows))
    return ("\r\n".join(lines) + "\r\n").encode()


DOCTYPE = '<!DOCTYPE {root} [<!ENTITY tiltak "Et tiltak fra en entitet">]>'


def _with_doctype(root: str) -> Callable[[bytes], bytes]:
    """Declare the entity after the XML declaration (if any) and use it for TILTAK."""
    def change(xml: bytes) -> bytes:
        doctype = DOCTYPE.format(root=root).encode()
        if xml.startswith(b"<?xml"):
            head, _, rest = xml.partition(b"?>")
            xml = head + b"?>" + doctype + rest
        else:
            xml = doctype + xml
        return xml.replace(b">TILTAK<", b">&tiltak;<")
    return change


def doctype_docx() -> bytes:
    """A real .docx whose document.xml declares an entity and uses it in the Tiltak cell."""
    content = build_docx([SeedTable("Demens", [HEADER, ["Demens", "Et mål", "TILTAK"]])])
    return rewrite_member(content, "word/document.xml", _with_doctype("w:document"))


def doctype_xlsx() -> bytes:
    """A real .xlsx whose sheet declares an entity and uses it for a tiltak."""
    content = build_xlsx([HEADER, ["Demens", "Et mål", "TILTAK"]])
    return rewrite_member(content, "xl/worksheets/sheet1.xml", _with_doctype("worksheet"))


def nested_json(depth: int = 5_000_000) -> bytes:
    """``[[[[…]]]]`` *depth* deep (10 MB at the default)."""
    return b"[" * depth + b"]" * depth


def header_only_csv() -> bytes:
    """Only the header row."""
    return build_csv([HEADER])


def oversized_csv(size: int = 11 * MB) -> bytes:
    """A well-formed CSV of *size* bytes (too big for the default 10 MB limit)."""
    row = "Demens;Et mål;Et tiltak som gjentas\r\n".encode()
    head = build_csv([HEADER])
    return (head + row * (size // len(row) + 1))[:size]


def cp1252_csv() -> bytes:
    """Norwegian Excel's "CSV (semikolonseparert)": Windows-1252, no BOM."""
    return build_csv(NORWEGIAN_ROWS, encoding="cp1252")


def bom_csv() -> bytes:
    """UTF-8 with a byte order mark, as Excel's "CSV UTF-8" writes it."""
    return build_csv(NORWEGIAN_ROWS, encoding="utf-8-sig")


def blank_line_csv(blanks: int = 100_000) -> bytes:
    """A long line of blanks above an honest plan: a backtracking search for the first
    line spent 3.6 s on 20,000 blanks and grew with the square of the length."""
    return b" " * blanks + b"\n" + build_csv(NORWEGIAN_ROWS, encoding="utf-8")


@dataclass(frozen=True)
class Case:
    """One file of the corpus: how to build it small (tests) and real (bench)."""

    key: str
    name: str
    small: Callable[[], bytes]
    real: Callable[[], bytes]
    #: The start of the Bokmål refusal, at the tests' limits; None: it must import.
    message: str | None


#: Honest files at the default limits (5,000 rows): the bench shows they still import.
AT_THE_LIMITS = [
    Case("docx-5000-rows", "plan.docx", lambda: plan_docx(50), lambda: plan_docx(5000), None),
    Case("xlsx-5000-rows", "plan.xlsx", lambda: many_rows_xlsx(50),
         lambda: many_rows_xlsx(4999), None),
    Case("csv-5000-rows", "plan.csv", lambda: many_rows_csv(50), lambda: many_rows_csv(4999),
         None),
]

#: The tests' limits (``settings`` fixture); the bench uses the real defaults.
SMALL_MAX_BYTES = 256 * 1024
SMALL_MAX_ROWS = 10

CORPUS = [
    Case("empty", "plan.csv", empty, empty, "Filen er tom."),
    Case("zero-byte-docx", "plan.docx", empty, empty, "Filen er tom."),
    Case("text-renamed-docx", "plan.docx", text_renamed_docx, text_renamed_docx,
         "Filen heter plan.docx, men den er ikke et Word-dokument"),
    Case("zip-bomb", "plan.docx", lambda: zip_bomb(2 * MB), zip_bomb,
         "Filen pakkes ut til mer enn størrelsesgrensen tillater."),
    Case("lying-zip-headers", "plan.docx", lambda: lying_zip(1 * MB), lying_zip,
         "Zip-hodene i filen oppgir feil størrelser (word/document.xml pakkes ut til mer "
         "enn de 1000 bytene"),
    Case("many-paragraphs", "plan.docx", lambda: many_paragraphs(20_000, varied=True),
         many_paragraphs, "Word-filen har flere avsnitt enn grensen på 100."),
    Case("many-rows-xlsx", "plan.xlsx", lambda: many_rows_xlsx(50), many_rows_xlsx,
         "Filen har flere rader enn grensen på 10."),
    Case("many-rows-csv", "plan.csv", lambda: many_rows_csv(50), many_rows_csv,
         "Filen har flere rader enn grensen på 10."),
    Case("doctype-docx", "plan.docx", doctype_docx, doctype_docx,
         "Filen inneholder en DOCTYPE- eller ENTITY-deklarasjon (i word/document.xml)"),
    Case("doctype-xlsx", "plan.xlsx", doctype_xlsx, doctype_xlsx,
         "Filen inneholder en DOCTYPE- eller ENTITY-deklarasjon (i xl/worksheets/sheet1.xml)"),
    Case("nested-json", "plan.json", lambda: nested_json(50_000), nested_json,
         "JSON-filen er nøstet for dypt"),
    Case("header-only-csv", "plan.csv", header_only_csv, header_only_csv,
         "Filen har ingen rader under overskriftsraden"),
    Case("oversized-csv", "plan.csv", lambda: oversized_csv(SMALL_MAX_BYTES + 4321),
         oversized_csv, f"Filen er {SMALL_MAX_BYTES + 4321} byte; grensen er "
         f"{SMALL_MAX_BYTES} byte."),
    Case("cp1252-csv", "plan.csv", cp1252_csv, cp1252_csv, None),
    Case("bom-csv", "plan.csv", bom_csv, bom_csv, None),
    Case("blank-line-csv", "plan.csv", lambda: blank_line_csv(20_000), blank_line_csv, None),
]
