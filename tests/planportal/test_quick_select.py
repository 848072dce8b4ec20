"""QuickSelect writes the markup Django's Select does, in Python (long lists of choices)."""

from __future__ import annotations

import re

import pytest
from django import forms

from planportal.forms import AccessibleFormMixin, QuickSelect

UNITS = [("", "Alle"), (1, "Kommunen"), (2, "\u2003Helse & <omsorg> \"x\""),
         (3, "\u2003\u2003Hjemme")]


class Quick(AccessibleFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label="Enhet", required=False, coerce=int, empty_value=None,
                                  choices=UNITS, widget=QuickSelect,
                                  help_text="Med enhetene under")
    status = forms.ChoiceField(label="Status", choices=[("a", "A"), ("b", "B")],
                               widget=QuickSelect(attrs={"autofocus": True}))


class Stock(AccessibleFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label="Enhet", required=False, coerce=int, empty_value=None,
                                  choices=UNITS, help_text="Med enhetene under")
    status = forms.ChoiceField(label="Status", choices=[("a", "A"), ("b", "B")],
                               widget=forms.Select(attrs={"autofocus": True}))


def _flat(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("data", [None, {"unit": "2", "status": "b"}, {"unit": "9"}])
def test_a_quick_select_is_the_stock_select_without_its_whitespace(data):
    quick, stock = Quick(data), Stock(data)
    if data:
        quick.is_valid(), stock.is_valid()
    for name in ("unit", "status"):
        assert _flat(quick[name]) == _flat(stock[name])
    assert ("aria-invalid" in str(quick["unit"])) == (data == {"unit": "9"})


PEOPLE = [("", "– ikke valgt –"),
          ("Helse & omsorg", [(7, "Åse Ødegård"), (8, "Per <Pål>")]),
          ("Skole", [(9, "Kari Nordmann"), (7, "Åse Ødegård")])]


class QuickGroups(forms.Form):
    person = forms.TypedChoiceField(label="Person", required=False, coerce=int,
                                    empty_value=None, choices=PEOPLE, widget=QuickSelect)


class StockGroups(forms.Form):
    person = forms.TypedChoiceField(label="Person", required=False, coerce=int,
                                    empty_value=None, choices=PEOPLE)


@pytest.mark.parametrize("initial", [None, 7, 9])
def test_a_quick_select_writes_option_groups_as_the_stock_select_does(initial):
    quick, stock = QuickGroups(initial={"person": initial}), StockGroups(
        initial={"person": initial})
    assert _flat(quick["person"]) == _flat(stock["person"])
    assert "<optgroup" in str(quick["person"])
