"""The rule linter: checks a directory of rule files (or one file) beyond what loading them checks.

``lint(path)`` returns a :class:`LintReport` with

- **errors**: the file does not load (``[schema]``: malformed YAML, a key the schema does not know, a value of
  the wrong type...); a rule, parameter, table, obligation or transition without a citation, or citing an
  undeclared source (``[citation]``); the same rule or obligation id twice in the directory, in one file or
  across files (``[duplicate-id]``); a parameter with no value at the start of its regime, or two values from
  the same day (``[parameter-periods]``); a condition naming a field the input models do not have
  (``[unknown-field]``); a rule whose condition no input can make true, or which never applies
  (``[never-fires]``); regimes of the directory that overlap, or share an id (``[regimes]``); a data file of
  the directory's ``data/`` folder that does not load (``[schema]``);
- **warnings**: a rule no input can make false (``[always-met]``: it excludes nobody); a rule that cannot fire
  with the entries an external table has, which a data file may supply (``[never-fires]``); a parameter, table
  or source nothing reads (``[unused-parameter]``, ``[unused-table]``, ``[unused-source]``); a gap between two
  regimes (``[regimes]``: contracts signed then get the "no regime" verdict);
- **uncertain**: every regime, transition, parameter (and dated value), table (and entry), rule, obligation
  and aid or objectives section whose certainty is ``uncertain``, with its note: the list a lawyer reviews.

Whether a rule can fire is decided by search, with the compiled closures the engine runs: for the fields its
condition reads, small domains are enumerated (each enum's values the rule names plus one it does not, yes
and no, the numbers and dates it compares with, each ±1, the bounds of numeric fields, and "unknown") and
each assignment is evaluated on a :class:`~assistmed_rules.models.Case`. The search follows the disjunctions:
an ``any`` is true as soon as one branch is, so each branch is searched on its own fields. Beyond
``max_assignments`` assignments per search, "unknown" is left out (three-valued evaluation is monotone: an
unknown input never makes a condition true or false that the known value would not) and the assignments are
sampled at random, with a fixed seed.

Command line: ``assistmed-rules lint [PATH]`` (``main``), exit code 1 if there is any error, 0 otherwise.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

from dateutil.relativedelta import relativedelta
from pydantic import ValidationError

from .conditions import COMPARISONS, FIELDS, Compiled, Context, Scope, parse_duration
from .errors import AssistmedError, RuleFileError
from .models import Case, suggest
from .nomenclature import DEPARTEMENTS
from .rulebook import (
    REQUIRED_PARAMETERS,
    Obligation,
    Regime,
    Rule,
    RuleBook,
    default_rules_dir,
    load_rule_file,
    load_table_data,
    rule_files,
)
from .safe_yaml import load_yaml_file
from .schema import URL_PATTERN

#: Assignments tried per search before sampling at random.
DEFAULT_MAX_ASSIGNMENTS = 20_000
SEED = 0

SCHEMA = "schema"
CITATION = "citation"
DUPLICATE_ID = "duplicate-id"
PERIODS = "parameter-periods"
FIELD = "unknown-field"
NEVER_FIRES = "never-fires"
REGIMES = "regimes"
ALWAYS_MET = "always-met"
UNUSED_PARAMETER = "unused-parameter"
UNUSED_TABLE = "unused-table"
UNUSED_SOURCE = "unused-source"


@dataclass
class LintReport:
    """What the linter found in a rules directory (or file). ``ok`` when there is no error."""

    path: str
    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def format(self, uncertain: bool = True) -> str:
        """The report as text: errors, warnings, the uncertain items, and a summary line."""
        lines = [f"{self.path}: {len(self.files)} rule file(s)"]
        sections = [("errors", self.errors), ("warnings", self.warnings)]
        if uncertain:
            sections.append(("uncertain (to review against the sources)", self.uncertain))
        for title, items in sections:
            if items:
                lines.append(f"\n{title} ({len(items)}):")
                lines += [f"  {item}" for item in items]
        lines.append(
            f"\n{'FAILED' if self.errors else 'OK'}: {len(self.errors)} error(s), {len(self.warnings)} warning(s),"
            f" {len(self.uncertain)} uncertain item(s)"
        )
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------
def lint(path: str | Path | None = None, *, max_assignments: int = DEFAULT_MAX_ASSIGNMENTS) -> LintReport:
    """Lint a directory of rule files, or one rule file (default: the rules shipped with the package)."""
    root = Path(path) if path is not None else default_rules_dir()
    report = LintReport(str(root))
    if root.is_dir():
        try:
            files = rule_files(root)
        except RuleFileError as exc:  # pragma: no cover - is_dir() was just checked
            report.errors.append(f"{root}: [{SCHEMA}] {exc}")
            return report
        if not files:
            report.errors.append(f"{root}: [{SCHEMA}] no rule file (*.yaml, *.yml) in this directory")
            return report
    elif root.is_file():
        files = [root]
    else:
        report.errors.append(f"{root}: [{SCHEMA}] no such file or directory")
        return report
    report.files = [str(f) for f in files]
    linter = _Linter(report, max_assignments)
    for file in files:
        linter.file(file)
    if root.is_dir():
        linter.data(root / "data")
    linter.checks()
    linter.across_files()
    return report


class _Linter:
    def __init__(self, report: LintReport, max_assignments: int) -> None:
        self.report = report
        self.max_assignments = max(1, max_assignments)
        self.ids: dict[str, list[tuple[str, str]]] = {}  # id -> [(file name, "rule" | "obligation")]
        self.regimes: list[tuple[str, Regime]] = []
        self.raw: dict[str, dict[str, Any]] = {}

    def error(self, name: str, tag: str, message: str) -> None:
        self.report.errors.append(f"{name}: [{tag}] {message}")

    def warn(self, name: str, tag: str, message: str) -> None:
        self.report.warnings.append(f"{name}: [{tag}] {message}")

    # -- one file ---------------------------------------------------------------------------------------
    def file(self, path: Path) -> None:
        name = path.name
        try:
            raw = load_yaml_file(path)
        except RuleFileError as exc:
            self.error(name, SCHEMA, _reason(exc))
            return
        found: set[str] = set()  # the tags raised on the raw file, so the loader's error is not repeated
        if isinstance(raw, dict):
            before = len(self.report.errors)
            self._citations(name, raw)
            self._fields(name, raw)
            self._collect_ids(name, raw)
            self._parameter_periods(name, raw)
            found = {e.split("] ")[0].split("[")[-1] for e in self.report.errors[before:]}
            if _duplicates(raw):  # reported with the ids of the other files, in across_files
                found.add(DUPLICATE_ID)
            self._uncertain(name, raw)
        try:
            regime = load_rule_file(path)
        except RuleFileError as exc:
            tag = _classify(exc)
            if tag not in found:
                self.error(name, tag, _reason(exc))
            return
        self.regimes.append((name, regime))
        self.raw[name] = raw

    def data(self, directory: Path) -> None:
        """Fill the external tables from the directory's ``data/`` files, as ``load_rules`` does."""
        if not directory.is_dir() or not self.regimes:
            return
        book = RuleBook([regime for _, regime in self.regimes])
        for path in rule_files(directory):
            try:
                load_table_data(book, path)
            except RuleFileError as exc:
                self.error(f"data/{path.name}", SCHEMA, _reason(exc))

    def checks(self) -> None:
        """The checks that need the compiled regimes: rules that can never fire, unused parameters."""
        for name, regime in self.regimes:
            self._never_fires(name, self.raw[name], regime)
            self._unused(name, self.raw[name], regime)
            self._english(name, regime)

    def _english(self, name: str, regime: Regime) -> None:
        """Texts with no English version: English output falls back to the French there."""
        if not regime.en.get("title"):
            self.warn(name, "no-english", "regime: no 'en:' block (title, short_title); English output shows the French")
        items: tuple[Rule | Obligation, ...] = (*regime.rules, *regime.obligations)
        for item in items:
            kind = "rule" if isinstance(item, Rule) else "obligation"
            if not item.en:
                self.warn(name, "no-english", f"{kind} {item.id}: no 'en:' block; English output shows the French")
            elif isinstance(item, Rule) and set(item.en["messages"]) != set(item.messages):
                self.warn(name, "no-english", f"rule {item.id}: the English messages do not cover the same outcomes"
                          f" as the French ({', '.join(sorted(item.messages))})")

    def _citations(self, name: str, raw: dict[str, Any]) -> None:
        sources: dict[str, Any] = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
        for sname, source in sources.items():
            url = source.get("url") if isinstance(source, dict) else None
            if not isinstance(url, str) or not URL_PATTERN.match(url):
                self.error(name, CITATION, f"sources.{sname}: url {url!r} is not an http(s) address")
        for where, item in _cited_items(raw):
            cites = item.get("citations")
            nested = where.startswith(("parameters.", "tables.")) and "." in where.split(".", 1)[1]
            if nested and not cites:  # a dated value or a table entry without citations takes its parameter's
                continue
            if not isinstance(cites, list) or not cites:
                self.error(name, CITATION, f"{where} has no citation: every rule, parameter, table, obligation and"
                           " transition cites its legal source (source: key, or text and url)")
                continue
            for i, cite in enumerate(cites):
                if not isinstance(cite, dict):
                    self.error(name, CITATION, f"{where}.citations[{i}] is not a mapping (source:, or text: and url:)")
                elif cite.get("source") is not None:
                    if cite["source"] not in sources:
                        self.error(name, CITATION, f"{where}.citations[{i}] cites the source {cite['source']!r},"
                                   f" not declared under 'sources'{suggest(str(cite['source']), list(sources))}")
                elif not cite.get("url") or not cite.get("text"):
                    self.error(name, CITATION, f"{where}.citations[{i}] needs a 'source', or a 'text' and a 'url'")
                if isinstance(cite, dict) and cite.get("url") is not None and not (
                        isinstance(cite["url"], str) and URL_PATTERN.match(cite["url"])):
                    self.error(name, CITATION, f"{where}.citations[{i}]: url {cite['url']!r} is not an http(s) address")

    def _fields(self, name: str, raw: dict[str, Any]) -> None:
        for where, path in _field_refs(raw):
            if not isinstance(path, str) or path not in FIELDS:
                self.error(name, FIELD, f"{where}: no input field {path!r}{suggest(str(path), list(FIELDS))}"
                           " (the fields are listed in docs/input.md)")

    def _collect_ids(self, name: str, raw: dict[str, Any]) -> None:
        for kind in ("rules", "obligations"):
            items = raw.get(kind)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    self.ids.setdefault(item["id"], []).append((name, kind[:-1]))

    def _parameter_periods(self, name: str, raw: dict[str, Any]) -> None:
        regime: dict[str, Any] = raw["regime"] if isinstance(raw.get("regime"), dict) else {}
        span: dict[str, Any] = regime["new_contracts"] if isinstance(regime.get("new_contracts"), dict) else {}
        start = _as_date(span.get("from"))
        params = raw.get("parameters")
        for pname, spec in (params.items() if isinstance(params, dict) else []):
            values = spec.get("values") if isinstance(spec, dict) else None
            if not isinstance(values, dict) or not values:
                continue
            starts: dict[date, list[Any]] = {}
            for key in values:
                day = _as_date(key)
                if day is not None:
                    starts.setdefault(day, []).append(key)
            for day, keys in sorted(starts.items()):
                if len(keys) > 1:
                    self.error(name, PERIODS, f"parameters.{pname}: {len(keys)} values start on {day}"
                               f" (keys {', '.join(repr(k) for k in keys)}): their periods overlap; keep one")
            if start is not None and starts and min(starts) > start:
                first = min(starts)
                self.error(name, PERIODS, f"parameters.{pname}: no value from {start} (the regime's first contracts)"
                           f" to {first - timedelta(days=1)}: a gap; date the first value {start}, with null if"
                           " the value is not known")

    def _uncertain(self, name: str, raw: dict[str, Any]) -> None:
        for where, item in _certain_items(raw):
            if item.get("certainty") == "uncertain":
                note = " ".join(str(item.get("note") or "(no note)").split())
                self.report.uncertain.append(f"{name}: {where}: {note}")
        objectives = raw.get("objectives")
        if isinstance(objectives, dict) and objectives.get("rounding_certainty", "uncertain") == "uncertain" \
                and "rounding" in objectives:
            note = " ".join(str(objectives.get("rounding_note") or "(no note)").split())
            self.report.uncertain.append(f"{name}: objectives.rounding: {note}")

    # -- rules that can never fire --------------------------------------------------------------------
    def _never_fires(self, name: str, raw: dict[str, Any], regime: Regime) -> None:
        raw_items = {item["id"]: item for kind in ("rules", "obligations") for item in raw.get(kind) or []
                     if isinstance(item, dict) and "id" in item}
        scope = Scope({n: p.unit for n, p in regime.parameters.items()}, {n: t.key for n, t in regime.tables.items()})
        for rule in regime.rules:
            span = _intersect(rule.valid.start, rule.valid.end, regime.new_contracts.start, regime.new_contracts.end)
            if span is None:
                self.error(name, NEVER_FIRES, f"rule {rule.id}: valid from {rule.valid.start} to"
                           f" {rule.valid.end or 'no end'}, outside the contracts of its regime"
                           f" ({regime.new_contracts.start} to {regime.new_contracts.end or 'no end'}): never evaluated")
                continue
            spec = raw_items.get(rule.id, {})
            search = _Search(regime, scope, span, spec, self.max_assignments)
            applies = (spec.get("applies_if"), rule.applies_if)
            if rule.applies_if is not None and not search.can_be(True, applies, None):
                self.error(name, NEVER_FIRES, f"rule {rule.id}: no input makes applies_if true: the rule never"
                           f" applies ({search.describe()})")
                continue
            where = " where it applies" if rule.applies_if is not None else ""
            external = sorted(t for c in (rule.condition, rule.applies_if) if c is not None for t in c.tables
                              if regime.tables[t].external)
            if not search.can_be(True, (spec.get("condition"), rule.condition), applies):
                message = (f"rule {rule.id}: no input makes the condition true{where}: the rule can never be met, so no"
                           f" case is ever eligible under this regime ({search.describe()})")
                if external:  # the user may supply the entries that make it true
                    self.warn(name, NEVER_FIRES, f"{message}, with the entries of the tables {', '.join(external)}"
                              " known here; a data file may supply others")
                else:
                    self.error(name, NEVER_FIRES, message)
            elif not search.can_be(False, (spec.get("condition"), rule.condition), applies):
                self.warn(name, ALWAYS_MET, f"rule {rule.id}: no input makes the condition false{where}: the rule"
                          f" never excludes anyone ({search.describe()})")
        for ob in regime.obligations:
            if ob.applies_if is None:
                continue
            span = _intersect(ob.valid.start, ob.valid.end, regime.new_contracts.start, regime.new_contracts.end)
            spec = raw_items.get(ob.id, {})
            if span is None:
                self.error(name, NEVER_FIRES, f"obligation {ob.id}: valid outside the contracts of its regime")
                continue
            search = _Search(regime, scope, span, spec, self.max_assignments)
            if not search.can_be(True, (spec.get("applies_if"), ob.applies_if), None):
                self.error(name, NEVER_FIRES, f"obligation {ob.id}: no input makes applies_if true: the obligation"
                           f" never applies ({search.describe()})")

    # -- unused parameters, tables, sources ------------------------------------------------------------
    def _unused(self, name: str, raw: dict[str, Any], regime: Regime) -> None:
        params: set[str] = set(REQUIRED_PARAMETERS)
        tables: set[str] = set()
        compiled: list[Compiled] = []
        for rule in regime.rules:
            compiled += [rule.condition] + ([rule.applies_if] if rule.applies_if else [])
            for template in rule.messages.values():
                params |= {text for kind, text in template.parts if kind == "param"}
        for ob in regime.obligations:
            compiled += [ob.applies_if] if ob.applies_if else []
            if isinstance(ob.within, str):
                params.add(ob.within)
        if regime.aid is not None:
            params |= {p for by_year in regime.aid.amounts.values() for table in by_year.values() for p in table.values()}
        if regime.objectives is not None:
            compiled += [i.applies_if for i in regime.objectives.indicators if i.applies_if is not None]
            if regime.objectives.new_installation is not None:
                compiled.append(regime.objectives.new_installation.applies_if)
        for c in compiled:
            params |= c.params
            tables |= c.tables
        for pname in regime.parameters:
            if pname not in params:
                self.warn(name, UNUSED_PARAMETER, f"parameters.{pname} is read by no rule, obligation, message, aid"
                          " amount or objective")
        for tname in regime.tables:
            if tname not in tables:
                self.warn(name, UNUSED_TABLE, f"tables.{tname} is read by no condition")
        sources: dict[str, Any] = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
        cited = {c.get("source") for c in _all_citations(raw)}
        for sname in sources:
            if sname not in cited:
                self.warn(name, UNUSED_SOURCE, f"sources.{sname} is cited nowhere")

    # -- across files ----------------------------------------------------------------------------------
    def across_files(self) -> None:
        for rid, where in sorted(self.ids.items()):
            if len(where) > 1:
                places = ", ".join(f"{kind} in {file}" for file, kind in where)
                self.error(where[1][0], DUPLICATE_ID, f"id {rid!r} is used {len(where)} times ({places}): each rule"
                           " and obligation needs its own id across the rule files")
        regimes = sorted(self.regimes, key=lambda nr: nr[1].new_contracts.start)
        for (_, before), (name, after) in itertools.pairwise(regimes):
            end = before.new_contracts.end
            if end is None or end >= after.new_contracts.start:
                self.error(name, REGIMES, f"regime {after.id!r} starts on {after.new_contracts.start} while"
                           f" {before.id!r} still governs new contracts (until {end or 'no end date'})")
            elif end + timedelta(days=1) < after.new_contracts.start:
                self.warn(name, REGIMES, f"no regime governs the contracts signed from {end + timedelta(days=1)} to"
                          f" {after.new_contracts.start - timedelta(days=1)} (between {before.id!r} and {after.id!r})")
        seen: dict[str, str] = {}
        for name, regime in self.regimes:
            if regime.id in seen:
                self.error(name, REGIMES, f"regime id {regime.id!r} is already used by {seen[regime.id]}")
            seen[regime.id] = name


# ---------------------------------------------------------------------------------------------------
# Walking the raw YAML
# ---------------------------------------------------------------------------------------------------
def _items(raw: dict[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    section = raw.get(key)
    if isinstance(section, list):
        for i, item in enumerate(section):
            if isinstance(item, dict):
                yield f"{key[:-1]} {item.get('id') or f'{key}[{i}]'}", item
    elif isinstance(section, dict):
        for k, item in section.items():
            if isinstance(item, dict):
                yield f"{key}.{k}", item


def _cited_items(raw: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Everything that must cite (a ``citations`` key), with where it is."""
    regime = raw.get("regime")
    if isinstance(regime, dict):
        yield "regime", regime
        for i, t in enumerate(regime.get("transitions") or []):
            if isinstance(t, dict):
                yield f"regime.transitions[{i}]", t
    yield from _items(raw, "rules")
    yield from _items(raw, "obligations")
    for where, spec in itertools.chain(_items(raw, "parameters"), _items(raw, "tables")):
        yield where, spec
        sub = spec.get("values") if "values" in spec else spec.get("entries")
        for k, v in (sub.items() if isinstance(sub, dict) else []):
            if isinstance(v, dict) and "value" in v:
                yield f"{where}.{k}", v
    aid = raw.get("aid")
    if isinstance(aid, dict):
        yield "aid", aid
        for k in ("advance", "modulation", "renewal"):
            if isinstance(aid.get(k), dict):
                yield f"aid.{k}", aid[k]
    objectives = raw.get("objectives")
    if isinstance(objectives, dict):
        yield "objectives", objectives
        for k, v in (objectives.get("increases") or {}).items():
            if isinstance(v, dict):
                yield f"objectives.increases.{k}", v
        if isinstance(objectives.get("new_installation"), dict):
            yield "objectives.new_installation", objectives["new_installation"]


def _certain_items(raw: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Everything with a ``certainty``: the cited items, and the dated values and table entries."""
    yield from _cited_items(raw)


def _all_citations(raw: Any) -> Iterator[dict[str, Any]]:
    if isinstance(raw, dict):
        for k, v in raw.items():
            if k == "citations" and isinstance(v, list):
                yield from (c for c in v if isinstance(c, dict))
            else:
                yield from _all_citations(v)
    elif isinstance(raw, list):
        for v in raw:
            yield from _all_citations(v)


def _conditions(raw: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for kind in ("rules", "obligations"):
        for where, item in _items(raw, kind):
            for key in ("applies_if", "condition"):
                if item.get(key) is not None:
                    yield f"{where}: {key}", item[key]
    objectives = raw.get("objectives")
    if isinstance(objectives, dict):
        for ind in objectives.get("indicators") or []:
            if isinstance(ind, dict) and ind.get("applies_if") is not None:
                yield f"objectives.indicators.{ind.get('id')}: applies_if", ind["applies_if"]
        new = objectives.get("new_installation")
        if isinstance(new, dict) and new.get("applies_if") is not None:
            yield "objectives.new_installation: applies_if", new["applies_if"]


def _field_refs(raw: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every input field a rule file names: in conditions, obligations' dates, the aid and the objectives."""
    for where, spec in _conditions(raw):
        for path in _condition_fields(spec):
            yield where, path
    for where, item in _items(raw, "obligations"):
        for key in ("counted_from", "done_on"):
            if key in item:
                yield f"{where}: {key}", item[key]
    for where, item in _items(raw, "tables"):
        if "key" in item:
            yield f"{where}: key", item["key"]
    aid = raw.get("aid")
    if isinstance(aid, dict):
        if "percentile" in aid:
            yield "aid: percentile", aid["percentile"]
        if isinstance(aid.get("advance"), dict) and "counted_from" in aid["advance"]:
            yield "aid.advance: counted_from", aid["advance"]["counted_from"]
    objectives = raw.get("objectives")
    if isinstance(objectives, dict):
        for ind in objectives.get("indicators") or []:
            for path in (ind.get("count") or []) if isinstance(ind, dict) else []:
                yield f"objectives.indicators.{ind.get('id')}: count", path


def _condition_fields(spec: Any) -> list[Any]:
    """The field paths a condition names (subjects, sums, lookup keys, field operands), in order."""
    out: list[Any] = []
    if isinstance(spec, list):
        for item in spec:
            out += _condition_fields(item)
    elif isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("field", "key"):
                out.append(value)
            elif key == "sum" and isinstance(value, list):
                out += value
            elif isinstance(value, (dict, list)):
                out += _condition_fields(value)
    return out


# ---------------------------------------------------------------------------------------------------
# The search for an input that makes a condition true (or false)
# ---------------------------------------------------------------------------------------------------
SIGNATURE = "contract.signature_date"


class _Search:
    """Enumerates small value domains of the fields a rule reads and evaluates its compiled closures."""

    def __init__(self, regime: Regime, scope: Scope, span: tuple[date, date | None], spec: dict[str, Any],
                 max_assignments: int) -> None:
        self.regime = regime
        self.scope = scope
        self.span = span
        self.max_assignments = max_assignments
        self.tried = 0
        self.sampled = False
        self.candidates: dict[str, set[Any]] = {}
        self.links: list[tuple[str, str, int, list[relativedelta]]] = []
        for key in ("applies_if", "condition"):
            self._collect(spec.get(key))
        self.domains = self._domains()

    def describe(self) -> str:
        how = "sampled at random" if self.sampled else "all combinations"
        return f"{self.tried} assignments of its inputs tried, {how}"

    # -- candidate values --------------------------------------------------------------------------
    def _collect(self, spec: Any) -> None:
        if not isinstance(spec, dict):
            return
        for logical in ("all", "any"):
            if isinstance(spec.get(logical), list):
                for item in spec[logical]:
                    self._collect(item)
                return
        if "not" in spec:
            self._collect(spec["not"])
            return
        ops = [k for k in COMPARISONS if k in spec]
        if not ops:
            return
        if "lookup" in spec:
            table = self.regime.tables.get(spec["lookup"])
            if table is not None and isinstance(spec.get("key"), str):
                self.candidates.setdefault(spec["key"], set()).update(table.entries)
            subjects: list[str] = []
        elif "sum" in spec:
            subjects = [p for p in spec["sum"] if isinstance(p, str)]
        else:
            subjects = [spec["field"]] if isinstance(spec.get("field"), str) else []
        rhs = spec[ops[0]]
        values: set[Any] = set()
        if isinstance(rhs, list):
            values.update(v for v in rhs if _hashable(v))
        elif isinstance(rhs, dict) and set(rhs) == {"param"}:
            param = self.regime.parameters.get(rhs["param"])
            for dv in param.values if param is not None else ():
                values.update(_flat(dv.value))
        elif isinstance(rhs, dict) and "lookup" in rhs:
            table = self.regime.tables.get(rhs["lookup"])
            if table is not None:
                for entry in table.entries.values():
                    values.update(_flat(entry.value))
                if isinstance(rhs.get("key"), str):
                    self.candidates.setdefault(rhs["key"], set()).update(table.entries)
        elif isinstance(rhs, dict) and "field" in rhs:
            shift = next((k for k in ("plus", "minus") if k in rhs), None)
            deltas = [relativedelta()]
            if shift is not None:
                deltas = self._durations(rhs[shift])
            for subject in subjects:
                self.links.append((subject, rhs["field"], -1 if shift == "minus" else 1, deltas))
        elif _hashable(rhs):
            values.add(rhs)
        for subject in subjects:
            self.candidates.setdefault(subject, set()).update(values)

    def _durations(self, spec: Any) -> list[relativedelta]:
        if isinstance(spec, dict) and set(spec) == {"param"}:
            param = self.regime.parameters.get(spec["param"])
            return [dv.value for dv in (param.values if param else ()) if isinstance(dv.value, relativedelta)] or [
                relativedelta()]
        try:
            return [parse_duration(spec, "delay")]
        except ValueError:
            return [relativedelta()]

    def _signature_days(self) -> list[date]:
        start, end = self.span
        days = {start, start + timedelta(days=1)}
        if end is not None:
            days |= {end, end - timedelta(days=1)}
        else:
            days.add(start + relativedelta(years=1))
        for p in self.regime.parameters.values():  # where a parameter changes, the rule may change
            for dv in p.values:
                days |= {dv.start - timedelta(days=1), dv.start}
        for c in self.candidates.get(SIGNATURE, ()):
            if isinstance(c, date):
                days |= {c - timedelta(days=1), c, c + timedelta(days=1)}
        return sorted(d for d in days if start <= d and (end is None or d <= end))

    def _domains(self) -> dict[str, list[Any]]:
        signature = self._signature_days()
        self.candidates.setdefault(SIGNATURE, set()).update(signature)
        for _ in range(2):  # dates compared with other dates, shifted by a delay
            for subject, other, sign, deltas in self.links:
                mine = [c for c in self.candidates.get(subject, ()) if isinstance(c, date)]
                theirs = [c for c in self.candidates.get(other, ()) if isinstance(c, date)]
                for d in deltas:
                    self.candidates.setdefault(subject, set()).update(t + d if sign > 0 else t - d for t in theirs)
                    self.candidates.setdefault(other, set()).update(m - d if sign > 0 else m + d for m in mine)
                for a, b in ((subject, other), (other, subject)):  # numbers compared with numbers
                    self.candidates.setdefault(a, set()).update(
                        c for c in self.candidates.get(b, ()) if isinstance(c, (int, float)) and not isinstance(c, bool))
        domains = {path: _domain(path, cands) for path, cands in self.candidates.items() if path in FIELDS}
        domains[SIGNATURE] = signature
        return domains

    # -- search ------------------------------------------------------------------------------------
    def can_be(self, want: bool, target: tuple[Any, Compiled | None], applies: tuple[Any, Compiled | None] | None) -> bool:
        """Whether some input makes ``target`` evaluate to ``want`` (and ``applies``, if given, to true)."""
        spec, compiled = target
        if compiled is None:
            return True
        applies_spec, applies_fn = applies if applies is not None else (None, None)
        extra = _condition_fields(applies_spec) if applies_fn is not None else []
        for group in _groups(spec, want) if spec is not None else [None]:
            paths = _condition_fields(group) if group is not None else sorted(compiled.fields)
            fields = list(dict.fromkeys([SIGNATURE, *[p for p in [*paths, *extra] if p in FIELDS]]))

            def check(ctx: Context) -> bool:
                if applies_fn is not None and applies_fn.fn(ctx)[0] is not True:
                    return False
                return compiled.fn(ctx)[0] is want

            if self._exists(fields, check):
                return True
        return False

    def _exists(self, fields: list[str], check: Callable[[Context], bool]) -> bool:
        domains = [self.domains.get(f) or _domain(f, set()) for f in fields]
        total = math.prod(len(d) for d in domains)
        assignments: Iterable[tuple[Any, ...]]
        if total <= self.max_assignments:
            assignments = itertools.product(*domains)
        else:
            # Unknown inputs never make a condition true or false the known values would not: leave them out.
            domains = [[v for v in d if v is not None] or d for d in domains]
            total = math.prod(len(d) for d in domains)
            if total <= self.max_assignments:
                assignments = itertools.product(*domains)
            else:
                self.sampled = True
                rng = random.Random(SEED)
                assignments = (tuple(rng.choice(d) for d in domains) for _ in range(self.max_assignments))
        for values in assignments:
            case = _case(dict(zip(fields, values)))
            if case is None:
                continue
            self.tried += 1
            signed = case.contract.signature_date
            assert signed is not None  # every search assigns the signature date
            ctx = Context(case, signed, self.regime.param, self.regime.table_entry)
            if check(ctx):
                return True
        return False


def _groups(spec: Any, want: bool) -> list[Any]:
    """Sub-conditions each of which, on its own, can make ``spec`` evaluate to ``want``."""
    if isinstance(spec, dict) and len(spec) == 1:
        if want and isinstance(spec.get("any"), list):
            return [g for item in spec["any"] for g in _groups(item, True)]
        if not want and isinstance(spec.get("all"), list):
            return [g for item in spec["all"] for g in _groups(item, False)]
        if "not" in spec:
            return _groups(spec["not"], not want)
    return [spec]


def _domain(path: str, cands: set[Any]) -> list[Any]:
    ftype = FIELDS[path]
    values: list[Any]
    if ftype.kind == "bool":
        values = [True, False]
    elif ftype.kind == "enum":
        named = [c for c in ftype.choices if c in cands]
        other = [c for c in ftype.choices if c not in cands][:1]
        values = named + other
    elif ftype.kind == "number":
        lo = ftype.lo if math.isfinite(ftype.lo) else -1e9
        hi = ftype.hi if math.isfinite(ftype.hi) else 1e9
        nums = {lo, hi}
        for c in cands:
            if isinstance(c, (int, float)) and not isinstance(c, bool):
                nums |= {c - 1, c, c + 1} if ftype.integer else {c - 1, c - 0.5, c, c + 0.5, c + 1}
                if ftype.integer and c != int(c):
                    nums |= {math.floor(c), math.ceil(c)}
        values = sorted(int(n) if ftype.integer else n for n in nums
                        if lo <= n <= hi and (not ftype.integer or n == int(n)))
    elif ftype.kind == "date":
        days = {d + timedelta(days=k) for d in cands if isinstance(d, date) for k in (-1, 0, 1)}
        values = sorted(days) or [date(2020, 1, 1)]
    else:
        named = sorted(str(c) for c in cands if isinstance(c, (str, int)))
        pool = sorted(DEPARTEMENTS) if path.endswith("departement") else ["autre"]
        values = named + [v for v in pool if v not in named][:1]
    return [*values, None]


def _case(assignment: dict[str, Any]) -> Case | None:
    data: dict[str, Any] = {}
    for path, value in assignment.items():
        if value is None:
            continue
        *parents, leaf = path.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    try:
        return Case.model_validate(data)
    except ValidationError:  # values the models refuse together (e.g. OPTAM in secteur 1): not a case
        return None


# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------
def _reason(exc: RuleFileError) -> str:
    """The problem, without the file's path (the report names the file)."""
    problem = getattr(exc, "problem", None) or str(exc)
    rule = getattr(exc, "rule", None)
    return f"{rule}: {problem}" if rule else problem


def _classify(exc: RuleFileError) -> str:
    text = str(exc)
    if "citation" in text or "cites source" in text or "http(s) address" in text:
        return CITATION
    if "no input field" in text:
        return FIELD
    if "used twice" in text:
        return DUPLICATE_ID
    return SCHEMA


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _intersect(a0: date, a1: date | None, b0: date, b1: date | None) -> tuple[date, date | None] | None:
    start = max(a0, b0)
    ends = [e for e in (a1, b1) if e is not None]
    end = min(ends) if ends else None
    return None if end is not None and end < start else (start, end)


def _duplicates(raw: dict[str, Any]) -> set[str]:
    ids = [item.get("id") for kind in ("rules", "obligations") for item in raw.get(kind) or []
           if isinstance(item, dict)]
    return {i for i in ids if isinstance(i, str) and ids.count(i) > 1}


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, date))


def _flat(value: Any) -> list[Any]:
    if isinstance(value, (frozenset, set, list, tuple)):
        return [v for v in value if _hashable(v)]
    return [value] if _hashable(value) else []


# ---------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------
def configure_parser(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``assistmed-rules lint``."""
    parser.add_argument("path", nargs="?", help="rules directory or rule file (default: the shipped rules)")
    parser.add_argument("--max-assignments", type=int, default=DEFAULT_MAX_ASSIGNMENTS, metavar="N",
                        help=f"inputs tried per search for a rule that can never fire (default {DEFAULT_MAX_ASSIGNMENTS})")
    parser.add_argument("--no-uncertain", action="store_true", help="do not print the list of uncertain items")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Lint as ``args`` say and print the report: exit code 1 if there is any error, 0 otherwise."""
    out = out or sys.stdout
    try:
        report = lint(args.path, max_assignments=args.max_assignments)
    except AssistmedError as exc:  # e.g. the shipped rules are not installed
        print(f"assistmed-rules lint: {exc}", file=out)
        return 1
    print(report.format(uncertain=not args.no_uncertain), file=out)
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """``assistmed-rules lint [PATH]``: exit code 1 if the rules have an error, 0 otherwise."""
    parser = argparse.ArgumentParser(
        prog="assistmed-rules lint",
        description="Check rule files: schema, citations, unique ids, parameter periods, input fields, rules that"
        " can never fire; list unused parameters and the uncertain items.",
    )
    configure_parser(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
