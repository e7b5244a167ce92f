"""Loading rule files: checking them against the schema, resolving citations, compiling conditions.

Everything here runs once, at load time. The result, a :class:`RuleBook`, holds one :class:`Regime` per
rule file with its parameters, tables, compiled rules and obligations, ready to be evaluated many times.

>>> book = load_rules()
>>> [r.id for r in book.regimes][:1]
['avenant7-2019']
>>> book.regime_for_signature(date(2020, 3, 1)).id
'avenant7-2019'
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic import ValidationError

from .conditions import FIELDS, Compiled, ConditionError, Scope, check_field_path, compile_condition, parse_duration
from .errors import NoRegimeError, RuleFileError
from .facts import INDEX
from .models import suggest
from .money import AidSchedule, ObjectivesRule, compile_aid, compile_objectives
from .safe_yaml import load_yaml_file
from .schema import (
    CitationSpec,
    DatedValueSpec,
    MessagesSpec,
    ParameterSpec,
    PeriodSpec,
    RuleFileSpec,
    SourceSpec,
    TableDataSpec,
    TableEntrySpec,
    TableSpec,
)
from .verdict import Citation, Transition

RULE_FILE_SUFFIXES = (".yaml", ".yml")
#: Parameters the mechanism itself reads, which every rule file must declare (name -> unit).
REQUIRED_PARAMETERS = {"duree_contrat": "duration"}


# ---------------------------------------------------------------------------------------------------
# Compiled structures
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    start: date
    end: date | None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @classmethod
    def of(cls, spec: PeriodSpec | None, default: Period) -> Period:
        return default if spec is None else cls(spec.start, spec.end)


@dataclass(frozen=True)
class DatedValue:
    start: date
    value: Any
    certainty: str
    note: str | None
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Parameter:
    """A dated parameter: :meth:`at` gives the value in force on a day (``None`` if none)."""

    name: str
    description: str
    unit: str
    certainty: str
    note: str | None
    citations: tuple[Citation, ...]
    values: tuple[DatedValue, ...]
    _starts: tuple[date, ...] = field(repr=False, compare=False, default=())

    def entry_at(self, day: date) -> DatedValue | None:
        i = bisect.bisect_right(self._starts, day) - 1
        return self.values[i] if i >= 0 else None

    def at(self, day: date) -> Any:
        entry = self.entry_at(day)
        return None if entry is None else entry.value


@dataclass(frozen=True)
class TableEntry:
    value: Any
    complete: bool
    certainty: str
    note: str | None
    citations: tuple[Citation, ...]


@dataclass
class Table:
    """A lookup table keyed by the value of an input field; missing keys are unknown entries."""

    name: str
    description: str
    key: str
    certainty: str
    note: str | None
    citations: tuple[Citation, ...]
    external: bool
    entries: dict[str, TableEntry]
    supplied_by: list[str] = field(default_factory=list)


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Template:
    """A message with ``{field.path}`` and ``{param.name}`` placeholders, checked at load."""

    text: str
    parts: tuple[tuple[str, str], ...]  # ("text", s) | ("field", path) | ("param", name)
    #: The placeholders in order, compiled at load: (position of the field in the facts, None) or (None,
    #: parameter name).
    placeholders: tuple[tuple[Any, Any], ...] = ()
    #: The text as a format string: each placeholder a ``{}``, braces of the text doubled.
    fmt: str = ""

    @classmethod
    def parse(cls, text: str, params: Iterable[str], where: str) -> Template:
        parts: list[tuple[str, str]] = []
        pos = 0
        known_params = set(params)
        for m in _PLACEHOLDER.finditer(text):
            parts.append(("text", text[pos:m.start()]))
            name = m.group(1).strip()
            if name.startswith("param."):
                if name[6:] not in known_params:
                    raise ConditionError(f"{where}: message placeholder {{{name}}} names no parameter of this file")
                parts.append(("param", name[6:]))
            elif name in FIELDS:
                parts.append(("field", name))
            else:
                raise ConditionError(f"{where}: message placeholder {{{name}}} is neither an input field nor param.<name>")
            pos = m.end()
        parts.append(("text", text[pos:]))
        placeholders = tuple((INDEX[name], None) if kind == "field" else (None, name)
                             for kind, name in parts if kind != "text")
        fmt = "".join(part.replace("{", "{{").replace("}", "}}") if kind == "text" else "{}" for kind, part in parts)
        return cls(text, tuple(p for p in parts if p != ("text", "")), placeholders, fmt)


@dataclass(frozen=True)
class Provision:
    """What rules and obligations share: identity, the article's words, citations, validity, certainty."""

    id: str
    title: str
    says: str
    citations: tuple[Citation, ...]
    valid: Period
    certainty: str
    note: str | None
    applies_if: Compiled | None


@dataclass(frozen=True)
class Rule(Provision):
    """An eligibility condition, compiled."""

    condition: Compiled
    messages: dict[str, Template]
    en: dict[str, Any] = field(default_factory=dict)  # "title", "messages": the English versions, if given


@dataclass(frozen=True)
class Obligation(Provision):
    """An obligation with a due date counted from a date of the case."""

    counted_from: str
    within: relativedelta | str | None  # a delay, a parameter name, or unknown
    done_on: str
    consequence: str
    en: dict[str, Any] = field(default_factory=dict)  # "title", "consequence": the English versions, if given


@dataclass
class Regime:
    """One legal regime of the aid, as compiled from its rule file."""

    id: str
    title: str
    short_title: str
    instrument: str
    new_contracts: Period
    certainty: str
    note: str | None
    citations: tuple[Citation, ...]
    transitions: tuple[Transition, ...]
    parameters: dict[str, Parameter]
    tables: dict[str, Table]
    rules: tuple[Rule, ...]
    obligations: tuple[Obligation, ...]
    file: str
    aid: AidSchedule | None = None
    objectives: ObjectivesRule | None = None
    en: dict[str, Any] = field(default_factory=dict)  # "title", "short_title", "transitions" in English
    #: How this regime names values of the inputs' choices: field path -> value -> (French, English).
    value_labels: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def value_label(self, path: str, value: str, language: str) -> str | None:
        """The name this regime's text gives to ``value`` of the choice ``path``, or None if it gives none."""
        names = self.value_labels.get(path, {}).get(value)
        return None if names is None else names[1] if language == "en" else names[0]

    def transitions_in(self, language: str) -> tuple[Transition, ...]:
        """The transitions, with their text in ``language`` where the rule file gives it."""
        return self.en.get("transitions", self.transitions) if language == "en" else self.transitions

    def param(self, name: str, day: date) -> Any:
        return self.parameters[name].at(day)

    def table_entry(self, name: str, key: Any) -> tuple[Any, bool] | None:
        entry = self.tables[name].entries.get(key)
        return None if entry is None else (entry.value, entry.complete)


@dataclass
class RuleBook:
    """Every regime loaded, ordered by the date they start to govern new contracts."""

    regimes: list[Regime]
    sources: tuple[str, ...] = ()
    #: How to load this book again (e.g. in another process): its directory and the data files added.
    directory: str | None = None
    data_files: list[str] = field(default_factory=list)

    def reload(self) -> RuleBook:
        """The same rules loaded afresh from their files (what a worker process of ``evaluate_many`` does)."""
        if self.directory is None:
            raise ValueError("this rule book was not loaded from files (load_rules): it cannot be loaded again,"
                             " e.g. in the worker processes of evaluate_many(processes=...)")
        return load_rules(self.directory, self.data_files)

    def regime(self, regime_id: str) -> Regime:
        """The regime with this id (``"avenant7-2019"``, ``"reglement-arbitral-2023"``, ``"convention-2024"``...);
        a KeyError naming the ids there are otherwise."""
        for regime in self.regimes:
            if regime.id == regime_id:
                return regime
        raise KeyError(f"no regime {regime_id!r}; loaded: {', '.join(r.id for r in self.regimes)}")

    def regime_for_signature(self, day: date) -> Regime:
        """The regime that governs a contract signed on ``day``; :class:`NoRegimeError` if none does."""
        for regime in self.regimes:
            if regime.new_contracts.contains(day):
                return regime
        spans = "; ".join(
            f"{r.id}: {r.new_contracts.start} to {r.new_contracts.end or 'today'}" for r in self.regimes
        )
        raise NoRegimeError(f"no regime of the aid governs a contract signed on {day.isoformat()} (regimes loaded: {spans})")

    def add_table_data(self, path: str | Path) -> None:
        """Fill an external table (e.g. the départements in tension) from a user's data file."""
        load_table_data(self, Path(path))
        self.data_files.append(str(path))


# ---------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------
def default_rules_dir() -> Path:
    """The rule files shipped with the package (or, from a source checkout, the top-level ``rules/``)."""
    shipped = Path(str(resources.files("assistmed_rules") / "rules"))
    if shipped.is_dir():
        return shipped
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if checkout.is_dir():
        return checkout
    raise RuleFileError(str(shipped), "the rule files are not installed with the package; reinstall it")


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory (``*.yaml``, ``*.yml``), in name order; data files live in ``data/``."""
    if not directory.is_dir():
        raise RuleFileError(str(directory), "not a directory of rule files")
    return sorted(p for p in directory.iterdir() if p.suffix in RULE_FILE_SUFFIXES and p.is_file())


def load_rules(directory: str | Path | None = None, data_files: Sequence[str | Path] = ()) -> RuleBook:
    """Load and compile every rule file of ``directory`` (default: the shipped rules).

    ``data_files`` fill external tables (see ``docs/rule-files.md``); the shipped ``data/`` folder of the
    rules directory is read too.
    """
    root = Path(directory) if directory is not None else default_rules_dir()
    regimes = [load_rule_file(path) for path in rule_files(root)]
    if not regimes:
        raise RuleFileError(str(root), "no rule file (*.yaml) in this directory")
    seen: dict[str, str] = {}
    for regime in regimes:
        if regime.id in seen:
            raise RuleFileError(regime.file, f"regime id {regime.id!r} is already used by {seen[regime.id]}")
        seen[regime.id] = regime.file
    regimes.sort(key=lambda r: r.new_contracts.start)
    for before, after in itertools.pairwise(regimes):
        if before.new_contracts.end is None or before.new_contracts.end >= after.new_contracts.start:
            raise RuleFileError(
                after.file,
                f"regime {after.id!r} starts on {after.new_contracts.start} while {before.id!r} still governs new"
                f" contracts (until {before.new_contracts.end or 'no end date'}): close the earlier regime first",
            )
    book = RuleBook(regimes, tuple(str(p) for p in rule_files(root)), str(root))
    data_dir = root / "data"
    for path in rule_files(data_dir) if data_dir.is_dir() else []:
        load_table_data(book, path)
    for data_file in data_files:
        book.add_table_data(data_file)
    return book


@lru_cache(maxsize=1)
def default_rulebook() -> RuleBook:
    """The shipped rules, loaded once per process."""
    return load_rules()


def _rule_at(raw: Any, loc: tuple[Any, ...]) -> str | None:
    """The id of the rule or obligation (or the parameter name) a validation error points into."""
    if len(loc) >= 2 and isinstance(raw, dict):
        section = raw.get(loc[0])
        if loc[0] in ("rules", "obligations") and isinstance(section, list) and isinstance(loc[1], int):
            item = section[loc[1]] if loc[1] < len(section) else None
            rid = item.get("id") if isinstance(item, dict) else None
            return str(rid) if rid else f"{loc[0]}[{loc[1]}]"
        if loc[0] in ("parameters", "tables", "sources"):
            return f"{loc[0]}.{loc[1]}"
    return None


def _schema_error(name: str, raw: Any, exc: ValidationError) -> RuleFileError:
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    rule = _rule_at(raw, loc)
    path = ".".join(str(p) for p in loc)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = f"unknown key {loc[-1]!r}: check its spelling against docs/rule-files.md"
    elif err["type"] == "missing":
        what = loc[-1]
        msg = f"required key {what!r} is missing"
        if what == "citations":
            msg += ": every rule, parameter and table needs at least one citation (text, article, url)"
    elif err["type"] == "too_short" and loc and loc[-1] == "citations":
        msg = "no citation: every rule, parameter and table needs at least one citation (text, article, url)"
    elif err["type"].startswith("date"):
        msg = f"malformed date {err.get('input')!r}: write dates as YYYY-MM-DD ({msg})"
    extra = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    return RuleFileError(name, f"at {path}: {msg}{extra}", rule)


class _Citer:
    def __init__(self, name: str, sources: dict[str, SourceSpec]) -> None:
        self.name = name
        self.sources = sources

    def __call__(self, specs: Sequence[CitationSpec], where: str) -> tuple[Citation, ...]:
        out = []
        for spec in specs:
            if spec.source is not None:
                src = self.sources.get(spec.source)
                if src is None:
                    raise RuleFileError(
                        self.name, f"cites source {spec.source!r}, which is not declared under 'sources'"
                        f" (declared: {', '.join(self.sources) or 'none'})", where,
                    )
                out.append(Citation(
                    text=spec.text or src.text, article=spec.article or src.article, url=spec.url or src.url,
                ))
            else:
                assert spec.text is not None and spec.url is not None
                out.append(Citation(text=spec.text, article=spec.article, url=spec.url))
        return tuple(out)


def _convert_value(value: Any, unit: str, where: str) -> Any:
    if value is None:
        return None
    if unit == "duration":
        return parse_duration(value, where)
    if unit == "date":
        if not isinstance(value, date):
            raise ConditionError(f"{where}: a date parameter takes a date written YYYY-MM-DD; got {value!r}")
        return value
    if unit == "list":
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise ConditionError(f"{where}: a list parameter takes a list of values")
        return frozenset(str(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConditionError(f"{where}: a {unit} parameter takes a number; got {value!r}")
    if unit == "euros":
        return Decimal(str(value))
    return value


def _parameter(name: str, spec: ParameterSpec, cite: _Citer, file: str) -> Parameter:
    values = []
    for start, raw in sorted(spec.values.items()):
        where = f"parameters.{name}.values.{start}"
        if isinstance(raw, dict) and "value" in raw:
            try:
                dv = DatedValueSpec.model_validate(raw)
            except ValidationError as exc:
                raise _schema_error(file, {}, exc) from None
            own = "certainty" in raw
            values.append(DatedValue(start, _convert_value(dv.value, spec.unit, where),
                                     dv.certainty if own else spec.certainty, dv.note if own else spec.note,
                                     cite(dv.citations, f"parameters.{name}") or cite(spec.citations, name)))
        else:
            values.append(DatedValue(start, _convert_value(raw, spec.unit, where), spec.certainty, spec.note,
                                     cite(spec.citations, f"parameters.{name}")))
    return Parameter(name, spec.description, spec.unit, spec.certainty, spec.note, cite(spec.citations, name),
                     tuple(values), tuple(v.start for v in values))


def _table_entry(raw: Any, table: Table, cite: _Citer, where: str) -> TableEntry:
    certainty: str
    if isinstance(raw, dict) and "value" in raw:
        spec = TableEntrySpec.model_validate(raw)
        citations = cite(spec.citations, where) or table.citations
        value, complete, certainty, note = spec.value, spec.complete, spec.certainty, spec.note
    else:
        value, complete, certainty, note, citations = raw, True, table.certainty, table.note, table.citations
    if isinstance(value, list):
        value = frozenset(str(v) for v in value)
    elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ConditionError(f"{where}: a table entry is a value or a list of values; got {value!r}")
    return TableEntry(value, complete, certainty, note, citations)


def _check_table_key(table: Table, key: str, where: str) -> None:
    ftype = FIELDS[table.key]
    if ftype.kind == "enum" and key not in ftype.choices:
        from .models import suggest
        raise ConditionError(f"{where}: {key!r} is not a value of {table.key}{suggest(key, list(ftype.choices))}")


def _table(name: str, spec: TableSpec, cite: _Citer) -> Table:
    check_field_path(spec.key, FIELDS[spec.key].kind if spec.key in FIELDS else "enum", f"tables.{name}.key")
    table = Table(name, spec.description, spec.key, spec.certainty, spec.note, cite(spec.citations, name),
                  spec.external, {})
    for key, raw in spec.entries.items():
        where = f"tables.{name}.entries.{key}"
        _check_table_key(table, str(key), where)
        table.entries[str(key)] = _table_entry(raw, table, cite, where)
    return table


def load_rule_file(path: Path) -> Regime:
    """Load, check and compile one rule file."""
    name = str(path)
    raw = load_yaml_file(path)
    if not isinstance(raw, dict):
        raise RuleFileError(name, "a rule file is a mapping with the keys schema_version, regime, sources, parameters, tables, rules, obligations")
    try:
        spec = RuleFileSpec.model_validate(raw)
    except ValidationError as exc:
        raise _schema_error(name, raw, exc) from None
    cite = _Citer(name, spec.sources)
    current = ""
    try:
        current = "regime"
        regime_cites = cite(spec.regime.citations, "regime")
        ordered = sorted(spec.regime.transitions, key=lambda t: t.start)
        transitions = tuple(_transition(t, t.says, cite) for t in ordered)
        regime_en: dict[str, Any] = {"transitions": tuple(
            _transition(t, t.en.says if t.en is not None else t.says, cite) for t in ordered)}
        if spec.regime.en is not None:
            regime_en.update(title=spec.regime.en.title, short_title=spec.regime.en.short_title)
        span = Period(spec.regime.new_contracts.start, spec.regime.new_contracts.end)
        params = {}
        for pname, pspec in spec.parameters.items():
            current = f"parameters.{pname}"
            params[pname] = _parameter(pname, pspec, cite, name)
        tables = {}
        for tname, tspec in spec.tables.items():
            current = f"tables.{tname}"
            tables[tname] = _table(tname, tspec, cite)
        for required, unit in REQUIRED_PARAMETERS.items():
            current = f"parameters.{required}"
            if required not in params or params[required].unit != unit:
                raise ConditionError(f"every rule file declares the parameter {required!r} (unit {unit}): the engine reads it")
        scope = Scope({n: p.unit for n, p in params.items()}, {n: t.key for n, t in tables.items()},
                      {n: [v.value for v in p.values if v.value is not None] for n, p in params.items() if p.unit == "list"})
        ids: set[str] = set()
        rules = []
        for rspec in spec.rules:
            current = rspec.id
            if rspec.id in ids:
                raise RuleFileError(name, "this id is used twice: each rule and obligation needs its own id", rspec.id)
            ids.add(rspec.id)
            rules.append(Rule(
                id=rspec.id, title=rspec.title, says=rspec.says.strip(), citations=cite(rspec.citations, rspec.id),
                valid=Period.of(rspec.valid, span), certainty=rspec.certainty, note=rspec.note,
                applies_if=None if rspec.applies_if is None else compile_condition(rspec.applies_if, scope, "applies_if"),
                condition=compile_condition(rspec.condition, scope, "condition"),
                messages=_messages(rspec.messages, scope),
                en={} if rspec.en is None else {"title": rspec.en.title,
                                                "messages": _messages(rspec.en.messages, scope, "en.")},
            ))
        obligations = []
        for ospec in spec.obligations:
            current = ospec.id
            if ospec.id in ids:
                raise RuleFileError(name, "this id is used twice: each rule and obligation needs its own id", ospec.id)
            ids.add(ospec.id)
            check_field_path(ospec.counted_from, "date", "counted_from")
            check_field_path(ospec.done_on, "date", "done_on")
            within: relativedelta | str | None
            if ospec.within is None:
                within = None
            elif isinstance(ospec.within, dict) and set(ospec.within) == {"param"}:
                within = str(ospec.within["param"])
                if params.get(within) is None or params[within].unit != "duration":
                    raise ConditionError(f"within: {within!r} is not a duration parameter of this file")
            else:
                within = parse_duration(ospec.within, "within")
            obligations.append(Obligation(
                id=ospec.id, title=ospec.title, says=ospec.says.strip(), citations=cite(ospec.citations, ospec.id),
                valid=Period.of(ospec.valid, span), certainty=ospec.certainty, note=ospec.note,
                applies_if=None if ospec.applies_if is None else compile_condition(ospec.applies_if, scope, "applies_if"),
                counted_from=ospec.counted_from, within=within, done_on=ospec.done_on,
                consequence=ospec.consequence.strip(),
                en={} if ospec.en is None else {"title": ospec.en.title, "consequence": ospec.en.consequence.strip()},
            ))
        value_labels: dict[str, dict[str, tuple[str, str]]] = {}
        for field_path, names in spec.value_labels.items():
            current = f"value_labels.{field_path}"
            if field_path not in FIELDS or FIELDS[field_path].kind != "enum":
                choice_fields = [p for p, f in FIELDS.items() if f.kind == "enum"]
                raise ConditionError(f"value_labels: {field_path!r} is not an input field with a list of choices"
                                     f"{suggest(str(field_path), choice_fields)}; accepted: {', '.join(choice_fields)}")
            choices = FIELDS[field_path].choices
            for value in names:
                if value not in choices:
                    raise ConditionError(f"{current}: {value!r} is not a value of {field_path}"
                                         f"{suggest(value, list(choices))}; accepted: {', '.join(choices)}")
            value_labels[field_path] = {value: (label.label, label.en or label.label) for value, label in names.items()}
        current = ""
        aid = None if spec.aid is None else compile_aid(spec.aid, params, cite)
        objectives = None if spec.objectives is None else compile_objectives(spec.objectives, aid, scope, cite)
    except ConditionError as exc:
        raise RuleFileError(name, str(exc), current or None) from None
    except ValidationError as exc:
        raise RuleFileError(name, str(exc.errors(include_url=False)[0]["msg"]), current) from None
    r = spec.regime
    return Regime(r.id, r.title, r.short_title, r.instrument, span, r.certainty, r.note, regime_cites, transitions,
                  params, tables, tuple(rules), tuple(obligations), name, aid, objectives, regime_en, value_labels)


def _messages(spec: MessagesSpec, scope: Scope, prefix: str = "") -> dict[str, Template]:
    out = {}
    for outcome in ("met", "not_met", "unknown", "not_applicable"):
        text = getattr(spec, outcome)
        if text is not None:
            out[outcome] = Template.parse(text.strip(), scope.params, f"{prefix}messages.{outcome}")
    return out


def _transition(t: Any, says: str, cite: _Citer) -> Transition:
    return Transition(start=t.start, says=" ".join(says.split()), citations=list(cite(t.citations, "regime.transitions")),
                      certainty=t.certainty, note=t.note)


def load_table_data(book: RuleBook, path: Path) -> None:
    """Fill the entries of an external table from a data file (see ``docs/rule-files.md``)."""
    name = str(path)
    raw = load_yaml_file(path)
    try:
        spec = TableDataSpec.model_validate(raw)
    except ValidationError as exc:
        raise _schema_error(name, raw, exc) from None
    try:
        regime = book.regime(spec.regime)
    except KeyError as exc:
        raise RuleFileError(name, str(exc.args[0])) from None
    table = regime.tables.get(spec.table)
    if table is None:
        raise RuleFileError(name, f"regime {spec.regime!r} has no table {spec.table!r} (tables: {', '.join(regime.tables)})")
    if not table.external:
        raise RuleFileError(name, f"table {spec.table!r} is not open to external data (external: false in {regime.file})")
    cite = _Citer(name, spec.sources)
    citations = cite(spec.citations, "citations")
    try:
        for key, raw_entry in spec.entries.items():
            where = f"entries.{key}"
            _check_table_key(table, str(key), where)
            entry = _table_entry(raw_entry, table, cite, where)
            own = isinstance(raw_entry, dict) and "value" in raw_entry
            entry = TableEntry(
                entry.value, entry.complete,
                entry.certainty if own and "certainty" in raw_entry else spec.certainty,
                entry.note if own and "certainty" in raw_entry else spec.note,
                citations if entry.citations is table.citations else entry.citations,
            )
            table.entries[str(key)] = entry
    except (ConditionError, ValidationError) as exc:
        raise RuleFileError(name, str(exc)) from None
    table.supplied_by.append(name)
