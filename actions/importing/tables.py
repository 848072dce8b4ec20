"""What every reader produces: tables of text cells, each row with its number in the file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawRow:
    """One row as the file has it; ``number`` is 1-based within its table or sheet."""

    number: int
    cells: list[str]
    #: columns whose cell continues a vertically merged cell from the row above
    merged: set[int] = field(default_factory=set)
    #: one cell spans the whole width (a sub-heading row inside a table)
    spanning: bool = False

    @property
    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass
class RawTable:
    """A table (Word), a sheet (Excel) or the whole file (CSV).

    ``label`` names it for messages ("tabell 2", "ark «Tiltak»"); ``heading`` is the
    text above a Word table, which becomes the focus area when no column names one.
    """

    label: str
    heading: str = ""
    rows: list[RawRow] = field(default_factory=list)
    #: (row number, message) for things the reader had to flatten, e.g. nested tables
    notes: list[tuple[int, str]] = field(default_factory=list)


class UnreadableFile(Exception):
    """The file cannot be read at all (wrong type, corrupt, too big, empty)."""
