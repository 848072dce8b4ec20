"""JSON-stat 2.0 datasets, as SSB's statistics bank (PxWebApi v0 and v2) returns them.

Plain functions, no database: :func:`parse` reads a file's bytes, :func:`load` an object
already decoded, and both give a :class:`Dataset` whose :meth:`Dataset.cells` yields one
:class:`Cell` per combination of categories. The structure is checked against the
JSON-stat 2.0 format (https://json-stat.org/full/): ``class`` "dataset", ``id`` and
``size`` (one positive size per dimension), ``dimension`` with each ``category.index``
as a list of codes or an object from code to position (or only a ``label`` when there
is a single category), ``value`` as a list of one value per cell or a sparse object from
cell number to value, and ``status`` as one symbol for all cells, a list, or a sparse
object. Values are stored row-major: the last dimension in ``id`` varies fastest.

A hostile file is refused before it costs much, with an error that says what is wrong:
the byte size is checked before JSON is decoded, nesting and the number of dimensions,
categories and cells are bounded (:class:`Limits`), and a ``value`` list must hold
exactly one value per cell. ``NaN`` and ``Infinity`` are not JSON and are refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _


class JsonStatError(ValueError):
    """The file is not a JSON-stat 2.0 dataset Planportal can read; the message says why."""


@dataclass(frozen=True)
class Limits:
    """What a file may cost. SSB's own API answers at most 800 000 cells per query."""

    max_bytes: int = 5 * 1024 * 1024
    max_depth: int = 32
    max_dimensions: int = 16
    max_categories: int = 20_000
    max_cells: int = 800_000


@dataclass(frozen=True)
class Dimension:
    """One dimension: its id, label and category codes in the dataset's order."""

    id: str
    label: str
    codes: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)

    def label_of(self, code: str) -> str:
        return self.labels.get(code, code)


@dataclass(frozen=True)
class Cell:
    """One value of the cube: its position, one category code per dimension, the value
    (None when missing) and its status symbol ("" when none)."""

    position: int
    codes: Mapping[str, str]
    value: Decimal | None
    status: str


@dataclass(frozen=True)
class Dataset:
    """A checked JSON-stat 2.0 dataset."""

    label: str
    #: The statistics bank's table number, from ``extension.px.tableid`` or the label
    #: ("07459: Befolkning …"); "" when the file does not say.
    table: str
    dimensions: tuple[Dimension, ...]
    #: ``role``: "time", "geo" and "metric" → dimension ids.
    role: Mapping[str, tuple[str, ...]]
    _values: Sequence[Any] | Mapping[int, Any]
    _status: str | Sequence[Any] | Mapping[int, Any]
    cell_count: int

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def cells(self) -> Iterator[Cell]:
        """Every cell, in the dataset's order (the last dimension varies fastest)."""
        sizes = [len(d.codes) for d in self.dimensions]
        strides = [1] * len(sizes)
        for i in range(len(sizes) - 2, -1, -1):
            strides[i] = strides[i + 1] * sizes[i + 1]
        for position in range(self.cell_count):
            codes = {d.id: d.codes[(position // strides[i]) % sizes[i]]
                     for i, d in enumerate(self.dimensions)}
            raw = _item(self._values, position)
            status = _status_at(self._status, position)
            if isinstance(raw, str):
                # Some producers put the symbol itself in place of the value.
                value, status = None, status or raw.strip()
            else:
                value = None if raw is None else Decimal(
                    str(raw) if isinstance(raw, float) else raw)
            yield Cell(position, codes, value, status)


def _item(values: Sequence[Any] | Mapping[int, Any], position: int) -> Any:
    if isinstance(values, Mapping):
        return values.get(position)
    return values[position]


def _status_at(status: str | Sequence[Any] | Mapping[int, Any], position: int) -> str:
    if isinstance(status, str):
        return status
    if isinstance(status, Mapping):
        symbol = status.get(position)
    elif len(status) == 1:
        symbol = status[0]
    else:
        symbol = status[position]
    return symbol.strip() if isinstance(symbol, str) else ""


def _refuse_constant(name: str) -> Any:
    raise JsonStatError(_("The file holds %(word)s, which is not a number in JSON.")
                        % {"word": name})


def parse(content: bytes | str, limits: Limits = Limits()) -> Dataset:
    """Decode and check a JSON-stat 2.0 file; :class:`JsonStatError` says what is wrong."""
    size = len(content)
    if size > limits.max_bytes:
        raise JsonStatError(_("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                            % {"size": size, "limit": limits.max_bytes})
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JsonStatError(_("The file is not UTF-8 text.")) from None
    try:
        data = json.loads(content, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError:
        raise JsonStatError(_("The file is nested more than %(limit)s levels deep.")
                            % {"limit": limits.max_depth}) from None
    except json.JSONDecodeError as exc:
        raise JsonStatError(_("The file is not valid JSON (line %(line)s, column %(column)s).")
                            % {"line": exc.lineno, "column": exc.colno}) from None
    except ValueError as exc:  # an integer of thousands of digits
        if isinstance(exc, JsonStatError):
            raise
        raise JsonStatError(_("The file holds a number too long to read.")) from None
    return load(data, limits)


def _check_depth(data: Any, limit: int) -> None:
    """Refuse nesting deeper than *limit*, walking without recursion."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise JsonStatError(_("The file is nested more than %(limit)s levels deep.")
                                % {"limit": limit})
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)


def load(data: Any, limits: Limits = Limits()) -> Dataset:
    """Check an already decoded JSON-stat 2.0 object and return the :class:`Dataset`."""
    _check_depth(data, limits.max_depth)
    if not isinstance(data, dict) or data.get("class") != "dataset":
        raise JsonStatError(_("The file is not a JSON-stat 2.0 dataset: «class» must be "
                              "«dataset» (in PxWebApi, ask for the format json-stat2)."))
    version = data.get("version", "2.0")
    if not isinstance(version, str) or not version.startswith("2."):
        raise JsonStatError(_("The file is JSON-stat version %(version)s; version 2.0 is "
                              "read (in PxWebApi, ask for the format json-stat2).")
                            % {"version": version})
    ids, sizes = data.get("id"), data.get("size")
    if (not isinstance(ids, list) or not ids or len(set(map(str, ids))) != len(ids)
            or not all(isinstance(i, str) and i for i in ids)):
        raise JsonStatError(_("«id» must be a list of distinct dimension names."))
    if len(ids) > limits.max_dimensions:
        raise JsonStatError(_("The dataset has %(count)s dimensions; at most %(limit)s are "
                              "read.") % {"count": len(ids), "limit": limits.max_dimensions})
    if (not isinstance(sizes, list) or len(sizes) != len(ids)
            or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0
                       for s in sizes)):
        raise JsonStatError(_("«size» must be a list of one positive whole number per "
                              "dimension in «id»."))
    cells = 1
    for dimension_id, dimension_size in zip(ids, sizes, strict=True):
        if dimension_size > limits.max_categories:
            raise JsonStatError(_("Dimension «%(dimension)s» has %(count)s categories; at "
                                  "most %(limit)s are read.")
                                % {"dimension": dimension_id, "count": dimension_size,
                                   "limit": limits.max_categories})
        cells *= dimension_size
        if cells > limits.max_cells:
            raise JsonStatError(_("The dataset would have more than %(limit)s cells; ask "
                                  "for fewer at a time.") % {"limit": limits.max_cells})
    described = data.get("dimension")
    if not isinstance(described, dict):
        described = {}  # the first dimension is then the one reported missing
    dimensions = tuple(_dimension(dimension_id, described.get(dimension_id), size)
                       for dimension_id, size in zip(ids, sizes, strict=True))
    return Dataset(
        label=data["label"] if isinstance(data.get("label"), str) else "",
        table=_table_of(data),
        dimensions=dimensions,
        role=_role(data.get("role"), ids),
        _values=_values(data.get("value"), cells),
        _status=_statuses(data.get("status"), cells),
        cell_count=cells,
    )


def _dimension(dimension_id: str, described: Any, size: int) -> Dimension:
    category = described.get("category") if isinstance(described, dict) else None
    if not isinstance(category, dict):
        raise JsonStatError(_("«dimension» must describe every dimension in «id»; "
                              "«%(dimension)s» is missing.") % {"dimension": dimension_id})
    index, labels = category.get("index"), category.get("label")
    if labels is not None and not (isinstance(labels, dict)
                                   and all(isinstance(v, str) for v in labels.values())):
        raise JsonStatError(_("Dimension «%(dimension)s»: «category.label» must give each "
                              "category code its text.") % {"dimension": dimension_id})
    codes: list[str] | None = None
    if isinstance(index, list) and all(isinstance(c, str) for c in index) \
            and len(set(index)) == len(index):
        codes = list(index)
    elif isinstance(index, dict) and all(
            isinstance(p, int) and not isinstance(p, bool) for p in index.values()) \
            and sorted(index.values()) == list(range(len(index))):
        codes = sorted(index, key=index.__getitem__)
    elif index is None and isinstance(labels, dict) and len(labels) == 1:
        codes = list(labels)  # a single category may go without an index
    if codes is None:
        raise JsonStatError(_("Dimension «%(dimension)s»: «category.index» must be a list of "
                              "distinct codes, or an object from code to position 0, 1, 2 …")
                            % {"dimension": dimension_id})
    if len(codes) != size:
        raise JsonStatError(_("Dimension «%(dimension)s» has %(count)s categories, but «size» "
                              "says %(size)s.")
                            % {"dimension": dimension_id, "count": len(codes), "size": size})
    label = described.get("label")
    return Dimension(id=dimension_id, label=label if isinstance(label, str) else dimension_id,
                     codes=tuple(codes), labels=dict(labels or {}))


def _sparse(name: str, items: dict[str, Any], cells: int) -> dict[int, Any]:
    """An object from cell number ("0", "17" …) to item, its keys checked."""
    sparse = {}
    for key, item in items.items():
        if not (key.isascii() and key.isdigit() and len(key) <= 9 and int(key) < cells):
            raise JsonStatError(_("«%(field)s» names cell %(key)s, but the cells are numbered "
                                  "0 to %(last)s.")
                                % {"field": name, "key": key[:20], "last": cells - 1})
        sparse[int(key)] = item
    return sparse


def _values(value: Any, cells: int) -> Sequence[Any] | Mapping[int, Any]:
    if isinstance(value, list):
        if len(value) != cells:
            raise JsonStatError(_("«value» has %(found)s values, but «size» gives %(count)s "
                                  "cells.") % {"found": len(value), "count": cells})
        items: Any = value
        found: Sequence[Any] | Mapping[int, Any] = value
    elif isinstance(value, dict):
        found = _sparse("value", value, cells)
        items = found.values()
    else:
        raise JsonStatError(_("«value» must be a list with one value per cell, or an object "
                              "from cell number to value."))
    for item in items:
        if not (item is None or isinstance(item, str) or _is_number(item)):
            raise JsonStatError(_("«value» holds %(item)s, which is neither a number, null "
                                  "nor a symbol.") % {"item": json.dumps(item)[:40]})
    return found


def _statuses(status: Any, cells: int) -> str | Sequence[Any] | Mapping[int, Any]:
    if status is None:
        return {}
    if isinstance(status, str):
        return status.strip()
    if isinstance(status, list) and len(status) in (1, cells):
        found: Sequence[Any] | Mapping[int, Any] = status
        items: Any = status
    elif isinstance(status, dict):
        found = _sparse("status", status, cells)
        items = found.values()
    else:
        raise JsonStatError(_("«status» must be one symbol for every cell, a list with one "
                              "per cell, or an object from cell number to symbol."))
    if not all(item is None or isinstance(item, str) for item in items):
        raise JsonStatError(_("«status» must be one symbol for every cell, a list with one "
                              "per cell, or an object from cell number to symbol."))
    return found


def _role(role: Any, ids: list[str]) -> dict[str, tuple[str, ...]]:
    if role is None:
        return {}
    if not isinstance(role, dict) or not all(
            isinstance(named, list) and all(n in ids for n in named) for named in role.values()):
        raise JsonStatError(_("«role» must name dimensions listed in «id»."))
    return {key: tuple(named) for key, named in role.items()}


def _table_of(data: dict[str, Any]) -> str:
    extension = data.get("extension")
    px = extension.get("px") if isinstance(extension, dict) else None
    table = px.get("tableid") if isinstance(px, dict) else None
    if isinstance(table, str) and table.strip():
        return table.strip()[:20]
    label = data.get("label")
    if isinstance(label, str):
        number, colon, _rest = label.partition(":")
        if colon and number.strip().isascii() and number.strip().isdigit() \
                and len(number.strip()) <= 8:
            return number.strip()
    return ""
