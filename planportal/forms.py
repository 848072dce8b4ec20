"""Form plumbing for the web interface: Designsystemet classes and accessible errors."""

from __future__ import annotations

from html import escape
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from planportal.models import User


class AccessibleFormMixin:
    """Give every widget Designsystemet's class and tie help and errors to their fields.

    Each widget's ``aria-describedby`` names its help text (``<id>_helptext``) and, once
    the form is validated, its error message (``<id>_error``); invalid widgets also get
    ``aria-invalid``. ``planportal/_field.html`` renders elements with those ids, and
    ``planportal/_error_summary.html`` the summary (``<prefix>-feil``) that takes the focus;
    a form with errors autofocuses no field, so nothing takes the focus from the summary.
    A form whose errors concern all its fields together (a login that failed) sets
    ``errors_concern_every_field``: each field is then invalid and described by the summary.
    """

    fields: dict[str, forms.Field]
    errors_concern_every_field = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "ds-input")
        self._describe()

    def full_clean(self) -> None:
        self._validated = False
        super().full_clean()  # type: ignore[misc]
        self._validated = True
        self._describe()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        # An error added after validation (a service's refusal, add_service_errors) ties
        # its widget to the message too, as one the form's own checks found.
        if getattr(self, "_validated", False):
            self._describe()

    def _describe(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        together = self.errors_concern_every_field and NON_FIELD_ERRORS in errors
        summary = f"{getattr(self, 'prefix', None) or 'skjema'}-feil"
        for name, field in self.fields.items():
            # Not self[name]: that caches a bound field with the help text of this moment,
            # and a form that sets help text later (BulkAssignForm) would describe its
            # widget by a help text element the template then never renders.
            if field.widget.is_hidden:
                # Nobody perceives a hidden input: its errors are in the summary alone.
                for attr in ("aria-describedby", "aria-invalid"):
                    field.widget.attrs.pop(attr, None)
                continue
            auto_id = field.get_bound_field(self, name).auto_id  # type: ignore[arg-type]
            described = []
            if field.help_text:
                described.append(f"{auto_id}_helptext")
            if name in errors:
                described.append(f"{auto_id}_error")
            if together:
                described.append(summary)
            if name in errors or together:
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if errors:
                field.widget.attrs.pop("autofocus", None)
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
            else:
                field.widget.attrs.pop("aria-describedby", None)


class QuickSelect(forms.Select):
    """A select written in Python, for long lists of choices (a big kommune's two hundred
    units, its five hundred people in groups by unit): through Django's template for each
    option they cost ten milliseconds a page and more. The markup is the stock widget's
    without its whitespace, option groups included (``tests/planportal/
    test_quick_select.py`` compares)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        chosen = set(self.format_value(value))
        # As the stock widget: a single select marks only the first option of its value.
        marked = [False]

        def option(choice: Any, label: Any) -> str:
            selected = str(choice) in chosen and (self.allow_multiple_selected
                                                  or not marked[0])
            if selected:
                marked[0] = True
            return (f'<option value="{escape(str(choice))}"{" selected" if selected else ""}>'
                    f'{escape(str(label))}</option>')

        parts = []
        for choice, label in self.choices:
            if isinstance(label, (list, tuple)):
                inner = "".join(option(c, lab) for c, lab in label)
                parts.append(f'<optgroup label="{escape(str(choice))}">{inner}</optgroup>')
            else:
                parts.append(option(choice, label))
        # In the widget's order, as its attrs.html writes them (flatatt sorts them).
        written = "".join(
            f" {key}" if setting is True else f' {key}="{escape(str(setting))}"'
            for key, setting in self.build_attrs(self.attrs, attrs).items()
            if setting is not False)
        return mark_safe(  # noqa: S308 - names, values and labels are escaped
            f'<select name="{escape(name)}"{written}>{"".join(parts)}</select>')


def add_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (else on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class PreferencesForm(AccessibleFormMixin, forms.Form):
    """The signed-in user's own reminder settings; ``services.update_preferences`` saves."""

    # No help text: planportal/_field.html shows none beside a checkbox.
    reminder_emails = forms.BooleanField(label=_("Send me reminder e-mails"), required=False)
    # The same preference picks the pages' language (planportal.languages) unless the
    # language switch in the header has set a cookie. Blank (not required) follows the
    # målform of the user's kommune.
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        required=False,
        help_text=_("Used in your e-mails, and on these pages unless you choose another "
                    "language with the button at the top."),
    )

    def clean_preferred_language(self) -> str:
        # Blank is a choice (follow the kommune); a post without the field is not.
        if "preferred_language" not in self.data:
            raise ValidationError(self.fields["preferred_language"].error_messages["required"],
                                  code="required")
        return self.cleaned_data["preferred_language"]
