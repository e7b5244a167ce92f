"""The condition language of rule files, compiled once into Python closures with three-valued logic.

A condition is plain YAML data::

    any:
      - {field: doctor.sector, is: secteur_1}
      - all:
          - {field: doctor.sector, is: secteur_2}
          - {field: doctor.tariff_option, in: [optam, optam_co]}

Nodes: ``all: [...]``, ``any: [...]``, ``not: {...}`` and comparisons. A comparison has one *subject*
(``field: path``, ``sum: [paths]`` or ``lookup: table`` with ``key: path``) and one *operator*
(``is``, ``is_not``, ``in``, ``not_in``, ``gt``, ``ge``, ``lt``, ``le``). The operator's value is a
literal, a list of literals, ``{param: name}``, ``{field: path}`` (optionally with ``plus`` or ``minus`` a
delay, for dates) or ``{lookup: table, key: path}``.

Evaluation is Kleene's three-valued logic: an unknown input gives ``None`` ("unknown") unless the other
operands decide the result anyway (``any`` with one true branch is true). Numbers carry the domain of
their field, so ``sum: [a, b]`` with ``a`` known above the threshold is decided even if ``b`` is unknown.
Each unknown result carries the inputs whose value would decide it.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from operator import attrgetter
from typing import Any, Union

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel

from .models import Case, suggest

#: Deepest nesting of all/any/not accepted in a condition.
MAX_CONDITION_DEPTH = 32

Tri = bool | None
Missing = tuple[str, ...]
Result = tuple[Tri, Missing]
NO_MISSING: Missing = ()
#: Prefix of the "missing" entries that are gaps in the rule data (a table entry, a parameter value)
#: rather than inputs of the case.
DATA_GAP = "rules:"

COMPARISONS = ("is", "is_not", "in", "not_in", "gt", "ge", "lt", "le")
ORDERED = ("gt", "ge", "lt", "le")
SUBJECTS = ("field", "sum", "lookup")
NUMERIC_UNITS = ("patients", "percentile", "percent", "euros", "count")


class ConditionError(ValueError):
    """A condition is malformed; the message says where in the condition and what is accepted."""


@dataclass(frozen=True)
class FieldType:
    """What the engine knows of an input field: its kind, its choices or its numeric domain."""

    path: str
    kind: str  # "number", "date", "bool", "enum", "str"
    choices: tuple[str, ...] = ()
    lo: float = -math.inf
    hi: float = math.inf
    integer: bool = False
    description: str = ""
    actionable: bool = False


def _field_types(model: type[BaseModel], prefix: str = "") -> dict[str, FieldType]:
    out: dict[str, FieldType] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = info.annotation
        args = [a for a in typing.get_args(ann) if a is not type(None)] if _is_union(ann) else [ann]
        base = args[0] if len(args) == 1 else None
        if typing.get_origin(base) is typing.Annotated:  # e.g. models.Day
            base = typing.get_args(base)[0]
        if isinstance(base, type) and issubclass(base, BaseModel):
            out.update(_field_types(base, path + "."))
            continue
        lo, hi = -math.inf, math.inf
        for meta in info.metadata:  # pydantic's Ge / Le constraints
            if getattr(meta, "ge", None) is not None:
                lo = float(meta.ge)
            if getattr(meta, "le", None) is not None:
                hi = float(meta.le)
        desc = info.description or ""
        act = isinstance(info.json_schema_extra, dict) and bool(info.json_schema_extra.get("actionable"))
        if isinstance(base, type) and issubclass(base, Enum):
            out[path] = FieldType(path, "enum", tuple(m.value for m in base), description=desc, actionable=act)
        elif base is bool:
            out[path] = FieldType(path, "bool", description=desc, actionable=act)
        elif base in (int, float):
            out[path] = FieldType(path, "number", lo=lo, hi=hi, integer=base is int, description=desc, actionable=act)
        elif base is date:
            out[path] = FieldType(path, "date", description=desc)
        elif base is str:
            out[path] = FieldType(path, "str", description=desc)
        else:  # pragma: no cover - a model change the registry does not know
            raise TypeError(f"field {path} has a type the condition language does not support: {ann}")
    return out


def _is_union(ann: Any) -> bool:
    return typing.get_origin(ann) in (Union, types.UnionType)


#: Every input field a condition may name, by dotted path.
FIELDS: dict[str, FieldType] = _field_types(Case)


class Scope:
    """What a condition may refer to besides the input fields: the regime's parameters and tables."""

    def __init__(self, params: Mapping[str, str], tables: Mapping[str, str],
                 list_values: Mapping[str, list[frozenset[str]]] | None = None) -> None:
        self.params = params  # name -> unit
        self.tables = tables  # name -> key path
        self.list_values = list_values or {}  # list parameter -> its dated values, checked against the field


class Context:
    """What a compiled condition reads at evaluation time."""

    __slots__ = ("case", "param", "ref_date", "table")

    def __init__(
        self,
        case: Case,
        ref_date: date,
        param: Callable[[str, date], Any],
        table: Callable[[str, Any], tuple[Any, bool] | None],
    ) -> None:
        self.case = case
        self.ref_date = ref_date
        self.param = param
        self.table = table


Fn = Callable[[Context], Result]


@dataclass(frozen=True)
class Compiled:
    """A compiled condition: ``fn(context) -> (True | False | None, missing inputs)``."""

    fn: Fn
    fields: frozenset[str]
    params: frozenset[str]
    tables: frozenset[str]
    spec: Any = None  # the condition as written in the rule file (for documentation and linting)
    #: For the number and date fields this condition only compares with literals or parameters: what they
    #: are compared with (``("lit", value)`` or ``("param", name)``). The condition's outcome depends on
    #: such a field only through where its value falls among these cuts (see :mod:`assistmed_rules.plan`);
    #: every other field it reads counts by its exact value.
    cuts: Mapping[str, frozenset[tuple[str, Any]]] = dataclasses.field(default_factory=dict)


class _Compiler:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.fields: set[str] = set()
        self.params: set[str] = set()
        self.tables: set[str] = set()
        self.cuts: dict[str, set[tuple[str, Any]]] = {}
        self.exact: set[str] = set()

    def cut(self, subject: Any, spec: Any) -> None:
        """Record what a number or date field is compared with (see :attr:`Compiled.cuts`)."""
        if not isinstance(subject, FieldType) or subject.kind not in ("number", "date"):
            return
        if isinstance(spec, dict) and set(spec) == {"param"}:
            self.cuts.setdefault(subject.path, set()).add(("param", spec["param"]))
        elif isinstance(spec, list):
            self.cuts.setdefault(subject.path, set()).update(("lit", v) for v in spec)
        elif not isinstance(spec, dict):
            self.cuts.setdefault(subject.path, set()).add(("lit", spec))
        else:  # another field, a table: the exact value counts
            self.exact.add(subject.path)

    # -- nodes ---------------------------------------------------------------------------------------
    def node(self, spec: Any, where: str, depth: int) -> Fn:
        if depth > MAX_CONDITION_DEPTH:
            raise ConditionError(f"{where}: condition nested deeper than {MAX_CONDITION_DEPTH} levels")
        if not isinstance(spec, dict) or not spec:
            raise ConditionError(
                f"{where}: expected a mapping such as {{all: [...]}}, {{any: [...]}}, {{not: ...}}"
                f" or {{field: ..., is: ...}}; got {spec!r}"
            )
        keys = set(spec)
        for logical in ("all", "any", "not"):
            if logical in keys:
                if len(keys) != 1:
                    raise ConditionError(f"{where}: '{logical}' must stand alone; remove {sorted(keys - {logical})}")
                if logical == "not":
                    return _not(self.node(spec["not"], f"{where}.not", depth + 1))
                items = spec[logical]
                if not isinstance(items, list) or not items:
                    raise ConditionError(f"{where}.{logical}: expected a non-empty list of conditions")
                fns = [self.node(item, f"{where}.{logical}[{i}]", depth + 1) for i, item in enumerate(items)]
                return _all(fns) if logical == "all" else _any(fns)
        return self.comparison(spec, where)

    def comparison(self, spec: dict[str, Any], where: str) -> Fn:
        subjects = [k for k in SUBJECTS if k in spec]
        ops = [k for k in COMPARISONS if k in spec]
        extra = set(spec) - set(SUBJECTS) - set(COMPARISONS) - {"key"}
        if extra:
            accepted = ", ".join(("all", "any", "not") + SUBJECTS + COMPARISONS + ("key",))
            bad = min(map(str, extra))
            raise ConditionError(f"{where}: unknown key {bad!r}{suggest(bad, list(accepted.split(', ')))}; accepted: {accepted}")
        if len(subjects) != 1:
            raise ConditionError(f"{where}: a comparison needs exactly one of field / sum / lookup; got {subjects or 'none'}")
        if len(ops) != 1:
            raise ConditionError(f"{where}: a comparison needs exactly one operator among {', '.join(COMPARISONS)}; got {ops or 'none'}")
        if "key" in spec and subjects[0] != "lookup":
            raise ConditionError(f"{where}: 'key' goes with 'lookup' only")
        op = ops[0]
        kind, left = self.subject(spec, subjects[0], where)
        rhs = spec[op]
        if subjects[0] == "field":
            self.cut(left, rhs)
        elif subjects[0] == "sum":
            self.exact.update(f.path for f in left)
        if op in ("in", "not_in"):
            if subjects[0] == "sum":
                raise ConditionError(f"{where}: '{op}' tests one field; compare a sum with gt / ge / lt / le / is")
            right_list = self.list_operand(rhs, kind, left, where + f".{op}")
            fn = _membership(left, right_list)
            return _not(fn) if op == "not_in" else fn
        if op in ORDERED and kind not in ("number", "date"):
            raise ConditionError(f"{where}: '{op}' compares numbers or dates; this {kind} field takes is / is_not / in / not_in")
        right = self.operand(rhs, kind, left, where + f".{op}")
        if kind == "number":
            fn = _numeric(op if op != "is_not" else "is", left, right)
        else:
            fn = _scalar(op if op != "is_not" else "is", left, right)
        return _not(fn) if op == "is_not" else fn

    # -- operands -------------------------------------------------------------------------------------
    def field(self, path: Any, where: str) -> FieldType:
        if not isinstance(path, str) or path not in FIELDS:
            accepted = list(FIELDS)
            raise ConditionError(
                f"{where}: no input field {path!r}{suggest(str(path), accepted)}; fields are: {', '.join(accepted)}"
            )
        self.fields.add(path)
        return FIELDS[path]

    def subject(self, spec: dict[str, Any], which: str, where: str) -> tuple[str, Any]:
        if which == "field":
            ftype = self.field(spec["field"], where)
            return ftype.kind, ftype
        if which == "sum":
            paths = spec["sum"]
            if not isinstance(paths, list) or not paths:
                raise ConditionError(f"{where}.sum: expected a non-empty list of numeric field paths")
            ftypes = [self.field(p, f"{where}.sum[{i}]") for i, p in enumerate(paths)]
            for f in ftypes:
                if f.kind != "number":
                    raise ConditionError(f"{where}.sum: {f.path} is not a number")
            return "number", ftypes
        table = self.table(spec["lookup"], where)
        if "key" not in spec:
            raise ConditionError(f"{where}: 'lookup' needs a 'key' (the field whose value is looked up)")
        key = self.table_key(table, spec["key"], f"{where}.key")
        return "lookup", (table, key)

    def table_key(self, table: str, path: Any, where: str) -> FieldType:
        key = self.field(path, where)
        self.exact.add(key.path)
        if key.path != self.scope.tables[table]:
            raise ConditionError(f"{where}: table {table!r} is keyed by {self.scope.tables[table]}, not {key.path}")
        return key

    def table(self, name: Any, where: str) -> str:
        if not isinstance(name, str) or name not in self.scope.tables:
            accepted = list(self.scope.tables)
            raise ConditionError(f"{where}: no table {name!r}{suggest(str(name), accepted)}; tables: {', '.join(accepted) or 'none'}")
        self.tables.add(name)
        return name

    def param(self, name: Any, where: str) -> str:
        if not isinstance(name, str) or name not in self.scope.params:
            accepted = list(self.scope.params)
            raise ConditionError(f"{where}: no parameter {name!r}{suggest(str(name), accepted)}; parameters: {', '.join(accepted) or 'none'}")
        self.params.add(name)
        return name

    def duration(self, spec: Any, where: str) -> Callable[[Context], relativedelta | None]:
        if isinstance(spec, dict) and set(spec) == {"param"}:
            name = self.param(spec["param"], where)
            if self.scope.params[name] != "duration":
                raise ConditionError(f"{where}: parameter {name!r} is not a duration")
            return lambda ctx: ctx.param(name, ctx.ref_date)
        delta = parse_duration(spec, where)
        return lambda ctx: delta

    def operand(self, spec: Any, kind: str, subject: Any, where: str) -> Any:
        """Compile the right-hand side of ``is`` / ``gt`` / ...: returns a function of the context."""
        if isinstance(spec, dict):
            if set(spec) == {"param"}:
                name = self.param(spec["param"], where)
                unit = self.scope.params[name]
                expected = {"number": NUMERIC_UNITS, "date": ("date",)}.get(kind)
                if expected is None or unit not in expected:
                    raise ConditionError(f"{where}: parameter {name!r} (unit {unit}) cannot be compared with a {kind}")
                if kind == "number":
                    def num_param(ctx: Context) -> tuple[float, float, Missing]:
                        v = ctx.param(name, ctx.ref_date)
                        if v is None:
                            return -math.inf, math.inf, (f"{DATA_GAP}param {name}",)
                        return v, v, NO_MISSING
                    return num_param
                return lambda ctx: _gap_if_none(ctx.param(name, ctx.ref_date), f"{DATA_GAP}param {name}")
            if "field" in spec and set(spec) <= {"field", "plus", "minus"}:
                other = self.field(spec["field"], where)
                self.exact.add(other.path)
                if other.kind != kind:
                    raise ConditionError(f"{where}: cannot compare a {kind} with {other.path}, a {other.kind}")
                shift = [k for k in ("plus", "minus") if k in spec]
                if shift and kind != "date":
                    raise ConditionError(f"{where}: 'plus' / 'minus' apply to dates only")
                if kind == "number":
                    return _number_getter(other)
                get = _getter(other)
                if not shift:
                    return get
                delta_fn = self.duration(spec[shift[0]], f"{where}.{shift[0]}")
                sign = 1 if shift[0] == "plus" else -1
                name = other.path

                def shifted(ctx: Context) -> tuple[Any, Missing]:
                    value, missing = get(ctx)
                    delta = delta_fn(ctx)
                    if delta is None:
                        return None, missing + (f"{DATA_GAP}delay of {name}",)
                    if value is None:
                        return None, missing
                    return (value + delta if sign > 0 else value - delta), NO_MISSING
                return shifted
            raise ConditionError(f"{where}: expected a literal, {{param: name}} or {{field: path}}; got {spec!r}")
        value = self.literal(spec, kind, subject, where)
        if kind == "number":
            return lambda ctx: (value, value, NO_MISSING)
        return lambda ctx: (value, NO_MISSING)

    def literal(self, value: Any, kind: str, subject: Any, where: str) -> Any:
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConditionError(f"{where}: expected a number; got {value!r}")
            return value
        if kind == "date":
            if not isinstance(value, date):
                raise ConditionError(f"{where}: expected a date written YYYY-MM-DD; got {value!r}")
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                raise ConditionError(f"{where}: expected true or false; got {value!r}")
            return value
        if kind == "enum":
            choices = subject.choices
            if value not in choices:
                raise ConditionError(
                    f"{where}: {value!r} is not a value of {subject.path}{suggest(str(value), list(choices))};"
                    f" accepted: {', '.join(choices)}"
                )
            return value
        if not isinstance(value, str):
            raise ConditionError(f"{where}: expected a text value; got {value!r}")
        return value

    def list_operand(self, spec: Any, kind: str, subject: Any, where: str) -> Callable[[Context], tuple[Any, bool, Missing]]:
        if kind == "lookup":
            raise ConditionError(f"{where}: use 'is' to compare a looked-up value")
        if isinstance(spec, list):
            if not spec:
                raise ConditionError(f"{where}: the list is empty")
            values = frozenset(self.literal(v, kind, subject, f"{where}[{i}]") for i, v in enumerate(spec))
            return lambda ctx: (values, True, NO_MISSING)
        if isinstance(spec, dict) and set(spec) == {"param"}:
            name = self.param(spec["param"], where)
            if self.scope.params[name] != "list":
                raise ConditionError(f"{where}: parameter {name!r} is not a list")
            if kind == "enum":
                for values in self.scope.list_values.get(name, ()):
                    for value in sorted(values):
                        self.literal(value, kind, subject, f"{where} (parameter {name})")

            def from_param(ctx: Context) -> tuple[Any, bool, Missing]:
                v = ctx.param(name, ctx.ref_date)
                if v is None:
                    return None, False, (f"{DATA_GAP}param {name}",)
                return v, True, NO_MISSING
            return from_param
        if isinstance(spec, dict) and set(spec) == {"lookup", "key"}:
            table = self.table(spec["lookup"], where)
            key_get = _getter(self.table_key(table, spec["key"], f"{where}.key"))

            def from_table(ctx: Context) -> tuple[Any, bool, Missing]:
                key, missing = key_get(ctx)
                if key is None:
                    return None, False, missing
                entry = ctx.table(table, key)
                if entry is None:
                    return None, False, (f"{DATA_GAP}table {table}[{key}]",)
                values, complete = entry
                if not isinstance(values, frozenset):  # a single value is a list of one
                    values = frozenset([values])
                gap = NO_MISSING if complete else (f"{DATA_GAP}table {table}[{key}] (partial list)",)
                return values, complete, gap
            return from_table
        raise ConditionError(f"{where}: expected a list of values, {{param: name}} or {{lookup: table, key: path}}; got {spec!r}")


def _gap_if_none(value: Any, gap: str) -> tuple[Any, Missing]:
    return (None, (gap,)) if value is None else (value, NO_MISSING)


def _getter(ftype: FieldType) -> Callable[[Context], tuple[Any, Missing]]:
    get = attrgetter(ftype.path)
    missing = (ftype.path,)
    if ftype.kind == "enum":
        def enum_get(ctx: Context) -> tuple[Any, Missing]:
            v = get(ctx.case)
            return (None, missing) if v is None else (v.value, NO_MISSING)
        return enum_get

    def plain_get(ctx: Context) -> tuple[Any, Missing]:
        v = get(ctx.case)
        return (None, missing) if v is None else (v, NO_MISSING)
    return plain_get


def _number_getter(ftype: FieldType) -> Callable[[Context], tuple[float, float, Missing]]:
    get = attrgetter(ftype.path)
    lo, hi, missing = ftype.lo, ftype.hi, (ftype.path,)

    def number_get(ctx: Context) -> tuple[float, float, Missing]:
        v = get(ctx.case)
        return (lo, hi, missing) if v is None else (v, v, NO_MISSING)
    return number_get


def _sum_getter(ftypes: list[FieldType]) -> Callable[[Context], tuple[float, float, Missing]]:
    getters = [_number_getter(f) for f in ftypes]

    def sum_get(ctx: Context) -> tuple[float, float, Missing]:
        lo = hi = 0.0
        missing: Missing = NO_MISSING
        for g in getters:
            a, b, m = g(ctx)
            lo += a
            hi += b
            missing += m
        return lo, hi, missing
    return sum_get


def _numeric(op: str, subject: Any, right: Callable[[Context], tuple[float, float, Missing]]) -> Fn:
    left = _sum_getter(subject) if isinstance(subject, list) else _number_getter(subject)

    def compare(ctx: Context) -> Result:
        a, b, m1 = left(ctx)
        c, d, m2 = right(ctx)
        # [a, b] is the left operand's range, [c, d] the right one's.
        if op == "gt":
            result = True if a > d else False if b <= c else None
        elif op == "ge":
            result = True if a >= d else False if b < c else None
        elif op == "lt":
            result = True if b < c else False if a >= d else None
        elif op == "le":
            result = True if b <= c else False if a > d else None
        else:  # "is"
            result = True if a == b == c == d else False if (b < c or a > d) else None
        return (result, NO_MISSING) if result is not None else (None, m1 + m2)
    return compare


def _scalar(op: str, subject: Any, right: Callable[[Context], tuple[Any, Missing]]) -> Fn:
    left: Callable[[Context], tuple[Any, Missing]]
    if isinstance(subject, tuple):  # lookup: (table, key field)
        table, key_type = subject
        key_get = _getter(key_type)

        def left_entry(ctx: Context) -> tuple[Any, Missing]:
            key, missing = key_get(ctx)
            if key is None:
                return None, missing
            entry = ctx.table(table, key)
            if entry is None:
                return None, (f"{DATA_GAP}table {table}[{key}]",)
            return entry[0], NO_MISSING
        left = left_entry
    else:
        left = _getter(subject)

    def compare(ctx: Context) -> Result:
        x, m1 = left(ctx)
        y, m2 = right(ctx)
        if x is None or y is None:
            return None, m1 + m2
        if op == "is":
            return x == y, NO_MISSING
        if op == "gt":
            return x > y, NO_MISSING
        if op == "ge":
            return x >= y, NO_MISSING
        if op == "lt":
            return x < y, NO_MISSING
        return x <= y, NO_MISSING
    return compare


def _membership(subject: Any, right: Callable[[Context], tuple[Any, bool, Missing]]) -> Fn:
    left: Callable[[Context], tuple[Any, Missing]]
    if subject.kind == "number":
        num = _number_getter(subject)

        def left_number(ctx: Context) -> tuple[Any, Missing]:
            a, b, m = num(ctx)
            return (a, NO_MISSING) if a == b else (None, m)
        left = left_number
    else:
        left = _getter(subject)

    def member(ctx: Context) -> Result:
        x, m1 = left(ctx)
        values, complete, m2 = right(ctx)
        if values is not None and x is not None:
            if x in values:
                return True, NO_MISSING
            return (False, NO_MISSING) if complete else (None, m2)
        return None, m1 + m2
    return member


def _junction(fns: list[Fn], decisive: bool) -> Fn:
    """Kleene's ``all`` (one False decides: ``decisive=False``) or ``any`` (one True decides)."""
    def junction(ctx: Context) -> Result:
        missing: Missing = NO_MISSING
        unknown = False
        for fn in fns:
            value, m = fn(ctx)
            if value is decisive:
                return decisive, NO_MISSING
            if value is None:
                unknown = True
                missing += m
        return (None, missing) if unknown else (not decisive, NO_MISSING)
    return junction


def _all(fns: list[Fn]) -> Fn:
    return _junction(fns, decisive=False)


def _any(fns: list[Fn]) -> Fn:
    return _junction(fns, decisive=True)


def _not(fn: Fn) -> Fn:
    def negate(ctx: Context) -> Result:
        value, m = fn(ctx)
        return (None, m) if value is None else (not value, NO_MISSING)
    return negate


def parse_duration(spec: Any, where: str) -> relativedelta:
    """Parse a delay written ``{years: 2}``, ``{months: 6}`` or ``{years: 1, months: 6}``."""
    if not isinstance(spec, dict) or not spec or not set(spec) <= {"years", "months", "days"}:
        raise ConditionError(f"{where}: expected a delay such as {{years: 2}} or {{months: 6}} (keys years, months, days); got {spec!r}")
    for unit, n in spec.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0 or n > 1000:
            raise ConditionError(f"{where}: {unit} must be a whole number from 0 to 1000; got {n!r}")
    return relativedelta(years=spec.get("years", 0), months=spec.get("months", 0), days=spec.get("days", 0))


def compile_condition(spec: Any, scope: Scope, where: str) -> Compiled:
    """Check ``spec`` against the condition language and the input models, and compile it."""
    compiler = _Compiler(scope)
    fn = compiler.node(spec, where, 1)
    cuts = {path: frozenset(c) for path, c in compiler.cuts.items() if path not in compiler.exact}
    return Compiled(fn, frozenset(compiler.fields), frozenset(compiler.params), frozenset(compiler.tables), spec,
                    cuts)


def check_field_path(path: Any, kind: str, where: str) -> FieldType:
    """Check that ``path`` names an input field of the given kind (used for obligations' dates)."""
    ftype = _Compiler(Scope({}, {})).field(path, where)
    if ftype.kind != kind:
        raise ConditionError(f"{where}: {path} is a {ftype.kind}, expected a {kind}")
    return ftype
