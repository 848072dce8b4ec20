"""Forms for the indicator page: recording a value, and who follows the indicator up.

They read and validate input only; ``strategies.services`` records and assigns.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actions.forms import DateInput
from planportal.dates import SaneDateFormField
from planportal.forms import AccessibleFormMixin
from strategies.models import Indicator


def _decimal(label: Any, *, required: bool, help_text: Any = "") -> forms.DecimalField:
    # Localized ("9,4" in Norwegian): a text input with the decimal keyboard.
    return forms.DecimalField(
        label=label, required=required, max_digits=14, decimal_places=2, localize=True,
        help_text=help_text, widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class MeasurementForm(AccessibleFormMixin, forms.Form):
    """One value of an indicator for one period (``services.record_measurement``)."""

    period_end = SaneDateFormField(
        label=_("Period end"), widget=DateInput(),
        help_text=_("The last day of the period the value applies to, e.g. 31 December for "
                    "a year."))
    period_label = forms.CharField(
        label=_("Period"), required=False, max_length=60,
        help_text=_("As the period is named in reports, e.g. “2025” or “2. tertial 2026”."))
    value = _decimal(_("Value"), required=True)
    national_average = _decimal(_("National average"), required=False,
                                help_text=_("The national figure for the same period, when "
                                            "known."))
    source = forms.CharField(
        label=_("Source"), required=False, max_length=200,
        help_text=_("Where the value comes from, e.g. “SSB, tabell 12345” or “HR-systemet”."))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(AccessibleFormMixin, forms.Form):
    """Who follows an indicator up, how often a value is due and when the next is
    (``services.assign_indicator``). Choices are built by the page, one query each."""

    responsible_unit = forms.TypedChoiceField(
        label=_("Responsible unit"), coerce=int, required=False, empty_value=None)
    responsible_person = forms.TypedChoiceField(
        label=_("Responsible person"), coerce=int, required=False, empty_value=None)
    frequency = forms.ChoiceField(label=_("A value is due"), required=False,
                                  choices=Indicator.Frequency.choices)
    next_due_on = SaneDateFormField(
        label=_("Next value due"), required=False, widget=DateInput(),
        help_text=_("Empty: worked out from the frequency, a month after the period ends "
                    "(a tertial ending 30 April is due 31 May)."))

    def __init__(self, *args: Any, units: list[tuple[Any, str]],
                 people: list[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].choices = [("", _("– not chosen –")), *units]
        self.fields["responsible_person"].choices = [("", _("– not chosen –")), *people]

    @classmethod
    def for_indicator(cls, indicator: Indicator, **kwargs: Any) -> FollowUpForm:
        """An unbound form showing who follows *indicator* up now."""
        initial = {name: getattr(indicator, name) for name in
                   ("responsible_unit_id", "responsible_person_id", "frequency", "next_due_on")}
        initial["responsible_unit"] = initial.pop("responsible_unit_id")
        initial["responsible_person"] = initial.pop("responsible_person_id")
        return cls(initial=initial, prefix="oppfolging", **kwargs)
