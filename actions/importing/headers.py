"""Column headers municipalities use, in Bokmål and Nynorsk, mapped to our fields."""

from __future__ import annotations

import re

FOCUS_AREA = "focus_area"
GOAL = "goal"
ACTION = "action"
RESPONSIBLE = "responsible"
PERIOD = "period"
STATUS = "status"
DESCRIPTION = "description"
DUE_DATE = "due_date"

#: normalised header text → column key. Both spellings of satsingsområde occur in real plans.
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        ["satsingsområde", "satsningsområde", "satsingsomrade", "satsingsområder",
         "satsningsområder", "innsatsområde", "fokusområde", "hovedområde", "tema",
         "område", "focus area"],
        FOCUS_AREA,
    ),
    **dict.fromkeys(
        ["delmål", "mål", "delmål mål", "mål delmål", "målsetting", "målsettingar",
         "målsettinger", "delmål og mål", "goal"],
        GOAL,
    ),
    **dict.fromkeys(
        ["tiltak", "handling", "handlingar", "handlinger", "tiltak handling", "aktivitet",
         "action"],
        ACTION,
    ),
    **dict.fromkeys(
        ["ansvar", "ansvarleg", "ansvarlig", "ansvarlege", "ansvarlige", "ansvarlig enhet",
         "ansvarleg eining", "ansvarlig for gjennomføring", "responsible"],
        RESPONSIBLE,
    ),
    **dict.fromkeys(
        ["tid", "tidsrom", "frist", "tidsperspektiv", "tidsfrist", "tidspunkt", "periode",
         "når", "tidsplan", "period"],
        PERIOD,
    ),
    **dict.fromkeys(["status", "stoda", "statur"], STATUS),
    **dict.fromkeys(["beskrivelse", "beskriving", "skildring", "description"], DESCRIPTION),
}

IGNORED = "ignored"
# Columns the XLSX export writes that the import reads from elsewhere or leaves alone.
SYNONYMS.update(dict.fromkeys(
    ["medvirkende", "startdato", "frist dato", "framdrift", "framdrift %", "fremdrift",
     "nummer", "kode", "nr"],
    IGNORED,
))

# Only Tiltak is required: a table without Delmål (or Satsingsområde) puts its tiltak on
# the area (or the plan) itself (``parse``).
REQUIRED = (ACTION,)


def normalise_header(text: str) -> str:
    """Lower case, punctuation and footnote marks gone, spaces collapsed."""
    text = text.strip().lower().replace("/", " ").replace("-", " ")
    text = re.sub(r"[^\wæøå ]+", "", text)
    return " ".join(text.split())


def column_key(text: str) -> str | None:
    """The field a header cell names, or None."""
    return SYNONYMS.get(normalise_header(text))


def recognise(cells: list[str]) -> dict[int, str]:
    """Column index → key for the cells of one row (first occurrence of each key wins)."""
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = column_key(cell)
        if key and (key == IGNORED or key not in found.values()):
            found[index] = key
    return found


def is_header_row(cells: list[str]) -> bool:
    """A row is a header if it names at least a tiltak column and one other known column."""
    keys = set(recognise(cells).values())
    return ACTION in keys and len(keys) >= 2
