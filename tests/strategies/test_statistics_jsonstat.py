"""The JSON-stat 2.0 parser and the statistics bank's time codes (no database)."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from strategies.statistics.jsonstat import JsonStatError, Limits, load, parse
from strategies.statistics.periods import statistics_period
from tests.strategies.statistics_files import STANDARD_VALUES, as_bytes, ssb_answer


def cells_of(dataset):
    return [(c.codes["Region"], c.codes["ContentsCode"], c.codes["Tid"], c.value, c.status)
            for c in dataset.cells()]


@pytest.mark.parametrize("index_as", ["dict", "list"])
def test_an_ssb_answer_is_read_cell_by_cell_with_the_last_dimension_fastest(index_as):
    dataset = parse(as_bytes(ssb_answer(STANDARD_VALUES, index_as=index_as)))
    assert dataset.table == "12345"
    assert dataset.ids == ("Region", "ContentsCode", "Tid")
    cells = cells_of(dataset)
    assert len(cells) == 12
    assert cells[0] == ("3424", "KOSandel", "2023", Decimal("12.3"), "")
    assert cells[1] == ("3424", "KOSandel", "2024", Decimal("12.8"), "")
    assert cells[2] == ("3424", "KOSantall", "2023", Decimal("20"), "")
    assert cells[11] == ("0", "KOSantall", "2024", Decimal("30100"), "")
    assert dataset.dimension("Region").label_of("3425") == "Engerdal"


def test_an_index_object_gives_the_categories_in_the_order_of_their_positions():
    answer = ssb_answer(STANDARD_VALUES)
    answer["dimension"]["Tid"]["category"]["index"] = {"2024": 1, "2023": 0}
    assert [c[2] for c in cells_of(parse(as_bytes(answer)))][:2] == ["2023", "2024"]


def test_a_single_category_may_go_without_an_index():
    answer = ssb_answer([7], regions=["3424"], contents=["KOSandel"], times=["2024"])
    del answer["dimension"]["Tid"]["category"]["index"]
    assert cells_of(parse(as_bytes(answer))) == [("3424", "KOSandel", "2024", 7, "")]


def test_sparse_values_and_statuses_are_read_and_absent_cells_are_missing():
    answer = ssb_answer({"0": 12.3, "3": 21}, status={"1": "..", "2": ":"}, regions=["3424"])
    cells = cells_of(parse(as_bytes(answer)))
    assert cells == [("3424", "KOSandel", "2023", Decimal("12.3"), ""),
                     ("3424", "KOSandel", "2024", None, ".."),
                     ("3424", "KOSantall", "2023", None, ":"),
                     ("3424", "KOSantall", "2024", 21, "")]


@pytest.mark.parametrize("status,expected", [
    ("..", ["..", "..", "..", ".."]),
    (["."], [".", ".", ".", "."]),
    ([None, "..", None, ":"], ["", "..", "", ":"]),
])
def test_status_may_be_one_symbol_a_list_or_a_list_of_one(status, expected):
    answer = ssb_answer([1, None, 3, None], status=status, regions=["3424"])
    assert [c[4] for c in cells_of(parse(as_bytes(answer)))] == expected


def test_a_symbol_in_place_of_a_value_is_a_missing_value_with_that_status():
    answer = ssb_answer([1, "..", 3, 4], regions=["3424"])
    assert cells_of(parse(as_bytes(answer)))[1][3:] == (None, "..")


def test_a_utf8_bom_is_accepted_and_decimals_stay_exact():
    dataset = parse(b"\xef\xbb\xbf" + as_bytes(ssb_answer([0.1, 0.2, 0.3, 0.7],
                                                          regions=["3424"])))
    assert [c.value for c in dataset.cells()] == [Decimal("0.1"), Decimal("0.2"),
                                                  Decimal("0.3"), Decimal("0.7")]


def test_an_already_decoded_object_is_checked_the_same_way():
    with translation.override("en"), pytest.raises(JsonStatError, match="«value» has 3 values"):
        load(ssb_answer([1, 2, 3], regions=["3424"]))


def broken(change):
    answer = ssb_answer(STANDARD_VALUES)
    change(answer)
    return as_bytes(answer)


@pytest.mark.parametrize("content,message", [
    (b"\xff\xfe{", "not UTF-8"),
    (b'{"class": "dataset",', r"not valid JSON \(line 1"),
    (b'{"class": "dataset", "value": [NaN]}', "NaN"),
    (b'{"value": [1' + b"0" * 5000 + b"]}", "number too long"),
    (b"[]", "«class» must be «dataset»"),
    (as_bytes({"class": "bundle"}), "«class» must be «dataset»"),
    (broken(lambda a: a.update(version="1.0")), "version 1.0"),
    (broken(lambda a: a.update(id="Region")), "«id» must be a list"),
    (broken(lambda a: a.update(id=["Region", "Region", "Tid"])), "«id» must be a list"),
    (broken(lambda a: a.update(size=[3, 2])), "«size» must be a list"),
    (broken(lambda a: a.update(size=[3, 2, "2"])), "«size» must be a list"),
    (broken(lambda a: a.update(size=[3, 2, True])), "«size» must be a list"),
    (broken(lambda a: a.update(size=[3, 2, 0])), "«size» must be a list"),
    (broken(lambda a: a["dimension"].pop("Tid")), "«Tid» is missing"),
    (broken(lambda a: a.update(dimension=[])), "«Region» is missing"),
    (broken(lambda a: a["dimension"]["Tid"]["category"].update(index=["2023", "2023"])),
     "«category.index» must be"),
    (broken(lambda a: a["dimension"]["Tid"]["category"].update(index={"2023": 0, "2024": 2})),
     "«category.index» must be"),
    (broken(lambda a: a["dimension"]["Tid"]["category"].update(index=["2023", "2024", "2025"])),
     "has 3 categories, but «size» says 2"),
    (broken(lambda a: a["dimension"]["Tid"]["category"].update(label=["2023"])),
     "«category.label»"),
    (broken(lambda a: a.update(value=STANDARD_VALUES[:-1])), "11 values, but «size» gives 12"),
    (broken(lambda a: a.update(value="12,3")), "«value» must be a list"),
    (broken(lambda a: a.update(value={"12": 1})), "names cell 12, but the cells are numbered "
                                                  "0 to 11"),
    (broken(lambda a: a.update(value={"-1": 1})), "names cell -1"),
    (broken(lambda a: a.update(value=[True] * 12)), "neither a number"),
    (broken(lambda a: a.update(value=[[1]] * 12)), "neither a number"),
    (broken(lambda a: a.update(status=[".."] * 5)), "«status» must be"),
    (broken(lambda a: a.update(status={"0": 1})), "«status» must be"),
    (broken(lambda a: a.update(role={"geo": ["Kommune"]})), "«role» must name"),
])
def test_a_broken_file_is_refused_saying_what_is_wrong(content, message):
    with translation.override("en"), pytest.raises(JsonStatError, match=message):
        parse(content)


def test_the_refusal_is_in_the_active_language():
    with translation.override("nn"), pytest.raises(JsonStatError, match="ikkje UTF-8"):
        parse(b"\xff")


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded():
    with translation.override("en"), pytest.raises(JsonStatError, match="limit is 100 bytes"):
        parse(b"x" * 101, Limits(max_bytes=100))


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deep_nesting_is_refused_fast(depth):
    content = b'{"class": "dataset", "extension": ' + b"[" * depth + b"]" * depth + b"}"
    started = time.monotonic()
    with translation.override("en"), pytest.raises(JsonStatError, match="nested more than"):
        parse(content)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("size,message", [
    ([1] * 17, "17 dimensions; at most 16"),
    ([1, 30_000], "30000 categories; at most 20000"),
    ([20_000, 20_000, 20_000], "more than 800000 cells"),
])
def test_absurd_sizes_are_refused_before_any_value_is_read(size, message):
    ids = [f"d{i}" for i in range(len(size))]
    answer = {"version": "2.0", "class": "dataset", "id": ids, "size": size,
              "dimension": {}, "value": {}}
    started = time.monotonic()
    with translation.override("en"), pytest.raises(JsonStatError, match=message):
        parse(json.dumps(answer).encode())
    assert time.monotonic() - started < 1


def test_a_huge_sparse_cube_with_few_values_is_refused_not_walked():
    answer = {"version": "2.0", "class": "dataset", "id": ["a", "b"], "size": [1000, 1000],
              "dimension": {}, "value": {"0": 1}}
    with pytest.raises(JsonStatError):
        parse(json.dumps(answer).encode())


def test_the_table_comes_from_the_label_when_the_extension_does_not_say():
    answer = ssb_answer(STANDARD_VALUES)
    del answer["extension"]
    assert parse(as_bytes(answer)).table == "12345"
    answer["label"] = "Institusjonsplasser"
    assert parse(as_bytes(answer)).table == ""


# --- Time codes ----------------------------------------------------------------------


@pytest.mark.parametrize("code,end,label", [
    ("2024", date(2024, 12, 31), "2024"),
    ("2024H1", date(2024, 6, 30), "1. halvår 2024"),
    ("2024T1", date(2024, 4, 30), "1. tertial 2024"),
    ("2024T2", date(2024, 8, 31), "2. tertial 2024"),
    ("2024T3", date(2024, 12, 31), "3. tertial 2024"),
    ("2024K1", date(2024, 3, 31), "1. kvartal 2024"),
    ("2024K3", date(2024, 9, 30), "3. kvartal 2024"),
    ("2024M02", date(2024, 2, 29), "februar 2024"),
    ("2024M09", date(2024, 9, 30), "september 2024"),
    ("2023M12", date(2023, 12, 31), "desember 2023"),
])
def test_ssb_time_codes_give_the_last_day_of_the_period_and_a_norwegian_label(code, end, label):
    with translation.override("nb"):
        period = statistics_period(code)
    assert (period.end, period.label) == (end, label)


def test_a_quarter_is_labelled_in_nynorsk_too():
    with translation.override("nn"):
        assert statistics_period("2024K4").label == "4. kvartal 2024"


@pytest.mark.parametrize("code", ["2024K5", "2024T4", "2024M13", "2024M9", "2024U05",
                                  "2023-2024", "24", "2024Q1", "", "１２３４"])
def test_an_unknown_time_code_is_refused_saying_what_is_read(code):
    with translation.override("en"), pytest.raises(ValueError, match="quarters \\(2024K3\\)"):
        statistics_period(code)


def test_a_year_outside_the_sane_range_is_refused():
    with translation.override("en"), pytest.raises(ValueError, match="between 1900 and 2199"):
        statistics_period("9999")
