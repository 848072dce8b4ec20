"""Unit tests of the pieces: Tid texts, headers, Delmål cells (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from actions.importing import headers
from actions.importing.parse import split_goal_text
from actions.periods import parse_period


@pytest.mark.parametrize("text,start,due", [
    ("2024-", date(2024, 1, 1), None),
    ("2024 –", date(2024, 1, 1), None),
    ("fra 2026", date(2026, 1, 1), None),
    ("2025-26", date(2025, 1, 1), date(2026, 12, 31)),
    ("2025—2027", date(2025, 1, 1), date(2027, 12, 31)),
    ("K4 2026", date(2026, 10, 1), date(2026, 12, 31)),
    ("våren 2026", date(2026, 1, 1), date(2026, 6, 30)),
    ("haust 2026", date(2026, 8, 1), date(2026, 12, 31)),
    ("T3 2025", date(2025, 9, 1), date(2025, 12, 31)),
    ("1.3.26", None, date(2026, 3, 1)),
    ("01.01.2025 - 30.06.2025", date(2025, 1, 1), date(2025, 6, 30)),
    ("kontinuerleg", None, None),
    ("Hele perioden", None, None),
])
def test_period_texts(text, start, due):
    period = parse_period(text)
    assert (period.text, period.start, period.due, period.unread) == (text, start, due, False)


@pytest.mark.parametrize("text", ["2026-2025", "Q5 2025", "snart", "32.01.2025"])
def test_period_texts_that_cannot_be_read_are_kept_and_flagged(text):
    period = parse_period(text)
    assert (period.text, period.start, period.due, period.unread) == (text, None, None, True)


def test_a_spreadsheet_date_is_a_deadline():
    period = parse_period(date(2026, 5, 17))
    assert (period.text, period.due) == ("17.05.2026", date(2026, 5, 17))


@pytest.mark.parametrize("cells,keys", [
    (["Delmål", "Tiltak", "Ansvar", "Tid"], ["goal", "action", "responsible", "period"]),
    (["Mål", "Tiltak", "Ansvarleg", "Tidsrom", "Status"],
     ["goal", "action", "responsible", "period", "status"]),
    (["Satsningsområde", "Delmål", "Handling", "Frist"],
     ["focus_area", "goal", "action", "period"]),
])
def test_headers(cells, keys):
    assert list(headers.recognise(cells).values()) == keys
    assert headers.is_header_row(cells)


def test_a_row_of_plan_text_is_not_a_header():
    assert not headers.is_header_row(["Rendalen kommune er et demensvennlig samfunn",
                                      "Opprettholde opplæring", "", ""])


@pytest.mark.parametrize("cell,title,description", [
    ("Økt kompetanse \n\n", "Økt kompetanse", ""),
    ("Forbedret tilgang til helsetjenester:\nfjernkonsultasjoner, telemedisin",
     "Forbedret tilgang til helsetjenester", "fjernkonsultasjoner, telemedisin"),
    ("Bedre kvalitet på omsorg: Digitalisering kan forbedre",
     "Bedre kvalitet på omsorg", "Digitalisering kan forbedre"),
    ("Vi henter effektivitet fra digitalisering av \narbeidsprosesser",
     "Vi henter effektivitet fra digitalisering av arbeidsprosesser", ""),
    ("Flere opplever god helse. Herunder: evne til å mestre",
     "Flere opplever god helse. Herunder: evne til å mestre", ""),
])
def test_delmal_cells(cell, title, description):
    assert split_goal_text(cell) == (title, description)


@pytest.mark.parametrize(("text", "line"), [
    ("Delmål;Tiltak\nA;B", "Delmål;Tiltak"),
    ("\n\n   \r\n Delmål;Tiltak \r\nA;B", " Delmål;Tiltak "),
    ("\r\rDelmål,Tiltak\rA,B", "Delmål,Tiltak"),
    (" " * 100_000 + "\nDelmål\tTiltak", "Delmål\tTiltak"),
    ("   \n\t", ""),
])
def test_the_csv_header_line_is_the_first_line_that_is_not_blank(text, line):
    from actions.importing.readers.csv_reader import first_line

    assert first_line(text) == line
