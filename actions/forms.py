"""Web forms for actions. They only read and validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actions.models import Action, StatusUpdate
from actions.periods import parse_period
from actions.services import PERIOD_UNREAD
from planportal.dates import SaneDateFormField
from planportal.formatting import tag_label
from planportal.forms import AccessibleFormMixin, QuickSelect


class DateInput(forms.DateInput):
    """A native date picker; the browser shows it in the user's own format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class VersionedForm(AccessibleFormMixin, forms.Form):
    """Carries the action version the user saw, for the services' compare-and-set."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def keep_input_with_version(self, version: int) -> None:
        """After a conflict: keep what the user typed, but against the current version,
        so that sending it again is a deliberate overwrite of the newer data."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data


class StatusUpdateForm(VersionedForm):
    """A status update: status, progress, risk and an optional comment."""

    # "Carried over" is set by rullering alone (Action.REPORTABLE_STATUSES).
    status = forms.ChoiceField(label=_("Status"), choices=[
        (value, tag_label(label)) for value, label in Action.Status.choices
        if value in Action.REPORTABLE_STATUSES])
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    risk = forms.ChoiceField(label=_("Risk"), choices=[
        (value, tag_label(label)) for value, label in StatusUpdate.Risk.choices])
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What has been done, and what comes next. "
                    "Do not write personal data about patients or users."),
    )

    @classmethod
    def for_action(cls, action: Action, **kwargs: Any) -> StatusUpdateForm:
        """An empty form that starts from the action's current state."""
        initial = {
            "version": action.version,
            "status": action.status,
            "progress": action.progress,
            "risk": getattr(action, "latest_risk", None) or StatusUpdate.Risk.ON_TRACK,
        }
        return cls(initial=initial, prefix=f"tiltak-{action.pk}", **kwargs)


class EvaluationForm(VersionedForm):
    """The final evaluation (sluttevaluering) of a completed or cancelled action."""

    evaluation = forms.CharField(
        label=_("Final evaluation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Was the goal reached? What did the action achieve, and what was learned? "
                    "Do not write personal data about patients or users."),
    )

    @classmethod
    def for_action(cls, action: Action, **kwargs: Any) -> EvaluationForm:
        initial = {"version": action.version, "evaluation": action.evaluation}
        return cls(initial=initial, prefix=f"evaluering-{action.pk}", **kwargs)


class AssignmentFields(AccessibleFormMixin, forms.Form):
    """Unit, person and deadline, with choices limited to one organisation.

    Choices are plain (value, label) lists built once per page, so a page with many
    forms runs no query per form.
    """

    # QuickSelect: a kommune's units and its people are long lists (planportal.forms).
    responsible_unit = forms.TypedChoiceField(
        label=_("Responsible unit"), coerce=int, required=False, empty_value=None,
        widget=QuickSelect,
    )
    responsible_person = forms.TypedChoiceField(
        label=_("Responsible person"), coerce=int, required=False, empty_value=None,
        widget=QuickSelect,
    )
    due_date = SaneDateFormField(label=_("Deadline"), required=False, widget=DateInput())
    period_text = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=100,
        help_text=_("Instead of a date, the time as the plan writes it: “løpende”, “2024-”, "
                    "“2025–2026” or “2. tertial 2026”. A period with an end gives the "
                    "deadline; an open-ended one makes the action continuous."),
    )

    def __init__(
        self,
        *args: Any,
        units: list[tuple[Any, str]],
        people: list[tuple[Any, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].choices = [("", _("– not chosen –")), *units]
        self.fields["responsible_person"].choices = [("", _("– not chosen –")), *people]

    def clean_period_text(self) -> str:
        """The text as typed (spaces tidied), refused when it cannot be read as a time,
        as the importer reads the Tid column."""
        text = " ".join(self.cleaned_data.get("period_text", "").split())
        if text and parse_period(text).unread:
            raise forms.ValidationError(PERIOD_UNREAD)
        return text


class AssignForm(AssignmentFields, VersionedForm):
    """Assign one action; every field shows the current value and is sent as it stands.

    A person without a unit is refused by the service, on the unit field. The dates a
    new period text gives are the service's to work out (``assign_action``), so the
    page, the API and the admin get the same ones.
    """


class BulkAssignForm(AssignmentFields):
    """Assign several actions at once; a blank field leaves that field as it is."""

    actions = forms.TypedMultipleChoiceField(
        label=_("Actions"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one action.")},
    )

    def __init__(self, *args: Any, action_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [(pk, str(pk)) for pk in action_ids]
        self.fields["responsible_unit"].help_text = _("Leave blank to keep each action's unit.")
        self.fields["responsible_person"].help_text = _(
            "Leave blank to keep each action's person."
        )
        self.fields["due_date"].help_text = _("Leave blank to keep each action's deadline.")
        self.fields["period_text"].help_text = _(
            "Leave blank to keep each action's period. “løpende”, “2024-”, “2025–2026” or "
            "“2. tertial 2026” replaces it, and the deadline with the period's end (none "
            "for an open-ended period) unless a deadline is given too.")
        self._describe()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors.get("period_text"):
            return data
        if not any(data.get(name) for name in ("responsible_unit", "responsible_person",
                                                "due_date", "period_text")):
            raise forms.ValidationError(
                _("Choose a unit, a person, a deadline or a period to give the selected "
                  "actions.")
            )
        return data


class CalendarFeedForm(AccessibleFormMixin, forms.Form):
    """A new calendar address: of one's own deadlines, or of a unit of *unit_groups* (the
    units whose deadlines the user may subscribe to, grouped by kommune)."""

    # The one field always has a choice (one's own actions): "optional" would mislead.
    no_optional_marks = True

    unit = forms.TypedChoiceField(
        label=_("Deadlines of"), coerce=int, required=False, empty_value=None,
        help_text=_("Your own: the actions you are responsible for, as a person or for your "
                    "unit or sector. A unit's: every action of the unit and its subunits."),
    )

    def __init__(self, *args: Any, unit_groups: list[tuple[str, list[tuple[int, str]]]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("My own actions")), *unit_groups]
