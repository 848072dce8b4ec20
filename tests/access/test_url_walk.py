"""Issue 14, "trust at the seams": one walk over the whole URL space.

Every web page, API route and admin URL, resolved from the URLconf and filled with real
ids from the demo data (a non-public Rendalen plan and Rendalen's public plan), is
requested as anonymous, as a reader and an administrator of another kommune (Elverum),
and as each Rendalen role. The answers must follow :data:`RULES`; nobody outside
Rendalen may see one of its people (:func:`personal_data_in`); a refused write changes
nothing. A new URL is walked without editing this file as long as its arguments are of
a known kind (:meth:`Filler.targets`); one that is not makes
``test_every_url_pattern_is_walked`` fail until it is taught here or put in :data:`SKIP`
with a reason.

Each persona's test collects every failure and reports them all at the end. Workbooks
are read for names (openpyxl); PDFs are not (no cheap text extraction), so a name in a
PDF report is left to the reports' own tests.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.test import Client

from planportal.models import Organization, User
from strategies.models import Plan
from tests.access.conftest import RENDALEN_PERSONAS, WalkData
from tests.access.urlwalk import Route, model_named, path_to, routes
from tests.api.clients import SessionClient
from tests.html_references import (
    dangling_references,
    duplicate_ids,
    is_html,
    tables_outside_scroll_containers,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "other_reader", "other_admin", *RENDALEN_PERSONAS]

#: URL patterns the walk does not request, each with why. Keep it small: a pattern here
#: is a pattern nobody checks.
SKIP: dict[str, str] = {}

#: Patterns whose writes act on the caller's own data: a 2xx from an outsider is theirs.
OWN_DATA = {
    "api:me": "PATCH changes the caller's own language and reminder settings",
    "api:calendar-feeds": "POST creates a calendar feed of the caller's own deadlines",
}

#: Web pages that take ``pk``: the model is the app's own (URL namespace → model).
NAMESPACE_MODELS = {"strategies": "strategies.Plan", "reports": "strategies.Plan",
                    "actions": "actions.Action", "rounds": "actions.ReportingRound"}
#: Views that do not say what their object is.
VIEW_MODELS = {"admin:view_on_site": "strategies.Plan",
               "rounds:public-report": "strategies.Plan",
               "rounds:public-report-pdf": "strategies.Plan"}
#: Keyword arguments that are not objects: the values the walk tries for them.
LITERALS: dict[str, list[str]] = {
    "format": ["json"],
    "fmt": ["pdf", "xlsx", "json"],
    "url": ["finnes/ikke/"],
    "provider_id": ["ukjent-kommune"],
}
MISSING_ID = 999_999_999
UNKNOWN_TOKEN = "ppc_" + "x" * 43
#: Slow answers (PDF, workbooks, the OpenAPI schema): no HEAD, and insiders fetch them
#: for one plan only.
HEAVY = re.compile(r"\.pdf$|xlsx|^/api/schema/")
#: Pages of public plans only: a non-public plan is a 404 there for everyone.
PUBLIC_ONLY = re.compile(r"(^|:)public-")


def autocomplete_queries() -> list[str]:
    """The admin's autocomplete for every relation whose target admin can be searched:
    what a kommune's administrator could pick (users above all) in any admin form."""
    queries = []
    for model in admin.site._registry:
        for relation in model._meta.get_fields():
            if not (relation.is_relation and relation.concrete and relation.related_model):
                continue
            target = admin.site._registry.get(relation.related_model)
            if target is not None and target.search_fields:
                queries.append(f"?app_label={model._meta.app_label}&model_name="
                               f"{model._meta.model_name}&field_name={relation.name}&term=")
    return queries


#: Views that read their input from the query string: the queries to send them.
QUERIES = {"admin:autocomplete": autocomplete_queries}

#: Ids Django's own admin templates refer to without rendering (Django 6.0): the user add
#: page's password radio fieldset (its widget has no id, so "_helptext"), and the change
#: page's read-only password hash, whose help text gets no id.
DJANGO_ADMIN_GAPS = {"_helptext", "id_password_helptext"}

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
#: Every answer the rules know; anything else (5xx above all) is a failure everywhere.
KNOWN = {200, 201, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 415, 428}
ANY = frozenset(KNOWN)
LOGIN = "login redirect"
REDIRECT = "any redirect"

#: (who, area, scope) → the answers allowed. Scopes: ``none`` (no object in the URL),
#: ``global`` (reference data such as the SDGs), ``public`` (an object of Rendalen's
#: public plan), ``private`` (Rendalen's non-public plan, units, people, tokens…),
#: ``missing`` (an id that does not exist), ``own`` (the caller's own secret).
#: 400 is a form naming what is missing; 409 a frozen report's PDF still being made;
#: 415 a body of the wrong type (an import takes a file, not JSON); 428 a write without
#: the version it changes (only where the object is readable anyway).
RULES: dict[tuple[str, str, str], frozenset[Any]] = {
    ("anonymous", "web", "none"): ANY,
    ("anonymous", "web", "public"): frozenset({200, 400, 405, 409, LOGIN}),
    ("anonymous", "web", "private"): frozenset({404, 405, LOGIN}),
    ("anonymous", "api", "none"): frozenset({200, 400, 401, 403, 404, 405}),
    ("anonymous", "api", "public"): frozenset({200, 401, 403, 404, 405}),
    ("anonymous", "api", "private"): frozenset({401, 403, 404, 405}),
    ("anonymous", "admin", "none"): frozenset({200, 404, 405, REDIRECT}),
    ("anonymous", "admin", "public"): frozenset({404, LOGIN}),
    ("anonymous", "admin", "private"): frozenset({404, LOGIN}),
    ("outsider", "web", "none"): ANY,
    ("outsider", "web", "public"): ANY,
    # 403 only where it says nothing (_reveals_nothing): an id that does not exist gets it too.
    ("outsider", "web", "private"): frozenset({404, 405}),
    ("outsider", "api", "none"): ANY,
    ("outsider", "api", "public"): ANY,
    ("outsider", "api", "private"): frozenset({404, 405}),
    ("outsider", "admin", "none"): ANY,
    ("outsider", "admin", "public"): frozenset({403, 404, 405, REDIRECT}),
    ("outsider", "admin", "private"): frozenset({403, 404, 405, REDIRECT}),
    ("insider", "web", "none"): ANY,
    ("insider", "api", "none"): ANY,
    ("insider", "admin", "none"): ANY,
    # Their own kommune's objects: anything but an error (404 is checked in _insider_rules).
    ("insider", "web", "public"): ANY,
    ("insider", "web", "private"): ANY,
    ("insider", "api", "public"): ANY,
    ("insider", "api", "private"): ANY,
    ("insider", "admin", "public"): ANY,
    ("insider", "admin", "private"): ANY,
}
#: Writes by outsiders and anonymous visitors: refused, never a 2xx (the DB is compared
#: too). A public web page that takes no form shows itself again (200) on a POST.
_REFUSED = frozenset({400, 401, 403, 404, 405, 415, 428, LOGIN})
UNSAFE_RULES: dict[tuple[str, str, str], frozenset[Any]] = {
    ("anonymous", "api", "none"): _REFUSED,
    ("anonymous", "api", "public"): _REFUSED,
    ("anonymous", "api", "private"): _REFUSED,
    ("anonymous", "web", "none"): _REFUSED | {200},
    ("anonymous", "web", "public"): _REFUSED | {200},
    ("anonymous", "web", "private"): frozenset({404, 405, LOGIN}),
    ("outsider", "api", "none"): frozenset({400, 403, 404, 405, 415, 428}),
    ("outsider", "api", "public"): frozenset({400, 403, 404, 405, 415, 428}),
    ("outsider", "api", "private"): frozenset({404, 405}),
    ("outsider", "web", "none"): frozenset({200, 400, 403, 404, 405}),
    ("outsider", "web", "public"): frozenset({200, 400, 403, 404, 405}),
    ("outsider", "web", "private"): frozenset({404, 405}),
}


def kind_of(persona: str) -> str:
    if persona == "anonymous":
        return "anonymous"
    return "insider" if persona in RENDALEN_PERSONAS else "outsider"


def scope_rule(scope: str) -> str:
    """``global`` reads as ``none``, ``missing`` as ``private``; ``own`` as the caller's."""
    return {"global": "none", "missing": "private", "own": "none"}.get(scope, scope)


# --- Filling URLs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One concrete URL of a route, with what it carries."""

    route: Route
    url: str
    scope: str
    #: the URL carries an object of a plan (readable by every member of its kommune)
    plan_bound: bool = False
    #: the same URL with ids that do not exist (for "does 403 tell anything?")
    missing_url: str = ""
    #: the object's own page (``…/<id>/``), which every member of its kommune may read
    object_page: bool = False


class Filler:
    """Turns a route into real URLs: Rendalen's objects, found from the view's model."""

    def __init__(self, data: WalkData) -> None:
        self.data = data
        self.people = list(User.objects.filter(
            memberships__unit__organization=data.rendalen).exclude(is_superuser=True)
            .distinct().order_by("pk"))
        self.people_ids = [person.pk for person in self.people]
        self._cache: dict[tuple[Any, str], Any] = {}

    def object_model(self, route: Route, kwarg: str) -> type[models.Model] | None:
        view_class = route.view_class
        if kwarg in ("pk", "object_id", "id") or kwarg == route.lookup_field() or (
                kwarg == getattr(view_class, "lookup_url_kwarg", None)):
            label = VIEW_MODELS.get(route.name)
            if label is None and route.name.split(":")[0] in NAMESPACE_MODELS and not (
                    route.view_model()):
                label = NAMESPACE_MODELS[route.name.split(":")[0]]
            if label is not None:
                return apps.get_model(label)
            return route.view_model()
        if kwarg.endswith(("_pk", "_id")):
            return model_named(kwarg[:-3].replace("_", ""))
        return None

    def obj(self, model: type[models.Model], variant: str) -> tuple[Any, str]:
        """(object or None, scope) of *model* for the variant ``private``/``public``."""
        key = (model, variant)
        if key not in self._cache:
            self._cache[key] = self._find(model, variant)
        return self._cache[key]

    def _find(self, model: type[models.Model], variant: str) -> tuple[Any, str]:
        rows = model._default_manager.order_by("pk")
        found = path_to(model, (Plan, Organization, User))
        if found is None:
            first = rows.first()
            return first, "global" if first is not None else "missing"
        lookup, target = found
        if target is Plan:
            plan = self.data.public_plan if variant == "public" else self.data.private_plan
            rows = rows.filter(**{lookup or "pk": plan.pk})
            scope = variant
        elif target is Organization:
            rows = rows.filter(**{lookup or "pk": self.data.rendalen.pk})
            scope = "private"
        else:
            rows = rows.filter(**{f"{lookup}__in" if lookup else "pk__in": self.people_ids})
            scope = "private"
        # Prefer a row that names a Rendalen person: that is what must not leak.
        person_fields = [f.name for f in model._meta.concrete_model._meta.get_fields()
                         if f.concrete and f.many_to_one and f.related_model is User]
        named = None
        for name in person_fields:
            named = rows.filter(**{f"{name}__in": self.people_ids}).first()
            if named is not None:
                break
        chosen = named or rows.first()
        return chosen, scope if chosen is not None else "missing"

    def targets(self, route: Route, persona: str) -> list[Target] | str:
        """The URLs to request for *route*, or why it cannot be filled."""
        kwargs = route.kwargs
        if not kwargs:
            queries = QUERIES[route.name]() if route.name in QUERIES else [""]
            return [Target(route, route.build({}) + query, "none") for query in queries]
        literal: dict[str, list[str]] = {}
        objects: dict[str, type[models.Model]] = {}
        for kwarg in kwargs:
            if kwarg in LITERALS:
                literal[kwarg] = LITERALS[kwarg]
            elif kwarg == "app_label":
                literal[kwarg] = sorted({m._meta.app_label for m in admin.site._registry})
            elif kwarg == "token":
                own = self.data.calendar_tokens.get(self.data.users.get(persona, User()).pk)
                literal[kwarg] = [own or UNKNOWN_TOKEN]
            elif kwarg == "content_type_id":
                continue  # filled beside object_id, from the same object
            else:
                model = self.object_model(route, kwarg)
                if model is None:
                    return f"no value for <{kwarg}>: teach Filler.targets its kind, or SKIP it"
                objects[kwarg] = model
        bound = any((path_to(m, (Plan,)) or (None,))[0] is not None for m in objects.values())
        variants = ["private", "public"] if bound else ["private"]
        if not objects:
            variants = ["none"]
        result: list[Target] = []
        for variant in variants:
            values: dict[str, Any] = {}
            scopes: set[str] = set()
            missing: dict[str, Any] = {}
            for kwarg, model in objects.items():
                found, scope = self.obj(model, variant)
                scopes.add(scope)
                field = route.lookup_field() if kwarg == route.lookup_field() else "pk"
                values[kwarg] = getattr(found, field) if found is not None else MISSING_ID
                missing[kwarg] = MISSING_ID if field == "pk" else 99
                if "content_type_id" in kwargs:
                    ct = ContentType.objects.get_for_model(model).pk
                    values["content_type_id"] = missing["content_type_id"] = ct
            scope = next((s for s in ("missing", "private", "public", "global", "none")
                          if s in scopes), "none")
            if "token" in literal:
                scope = "own" if literal["token"][0] != UNKNOWN_TOKEN else "missing"
            names = list(literal)
            for combo in itertools.product(*(literal[n] for n in names)):
                filled = {**values, **dict(zip(names, combo, strict=True))}
                url = route.build(filled)
                if not route.resolves(url):
                    continue  # e.g. app_label "login": /admin/login/ is the login page
                missing_url = route.build({**filled, **missing}) if objects else ""
                last = [values[k] for k in kwargs if k in objects][-1:] or [None]
                result.append(Target(route, url, scope, plan_bound=bound and scope in (
                    "private", "public"), missing_url=missing_url,
                    object_page=url.endswith(f"/{last[0]}/")))
        return result or "no filled-in URL comes back to this view"


# --- Personal data in answers ------------------------------------------------------------

_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def body_text(response: Any) -> str | None:
    """The answer as plain text (None for a PDF: the walk does not read PDFs)."""
    content_type = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if "pdf" in content_type or raw.startswith(b"%PDF"):
        return None
    if "spreadsheet" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(raw), read_only=True)
        cells = [str(value) for sheet in book.worksheets for row in sheet.iter_rows(
            values_only=True) for value in row if value is not None]
        raw = "\n".join(cells).encode()
    text = html.unescape(raw.decode("utf-8", errors="replace"))
    text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return re.sub(r"\s+", " ", text)


def personal_data_in(response: Any, data: WalkData) -> list[str]:
    """The personal data in the answer, the first one with its surroundings."""
    text = body_text(response)
    if text is None:
        return []
    found = [value for value in data.personal_data if value in text]
    if found:
        at = text.index(found[0])
        found[0] += f" in …{text[max(0, at - 60):at + len(found[0]) + 30]}…"
    return found


# --- Clients -----------------------------------------------------------------------------


class Persona:
    """A browser (web and admin) and an API session client, logged in as one person."""

    def __init__(self, name: str, data: WalkData) -> None:
        self.name = name
        self.kind = kind_of(name)
        self.user = data.users.get(name)
        self.web = Client()
        # A browser session with its CSRF cookie; the X-CSRFToken header goes on writes.
        self.api = SessionClient(self.user)
        if self.user is not None:
            self.web.force_login(self.user)

    def send(self, method: str, target_url: str, area: str) -> Any:
        if area == "api":
            if method in ("GET", "HEAD"):
                return self.api.generic(method, target_url)
            return self.api.generic(method, target_url, data=b"{}",
                                    content_type="application/json")
        if method in ("GET", "HEAD"):
            return self.web.generic(method, target_url)
        return self.web.post(target_url, {})


def fingerprint() -> str:
    """Every row the walk could change (sessions and login-failure counters aside),
    many-to-many links included (their tables are auto-created models)."""
    digest = hashlib.sha256()
    ignored = {"sessions.session", "login.loginfailure"}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in ignored or model._meta.proxy:
            continue
        fields = [f.attname for f in model._meta.concrete_fields
                  if f.name not in ("last_login", "last_used_at")]
        for row in model._default_manager.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


# --- The rules ---------------------------------------------------------------------------


def is_login_redirect(response: Any, area: str) -> bool:
    if response.status_code not in (301, 302, 303):
        return False
    location = response.get("Location", "")
    login = "/admin/login/" if area == "admin" else "/logg-inn/"
    return location.startswith(login) or (area != "admin" and location.startswith(
        "/accounts/login/"))


def allowed(response: Any, rule: frozenset[Any], area: str) -> bool:
    status = response.status_code
    if status in rule and status in KNOWN:
        return True
    if LOGIN in rule and is_login_redirect(response, area):
        return True
    return REDIRECT in rule and 300 <= status < 400


@dataclass
class Walk:
    """One persona's walk: requests and the failures found, all of them."""

    persona: Persona
    data: WalkData
    failures: list[str]
    requests: int = 0
    #: personal data that insiders were shown: proof the check can see names at all
    seen: set[str] = field(default_factory=set)

    def request(self, method: str, url: str, area: str) -> Any:
        """Send one request in a savepoint that is rolled back: nothing the walk does
        (or a write that should have been refused) reaches the next request."""
        self.requests += 1
        with transaction.atomic():
            try:
                response = self.persona.send(method, url, area)
            except Exception as exc:  # a raising view is a 500 to report, with its error
                response = None
                self.fail(method, url, 500, f"raised {type(exc).__name__}: {exc}"[:300])
            after = fingerprint() if method in UNSAFE else None
            transaction.set_rollback(True)
        return response, after

    def fail(self, method: str, url: str, status: Any, reason: str) -> None:
        self.failures.append(f"{self.persona.name} {method} {url} → {status}: {reason}")

    def check(self, target: Target, method: str, response: Any) -> None:
        area, kind = target.route.area, self.persona.kind
        status = response.status_code
        rule = RULES[(kind, area, scope_rule(target.scope))]
        if not allowed(response, rule, area) and not (
                status == 403 and self._reveals_nothing(target, method, status)):
            where = response.get("Location", "")
            self.fail(method, target.url, status,
                      f"not allowed for {kind} on a {target.scope} {area} URL"
                      + (f" (to {where})" if where else ""))
        if method == "GET" and is_html(response):
            # Issue 17: every hint and label a field names is on the page, once.
            text = response.content.decode("utf-8", "replace")
            dangling = [ref for ref in dangling_references(text)
                        if not (area == "admin" and ref.split('"')[1] in DJANGO_ADMIN_GAPS)]
            if dangling:
                self.fail(method, target.url, status,
                          f"refers to ids the page lacks: {', '.join(dangling[:5])}")
            twice = duplicate_ids(text)
            if twice:
                self.fail(method, target.url, status,
                          f"has ids more than once: {', '.join(sorted(set(twice))[:5])}")
            wide = tables_outside_scroll_containers(text) if area == "web" else []
            if wide:
                self.fail(method, target.url, status,
                          f"has tables outside a scroll container: {', '.join(wide[:3])}")
        if kind == "insider":
            self._insider_rules(target, method, response)
            if method == "GET" and not self.seen:
                self.seen.update(personal_data_in(response, self.data))
        else:
            leaked = personal_data_in(response, self.data)
            if leaked:
                self.fail(method, target.url, status, f"shows Rendalen people: {leaked}")

    def _reveals_nothing(self, target: Target, method: str, status: int) -> bool:
        """A 403 is fine if an id that does not exist gets it too (the object's existence
        is not confirmed); where the URL has no object, 403 is the clear answer."""
        if self.persona.kind == "insider":
            return True
        if not target.missing_url:
            return scope_rule(target.scope) == "none"
        response, _after = self.request(method, target.missing_url, target.route.area)
        return response is not None and response.status_code == status

    def _insider_rules(self, target: Target, method: str, response: Any) -> None:
        status, area = response.status_code, target.route.area
        public_only = bool(PUBLIC_ONLY.search(target.route.name))
        if (target.plan_bound and target.object_page and area in ("web", "api")
                and status == 404 and not public_only):
            self.fail(method, target.url, status,
                      "a Rendalen member cannot open their own kommune's plan content")
        hidden = status == 404 or (status == 302 and response.get("Location") == "/admin/")
        if (self.persona.name == "rendalen_admin" and target.route.model_admin is not None
                and target.scope in ("private", "public") and hidden):
            self.fail(method, target.url, status,
                      "the kommune's administrator cannot open its object in the admin")

    def check_unsafe(self, target: Target, method: str, response: Any, changed: bool) -> None:
        kind = self.persona.kind
        rule = UNSAFE_RULES[(kind, target.route.area, scope_rule(target.scope))]
        status = response.status_code
        own = target.route.name in OWN_DATA
        refused = allowed(response, rule, target.route.area) or (
            status == 403 and self._reveals_nothing(target, method, status))
        if not refused and not (own and 200 <= status < 300):
            self.fail(method, target.url, status,
                      f"a write by {kind} on a {target.scope} URL is not refused")
        if changed and not own:
            self.fail(method, target.url, status, "a refused write changed the database")
        leaked = personal_data_in(response, self.data)
        if leaked:
            self.fail(method, target.url, status, f"shows Rendalen people: {leaked}")


def unsafe_methods(route: Route) -> list[str]:
    """The writes to try: an API view's own unsafe methods; POST on a web page with an
    object (its forms); nothing on the admin (its forms are walked by GET)."""
    if route.area == "api":
        return [m for m in UNSAFE if m in route.methods()]
    if route.area == "web" and route.kwargs:
        return ["POST"]
    return []


def walkable_routes() -> list[Route]:
    return [route for route in routes() if route.text not in SKIP and route.name not in SKIP]


def test_every_url_pattern_is_walked(walk_data):
    """A pattern the walk cannot fill fails here, until Filler.targets learns it or SKIP names it
    with a reason; a SKIP entry that matches nothing any more fails too."""
    filler = Filler(walk_data)
    problems = []
    for route in walkable_routes():
        targets = filler.targets(route, "rendalen_admin")
        if isinstance(targets, str):
            problems.append(f"{route.text} ({route.name or 'no name'}): {targets}")
            continue
    known = {route.text for route in routes()} | {route.name for route in routes()}
    problems += [f"SKIP entry {entry!r} matches no pattern" for entry in SKIP if entry
                 not in known]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_every_url_answers_each_persona_as_the_rules_say(walk_data, persona_name):
    persona = Persona(persona_name, walk_data)
    walk = Walk(persona, walk_data, failures=[])
    filler = Filler(walk_data)
    before = fingerprint()
    writes: list[tuple[Target, str]] = []
    for route in walkable_routes():
        targets = filler.targets(route, persona_name)
        if isinstance(targets, str):
            continue  # reported by test_every_url_pattern_is_walked
        if persona_name in ("anonymous", "rendalen_admin"):
            # Ids that do not exist: never an error page, whoever asks.
            targets += [Target(route, t.missing_url, "missing") for t in targets[:1]
                        if t.missing_url]
        for target in targets:
            heavy = bool(HEAVY.search(target.url))
            if heavy and persona.kind == "insider" and target.scope == "public":
                continue
            for method in ("GET",) if heavy else ("GET", "HEAD"):
                response, _after = walk.request(method, target.url, route.area)
                if response is not None:
                    walk.check(target, method, response)
            if persona.kind != "insider" and target.scope != "missing":
                writes += [(target, method) for method in unsafe_methods(route)]
    for target, method in writes:
        response, after = walk.request(method, target.url, target.route.area)
        if response is not None:
            walk.check_unsafe(target, method, response, changed=after != before)
    assert walk.requests > 100, "the walk found almost nothing to request"
    if persona_name == "rendalen_admin":
        assert walk.seen, "no answer showed even the kommune's own admin a person's name"
    assert not walk.failures, (
        f"{len(walk.failures)} of {walk.requests} answers break the rules:\n"
        + "\n".join(walk.failures))


@pytest.mark.urls("tests.access.new_urls")
def test_a_new_url_is_filled_without_editing_the_walk_and_an_unknown_kind_is_named(
        walk_data):
    filler = Filler(walk_data)
    new_page, unknown = routes()
    assert [(t.url, t.scope) for t in filler.targets(new_page, "other_reader")] == [
        (f"/planer/{walk_data.private_plan.pk}/ny-side/", "private"),
        (f"/planer/{walk_data.public_plan.pk}/ny-side/", "public"),
    ]
    assert "no value for <hemmelighet>" in filler.targets(unknown, "other_reader")
