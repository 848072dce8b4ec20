"""The plan page's filter form (GET): status, unit and overdue."""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from planportal.formatting import tag_label
from planportal.forms import AccessibleFormMixin


class UnitSelect(forms.Select):
    """A select written in Python: a big kommune's two hundred units through Django's
    template for each option cost ten milliseconds of every plan page. The markup is the
    stock widget's, without its whitespace (``tests/web/test_big_plan_page.py`` compares)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(choice))}"'
            f'{" selected" if str(choice) in chosen else ""}>{escape(str(label))}</option>'
            for choice, label in self.choices)
        # In the widget's order, as its attrs.html writes them (flatatt sorts them).
        written = "".join(
            f" {key}" if value is True else f' {key}="{escape(str(value))}"'
            for key, value in self.build_attrs(self.attrs, attrs).items() if value is not False)
        return mark_safe(  # noqa: S308 - names, values and labels are escaped
            f'<select name="{escape(name)}"{written}>{options}</select>')


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
        widget=UnitSelect,
    )
    overdue = forms.BooleanField(label=_("Only overdue actions"), required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units")), *units]
        self.fields["overdue"].widget.attrs["class"] = "ds-input"
