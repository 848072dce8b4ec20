"""Forms for the report pages: the report's date and narrowing, and freezing a snapshot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.forms import DateInput
from planportal.dates import SaneDateFormField
from planportal.forms import AccessibleFormMixin
from planportal.models import Unit
from planportal.periods import TERTIAL, period_containing
from reports.models import Frequency
from strategies.models import FocusArea, Plan


class ReportParamsForm(forms.Form):
    """``?as_of=&since=&focus_area=&unit=&actions=all``: every field optional."""

    as_of = SaneDateFormField(label=_("Report date"), required=False)
    since = SaneDateFormField(label=_("Changes since"), required=False)
    focus_area = forms.ModelChoiceField(label=_("Focus area"), queryset=FocusArea.objects.none(),
                                        required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    actions = forms.ChoiceField(label=_("Actions listed"), required=False,
                                choices=[("", _("overdue and at risk")), ("all", _("all"))])
    contributions = forms.ChoiceField(
        label=_("Include what contributes to the goals"), required=False,
        choices=[("", _("not included")), ("include", _("included"))],
        help_text=_("Per goal, the progress of the goals and actions of lower plans that "
                    "contribute to it."))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.filter(plan=plan)
        self.fields["unit"].queryset = Unit.objects.filter(organization_id=plan.organization_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        as_of, since = data.get("as_of"), data.get("since")
        if as_of and since and since > as_of:
            raise ValidationError({"since": _("Must be on or before the report date.")})
        return data

    def report_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "as_of": data.get("as_of"), "since": data.get("since"),
            "focus_area": data.get("focus_area"), "unit": data.get("unit"),
            "include_actions": data.get("actions") == "all",
            "include_contributions": data.get("contributions") == "include",
        }

    def errors_text(self) -> str:
        return "; ".join(
            f"{self.fields[name].label} ({name}): {' '.join(messages)}" if name in self.fields
            else " ".join(messages)
            for name, messages in self.errors.items()
        )


class IncludeCheckbox(forms.CheckboxInput):
    """A checkbox that sends "include" when ticked (the value the API takes), and
    nothing when not."""

    def __init__(self) -> None:
        super().__init__(attrs={"value": "include"}, check_test=lambda value: value == "include")

    def format_value(self, value: Any) -> None:
        return None  # the value attribute is always "include" (attrs)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:
        return data.get(name, "")


class ReportDatesForm(AccessibleFormMixin, ReportParamsForm):
    """The report page's own form: its two dates as date pickers, with accessible errors;
    the narrowing (focus area, unit, listing) it keeps as hidden fields."""

    no_optional_marks = True  # both dates are optional; saying so on each is noise

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("as_of", "since"):
            self.fields[name].widget = DateInput(attrs={"class": "ds-input"})
        for name in ("focus_area", "unit", "actions"):
            self.fields[name].widget = forms.HiddenInput()
        self.fields["contributions"].widget = IncludeCheckbox()
        self._describe()


def _previous_tertial_key() -> str:
    return period_containing(TERTIAL, timezone.localdate()).previous().key


class SnapshotForm(AccessibleFormMixin, forms.Form):
    """Freeze a report: a standard period by key ("2025-T2", "2025-05", "2025") or a date,
    final once the period has ended, else only as a preliminary report."""

    frequency = forms.ChoiceField(label=_("Kind of period"), choices=Frequency.choices,
                                  initial=Frequency.TERTIAL)
    period_key = forms.CharField(
        label=_("Period"), required=False, max_length=20, initial=_previous_tertial_key,
        help_text=_('E.g. "2025-T2" for the 2nd tertial, "2025-05" for May, "2025" for the '
                    "year."),
    )
    as_of = SaneDateFormField(label=_("Date (custom period)"), required=False)
    preliminary = forms.BooleanField(
        label=_("Preliminary report"), required=False,
        help_text=_("A period that has not ended can only be frozen as a preliminary "
                    "report: as of today, labelled preliminary and never sent to the "
                    "recipients."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("frequency") == Frequency.CUSTOM and not data.get("as_of"):
            raise ValidationError({"as_of": _("Choose the date the report is frozen for.")})
        if data.get("frequency") not in (None, Frequency.CUSTOM) and not data.get("period_key"):
            raise ValidationError({"period_key": _("Give the period, e.g. 2025-T2.")})
        return data

