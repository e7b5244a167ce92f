"""The compiling half of the durable-rules backend: a regime's conditions as durable-rules' JSON.

Pure Python: it imports and runs without durable-rules, so the compilation (Kleene pairs, the flat fact,
the splitting of rules to durable-rules' limits) is built and checked on every Python version
(``tests/test_durable_compile.py``), where :mod:`assistmed_rules.durable_backend`, which registers the
rulesets and runs the cases, needs durable-rules' C engine. The design is told in that module's
documentation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from .conditions import (
    DATA_GAP,
    FIELDS,
    ORDERED,
    ConditionError,
    Context,
    FieldType,
    Missing,
    Scope,
    Tri,
    compile_condition,
    parse_duration,
)
from .errors import RuleFileError
from .rulebook import Regime, Rule
from .safe_yaml import load_yaml_file

#: Bumped when the compilation scheme changes: part of every ruleset's name.
FORMAT_VERSION = 1
#: The ``kind`` of the facts this backend asserts (no other message, e.g. a session's state, has it).
KIND = "assistmed.case"
#: Most ``$and``/``$or`` nodes durable-rules accepts in one rule (2 sequence slots each, 32 slots).
MAX_LOGICAL_NODES = 15
#: The pseudo-node every case matches (see :func:`_definition`).
SEEN = 0
#: Most conjunctions in the disjunctive form of a condition's outcome (see :meth:`_Network.top`).
MAX_CONJUNCTIONS = 64
#: Rules hung below one group node of the alpha network (see :func:`_definition`), and most groups.
GROUP_SIZE = 24
MAX_GROUPS = 30
#: Most properties in one durable-rules fact (``MAX_OBJECT_PROPERTIES`` is 255; ``kind``, ``sid``, ``id``).
MAX_FACT_PROPERTIES = 250

# ---------------------------------------------------------------------------------------------------
# Expressions: a small tree compiled to durable-rules' JSON
# ---------------------------------------------------------------------------------------------------
# ("and", [e, ...]) | ("or", [e, ...]) | ("cmp", op, prop, rhs) | ("ex", prop)
# | ("iany", array_prop, x_prop) | ("iall_ne", array_prop, x_prop)
# rhs: ("lit", value) | ("ref", prop) | ("sum", (prop, ...))
Expr = tuple[Any, ...]
_FLIP = {"lt": "gt", "gt": "lt", "lte": "gte", "gte": "lte", "eq": "eq", "neq": "neq"}


def _and(*items: Expr) -> Expr:
    return _flat("and", items)


def _or(*items: Expr) -> Expr:
    return _flat("or", items)


def _flat(op: str, items: Sequence[Expr]) -> Expr:
    out: list[Expr] = []
    for item in items:
        if item[0] == op:
            out.extend(item[1])
        elif item not in out:
            out.append(item)
    return out[0] if len(out) == 1 else (op, tuple(out))


def _cmp(op: str, left: Any, right: Any) -> Expr:
    """``left op right``; each side a property ``("p", name)``, a literal ``("lit", v)`` or a sum ``("sum", names)``.

    durable-rules wants a property on the left: a literal or a sum on the left is swapped to the right.
    Every property read on the right is guarded by ``$ex``.
    """
    if left[0] != "p":
        if right[0] != "p":  # pragma: no cover - the compiler turns literals compared with sums into constants
            raise AssertionError("a comparison needs a property on one side")
        left, right, op = right, left, _FLIP[op]
    rhs: Any
    refs: tuple[str, ...]
    if right[0] == "p":
        rhs, refs = ("ref", right[1]), (right[1],)
    elif right[0] == "sum":
        rhs, refs = ("sum", right[1]), right[1]
    else:
        rhs, refs = ("lit", right[1]), ()
    return _and(*(("ex", r) for r in refs), ("cmp", op, left[1], rhs))


def _count(expr: Expr) -> int:
    if expr[0] in ("and", "or"):
        return 1 + sum(_count(e) for e in expr[1])
    return 0


def _pieces(expr: Expr) -> list[Expr]:
    """``expr`` as a disjunction of expressions that each fit in one durable-rules rule."""
    whole = _and(("cmp", "eq", "kind", ("lit", KIND)), expr)
    if _count(whole) <= MAX_LOGICAL_NODES:
        return [expr]
    if expr[0] == "or":
        return [p for item in expr[1] for p in _pieces(item)]
    if expr[0] == "and":
        ors = [e for e in expr[1] if e[0] == "or"]
        if ors:
            target = max(ors, key=_count)
            rest = [e for e in expr[1] if e is not target]
            return [p for choice in target[1] for p in _pieces(_and(*rest, choice))]
    raise ConditionError("a condition too deeply nested for durable-rules (more than 15 nested all/any levels)")


def _rhs_json(rhs: Expr) -> Any:
    kind = rhs[0]
    if kind == "lit":
        return rhs[1]
    if kind == "ref":
        return {"$m": rhs[1]}
    total: Any = {"$m": rhs[1][0]}
    for prop in rhs[1][1:]:  # left-associative, as Python adds: ((a + b) + c)
        total = {"$add": {"$l": total, "$r": {"$m": prop}}}
    return total


def _json(expr: Expr) -> Any:
    kind = expr[0]
    if kind in ("and", "or"):
        return {f"${kind}": [_json(e) for e in expr[1]]}
    if kind == "ex":
        return {"$ex": {expr[1]: 1}}
    if kind == "cmp":
        _, op, prop, rhs = expr
        value = _rhs_json(rhs)
        return {prop: value} if op == "eq" else {f"${op}": {prop: value}}
    if kind == "iany":
        return {"$iany": {expr[1]: {"$i": {"$m": expr[2]}}}}
    if kind == "iall_ne":
        return {"$iall": {expr[1]: {"$neq": {"$i": {"$m": expr[2]}}}}}
    raise AssertionError(f"unknown expression {expr!r}")  # pragma: no cover


# ---------------------------------------------------------------------------------------------------
# The fact: one property per input value, parameter, table entry, shifted date or constant read
# ---------------------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text.replace(".", "__"))


def _tag(value: Any) -> str:
    """A value as a type-tagged string, for membership tests (durable-rules compares 2 and "2" as equal)."""
    if isinstance(value, str):
        return "s:" + value
    if isinstance(value, bool):
        return f"b:{value}"
    if isinstance(value, (int, float)):
        return f"n:{float(value)!r}"
    if isinstance(value, date):
        return "d:" + value.isoformat()
    return f"x:{type(value).__name__}:{value!r}"


def _plain(value: Any) -> Any:
    """An input value as durable-rules compares it: enums by value, dates as day numbers."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, Decimal):  # euro parameters: JSON has no decimals
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _finite(x: float) -> float | None:
    return None if math.isinf(x) else x


Producer = Callable[[Context], Any]


class _Facts:
    """The properties a ruleset reads, each with the function that gives its value for a case (None: absent)."""

    def __init__(self) -> None:
        self.producers: dict[str, Producer] = {}

    def _add(self, name: str, producer: Producer) -> tuple[str, str]:
        self.producers.setdefault(name, producer)
        return ("p", name)

    def raw(self, ftype: FieldType) -> tuple[str, str]:
        get = attrgetter(ftype.path)
        return self._add("f__" + _slug(ftype.path), lambda ctx: _plain(get(ctx.case)))

    def lo(self, ftype: FieldType) -> tuple[str, str]:
        get, bound = attrgetter(ftype.path), _finite(ftype.lo)

        def lo(ctx: Context) -> Any:
            v = get(ctx.case)
            return bound if v is None else v
        return self._add("lo__" + _slug(ftype.path), lo)

    def hi(self, ftype: FieldType) -> tuple[str, str]:
        get, bound = attrgetter(ftype.path), _finite(ftype.hi)

        def hi(ctx: Context) -> Any:
            v = get(ctx.case)
            return bound if v is None else v
        return self._add("hi__" + _slug(ftype.path), hi)

    def number_value(self, ftype: FieldType) -> tuple[str, str]:
        """A number as ``in`` reads it: known when its range is one value (the field given)."""
        get, lo, hi = attrgetter(ftype.path), ftype.lo, ftype.hi

        def value(ctx: Context) -> Any:
            v = get(ctx.case)
            if v is None:
                return lo if lo == hi and not math.isinf(lo) else None
            return v
        return self._add("nv__" + _slug(ftype.path), value)

    def tagged(self, ftype: FieldType) -> tuple[str, str]:
        get, number = attrgetter(ftype.path), ftype.kind == "number"
        lo, hi = ftype.lo, ftype.hi

        def tagged(ctx: Context) -> Any:
            v = get(ctx.case)
            if v is None and number and lo == hi and not math.isinf(lo):
                v = lo
            return None if v is None else _tag(_enum_value(v))
        return self._add("t__" + _slug(ftype.path), tagged)

    def param(self, name: str) -> tuple[str, str]:
        return self._add("p__" + _slug(name), lambda ctx: _plain(ctx.param(name, ctx.ref_date)))

    def param_list(self, name: str) -> tuple[tuple[str, str], tuple[str, str]]:
        def items(ctx: Context) -> Any:
            v = ctx.param(name, ctx.ref_date)
            return None if v is None else sorted(_tag(x) for x in v)

        def length(ctx: Context) -> Any:
            v = ctx.param(name, ctx.ref_date)
            return None if v is None else len(v)
        slug = _slug(name)
        return self._add("pl__" + slug, items), self._add("pn__" + slug, length)

    def table_value(self, table: str, key: FieldType) -> tuple[str, str]:
        get = _key_getter(key)

        def value(ctx: Context) -> Any:
            k = get(ctx.case)
            entry = None if k is None else ctx.table(table, k)
            return None if entry is None else _tag(entry[0])
        return self._add(f"lv__{_slug(table)}__{_slug(key.path)}", value)

    def table_list(self, table: str, key: FieldType) -> tuple[tuple[str, str], tuple[str, str], tuple[str, str]]:
        get = _key_getter(key)

        def entry(ctx: Context) -> Any:
            k = get(ctx.case)
            return None if k is None else ctx.table(table, k)

        def items(ctx: Context) -> Any:
            e = entry(ctx)
            return None if e is None else sorted(_tag(x) for x in _as_list(e[0]))

        def length(ctx: Context) -> Any:
            e = entry(ctx)
            return None if e is None else len(_as_list(e[0]))

        def complete(ctx: Context) -> Any:
            e = entry(ctx)
            return None if e is None else int(bool(e[1]))
        slug = f"{_slug(table)}__{_slug(key.path)}"
        return (self._add("ll__" + slug, items), self._add("ln__" + slug, length),
                self._add("lc__" + slug, complete))

    def shifted(self, other: FieldType, sign: int, delay: _Delay) -> tuple[str, str]:
        get = attrgetter(other.path)

        def shifted(ctx: Context) -> Any:
            value, delta = get(ctx.case), delay.at(ctx)
            if value is None or delta is None:
                return None
            return (value + delta if sign > 0 else value - delta).toordinal()
        return self._add(f"sh__{_slug(other.path)}__{'plus' if sign > 0 else 'minus'}__{delay.slug}", shifted)

    def group(self, index: int) -> tuple[str, str]:
        return self._add(f"g__{index}", lambda ctx: 1)

    def constant(self, value: float) -> tuple[str, str]:
        return self._add(f"k__{_slug(repr(float(value)))}", lambda ctx: value)


def _enum_value(v: Any) -> Any:
    return v.value if isinstance(v, Enum) else v


def _key_getter(key: FieldType) -> Callable[[Any], Any]:
    get = attrgetter(key.path)
    return lambda case: _enum_value(get(case))


def _as_list(value: Any) -> Any:
    return value if isinstance(value, (frozenset, set, list, tuple)) else (value,)


@dataclass(frozen=True)
class _Delay:
    """A delay added to a date: a literal, or a duration parameter in force on the contract's date."""

    param: str | None
    literal: relativedelta | None
    slug: str

    def at(self, ctx: Context) -> relativedelta | None:
        return ctx.param(self.param, ctx.ref_date) if self.param is not None else self.literal


# ---------------------------------------------------------------------------------------------------
# Missing inputs of an unknown leaf: the recipe the native closures follow, read off the case
# ---------------------------------------------------------------------------------------------------
# ("field", path): the path if the field is unknown
# ("number_in", path): the path if the number is not known to one value (membership)
# ("param", name): the data gap if the parameter has no value on the date
# ("lookup", table, key path): the key path if unknown, else the data gap if the table has no entry
# ("list", table, key path): as lookup, plus the "partial list" gap if the entry is not complete
# ("delay", param or None, path): data gap "delay of <path>" if the delay is unknown
Recipe = tuple[tuple[Any, ...], ...]


def _missing(recipe: Recipe, ctx: Context) -> Missing:
    out: list[str] = []
    for part in recipe:
        kind = part[0]
        if kind == "field":
            if attrgetter(part[1])(ctx.case) is None:
                out.append(part[1])
        elif kind == "number_in":
            ftype = FIELDS[part[1]]
            if attrgetter(part[1])(ctx.case) is None and not (ftype.lo == ftype.hi and not math.isinf(ftype.lo)):
                out.append(part[1])
        elif kind == "param":
            if ctx.param(part[1], ctx.ref_date) is None:
                out.append(f"{DATA_GAP}param {part[1]}")
        elif kind in ("lookup", "list"):
            _, table, key_path = part
            key = _enum_value(attrgetter(key_path)(ctx.case))
            if key is None:
                out.append(key_path)
                continue
            entry = ctx.table(table, key)
            if entry is None:
                out.append(f"{DATA_GAP}table {table}[{key}]")
            elif kind == "list" and not entry[1]:
                out.append(f"{DATA_GAP}table {table}[{key}] (partial list)")
        elif kind == "delay":
            _, param, path = part
            if param is not None and ctx.param(param, ctx.ref_date) is None:
                out.append(f"{DATA_GAP}delay of {path}")
        else:  # pragma: no cover
            raise AssertionError(part)
    return tuple(out)


# ---------------------------------------------------------------------------------------------------
# Compiling a condition into Kleene pairs
# ---------------------------------------------------------------------------------------------------
@dataclass
class _Leaf:
    node: int
    true: Expr
    false: Expr
    recipe: Recipe


# Walk tree: ("leaf", node) | ("all", (...)) | ("any", (...)) | ("not", x)
Walk = tuple[Any, ...]


@dataclass
class _Program:
    """A compiled condition: the node whose outcome the network records, and the tree for the walk."""

    node: int
    walk: Walk


@dataclass
class _Network:
    """A regime's ruleset: its rules, the fact's properties and each rule's compiled conditions."""

    regime: Regime
    facts: _Facts = field(default_factory=_Facts)
    leaves: dict[int, _Leaf] = field(default_factory=dict)
    #: every node with rules: its T and F outcomes, each a list of expressions (a disjunction)
    pairs: dict[int, tuple[list[Expr], list[Expr]]] = field(default_factory=dict)
    programs: dict[str, tuple[_Program | None, _Program]] = field(default_factory=dict)
    definition: dict[str, dict[str, Any]] = field(default_factory=dict)
    _leaf_ids: dict[str, int] = field(default_factory=dict)

    def leaf(self, true: Expr, false: Expr, recipe: Recipe) -> Walk:
        key = json.dumps([_json(true), _json(false), recipe], sort_keys=True, default=str)
        node = self._leaf_ids.get(key)
        if node is None:
            node = self._leaf_ids[key] = len(self.pairs) + 1
            self.leaves[node] = _Leaf(node, true, false, recipe)
            self.pairs[node] = ([true], [false])
        return ("leaf", node)

    def top(self, walk: Walk, pair: tuple[Expr, Expr]) -> _Program:
        """A condition's node: its T and F outcomes as disjunctions of conjunctions of leaf outcomes.

        durable-rules runs a rule's action once per path of the alpha network a fact matches: an ``$or``
        with two true branches fires twice, an ``$and`` of two such ``$or`` four times. A leaf's ``$or`` has
        exclusive branches (``x == 1 or x == 2``), so a conjunction of leaves fires at most once, and an
        outcome fires once per true conjunction. Conditions whose disjunctive form would exceed
        :data:`MAX_CONJUNCTIONS` keep their nested form (correct, with repeated firings).
        """
        if walk[0] == "leaf":
            return _Program(walk[1], walk)
        node = len(self.pairs) + 1
        outcomes = []
        for positive, nested in ((True, pair[0]), (False, pair[1])):
            dnf = self._dnf(walk, positive)
            if dnf is None:
                outcomes.append([nested])
                continue
            outcomes.append([_and(*(self.leaves[n].true if pol else self.leaves[n].false for n, pol in sorted(conj)))
                             for conj in dnf])
        self.pairs[node] = (outcomes[0], outcomes[1])
        return _Program(node, walk)

    def _dnf(self, walk: Walk, positive: bool) -> list[frozenset[tuple[int, bool]]] | None:
        kind = walk[0]
        if kind == "leaf":
            return [frozenset({(walk[1], positive)})]
        if kind == "not":
            return self._dnf(walk[1], not positive)
        parts = [self._dnf(child, positive) for child in walk[1]]
        if any(p is None for p in parts):
            return None
        out: list[frozenset[tuple[int, bool]]] | None
        if (kind == "any") == positive:  # true any / false all: one child suffices
            out = _absorb([c for p in parts for c in p])  # type: ignore[union-attr]
        else:
            out = [frozenset()]
            for p in parts:
                out = _absorb([a | b for a in out for b in p  # type: ignore[union-attr]
                               if not any((n, not pol) in a for n, pol in b)])
                if len(out) > MAX_CONJUNCTIONS:
                    return None
        return out if len(out) <= MAX_CONJUNCTIONS else None


def _absorb(conjunctions: list[frozenset[tuple[int, bool]]]) -> list[frozenset[tuple[int, bool]]]:
    """Drop repeated conjunctions and those implied by a smaller one (A or (A and B) is A)."""
    unique = sorted(set(conjunctions), key=lambda c: (len(c), sorted(c)))
    out: list[frozenset[tuple[int, bool]]] = []
    for c in unique:
        if not any(kept <= c for kept in out):
            out.append(c)
    return out


class _Compiler:
    """Compiles one condition (already checked by :mod:`assistmed_rules.conditions`) into Kleene pairs."""

    def __init__(self, net: _Network, scope: Scope) -> None:
        self.net = net
        self.facts = net.facts
        self.scope = scope

    def node(self, spec: Any) -> tuple[Walk, Expr, Expr]:
        """(walk tree, T expression, F expression) of a condition node."""
        if "all" in spec or "any" in spec:
            which = "all" if "all" in spec else "any"
            parts = [self.node(item) for item in spec[which]]
            trues, falses = [p[1] for p in parts], [p[2] for p in parts]
            walk = (which, tuple(p[0] for p in parts))
            return (walk, _and(*trues), _or(*falses)) if which == "all" else (walk, _or(*trues), _and(*falses))
        if "not" in spec:
            walk, true, false = self.node(spec["not"])
            return ("not", walk), false, true
        true, false, recipe = self.comparison(spec)
        return self.net.leaf(true, false, recipe), true, false

    # -- comparisons --------------------------------------------------------------------------------
    def comparison(self, spec: dict[str, Any]) -> tuple[Expr, Expr, Recipe]:
        op = next(k for k in ("is", "is_not", "in", "not_in", "gt", "ge", "lt", "le") if k in spec)
        rhs = spec[op]
        if op in ("in", "not_in"):
            true, false, recipe = self.membership(FIELDS[spec["field"]], rhs)
        elif "lookup" in spec:
            true, false, recipe = self.lookup_is(spec["lookup"], FIELDS[spec["key"]], rhs)
        else:
            left = [FIELDS[p] for p in spec["sum"]] if "sum" in spec else [FIELDS[spec["field"]]]
            if left[0].kind == "number":
                true, false, recipe = self.numeric(op.replace("is_not", "is"), left, rhs)
            else:
                true, false, recipe = self.scalar(op.replace("is_not", "is"), left[0], rhs)
        if op in ("is_not", "not_in"):
            true, false = false, true
        return true, false, recipe

    def numeric(self, op: str, left: list[FieldType], rhs: Any) -> tuple[Expr, Expr, Recipe]:
        """``[a, b] op [c, d]`` over ranges, as ``conditions._numeric`` decides it."""
        recipe: list[tuple[Any, ...]] = [("field", f.path) for f in left]
        lo: Any
        hi: Any
        if len(left) == 1:
            lo, hi = self.facts.lo(left[0]), self.facts.hi(left[0])
        else:
            lo = ("sum", tuple(self.facts.lo(f)[1] for f in left))
            hi = ("sum", tuple(self.facts.hi(f)[1] for f in left))
        c: Any
        d: Any
        if isinstance(rhs, dict) and "param" in rhs:
            c = d = self.facts.param(rhs["param"])
            recipe.append(("param", rhs["param"]))
        elif isinstance(rhs, dict):
            other = FIELDS[rhs["field"]]
            c, d = self.facts.lo(other), self.facts.hi(other)
            recipe.append(("field", other.path))
        else:
            if isinstance(rhs, float) and not math.isfinite(rhs):
                raise ConditionError(f"the durable backend compares finite numbers only; got {rhs!r}")
            # A sum has no property to stand on the left of a comparison: its literal goes in the fact
            # (so does a literal durable-rules cannot parse back, such as 1e-05).
            c = d = self.facts.constant(rhs) if len(left) > 1 or not _c_safe(rhs) else ("lit", rhs)
        pairs = {
            "gt": (_cmp("gt", lo, d), _cmp("lte", hi, c)),
            "ge": (_cmp("gte", lo, d), _cmp("lt", hi, c)),
            "lt": (_cmp("lt", hi, c), _cmp("gte", lo, d)),
            "le": (_cmp("lte", hi, c), _cmp("gt", lo, d)),
            # a == b == c == d, with a <= b and c <= d: a >= d and b <= c.
            "is": (_and(_cmp("gte", lo, d), _cmp("lte", hi, c)), _or(_cmp("lt", hi, c), _cmp("gt", lo, d))),
        }
        true, false = pairs[op]
        return true, false, tuple(recipe)

    def scalar(self, op: str, left: FieldType, rhs: Any) -> tuple[Expr, Expr, Recipe]:
        """An enum, yes/no, text or date compared with a literal, a parameter or another field."""
        x = self.facts.raw(left)
        recipe: list[tuple[Any, ...]] = [("field", left.path)]
        y: Any
        if isinstance(rhs, dict) and "param" in rhs:
            y = self.facts.param(rhs["param"])
            recipe.append(("param", rhs["param"]))
        elif isinstance(rhs, dict):
            other = FIELDS[rhs["field"]]
            shift = [k for k in ("plus", "minus") if k in rhs]
            recipe.append(("field", other.path))
            if shift:
                delay = self.delay(rhs[shift[0]])
                y = self.facts.shifted(other, 1 if shift[0] == "plus" else -1, delay)
                recipe.append(("delay", delay.param, other.path))
            else:
                y = self.facts.raw(other)
        else:
            y = ("lit", _plain(rhs)) if _c_safe(_plain(rhs)) else self.facts.constant(_plain(rhs))
        negation = {"is": "neq", "gt": "lte", "ge": "lt", "lt": "gte", "le": "gt"}
        direct = {"is": "eq", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}
        if op in ORDERED or op == "is":
            return _cmp(direct[op], x, y), _cmp(negation[op], x, y), tuple(recipe)
        raise AssertionError(op)  # pragma: no cover

    def delay(self, spec: Any) -> _Delay:
        if isinstance(spec, dict) and set(spec) == {"param"}:
            return _Delay(spec["param"], None, "p_" + _slug(spec["param"]))
        delta = parse_duration(spec, "delay")
        return _Delay(None, delta, f"y{delta.years}m{delta.months}d{delta.days}")

    def lookup_is(self, table: str, key: FieldType, rhs: Any) -> tuple[Expr, Expr, Recipe]:
        value = self.facts.table_value(table, key)
        literal = ("lit", _tag(rhs))
        return (_cmp("eq", value, literal), _cmp("neq", value, literal),
                (("lookup", table, key.path),))

    def membership(self, subject: FieldType, rhs: Any) -> tuple[Expr, Expr, Recipe]:
        left_recipe = ("number_in", subject.path) if subject.kind == "number" else ("field", subject.path)
        if isinstance(rhs, list):  # literals: a disjunction of equalities, in the alpha network
            x = self.facts.number_value(subject) if subject.kind == "number" else self.facts.raw(subject)
            values = [v if _c_safe(v) else self.facts.constant(v) for v in dict.fromkeys(_plain(v) for v in rhs)]
            true = _or(*(_cmp("eq", x, v if isinstance(v, tuple) else ("lit", v)) for v in values))
            false = _and(*(_cmp("neq", x, v if isinstance(v, tuple) else ("lit", v)) for v in values))
            return true, false, (left_recipe,)
        tagged = self.facts.tagged(subject)
        if "param" in rhs:
            items, length = self.facts.param_list(rhs["param"])
            complete: list[Expr] = []
            recipe: Recipe = (left_recipe, ("param", rhs["param"]))
        else:
            key = FIELDS[rhs["key"]]
            items, length, done = self.facts.table_list(rhs["lookup"], key)
            complete = [_cmp("eq", done, ("lit", 1))]
            recipe = (left_recipe, ("list", rhs["lookup"], key.path))
        xs, arr = tagged[1], items[1]
        return (_and(("ex", xs), ("iany", arr, xs)),
                _and(("ex", xs), ("ex", arr), *complete, _or(_cmp("eq", length, ("lit", 0)), ("iall_ne", arr, xs))),
                recipe)


# ---------------------------------------------------------------------------------------------------
# Rule files, rulesets and their registration
# ---------------------------------------------------------------------------------------------------
def _rule_specs(regime: Regime) -> dict[str, dict[str, Any]]:
    """The rules of the regime's rule file as written (id -> raw rule), read again from the file."""
    try:
        raw = load_yaml_file(Path(regime.file))
    except OSError as exc:
        raise RuleFileError(regime.file, f"the durable backend reads the rule file again and cannot: {exc}") from None
    rules = raw.get("rules") if isinstance(raw, dict) else None
    if not isinstance(rules, list):
        raise RuleFileError(regime.file, "the durable backend found no 'rules' list in this file")
    return {str(r.get("id")): r for r in rules if isinstance(r, dict)}


def _check_same(regime: Regime, rule: Rule, which: str, spec: Any, scope: Scope) -> None:
    """The raw condition read again must be the one compiled at load (the file may have changed since)."""
    compiled = rule.applies_if if which == "applies_if" else rule.condition
    if (spec is None) != (compiled is None):
        raise RuleFileError(regime.file, f"'{which}' differs from the loaded rule: reload the rules", rule.id)
    if spec is None or compiled is None:
        return
    again = compile_condition(spec, scope, which)
    if (again.fields, again.params, again.tables) != (compiled.fields, compiled.params, compiled.tables):
        raise RuleFileError(regime.file, f"'{which}' differs from the loaded rule: reload the rules", rule.id)


def _build(regime: Regime) -> _Network:
    net = _Network(regime)
    specs = _rule_specs(regime)
    scope = Scope({n: p.unit for n, p in regime.parameters.items()}, {n: t.key for n, t in regime.tables.items()})
    compiler = _Compiler(net, scope)
    for rule in regime.rules:
        spec = specs.get(rule.id)
        if spec is None:
            raise RuleFileError(regime.file, "rule not found in the file any more: reload the rules", rule.id)
        programs: list[_Program | None] = []
        for which in ("applies_if", "condition"):
            cond = spec.get(which)
            try:
                _check_same(regime, rule, which, cond, scope)
                if cond is None:
                    programs.append(None)
                    continue
                walk, true, false = compiler.node(cond)
            except ConditionError as exc:
                raise RuleFileError(regime.file, f"{which}: {exc}", rule.id) from None
            programs.append(net.top(walk, (true, false)))
        assert programs[1] is not None
        net.programs[rule.id] = (programs[0], programs[1])
    try:
        net.definition = _definition(net)
    except ConditionError as exc:
        raise RuleFileError(regime.file, f"the durable backend cannot compile this regime: {exc}") from None
    if len(net.facts.producers) > MAX_FACT_PROPERTIES:
        raise RuleFileError(regime.file, f"the durable backend needs {len(net.facts.producers)} fact properties"
                            f" for this regime; durable-rules holds at most {MAX_FACT_PROPERTIES}")
    return net


def _definition(net: _Network) -> dict[str, dict[str, Any]]:
    """The ruleset as durable-rules' JSON: rule name -> {"all": [{"m": expression}]}, without actions.

    Every rule starts with ``kind`` then a *group* test (``g__3 == 1``, true for every case): durable-rules
    walks its alpha network with a stack of 64 nodes, and every test that matches below a node is pushed at
    once. Hanging at most :data:`GROUP_SIZE` rules below each group node keeps that stack small however many
    rules a regime has.
    """
    kind = ("cmp", "eq", "kind", ("lit", KIND))
    # Every case matches this rule, so durable-rules always stores the fact: deleting the session of a fact
    # that matched no rule crashes durable-rules 2.0.28 (a segmentation fault in delete_state).
    out: dict[str, dict[str, Any]] = {f"n{SEEN}.T.0_0": {"all": [{"m": _json(kind)}]}}
    pieces = [(f"n{node}.{outcome}.{j}_{i}", piece)
              for node, (true, false) in net.pairs.items()
              for outcome, exprs in (("T", true), ("F", false))
              for j, expr in enumerate(exprs)
              for i, piece in enumerate(_pieces(expr))]
    groups = -(-len(pieces) // GROUP_SIZE)
    if groups > MAX_GROUPS:
        raise ConditionError(f"{len(pieces)} durable-rules rules for one regime; at most {MAX_GROUPS * GROUP_SIZE}")
    for i, (name, piece) in enumerate(pieces):
        group = net.facts.group(i // GROUP_SIZE)
        out[name] = {"all": [{"m": _json(_and(kind, _cmp("eq", group, ("lit", 1)), piece))}]}
    return out


def _number_text(value: float) -> str:
    """A float as durable-rules' JSON parser reads it: an exponent only after a fraction ("1.0e-05", not "1e-05")."""
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text


def _c_safe(value: Any) -> bool:
    """Whether durable-rules reads this literal of a rule definition (which it gets as ``json.dumps``) back."""
    if isinstance(value, float):
        return _number_text(value) == repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return -(2**63) < value < 2**63
    return True


def _dumps(fact: dict[str, Any]) -> str:
    """A flat fact as JSON, floats written so that durable-rules' parser reads them (see :func:`_number_text`)."""
    if not any(isinstance(v, float) and "e" in repr(v) for v in fact.values()):
        return json.dumps(fact, ensure_ascii=False)
    parts = []
    for key, value in fact.items():
        text = _number_text(value) if isinstance(value, float) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{json.dumps(key)}:{text}")
    return "{" + ",".join(parts) + "}"



# ---------------------------------------------------------------------------------------------------
# Reading the network's outcomes back: a condition's value and its missing inputs
# ---------------------------------------------------------------------------------------------------
def _result(net: _Network, prog: _Program, decided: dict[int, bool], ctx: Context) -> tuple[Tri, Missing]:
    value = decided.get(prog.node)
    if value is not None:
        return value, ()
    walked, missing = _walk(net, prog.walk, decided, ctx)
    if walked is not None:  # pragma: no cover - would be a bug of this module
        raise RuntimeError(f"durable backend: node {prog.node} undecided by the network but {walked} by its leaves")
    return None, missing


def _walk(net: _Network, tree: Walk, decided: dict[int, bool], ctx: Context) -> tuple[Tri, Missing]:
    kind = tree[0]
    if kind == "leaf":
        value = decided.get(tree[1])
        return (value, ()) if value is not None else (None, _missing(net.leaves[tree[1]].recipe, ctx))
    if kind == "not":
        value, missing = _walk(net, tree[1], decided, ctx)
        return (None, missing) if value is None else (not value, ())
    stop = kind == "any"  # the value that decides: True for any, False for all
    missing_all: Missing = ()
    unknown = False
    for child in tree[1]:
        value, missing = _walk(net, child, decided, ctx)
        if value is stop:
            return stop, ()
        if value is None:
            unknown = True
            missing_all += missing
    return (None, missing_all) if unknown else (not stop, ())
