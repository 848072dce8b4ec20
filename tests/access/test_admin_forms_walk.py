"""Issue 14, "trust at the seams": the URL walk's admin pages submitted, not only read.

The audit's first high finding: an administrator whose only role is in Elverum posted
``/admin/planportal/membership/add/`` with a Rendalen person and an Elverum unit, and
the role was saved. GETs cannot find that. Here, as the walk's Elverum-only admin
(``other_admin``), for every ModelAdmin in ``admin.site._registry`` (a new admin is walked
without editing this file):

1. every form he can open (the add page, and the change page of one of Elverum's own
   objects) offers no Rendalen object: neither in a select's options nor in the
   autocomplete a field uses (global reference data, the SDGs, belongs to no kommune);
2. the form as the page rendered it (empty required fields filled with plausible values)
   is accepted, which proves the data valid; then, for each relation field, the same form
   with that field set to a Rendalen object is never a 5xx and changes nothing;
3. every changelist action posted with a Rendalen object's id (and its confirmation page
   submitted with the id too) is never a 5xx and changes nothing.

Each POST runs in a savepoint that is rolled back, as the URL walk's writes do, and
compares every row with a snapshot from before the walk: an add page and an action must
change nothing at all; a change page may save the Elverum object itself (and the admin's
log entry), never a row that involves a Rendalen object. Every failure is collected and
reported at the end.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import models, transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from strategies.models import Plan
from tests.access.adminforms import (
    Control,
    HtmlForm,
    Kommuner,
    free_position,
    is_year,
    page_forms,
    plausible,
)
from tests.access.conftest import WalkData
from tests.access.test_url_walk import (
    Filler,
    autocomplete_queries,
    fingerprint,
    personal_data_in,
)
from tests.access.urlwalk import path_to

pytestmark = pytest.mark.django_db

PERSONA = "other_admin"
#: Forms whose page data the walk cannot make valid, each with why (none today). A form
#: here has its relation fields posted all the same, but no proof that the data was valid.
UNFILLABLE: dict[str, str] = {}


def admin_url(model: type[models.Model], view: str, *args: Any) -> str | None:
    meta = model._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def _form_errors(response: Any) -> str:
    """The errors of the admin form a refused POST shows again, for the failure text."""
    context = getattr(response, "context", None)
    if not context or "adminform" not in context:
        return ""
    errors: dict[str, Any] = dict(context["adminform"].form.errors)
    for formset in context.get("inline_admin_formsets") or []:
        if formset.formset.non_form_errors():
            errors[formset.formset.prefix] = formset.formset.non_form_errors()
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())


@dataclass
class FormPage:
    """An admin form the persona opened: the form as the page has it and its fields."""

    url: str
    html: HtmlForm
    #: the form's own fields by name (the page's ``adminform``), with their types
    fields: dict[str, forms.Field]
    #: relation fields → the model their choices are rows of
    relations: dict[str, type[models.Model]] = field(default_factory=dict)
    #: the values each relation field offers (options, or what its autocomplete lists)
    offered: dict[str, list[str]] = field(default_factory=dict)


class AdminFormWalk:
    """The Elverum admin's browser, the kommuner's objects and the failures found."""

    def __init__(self, data: WalkData) -> None:
        self.data = data
        self.user = data.users[PERSONA]
        # As a browser: CSRF enforced, the token taken from each page's form.
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(self.user)
        self.kommuner = Kommuner()
        self.filler = Filler(data)
        self.before = fingerprint()
        self.snapshot = Snapshot(self.kommuner, data.rendalen)
        self.failures: list[str] = []
        self.forms_checked: list[str] = []
        self.forms_saved: list[str] = []
        self.actions_posted = 0
        #: confirmation pages of actions submitted (with the Rendalen id put back)
        self.confirmations = 0
        self._autocomplete = set(autocomplete_queries())

    def fail(self, method: str, url: str, status: Any, reason: str) -> None:
        self.failures.append(f"{PERSONA} {method} {url} → {status}: {reason}")

    # --- whose objects -------------------------------------------------------------------

    def rendalen(self, model: type[models.Model], to_field: str | None = None
                 ) -> set[str] | None:
        return self.kommuner.values(model, self.data.rendalen, to_field)

    def rendalen_samples(self, model: type[models.Model], to_field: str | None = None
                         ) -> list[str]:
        """One Rendalen object of *model* per variant (the non-public plan's, the public
        plan's), as the URL walk picks them (a row naming a person first)."""
        values = self.rendalen(model, to_field)
        if not values:
            return []
        bound = (path_to(model, (Plan,)) or (None,))[0] is not None
        samples: list[str] = []
        for variant in ("private", "public") if bound else ("private",):
            found, _scope = self.filler.obj(model, variant)
            value = str(getattr(found, to_field or "pk")) if found is not None else None
            if value not in values:
                value = min(values, key=lambda v: (len(v), v))
            if value not in samples:
                samples.append(value)
        return samples

    # --- requests ------------------------------------------------------------------------

    def get(self, url: str) -> Any:
        try:
            return self.client.get(url)
        except Exception as exc:  # a raising view is a 500 to report, with its error
            self.fail("GET", url, 500, f"raised {type(exc).__name__}: {exc}"[:300])
            return None

    def post(self, url: str, data: dict[str, list[str]], what: str, strict: bool = True
             ) -> tuple[Any, list[str]]:
        """POST in a savepoint that is rolled back: (response, what it wrongly wrote).
        Wrong is any row that involves a Rendalen object; if *strict* (a form that adds,
        an action), any row at all, since the Rendalen id should have been refused."""
        with transaction.atomic():
            try:
                response = self.client.post(url, data)
            except Exception as exc:  # a raising view is a 500 to report, with its error
                self.fail("POST", url, 500, f"{what or 'the form as rendered'}: raised "
                          f"{type(exc).__name__}: {exc}"[:400])
                transaction.set_rollback(True)
                return None, []
            changes = self.snapshot.changes()
            transaction.set_rollback(True)
        wrong = [text for text, involves in changes if involves or strict]
        # A message of a rolled-back save ("… was added") would show on the next page.
        self.client.cookies.pop(CookieStorage.cookie_name, None)
        if response.status_code >= 500:
            self.fail("POST", url, response.status_code, f"{what}: a server error")
        elif response.status_code == 403 and b"CSRF" in response.content:
            self.fail("POST", url, 403, f"{what}: refused for CSRF, so it proves nothing")
        leaked = personal_data_in(response, self.data)
        if leaked:
            self.fail("POST", url, response.status_code, f"{what}: shows Rendalen people: "
                      f"{leaked}")
        return response, wrong

    # --- 1. what the forms offer ---------------------------------------------------------

    def open_form(self, url: str) -> FormPage | None:
        """The admin form at *url*, if the persona can open it and change something."""
        response = self.get(url)
        if response is None or response.status_code != 200:
            return None
        context = response.context
        if not context or "adminform" not in context:
            return None
        form = context["adminform"].form
        html = next((f for f in page_forms(response.content)
                     if any(c.name in form.fields for c in f.controls)), None)
        if html is None:
            return None  # a view-only page: nothing to submit
        page = FormPage(url, html, dict(form.fields))
        for name, form_field in form.fields.items():
            if isinstance(form_field, forms.ModelChoiceField) and html.named(name):
                page.relations[name] = form_field.queryset.model
        return page

    def check_offers(self, page: FormPage) -> None:
        for name in page.relations:
            page.offered[name] = self.offers(page.url, page.html, name, page.fields[name])

    def offers(self, url: str, html: HtmlForm, name: str,
               form_field: forms.ModelChoiceField) -> list[str]:
        """The values field *name* offers (its options, or all its autocomplete lists),
        each Rendalen one a failure."""
        model, to_field = form_field.queryset.model, form_field.to_field_name
        offered: list[str] = []
        for control in html.named(name):
            offered += control.option_values()
            if "admin-autocomplete" in control.attrs.get("class", ""):
                offered += self.autocomplete(url, control)
        rendalen = self.rendalen(model, to_field)
        theirs = [value for value in offered if value in (rendalen or ())]
        # No Rendalen set: reference data (the SDGs) belongs to no kommune.
        if theirs:
            rows = model._default_manager.filter(**{f"{to_field or 'pk'}__in": theirs[:3]})
            self.fail("GET", url, 200, f"field {name!r} offers {len(theirs)} Rendalen "
                      f"{model._meta.verbose_name_plural}: "
                      + ", ".join(f"{row.pk} {row}" for row in rows))
        return offered

    def autocomplete(self, url: str, control: Control) -> list[str]:
        """Every id the field's autocomplete lists (all pages), the query being the one
        the URL walk requests for it."""
        query = (f"?app_label={control.attrs.get('data-app-label')}&model_name="
                 f"{control.attrs.get('data-model-name')}&field_name="
                 f"{control.attrs.get('data-field-name')}&term=")
        if query not in self._autocomplete:
            self.fail("GET", url, 200, f"field {control.name!r} uses an autocomplete the URL "
                      f"walk does not request ({query})")
        ids: list[str] = []
        for number in range(1, 50):
            response = self.get(f"{reverse('admin:autocomplete')}{query}&page={number}")
            if response is None or response.status_code != 200:
                if response is not None:
                    self.fail("GET", f"autocomplete {query}", response.status_code,
                              f"the autocomplete of {control.name!r} does not answer")
                break
            answer = json.loads(response.content)
            ids += [str(item["id"]) for item in answer["results"]]
            if not answer.get("pagination", {}).get("more"):
                break
        return ids

    # --- 2. the forms submitted ----------------------------------------------------------

    def valid_data(self, page: FormPage, pick: int = 0) -> dict[str, list[str]]:
        """The form as the page rendered it, each empty required field filled in; the
        second try (*pick* -1) takes the last choices and a free position on add pages."""
        data = page.html.data()
        data.pop("_saveasnew", None)
        adding = page.url.endswith("/add/")
        for name, form_field in page.fields.items():
            # A split widget (date and time) posts name_0, name_1.
            names = [n for n in data if n == name or re.fullmatch(rf"{name}_\d+", n)]
            if not names:
                continue
            if (pick and adding and isinstance(form_field, forms.IntegerField)
                    and not is_year(name) and name in data):
                data[name] = [free_position(form_field)]
                continue
            if not form_field.required or any(v for n in names for v in data[n]):
                continue
            own: list[str] = []
            if name in page.relations:
                mine = self.kommuner.values(page.relations[name], self.data.elverum,
                                            page.fields[name].to_field_name) or set()
                offered = page.offered.get(name) or []
                own = [v for v in offered if v in mine] or sorted(mine, key=int)
            choices = [v for c in page.html.named(name) for v in c.option_values()]
            values = plausible(name, form_field, choices or page.offered.get(name, []), own,
                               pick)
            if len(names) > 1:  # a split widget: one value per part
                for part, value in zip(sorted(names), values, strict=False):
                    data[part] = [value]
            else:
                data[name] = values
        data["_save"] = ["Save"]
        return data

    def submit(self, page: FormPage, label: str) -> None:
        """The form as rendered must be accepted (else its fields prove nothing); then
        each relation field set to a Rendalen object must save nothing of Rendalen."""
        errors = ""
        for pick in (0, -1):
            data = self.valid_data(page, pick)
            response, _wrong = self.post(page.url, data, "")
            if response is None:
                return
            if response.status_code == 302:
                self.forms_saved.append(label)
                break
            errors = _form_errors(response)
        else:
            if label not in UNFILLABLE:
                self.fail("POST", page.url, response.status_code,
                          "the form as the page rendered it (required fields filled) is not "
                          f"accepted, so its fields prove nothing: {errors} (teach "
                          "adminforms.plausible, or name the form in UNFILLABLE)")
        for name, model in page.relations.items():
            for value in self.rendalen_samples(model, page.fields[name].to_field_name):
                what = f"{name}={value} (Rendalen {model._meta.verbose_name})"
                # A change page saves the Elverum object (and the admin's log) even where
                # a field is ignored: there, only what involves Rendalen is wrong.
                response, wrong = self.post(page.url, {**data, name: [value]}, what,
                                            strict=page.url.endswith("/add/"))
                if response is not None and wrong:
                    self.fail("POST", page.url, response.status_code,
                              f"{what} was saved: {', '.join(wrong)}"
                              + (f" (to {response['Location']})"
                                 if response.has_header("Location") else ""))

    # --- 3. changelist actions -----------------------------------------------------------

    def post_actions(self, model: type[models.Model], model_admin: Any) -> None:
        url = admin_url(model, "changelist")
        response = self.get(url) if url else None
        if response is None or response.status_code != 200:
            return
        changelist = next((f for f in page_forms(response.content)
                           if f.attrs.get("id") == "changelist-form"), None)
        if changelist is None:
            return
        names = {value for control in changelist.named("action")
                 for value in control.option_values()}
        # The actions this admin has, offered or not: a crafted POST names any of them.
        for action in (*model_admin.actions, *(name for name, _f in admin.site.actions)):
            names.add(action if isinstance(action, str) else action.__name__)
        base = changelist.data()
        for name in sorted(names):
            for value in self.rendalen_samples(model):
                self.actions_posted += 1
                what = f"action {name} on Rendalen {model._meta.verbose_name} {value}"
                answer, wrong = self.post(url, {
                    **base, "action": [name], "_selected_action": [value], "index": ["0"]},
                    what)
                if answer is None:
                    continue
                if wrong:
                    self.fail("POST", url, answer.status_code,
                              f"{what} changed {', '.join(wrong)}")
                if answer.status_code == 200:
                    self.confirm(url, answer, name, value, what)

    def confirm(self, url: str, answer: Any, name: str, value: str, what: str) -> None:
        """An action's confirmation page, submitted with the Rendalen id put back in."""
        context = answer.context
        own_form = context.get("form") if context else None
        for form in page_forms(answer.content):
            if form.attrs.get("id") == "changelist-form":
                continue
            # The page's own form (bulk assignment's units and people) offers nothing of
            # Rendalen either.
            for field_name, form_field in getattr(own_form, "fields", {}).items():
                if isinstance(form_field, forms.ModelChoiceField) and form.named(field_name):
                    self.offers(f"{url} ({name})", form, field_name, form_field)
            data = form.data()
            for control in form.controls:
                if "required" in control.attrs and not any(data.get(control.name, [])):
                    data[control.name] = required_value(control)
            data.update({"action": [name], "_selected_action": [value]})
            target = form.attrs.get("action") or url
            self.confirmations += 1
            response, wrong = self.post(target, data, f"{what}, confirmed")
            if response is not None and wrong:
                self.fail("POST", target, response.status_code,
                          f"{what}, confirmed, changed {', '.join(wrong)}")


def required_value(control: Control) -> list[str]:
    """A plausible value for a required control of a page the walk has no form for."""
    if control.tag == "select":
        return control.option_values()[:1]
    return {"date": ["2026-06-30"], "email": ["walk@elverum.invalid"],
            "number": ["1"]}.get(control.type, ["Walk"])


class Snapshot:
    """Every row before the walk (many-to-many links too), and Rendalen's objects of
    every model as they were: what a write created, changed or deleted is compared with
    it, and named."""

    def __init__(self, kommuner: Kommuner, rendalen: Any) -> None:
        self.models = [m for m in apps.get_models(include_auto_created=True)
                       if not m._meta.proxy and m._meta.label_lower not in IGNORED]
        self.rendalen = {m: kommuner.values(m, rendalen) or set() for m in self.models}
        self.rows = {m: self.read(m) for m in self.models}

    @staticmethod
    def read(model: type[models.Model]) -> dict[Any, dict[str, Any]]:
        fields = [f.attname for f in model._meta.concrete_fields
                  if f.name not in ("last_login", "last_used_at")]
        return {row["pk"]: row for row in model._default_manager.values("pk", *fields)}

    def involves_rendalen(self, model: type[models.Model], row: dict[str, Any]) -> bool:
        """The row is Rendalen's, points at a Rendalen object, or (an audit or admin log
        entry) is about one."""
        if str(row["pk"]) in self.rendalen[model]:
            return True
        for column in model._meta.concrete_fields:
            if column.many_to_one or column.one_to_one:
                value = row.get(column.attname)
                related = column.related_model._meta.concrete_model
                if value is not None and str(value) in self.rendalen.get(related, ()):
                    return True
        content_type = row.get("content_type_id")
        if content_type and row.get("object_id"):
            about = ContentType.objects.get_for_id(content_type).model_class()
            return about is not None and str(row["object_id"]) in self.rendalen.get(
                about._meta.concrete_model, ())
        return False

    def changes(self) -> list[tuple[str, bool]]:
        """The rows created, changed or deleted since the snapshot, each as (text,
        whether it involves Rendalen)."""
        found: list[tuple[str, bool]] = []
        for model in self.models:
            before, after = self.rows[model], self.read(model)
            if before == after:
                continue
            label = model._meta.label_lower
            for pk in before.keys() | after.keys():
                old, new = before.get(pk), after.get(pk)
                if old == new:
                    continue
                kind = "created" if old is None else "deleted" if new is None else "changed"
                found.append((f"{label} {pk} {kind}", any(
                    self.involves_rendalen(model, row) for row in (old, new) if row)))
        return found


#: Tables a request writes whatever it is (the session, failed-login counters).
IGNORED = {"sessions.session", "login.loginfailure"}


def test_the_other_kommunes_admin_is_offered_no_rendalen_object_and_saves_none(walk_data):
    walk = AdminFormWalk(walk_data)
    registry = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
    for model, model_admin in registry:
        urls = [admin_url(model, "add")]
        own = walk.kommuner.rows(model, walk_data.elverum)
        first = own.first() if own is not None else None
        if first is not None:
            urls.append(admin_url(model, "change", first.pk))
        for url in filter(None, urls):
            page = walk.open_form(url)
            if page is None:
                continue
            label = f"{model._meta.label_lower} {'add' if url.endswith('/add/') else 'change'}"
            walk.forms_checked.append(label)
            walk.check_offers(page)
            walk.submit(page, label)
        walk.post_actions(model, model_admin)

    # The walk must reach the forms of the finding and the relation-heavy ones at least.
    for label in ("planportal.membership add", "planportal.user add", "actions.action add",
                  "strategies.focusarea add"):
        assert label in walk.forms_checked, f"{label} was not walked: {walk.forms_checked}"
    assert walk.actions_posted > 5, "the walk posted almost no admin actions"
    assert walk.confirmations, "no action's confirmation page was submitted"
    assert fingerprint() == walk.before, "the walk itself left something behind"
    failures = walk.failures
    assert not failures, (
        f"{len(failures)} admin form problems for {PERSONA} (forms walked: "
        f"{', '.join(walk.forms_checked)}):\n" + "\n".join(failures))
