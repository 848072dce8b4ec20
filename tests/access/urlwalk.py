"""The URLconf as a list of routes that the URL walk can fill with real values.

Every leaf pattern under ``django.urls.get_resolver()`` becomes a :class:`Route`: its full
pattern text, its namespaced name, the view, the keyword arguments it takes and the
model behind its object arguments, found from the view itself (a DRF view's queryset or
serializer, a ModelAdmin's model) so that a new URL needs no entry anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern
from django.utils.regex_helper import normalize

_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    """One leaf of the URLconf, with the chain of patterns that leads to it."""

    patterns: tuple[Any, ...]
    name: str
    callback: Callable[..., Any]

    @property
    def text(self) -> str:
        """The pattern as written, e.g. ``api/v1/^plans/(?P<pk>[^/.]+)/$``."""
        return "".join(str(pattern) for pattern in self.patterns)

    @property
    def kwargs(self) -> tuple[str, ...]:
        names: list[str] = []
        for pattern in self.patterns:
            names += [n for n in pattern.regex.groupindex if n not in names]
        return tuple(names)

    @property
    def area(self) -> str:
        """``admin``, ``api`` or ``web``: the three kinds of answer the rules know."""
        text = self.text
        if text.startswith("admin/"):
            return "admin"
        if text.startswith("api/"):
            return "api"
        return "web"

    @property
    def view_class(self) -> Any:
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def model_admin(self) -> Any:
        return getattr(self.callback, "model_admin", None)

    def view_model(self) -> type[models.Model] | None:
        """The model the view serves: a ModelAdmin's, or a DRF view's queryset/serializer."""
        if self.model_admin is not None:
            return self.model_admin.model
        if self.area == "admin" and len(self.patterns) > 1:
            # A ModelAdmin's extra views (e.g. a user's password) sit under app/model/.
            app_label, _slash, model_name = str(self.patterns[1]).strip("/").partition("/")
            try:
                return apps.get_model(app_label, model_name)
            except (LookupError, ValueError):
                pass
        cls = self.view_class
        if cls is None:
            return None
        queryset = getattr(cls, "queryset", None)
        if queryset is not None:
            return queryset.model
        serializer = getattr(cls, "serializer_class", None)
        meta = getattr(serializer, "Meta", None)
        if meta is not None and getattr(meta, "model", None) is not None:
            return meta.model
        filterset = getattr(cls, "filterset_class", None)
        if filterset is not None:
            return filterset._meta.model
        return None

    def lookup_field(self) -> str:
        """The field a DRF detail route looks its object up by (``pk`` unless set)."""
        return getattr(self.view_class, "lookup_field", "pk") or "pk"

    def methods(self) -> set[str]:
        """Upper-case HTTP methods the view answers (DRF: per route; Django CBV: handlers).

        Function views do not say; callers treat them as answering anything.
        """
        actions = getattr(self.callback, "actions", None)
        if actions:
            return {method.upper() for method in actions}
        cls = self.view_class
        if cls is not None:
            return {m.upper() for m in cls.http_method_names if hasattr(cls, m)}
        return set()

    def build(self, values: dict[str, Any]) -> str:
        """The URL with *values* filled in (converters' ``to_url`` applied)."""
        parts = []
        for pattern in self.patterns:
            if isinstance(pattern, RoutePattern):
                def fill(match: re.Match[str], pattern: RoutePattern = pattern) -> str:
                    name = match["name"]
                    converter = pattern.converters.get(name)
                    value = values[name]
                    return str(converter.to_url(value) if converter else value)

                parts.append(_CONVERTER.sub(fill, str(pattern)))
                continue
            groups = set(pattern.regex.groupindex)
            for template, params in normalize(pattern.regex.pattern):
                if set(params) == groups:
                    parts.append(template % {name: values[name] for name in params})
                    break
            else:
                raise ValueError(f"{self.text}: no way to write {sorted(groups)} into it")
        return "/" + "".join(parts)

    def resolves(self, url: str) -> bool:
        """True if *url* comes back to this very view (not an earlier, wider pattern)."""
        path = url.split("?", 1)[0]
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return match.func is self.callback or match.func == self.callback


def routes() -> list[Route]:
    """Every leaf pattern of the project's URLconf, in URLconf order."""
    return list(_walk(get_resolver().url_patterns, (), ""))


def _walk(patterns: list[Any], chain: tuple[Any, ...], namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, (*chain, entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            yield Route(patterns=(*chain, entry.pattern), name=name, callback=entry.callback)


def model_named(name: str) -> type[models.Model] | None:
    """The model whose name is *name* (``plan`` → Plan, ``snapshot`` → ReportSnapshot)."""
    exact = [m for m in apps.get_models() if m._meta.model_name == name]
    if exact:
        return exact[0]
    ending = [m for m in apps.get_models() if m._meta.model_name.endswith(name)]
    return ending[0] if len(ending) == 1 else None


def path_to(model: type[models.Model], targets: tuple[type[models.Model], ...]
            ) -> tuple[str, type[models.Model]] | None:
    """The shortest chain of foreign keys from *model* to the first of *targets* reached
    (tried in order), as an ORM lookup, e.g. Action → ``goal__focus_area__plan``."""
    concrete = model._meta.concrete_model or model
    for target in targets:
        if concrete is target:
            return "", target
        frontier: list[tuple[str, type[models.Model]]] = [("", concrete)]
        seen = {concrete}
        while frontier:
            following: list[tuple[str, type[models.Model]]] = []
            for prefix, current in frontier:
                for field in current._meta.get_fields():
                    if not (field.concrete and (field.many_to_one or field.one_to_one)):
                        continue
                    related = field.related_model
                    lookup = f"{prefix}__{field.name}" if prefix else field.name
                    if related is target:
                        return lookup, target
                    if related not in seen and related is not concrete:
                        seen.add(related)
                        following.append((lookup, related))
            frontier = following
    return None
