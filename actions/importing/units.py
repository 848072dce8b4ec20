"""The Ansvar column: match names against the organisation's units.

Plans write "Hjemmetjenesten", "hjemmetjeneste", "Sykehjemmet/ Hjemmetjenesten" or
"Kommunalsjef helse og omsorg". A name matches a unit by name or code, ignoring case,
punctuation and the Norwegian definite ending (-en, -et, -a, -ene). Several names in one
cell: the first is responsible, the others contribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planportal.models import Unit

SEPARATORS = re.compile(r"\s*(?:[,;/+&\n]|\bog\b)\s*", re.IGNORECASE)
DEFINITE_ENDINGS = ("ene", "ane", "en", "et", "a", "i")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\wæøå]+", " ", text.lower()).split())


def _stem(key: str) -> str:
    words = key.split()
    if not words:
        return key
    last = words[-1]
    for ending in DEFINITE_ENDINGS:
        if last.endswith(ending) and len(last) - len(ending) >= 4:
            last = last[: -len(ending)]
            break
    # "tjeneste"/"tjenesten", "sykehjem"/"sykehjemmet": drop a final e and a doubled consonant.
    if last.endswith("e") and len(last) > 4:
        last = last[:-1]
    if len(last) > 4 and last[-1] == last[-2] and last[-1] not in "aeiouyæøå":
        last = last[:-1]
    return " ".join([*words[:-1], last])


@dataclass
class UnitMatch:
    """The units an Ansvar cell names, and the names that matched nothing."""

    responsible: Unit | None = None
    contributing: list[Unit] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


class UnitMatcher:
    """Looks names up in one organisation's units (loaded once)."""

    def __init__(self, units: list[Unit]) -> None:
        self.exact: dict[str, Unit] = {}
        self.stems: dict[str, Unit] = {}
        for unit in units:
            for name in (unit.name, unit.code.replace("-", " ")):
                key = _key(name)
                self.exact.setdefault(key, unit)
                self.stems.setdefault(_stem(key), unit)

    def find(self, name: str) -> Unit | None:
        key = _key(name)
        return self.exact.get(key) or self.stems.get(_stem(key))

    def match(self, text: str) -> UnitMatch:
        """Split an Ansvar cell into names and look each one up."""
        result = UnitMatch()
        whole = self.find(text) if text.strip() else None
        # "Helse og omsorg" is one unit, not two names joined by "og".
        names = [text.strip()] if whole else [n for n in SEPARATORS.split(text) if n.strip()]
        for name in names:
            unit = whole or self.find(name)
            if unit is None:
                result.unmatched.append(name.strip())
            elif result.responsible is None:
                result.responsible = unit
            elif unit != result.responsible and unit not in result.contributing:
                result.contributing.append(unit)
        return result
