"""A case as flat facts: one tuple of field values, in the order of :data:`PATHS`, and flat rows read into it.

The engine reads a case through its facts: ``facts[INDEX["doctor.sector"]]`` is the doctor's sector (the
enum member, as the model holds it) or None when unknown. :func:`facts_of` turns a validated
:class:`~assistmed_rules.models.Case` into its facts; a :class:`RowReader` turns a flat row (``{"doctor.sector":
"secteur_1", ...}``, as read from a CSV file or a DataFrame) into the same facts without building the
models, validating each distinct value of a column once. The result is the one ``Case.model_validate``
gives: a value is validated by the models themselves, the first time it is seen, and the fields the
models check together (:data:`~assistmed_rules.models.LINKED_FIELDS`) are validated together.

>>> from assistmed_rules.models import Case
>>> facts = facts_of(Case.model_validate({"doctor": {"sector": "1"}}))
>>> facts[INDEX["doctor.sector"]].value, facts[INDEX["doctor.zone"]]
('secteur_1', None)
>>> RowReader().read({"doctor.sector": "1", "doctor.zone": ""}) == facts
True
>>> RowReader().read({"doctor.sector": "secteur_9"}) is None   # invalid: the caller validates the row itself
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any

from pydantic import BaseModel, ValidationError

from .conditions import FIELDS
from .models import LINKED_FIELDS, PANDAS_MISSING, Case

#: Every input field, by dotted path, in the order of the facts.
PATHS: tuple[str, ...] = tuple(FIELDS)
#: The position of each field in the facts.
INDEX: dict[str, int] = {path: i for i, path in enumerate(PATHS)}
Facts = tuple[Any, ...]

_ALL = attrgetter(*PATHS)


def facts_of(case: Case) -> Facts:
    """The facts of a validated case: the value of every field of :data:`PATHS`, in that order."""
    return _ALL(case)


def case_of(facts: Facts) -> Case:
    """A :class:`Case` holding ``facts`` (already validated: they are not validated again)."""
    tree: dict[str, Any] = {}
    for path, value in zip(PATHS, facts):
        if value is not None:
            node = tree
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
    return _construct(Case, tree)  # type: ignore[return-value]


def _construct(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    values = {}
    for name, value in data.items():
        if isinstance(value, dict):
            value = _construct(model.model_fields[name].annotation, value)  # type: ignore[arg-type]
        values[name] = value
    return model.model_construct(**values)


#: The facts of a case where nothing is known.
UNKNOWN: Facts = (None,) * len(PATHS)  # every field of the models defaults to None (tests/test_plan.py checks it)
_INVALID = object()
_MISS = object()
_TEXT = {str}  # a column of texts only (as from a CSV file)


def is_empty(raw: Any) -> bool:
    """Whether a cell is empty (None, a text of spaces only or none, NaN, pandas' NA and NaT): an unknown fact,
    left out of the case."""
    if isinstance(raw, str):
        return not raw or raw.isspace()
    return raw is None or raw.__class__.__name__ in PANDAS_MISSING or (isinstance(raw, float) and math.isnan(raw))


def _nested(items: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in items.items():
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


class RowReader:
    """Reads flat rows into facts, each distinct value of a column validated once by the models.

    :meth:`read` returns the facts of a row, or None when the row is not valid or has a column that is not
    an input field: the caller then validates the row the usual way (``Case.model_validate``) to get the
    error naming the field. The memos grow with the distinct values seen; :attr:`limit` bounds each.
    """

    limit = 16_384

    def __init__(self) -> None:
        self._group_of: dict[str, tuple[str, ...]] = {f: g for g in LINKED_FIELDS for f in g}
        self._group_memo: dict[tuple[str, ...], dict[Any, Any]] = {g: {} for g in LINKED_FIELDS}
        #: Per column: its position in the facts and the memo of its values (None for a linked field).
        self._slots: dict[str, tuple[int, dict[Any, Any] | None]] = {
            path: (i, None if path in self._group_of else {}) for i, path in enumerate(PATHS)}

    def read(self, row: Mapping[str, Any]) -> Facts | None:
        values = list(UNKNOWN)
        slots = self._slots
        groups: set[tuple[str, ...]] | None = None
        try:
            for key, raw in row.items():
                if raw is None:
                    continue
                if raw.__class__ is str:  # the common case (CSV): a text is its own memo key
                    if not raw or raw.isspace():
                        continue
                    memo_key: Any = raw
                else:
                    if is_empty(raw):
                        continue
                    memo_key = (raw.__class__, raw)  # 1, 1.0 and True are equal keys: keep their types apart
                slot = slots.get(key)
                if slot is None:
                    return None  # not an input field: the models name the error
                index, memo = slot
                if memo is None:
                    if groups is None:
                        groups = set()
                    groups.add(self._group_of[key])
                    continue
                value = memo.get(memo_key, _MISS)
                if value is _MISS:
                    value = self._learn(key, memo, memo_key, raw)
                if value is _INVALID:
                    return None
                values[index] = value
            if groups:
                for group in groups:
                    got = self._group(group, tuple(row.get(f) for f in group))
                    if got is _INVALID:
                        return None
                    for f, v in zip(group, got):
                        values[INDEX[f]] = v
        except TypeError:  # an unhashable value (a list, a dict): not a fact
            return None
        return tuple(values)

    def read_many(self, rows: Sequence[Mapping[str, Any]]) -> list[Facts | None]:
        """``[self.read(row) for row in rows]``, read column by column (faster on many rows).

        Each column is read once for the whole sequence: its distinct values looked up (or validated) once,
        then mapped (a column holding values of several types is read cell by cell). Rows with a column that
        is not an input field or with an invalid value are read by :meth:`read`, and all rows if one holds
        an unhashable value.
        """
        if len(rows) < 16:
            return [self.read(row) for row in rows]
        try:
            keys = set().union(*rows)
        except TypeError:
            return [self.read(row) for row in rows]
        unknown = keys.difference(self._slots)
        redo: set[int] = {i for i, row in enumerate(rows) if not unknown.isdisjoint(row)} if unknown else set()
        known = sorted(keys.intersection(self._slots))
        if not known:
            return [UNKNOWN if i not in redo else self.read(row) for i, row in enumerate(rows)]
        try:  # the rows as tuples of the known columns, then the columns (both loops in C)
            if not all(type(row) is dict for row in rows):  # a mapping with defaults would make up missing cells
                raise KeyError
            cells = list(map(itemgetter(*known, known[0]), rows))  # (one more column: always a tuple)
        except KeyError:  # some rows lack a column
            cells = [tuple(row.get(k) for k in known) + (None,) for row in rows]
        columns: list[Any] = [None] * len(PATHS)
        by_key = dict(zip(known, zip(*cells)))
        try:
            for key, column in by_key.items():
                index, memo = self._slots[key]
                if memo is None:
                    continue  # a linked field: read with its group below
                distinct = set(column)
                kinds = set(map(type, distinct)) - {type(None)}
                if kinds and kinds != _TEXT:  # 1, 1.0 and True are equal: the set kept the first of them
                    kinds = set(map(type, column)) - {type(None)}
                if len(kinds) > 1:  # 1, 1.0 and True are equal keys: cell by cell, keyed with their types
                    values = [self._cell(key, memo, raw) for raw in column]
                    invalid = _INVALID in values
                else:
                    kind = kinds.pop() if kinds else None
                    table = {}
                    for raw in distinct:  # the memo's key of a value: see read()
                        value = memo.get(raw if kind is str else (kind, raw), _MISS)
                        table[raw] = value if value is not _MISS else self._cell(key, memo, raw)
                    values = list(map(table.__getitem__, column))
                    invalid = _INVALID in table.values()
                if invalid:
                    redo.update(i for i, v in enumerate(values) if v is _INVALID)
                columns[index] = values
            for group in LINKED_FIELDS:
                if not keys.intersection(group):
                    continue
                raws = list(zip(*(by_key.get(f) or repeat(None, len(rows)) for f in group)))
                distinct = set(raws)
                if any(len({type(t[p]) for t in raws} - {type(None)}) > 1 for p in range(len(group))):
                    got = [self._group(group, t) for t in raws]  # several types: keyed with their types
                    invalid = _INVALID in got
                else:
                    table = {t: self._group(group, t) for t in distinct}
                    got = list(map(table.__getitem__, raws))
                    invalid = _INVALID in table.values()
                if invalid:
                    redo.update(i for i, v in enumerate(got) if v is _INVALID)
                for position, f in enumerate(group):
                    columns[INDEX[f]] = [None if g is _INVALID else g[position] for g in got]
        except TypeError:  # an unhashable value (a list, a dict): not a fact
            return [self.read(row) for row in rows]
        out: list[Facts | None] = list(zip(*(repeat(None) if c is None else c for c in columns)))
        for i in redo:
            out[i] = self.read(rows[i])
        return out

    def _cell(self, key: str, memo: dict[Any, Any], raw: Any) -> Any:
        """The value of one cell of column ``key``, as :meth:`read` gives it (None if empty, ``_INVALID``)."""
        if is_empty(raw):
            return None
        memo_key = raw if raw.__class__ is str else (raw.__class__, raw)
        value = memo.get(memo_key, _MISS)
        return self._learn(key, memo, memo_key, raw) if value is _MISS else value

    def _learn(self, key: str, memo: dict[Any, Any], memo_key: Any, raw: Any) -> Any:
        """Validate a value of column ``key`` seen for the first time, and remember it (or ``_INVALID``)."""
        value = self._validate((key,), (raw,))
        return self._remember(memo, memo_key, value if value is _INVALID else value[0])

    def _group(self, group: tuple[str, ...], raws: tuple[Any, ...]) -> Any:
        """The values of a group of linked fields, as :meth:`read` gives them (``_INVALID`` if refused)."""
        raws = tuple(None if is_empty(r) else r for r in raws)
        if all(r is None for r in raws):
            return (None,) * len(group)
        memo = self._group_memo[group]
        memo_key = tuple((r.__class__, r) for r in raws)
        got = memo.get(memo_key, _MISS)
        if got is _MISS:
            got = self._remember(memo, memo_key, self._validate(group, raws))
        return got

    def _remember(self, memo: dict[Any, Any], key: Any, value: Any) -> Any:
        if len(memo) >= self.limit:
            memo.clear()
        memo[key] = value
        return value

    @staticmethod
    def _validate(paths: tuple[str, ...], raws: tuple[Any, ...]) -> Any:
        """The values of ``paths`` (fields of one model) validated alone by that model (``_INVALID`` if refused)."""
        model = _LEAF[paths[0]][0]
        names = [_LEAF[p][1] for p in paths]
        try:
            obj = model.model_validate({n: r for n, r in zip(names, raws) if r is not None})
        except (ValidationError, TypeError, ValueError):
            return _INVALID
        got = obj.__dict__
        if any(got[n] != v for n, v in _defaults(model).items() if n not in names):
            return _INVALID  # the value sets another field too: not a fact of its own column
        return tuple(got[n] for n in names)


def _leaves(model: type[BaseModel], prefix: str = "") -> dict[str, tuple[type[BaseModel], str]]:
    out: dict[str, tuple[type[BaseModel], str]] = {}
    for name, info in model.model_fields.items():
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            out.update(_leaves(info.annotation, f"{prefix}{name}."))
        else:
            out[prefix + name] = (model, name)
    return out


#: The model and field name of each input field (the model that validates it).
_LEAF = _leaves(Case)


@cache
def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    return dict(model().__dict__)

assert set(_LEAF) == set(PATHS), "facts: the fields of the models changed; PATHS and _LEAF disagree"
assert all(len({_LEAF[p][0] for p in group}) == 1 for group in LINKED_FIELDS), "linked fields span two models"


__all__ = ["INDEX", "PATHS", "UNKNOWN", "RowReader", "case_of", "facts_of", "is_empty"]
