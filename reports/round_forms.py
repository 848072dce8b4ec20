"""Forms for the reporting round pages. They only read and validate input; the round
services (``actions.rounds``, ``reports.round_services``) check the rules and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.forms import DateInput, VersionedForm
from actions.models import Action, StatusUpdate
from actions.round_models import PERIOD_FREQUENCIES
from planportal.dates import SaneDateFormField
from planportal.formatting import tag_label
from planportal.forms import AccessibleFormMixin
from planportal.periods import TERTIAL, period_containing

PERSONAL_DATA = _("Do not write personal data about patients or employees.")


def _current_tertial_key() -> str:
    return period_containing(TERTIAL, timezone.localdate()).key


class OpenRoundForm(AccessibleFormMixin, forms.Form):
    """Open a round: all adopted plans or some plans, the period and the deadline."""

    organization = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    scope = forms.ChoiceField(
        label=_("Plans in the round"), widget=forms.RadioSelect, initial="all",
        choices=[("all", _("All adopted plans")), ("some", _("Only the plans I choose"))],
    )
    plans = forms.TypedMultipleChoiceField(
        label=_("Plans"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Only used when the round is for the plans you choose."),
    )
    frequency = forms.ChoiceField(label=_("Kind of period"), choices=PERIOD_FREQUENCIES,
                                  initial=TERTIAL)
    period_key = forms.CharField(
        label=_("Period"), max_length=20, initial=_current_tertial_key,
        help_text=_('E.g. "2026-T2" for the 2nd tertial, "2026-05" for May, "2026" for the '
                    "year."),
    )
    deadline = SaneDateFormField(label=_("Reporting deadline"), widget=DateInput())

    def __init__(self, *args: Any, organizations: list[tuple[int, str]],
                 plans: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = organizations
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0][0]
            self.fields["organization"].widget = forms.HiddenInput()
        self.fields["plans"].choices = plans
        self._describe()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("scope") == "some" and not data.get("plans"):
            self.add_error("plans", _("Choose at least one plan."))
        return data


class ReturnForm(VersionedForm):
    """A return: status, progress, risk, what was done and what comes next, and the values
    of the goal's indicators. Nothing is required here: a draft may be half written, and
    the service says what a submission lacks."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    progress = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=100, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    risk = forms.ChoiceField(label=_("Risk"), choices=[
        (value, tag_label(label)) for value, label in StatusUpdate.Risk.choices])
    done = forms.CharField(
        label=_("What was done this period"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}), help_text=PERSONAL_DATA,
    )
    next_steps = forms.CharField(
        label=_("What comes next"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}), help_text=PERSONAL_DATA,
    )

    def __init__(self, *args: Any, indicators: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.no_optional_marks = True
        self.fields["status"].choices = [("", _("– choose –")), *[
            (value, tag_label(label)) for value, label in Action.Status.choices
            if value in Action.REPORTABLE_STATUSES]]
        self.indicator_names: list[str] = []
        for indicator in indicators:
            name = f"indicator_{indicator.pk}"
            label = f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name
            self.fields[name] = forms.CharField(
                label=label, required=False, max_length=40,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                help_text=_("The value for the period, if you measure it. Leave blank "
                            "otherwise."),
            )
            self.indicator_names.append(name)
        self._describe()

    @property
    def indicator_fields(self) -> list[Any]:
        return [self[name] for name in self.indicator_names]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned input as the round services take it."""
        data = self.cleaned_data
        values = [{"indicator": int(name.removeprefix("indicator_")), "value": data[name]}
                  for name in self.indicator_names if (data.get(name) or "").strip()]
        return {"status": data.get("status") or "", "progress": data.get("progress"),
                "risk": data.get("risk") or StatusUpdate.Risk.ON_TRACK,
                "done": data.get("done") or "", "next_steps": data.get("next_steps") or "",
                "indicator_values": values}

    @classmethod
    def initial_for(cls, ret: Any) -> dict[str, Any]:
        """What the form starts from: the return as saved, else the tiltak's state."""
        action = ret.action
        initial: dict[str, Any] = {
            "version": ret.version,
            "status": ret.status or (action.status if action.status
                                     in Action.REPORTABLE_STATUSES else ""),
            "progress": ret.progress if ret.progress is not None else action.progress,
            "risk": ret.risk or StatusUpdate.Risk.ON_TRACK,
            "done": ret.done, "next_steps": ret.next_steps,
        }
        for row in ret.indicator_values or []:
            initial[f"indicator_{row['indicator']}"] = row["value"]
        return initial


class ReviewForm(VersionedForm):
    """Approve a submitted return, or send it back with a comment (required then)."""

    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("send_back", _("Send back for changes"))],
    )
    comment = forms.CharField(
        label=_("Comment to the person reporting"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you send the return back: say what should be improved. "
                    "Do not write personal data about patients or employees."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "send_back" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what should be improved."))
        return data


class AssessmentForm(AccessibleFormMixin, forms.Form):
    """The assessment of one focus area or sector; *version* is the assessment's, blank
    for a new one."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    text = forms.CharField(label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=PERSONAL_DATA)

    def keep_input_with_version(self, version: int | None) -> None:
        data = self.data.copy()
        data["version"] = "" if version is None else str(version)
        self.data = data


class CloseRoundForm(VersionedForm):
    """Close a round with the case facts: case number, committee and meeting date."""

    case_number = forms.CharField(label=_("Case number"), max_length=50,
                                  help_text=_('The case reference (saksnummer), e.g. '
                                              '"2026/1234".'))
    committee = forms.CharField(label=_("Committee"), max_length=200)
    meeting_date = SaneDateFormField(label=_("Meeting date"), widget=DateInput())
