"""JSON-stat 2.0 answers as SSB's statistics bank (PxWebApi v0, json-stat2) gives them.

:func:`ssb_answer` builds a small realistic table: regions (Rendalen 3424, Engerdal 3425
and the whole country 0), two content codes and a time dimension, with the values in
row-major order (the last dimension varies fastest) and SSB's sparse ``status``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

REGION_NAMES = {"3424": "Rendalen", "3425": "Engerdal", "0": "Hele landet",
                "K-3424": "Rendalen", "EAK": "Landet"}
CONTENT_NAMES = {"KOSandel": "Andel innbyggere 80 år og over i institusjon (prosent)",
                 "KOSantall": "Plasser i institusjon (antall)"}


def ssb_answer(
    values: Sequence[Any],
    *,
    regions: Sequence[str] = ("3424", "3425", "0"),
    contents: Sequence[str] = ("KOSandel", "KOSantall"),
    times: Sequence[str] = ("2023", "2024"),
    status: Any = None,
    table: str = "12345",
    index_as: str = "dict",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The answer for *regions* × *contents* × *times*; *values* in SSB's order."""

    def category(codes: Sequence[str], names: dict[str, str]) -> dict[str, Any]:
        index: Any = ({code: i for i, code in enumerate(codes)} if index_as == "dict"
                      else list(codes))
        return {"index": index, "label": {code: names.get(code, code) for code in codes}}

    answer: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": f"{table}: Institusjonsplasser, etter region, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "updated": "2025-03-14T07:00:00Z",
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [len(regions), len(contents), len(times)],
        "dimension": {
            "Region": {"label": "region", "category": category(regions, REGION_NAMES)},
            "ContentsCode": {"label": "statistikkvariabel",
                             "category": category(contents, CONTENT_NAMES)},
            "Tid": {"label": "år", "category": category(times, {t: t for t in times})},
        },
        "extension": {"px": {"infofile": "None", "tableid": table, "decimals": 1,
                             "official-statistics": True, "aggregallowed": False,
                             "language": "no", "matrix": "Institusjon"}},
        "value": dict(values) if isinstance(values, dict) else list(values),
    }
    if status is not None:
        answer["status"] = status
    answer.update(extra or {})
    return answer


def as_bytes(answer: dict[str, Any]) -> bytes:
    return json.dumps(answer, ensure_ascii=False).encode("utf-8")


#: Rendalen, Engerdal and the country × (KOSandel, KOSantall) × (2023, 2024).
STANDARD_VALUES = [
    12.3, 12.8, 20, 21,  # Rendalen: andel 2023, 2024; antall 2023, 2024
    9.1, 9.4, 15, 15,  # Engerdal
    10.2, 10.5, 30000, 30100,  # the whole country
]
