"""The plan page's filter form (GET): status, unit and overdue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from planportal.formatting import tag_label
from planportal.forms import AccessibleFormMixin, QuickSelect


class PlanFilterForm(AccessibleFormMixin, forms.Form):
    """Narrow the plan tree's actions; an invalid value is reported, not ignored."""

    no_optional_marks = True  # every filter is optional; saying so on each is noise

    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")),
                 *((value, tag_label(label)) for value, label in Action.Status.choices)],
    )
    unit = forms.TypedChoiceField(
        label=_("Responsible unit"), required=False, coerce=int, empty_value=None,
        widget=QuickSelect,
    )
    overdue = forms.BooleanField(label=_("Only overdue actions"), required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units")), *units]
        self.fields["overdue"].widget.attrs["class"] = "ds-input"
