"""Dates and numbers in Bokmål, Nynorsk and English: one table date, one running-text
date, decimal commas in nb and nn, changes of a percentage in percentage points."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from planportal import formatting

NBSP = "\xa0"
DAY = date(2027, 6, 30)
# 12:30 UTC is 14:30 in Oslo (summer time): datetimes are shown in local time.
MOMENT = datetime(2027, 6, 30, 12, 30, tzinfo=ZoneInfo("UTC"))

NORWEGIAN = {
    "table_date": "30.06.2027", "text_date": "30. juni 2027",
    "table_datetime": "30.06.2027 14:30", "text_datetime": "30. juni 2027 kl. 14:30",
    "percent": f"33,3{NBSP}%", "pp_change": f"+1,3{NBSP}pp", "number": f"1{NBSP}234,5",
    "excel": "dd.mm.yyyy",
}
EXPECTED = {
    "nb": NORWEGIAN,
    "nn": NORWEGIAN,
    "en": {
        "table_date": "2027-06-30", "text_date": "30 June 2027",
        "table_datetime": "2027-06-30 14:30", "text_datetime": "30 June 2027, 14:30",
        "percent": f"33.3{NBSP}%", "pp_change": f"+1.3{NBSP}pp", "number": "1,234.5",
        "excel": "yyyy-mm-dd",
    },
}


@pytest.fixture(params=["nb", "nn", "en"])
def language(request: pytest.FixtureRequest) -> str:
    with translation.override(request.param):
        yield request.param


def test_a_table_date_and_a_running_text_date_per_language(language: str) -> None:
    expected = EXPECTED[language]
    assert formatting.table_date(DAY) == expected["table_date"]
    assert formatting.text_date(DAY) == expected["text_date"]
    assert formatting.table_datetime(MOMENT) == expected["table_datetime"]
    assert formatting.text_datetime(MOMENT) == expected["text_datetime"]


def test_a_datetime_shows_its_local_date_and_an_iso_string_is_read(language: str) -> None:
    late = datetime(2027, 6, 29, 22, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on the 30th in Oslo
    assert formatting.table_date(late) == EXPECTED[language]["table_date"]
    assert formatting.text_date("2027-06-30") == EXPECTED[language]["text_date"]
    assert formatting.table_date("2027-06-30T14:30:00+02:00") == EXPECTED[language]["table_date"]


def test_a_missing_date_is_empty_and_a_malformed_one_is_kept() -> None:
    assert formatting.table_date(None) == formatting.text_date("") == ""
    assert formatting.table_date("snart") == "snart"


def test_numbers_percentages_and_changes_per_language(language: str) -> None:
    expected = EXPECTED[language]
    assert formatting.percent(33.333) == expected["percent"]
    assert formatting.pp_change(1.3) == expected["pp_change"]
    assert formatting.number(1234.5) == expected["number"]
    assert formatting.number(Decimal("85.00")) == "85"


def test_a_change_is_signed_with_a_real_minus_and_zero_has_no_sign() -> None:
    with translation.override("nb"):
        assert formatting.change(3) == "+3"
        assert formatting.change(-2) == "\u22122"
        assert formatting.change(0) == "0"
        assert formatting.change(1.5) == "+1,5"
        assert formatting.pp_change(-4.25) == f"\u22124,2{NBSP}pp"  # rounded half to even
        assert formatting.pp_change(0.04) == f"0,0{NBSP}pp"
        assert formatting.change(None) == formatting.pp_change(None) == "–"


def test_a_percentage_keeps_its_sign_on_the_same_line_as_the_number() -> None:
    with translation.override("nb"):
        assert formatting.percent(40, 0) == f"40{NBSP}%"
        assert formatting.percent(None) == "–"
        assert " " not in formatting.percent(12.5)  # no ordinary (breaking) space


def test_status_labels_are_in_sentence_case_lazily() -> None:
    from actions.models import Action

    label = formatting.tag_label(Action.Status.NOT_STARTED.label)
    with translation.override("nb"):
        assert str(label) == "Ikke startet"
    with translation.override("en"):
        assert str(label) == "Not started"
    assert formatting.tag_label("") == ""


def test_excel_date_cells_use_the_table_date(language: str) -> None:
    assert formatting.excel_date_format() == EXPECTED[language]["excel"]
    assert formatting.excel_date_format(with_time=True) == EXPECTED[language]["excel"] + " hh:mm"


def test_the_template_filters_are_the_same_functions(language: str) -> None:
    template = Template(
        "{% load formatting %}{{ day|table_date }}|{{ day|text_date }}|{{ share|percent }}|"
        "{{ delta|pp_change }}|{{ count|change }}|{{ progress|percent:0 }}|{{ status|tag_label }}")
    text = template.render(Context({"day": DAY, "share": 33.333, "delta": 1.3, "count": 3,
                                    "progress": 40, "status": "pågår"}))
    expected = EXPECTED[language]
    assert text == "|".join([expected["table_date"], expected["text_date"], expected["percent"],
                             expected["pp_change"], "+3", f"40{NBSP}%", "Pågår"])


def test_ids_and_years_in_templates_are_never_grouped() -> None:
    """USE_THOUSAND_SEPARATOR stays off: grouping is asked for, not applied to every int."""
    with translation.override("nb"):
        assert Template("{{ pk }} {{ year }}").render(Context({"pk": 12345, "year": 2027})) == \
            "12345 2027"
