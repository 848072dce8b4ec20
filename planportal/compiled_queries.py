"""ORM queries compiled to SQL once, then run many times with fresh parameter values.

Compiling a wide query (joins, correlated subqueries, annotations) costs Django several
milliseconds of Python on every request, although the SQL text is the same each time:
only a parameter or two change. :class:`CompiledQuery` builds the queryset with the ORM,
compiles it once per database and *key*, and afterwards only swaps the values of its
:class:`Slot` parameters. Rows still pass through the compiler's converters, so they are
exactly what ``values()`` would return.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Expression, Field, QuerySet


class Slot:
    """A parameter placeholder in a compiled query, given its value at each run."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


class Param(Expression):
    """A :class:`Slot` usable where the ORM takes a value: ``filter(user_id=Param("user"))``."""

    def __init__(self, name: str, output_field: Field | None = None) -> None:
        super().__init__(output_field=output_field)
        self.slot = Slot(name)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [self.slot]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, tuple[int, ...]]  # slot name → its positions in params
    names: tuple[str, ...]
    converters: dict[int, Any]  # position → (converter functions, expression)


class CompiledQuery:
    """A ``values()`` queryset, compiled once per (database, key) and run with slot values.

    *build(key)* returns the queryset; its variable parameters are :class:`Param`
    expressions (or :class:`Slot` objects inside ``RawSQL``), and everything else it
    embeds must follow from *key*.
    Only the entries of the latest key are kept per database, so a key that moves on (a
    date) does not grow the cache.
    """

    def __init__(self, build: Callable[[Any], QuerySet]) -> None:
        self._build = build
        self._cache: dict[tuple[str, Hashable], _Compiled] = {}

    def _compile(self, using: str, key: Hashable) -> _Compiled:
        queryset = self._build(key)
        query = queryset.query
        compiler = query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots: dict[str, list[int]] = {}
        for position, value in enumerate(params):
            if isinstance(value, Slot):
                slots.setdefault(value.name, []).append(position)
        # As ValuesIterable names the columns.
        names = tuple(query.selected or (*query.extra_select, *query.values_select,
                                         *query.annotation_select))
        converters = compiler.get_converters([column for column, *_ in compiler.select])
        compiled = _Compiled(sql, tuple(params), {k: tuple(v) for k, v in slots.items()},
                             names, converters)
        # Keep only this key for this database (thread-safe enough: a race compiles twice).
        for stale in [k for k in self._cache if k[0] == using and k[1] != key]:
            self._cache.pop(stale, None)
        self._cache[using, key] = compiled
        return compiled

    def rows(self, key: Hashable, using: str = "default", **values: Any) -> list[dict[str, Any]]:
        """Run the query for *key* with these slot values; rows as ``values()`` dicts."""
        compiled = self._cache.get((using, key)) or self._compile(using, key)
        if set(values) != set(compiled.slots):
            raise TypeError(f"slots {sorted(compiled.slots)} need values, got {sorted(values)}")
        params = list(compiled.params)
        for name, positions in compiled.slots.items():
            for position in positions:
                params[position] = values[name]
        connection = connections[using]  # this thread's: the compiling one may be another
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        names = compiled.names
        if not compiled.converters:
            return [dict(zip(names, row, strict=True)) for row in fetched]
        rows = []
        for raw in fetched:
            row = list(raw)
            # As SQLCompiler.apply_converters, with this thread's connection.
            for position, (functions, expression) in compiled.converters.items():
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            rows.append(dict(zip(names, row, strict=True)))
        return rows
