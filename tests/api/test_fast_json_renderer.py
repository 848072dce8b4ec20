"""FastJSONRenderer writes what DRF's JSONRenderer writes, only faster."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy, override
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from planportal.api.renderers import FastJSONRenderer
from strategies.models import Plan

OSLO_WINTER = timezone(timedelta(hours=1))


@dataclass
class Point:
    x: int


SAMPLES = {
    "nested, æøå and emoji": {"plan": {"tittel": "Helse- og omsorgsplan – Åsnes 🏥",
                                        "delmål": [1, 2, None, True, False]}},
    "decimal": {"budget": Decimal("1250.50"), "zero": Decimal("0")},
    "datetimes, UTC gets a Z": [datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
                                datetime(2026, 3, 1, 12, 0, 5, 123456, tzinfo=OSLO_WINTER),
                                datetime(2026, 3, 1, 12, 0)],
    "dates and durations": {"due": date(2026, 12, 31), "late": timedelta(days=3)},
    "lazy translation": {"detail": gettext_lazy("Not found.")},
    "serializer containers": ReturnDict({"results": ReturnList([{"id": 1}], serializer=None)},
                                        serializer=None),
    "tuples, uuid, int keys": {"pair": (1, "to"), "id": uuid.UUID(int=7), 3: "tre"},
    "choices enum": {"status": Plan.Status.DRAFT},
    "line separators": {"comment": "før\u2028etter\u2029slutt"},
    "floats": [0.1, 45.5, 2 / 3, -0.0, 123456.789],
    "control characters and quotes": {"t": 'a"b\\c\n\t\x01'},
    "empty": {},
}


@pytest.mark.parametrize("data", SAMPLES.values(), ids=SAMPLES.keys())
def test_the_fast_renderer_writes_the_same_bytes_as_drfs_json_renderer(data):
    with override("nb"):
        assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_a_float_in_exponent_notation_is_written_differently_but_reads_the_same():
    import json

    data = [1e-7, 1e16]
    assert FastJSONRenderer().render(data) == b"[1e-7,1e+16]"
    assert json.loads(FastJSONRenderer().render(data)) == json.loads(JSONRenderer().render(data))


def test_indented_output_and_huge_integers_fall_back_to_drf():
    data = {"big": 2**70, "a": [1]}
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)
    indented = FastJSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert indented == JSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert b"\n" in indented


def test_nothing_renders_as_an_empty_body():
    assert FastJSONRenderer().render(None) == b""


def test_an_unknown_type_is_refused_as_drf_refuses_it():
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": object()})
    with pytest.raises(TypeError):
        FastJSONRenderer().render({"x": object()})


def test_a_dataclass_is_not_silently_encoded_where_drf_would_not():
    with pytest.raises(TypeError):
        JSONRenderer().render(Point(1))
    with pytest.raises(TypeError):
        FastJSONRenderer().render(Point(1))


def test_the_api_answers_with_the_fast_renderer(world, api):
    response = api("reader").get("/api/v1/actions/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, FastJSONRenderer)
    assert response.json()["results"][0]["title"] == "Ærlig øving på å"
