"""What the admin-form walk needs beside the URL walk: admin pages' forms as a browser
reads them (html.parser), whose kommune an object is, and plausible values for empty
required fields.

A form is read the way a browser submits it: text, hidden and other inputs with their
values, checked boxes, the selected options of each select (the first option where none
is selected), textareas' text. Nothing here knows a particular admin: the walk finds the
admins in ``admin.site._registry`` and the form fields in the page's own form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q

from planportal.models import Organization, User
from strategies.models import Plan
from tests.access.urlwalk import path_to

#: Inputs a browser never submits as data (buttons submit only when clicked).
_NOT_DATA = {"submit", "button", "reset", "image", "file"}


@dataclass
class Control:
    """One input, select or textarea of a form."""

    tag: str
    name: str
    type: str = ""
    value: str = ""
    checked: bool = False
    multiple: bool = False
    #: a select's options as (value, selected)
    options: list[tuple[str, bool]] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    def option_values(self) -> list[str]:
        return [value for value, _selected in self.options if value]


@dataclass
class HtmlForm:
    """A ``<form>`` of a page: its attributes and its controls in page order."""

    attrs: dict[str, str]
    controls: list[Control] = field(default_factory=list)

    @property
    def is_post(self) -> bool:
        return self.attrs.get("method", "get").lower() == "post"

    def named(self, name: str) -> list[Control]:
        return [control for control in self.controls if control.name == name]

    def data(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted as the page rendered it."""
        data: dict[str, list[str]] = {}
        for control in self.controls:
            values: list[str] = []
            if control.tag == "select":
                values = [v for v, selected in control.options if selected]
                if not values and not control.multiple and control.options:
                    values = [control.options[0][0]]
            elif control.tag == "textarea":
                # A browser drops the one line break right after <textarea>.
                values = [control.value.removeprefix("\n")]
            elif control.type in ("checkbox", "radio"):
                values = [control.value or "on"] if control.checked else []
            elif control.type not in _NOT_DATA:
                values = [control.value]
            if values or control.name not in data:
                data.setdefault(control.name, [])
                data[control.name] += values
        return data


class FormsParser(HTMLParser):
    """Every form of a page, with its controls."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: Control | None = None
        self._option: list[Any] | None = None  # [value or None, selected, text]
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._form = HtmlForm(attr)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attr.get("name", "")
        if tag == "input" and name:
            self._form.controls.append(Control(
                "input", name, type=attr.get("type", "text").lower(),
                value=attr.get("value", ""), checked="checked" in attr, attrs=attr))
        elif tag == "select" and name:
            self._select = Control("select", name, multiple="multiple" in attr, attrs=attr)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option = [attr.get("value"), "selected" in attr, ""]
        elif tag == "textarea" and name:
            self._textarea = Control("textarea", name, attrs=attr)
            self._form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select.options.append((value if value is not None else text.strip(),
                                         selected))
        self._option = None


def page_forms(content: bytes) -> list[HtmlForm]:
    """The POST forms of a page that hold more than the CSRF token (not the logout form)."""
    parser = FormsParser()
    parser.feed(content.decode("utf-8", errors="replace"))
    return [form for form in parser.forms if form.is_post and not (
        form.attrs.get("id") == "logout-form" or "logout" in form.attrs.get("action", ""))]


# --- Whose objects ----------------------------------------------------------------------


class Kommuner:
    """Which rows of a model belong to one kommune, by the same foreign keys the URL walk
    follows (:func:`tests.access.urlwalk.path_to`): an object of one of its plans, of the
    organisation, or of a person whose roles are all in that kommune (any of the three).
    A model with no such path is global reference data (the SDGs): it is no kommune's."""

    def __init__(self) -> None:
        self._people: dict[int, list[int]] = {}

    def people_of(self, organization: Organization) -> list[int]:
        """People with roles in *organization* only (a commuter is of both kommuner)."""
        if organization.pk not in self._people:
            self._people[organization.pk] = list(
                User.objects.filter(memberships__unit__organization=organization)
                .exclude(memberships__unit__organization__in=Organization.objects.exclude(
                    pk=organization.pk)).distinct().order_by("pk").values_list("pk", flat=True))
        return self._people[organization.pk]

    def rows(self, model: type[models.Model], organization: Organization) -> Any:
        """*model*'s rows of *organization* by any of the three ways (a feed with no unit
        is still its person's), or None for global reference data."""
        condition = None
        for target in (Plan, Organization, User):
            found = path_to(model, (target,))
            if found is None:
                continue
            lookup = found[0]
            if target is Plan:
                term = Q(**{f"{lookup}__organization" if lookup else "organization":
                            organization.pk})
            elif target is Organization:
                term = Q(**{lookup or "pk": organization.pk})
            else:
                term = Q(**{f"{lookup}__in" if lookup else "pk__in":
                            self.people_of(organization)})
            condition = term if condition is None else condition | term
        if condition is None:
            return None
        return model._default_manager.filter(condition).distinct().order_by("pk")

    def values(self, model: type[models.Model], organization: Organization,
               to_field: str | None = None) -> set[str] | None:
        """The values a form would post for *organization*'s rows (pk unless *to_field*)."""
        rows = self.rows(model, organization)
        if rows is None:
            return None
        return {str(value) for value in rows.values_list(to_field or "pk", flat=True)}


# --- Plausible values -------------------------------------------------------------------


def plausible(name: str, form_field: forms.Field, choices: list[str],
              own: list[str], pick: int = 0) -> list[str]:
    """A value a person would type or pick into an empty required *form_field*:
    the kommune's own object for a relation (*own*, else one of *choices*), a choice,
    this year for a year, today for a date. *pick* 0 takes the first choice, -1 the last
    (a second try, where the first choice already exists: a role the person has)."""
    today = date.today()
    if isinstance(form_field, forms.ModelChoiceField):
        options = own or choices
        return [options[pick]] if options else []
    if isinstance(form_field, forms.ChoiceField):
        options = choices or [str(value) for value, _label in form_field.choices if value]
        return [options[pick]] if options else []
    if isinstance(form_field, forms.BooleanField):
        return ["on"]
    if isinstance(form_field, forms.EmailField):
        return [f"walk.{name}@elverum.invalid"]
    if isinstance(form_field, forms.SlugField):
        return [f"walk-{name}".replace("_", "-")]
    if isinstance(form_field, forms.URLField):
        return ["https://elverum.invalid/walk/"]
    if isinstance(form_field, forms.SplitDateTimeField):
        return [today.isoformat(), "12:00"]
    if isinstance(form_field, forms.DateTimeField):
        return [f"{today.isoformat()} 12:00"]
    if isinstance(form_field, forms.DateField):
        return [today.isoformat()]
    if isinstance(form_field, forms.IntegerField):
        if is_year(name):
            return [str(today.year)]
        low = form_field.min_value if form_field.min_value is not None else 1
        return [str(max(low, 1) if form_field.max_value is None else min(
            max(low, 1), form_field.max_value))]
    if isinstance(form_field, forms.DecimalField | forms.FloatField):
        return ["1"]
    text = f"Walk {name}"
    max_length = getattr(form_field, "max_length", None)
    return [text[:max_length] if max_length else text]


def is_year(name: str) -> bool:
    """A number field that holds a year (``period_start``, ``target_year``)."""
    return "year" in name or name.startswith("period")


def free_position(form_field: forms.Field) -> str:
    """A second try's order or position: one no plan uses yet, within the field's bounds."""
    value = 97
    if getattr(form_field, "max_value", None) is not None:
        value = min(value, form_field.max_value)
    return str(value)
