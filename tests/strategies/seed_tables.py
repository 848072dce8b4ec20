"""The Rendalen handlingsplan tables, read from the real seed's text export.

``data/rendalen-handlingsplan-2025-2030.txt`` is the "Handlingsplan 2025-2030" part of
``shared/seeds/rendalen-helse-og-omsorgsplan-2025-2030.txt`` (lines 335–783), copied so
a fresh clone has it. In that export a table cell starts with a tab, a line without a
tab is another paragraph of the same cell, and each row has four cells (Delmål, Tiltak,
Ansvar, Tid); headings are the ``[bookmark: …]`` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SEED = Path(__file__).parent / "data" / "rendalen-handlingsplan-2025-2030.txt"
WIDTH = 4


@dataclass
class SeedTable:
    heading: str
    rows: list[list[str]] = field(default_factory=list)  # the header row first


def read_seed_tables(path: Path = SEED) -> list[SeedTable]:
    tables: list[SeedTable] = []
    row: list[str] = []

    def flush() -> None:
        nonlocal row
        if row:
            tables[-1].rows.append(row + [""] * (WIDTH - len(row)))
        row = []

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("[bookmark") or line.startswith(" [bookmark"):
            flush()
            heading = re.sub(r"\[bookmark: [^\]]*\]", "", line).strip()
            tables.append(SeedTable(heading))
        elif line.startswith("\t"):
            if len(row) == WIDTH:
                flush()
            row.append(line[1:])
        elif not line.strip():
            if len(row) == WIDTH:
                flush()
            elif row:
                row[-1] += "\n"  # a blank paragraph inside the cell
        elif row:
            row[-1] += "\n" + line
    flush()
    return [t for t in tables if t.rows]
