"""What the engine works out once per regime, once per date and once per distinct input, not once per case.

A condition's outcome is a function of the fields it reads, the parameters in force on the contract's
date and the tables. Two cases that agree on those get the same outcome, so the engine decides it once
and remembers it. Each number or date field a condition only compares with literals or parameters
(:attr:`~assistmed_rules.conditions.Compiled.cuts`) counts by its *class*: where its value falls among
the values it is compared with (below, equal to or above each). Two doctors with 900 and 1 200 adult
patients fall in the same class of a "more than 500 patients" condition, so the condition is decided
once for both. Every other field counts by its exact value.

A :class:`RegimePlan` holds, for one regime: the classes to compute for a case (its *derived facts*,
appended to the case's facts), the key of each condition (the facts and derived facts it reads), and
what depends only on the contract's date (the rules and obligations in force, and an *epoch* that names
which value each parameter has on that date). A :class:`CaseView` is one case seen through the plan: its
facts, and its conditions decided through the plan's memo. The memos are bounded (:class:`Memo`):
memory stays flat however many cases are evaluated.

>>> from assistmed_rules import load_rules
>>> from assistmed_rules.facts import facts_of
>>> from assistmed_rules.models import Case
>>> from datetime import date
>>> regime = load_rules().regime("avenant7-2019")
>>> plan = RegimePlan(regime)
>>> def activity(adults):
...     case = Case.model_validate({"doctor": {"specialty": "medecine_generale",
...                                           "activity": {"mt_patients_adult": adults}}})
...     return CaseView(plan, facts_of(case), date(2020, 3, 1), lambda: case).decide(regime.rules[4].condition)
>>> activity(900), activity(1200), activity(100)[0]   # 100: unknown (the derogations are not given)
((True, ()), (True, ()), None)
>>> len(plan.decisions)   # 900 and 1 200 share one decision
2
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from .conditions import FIELDS, Compiled, Context, Result
from .facts import INDEX, PATHS, Facts
from .models import Case

#: Entries a memo of the engine keeps before it is emptied (memory stays flat over long runs).
MEMO_LIMIT = 2_048


class Memo(dict[Any, Any]):
    """A dict that empties itself when it holds :attr:`limit` entries (a bounded memo, safe between threads)."""

    __slots__ = ("limit",)

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: Any, value: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


class Lookup(Memo):
    """A :class:`Memo` that works out a missing key's value with ``compute`` (called with the key);
    ``lookup.__getitem__`` maps a whole column in C."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[Any], Any], limit: int) -> None:
        super().__init__(limit)
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        return self.put(key, self.compute(key))


class Signature(tuple[Any, ...]):
    """What the status of a case reads of one finding (rule, outcome, missing inputs, certainty,
    applicability): hashed and compared as that tuple, it also holds the finding (:attr:`finding`)."""

    finding: Any


class Signatures(Memo):
    """The :class:`Signature` of each finding, by the finding's id (a :class:`Memo`). Each entry holds its
    finding, so the id is not reused by another object while the entry is there (safe between threads)."""

    __slots__ = ()

    def of(self, finding: Any) -> Signature:
        signature = self.get(id(finding))
        if signature is None:
            signature = Signature((finding.rule_id, finding.outcome, tuple(finding.missing), finding.certainty,
                                   finding.applicable))
            signature.finding = finding
            self.put(id(finding), signature)
        return signature


class DateInfo:
    """What depends only on the contract's date: the epoch, the rules and obligations in force."""

    __slots__ = ("epoch", "findings", "obligations", "params", "rule_set", "rules", "texts")

    def __init__(self, epoch: int, rules: tuple[Any, ...], obligations: tuple[Any, ...],
                 findings: list[tuple[Any, Callable[[Facts], Any], Memo]] | None = None, rule_set: int = 0) -> None:
        self.epoch = epoch
        self.rules = rules
        #: A number naming the rules in force (the same for the dates with the same rules).
        self.rule_set = rule_set
        #: Per rule in force: the rule, the key of its finding and the memo of its findings.
        self.findings = findings or []
        self.obligations = obligations
        self.texts: dict[Any, Any] = {}  # texts of the verdict that depend on the date only (the regime reason)
        self.params: dict[str, Any] = {}  # the parameters' values on the date, as they are asked for


def _comparable(value: Any, kind: str) -> bool:
    """Whether a cut can be ordered with the values of a field of this kind (else the field counts exactly)."""
    if kind == "date":
        return isinstance(value, date) and not isinstance(value, datetime)
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


_MISSING = object()


def shown_per_case(index: int) -> bool:
    """Whether a message shows the field at ``index`` of the facts case by case (a number or a date)."""
    return FIELDS[PATHS[index]].kind in ("number", "date")


def _nothing(ext: Facts) -> tuple[()]:
    return ()


class Classes(Memo):
    """The class of each value of a field among sorted ``cuts`` (see :meth:`RegimePlan.extend`), worked out
    when first asked for (``classes[value]``) and remembered (a :class:`Memo`). Unknown (None) is its own
    class, None.

    >>> classes = Classes((500, 1000), 16)
    >>> [classes[v] for v in (None, 100, 500, 900, 1000, 1200)]
    [None, 0, 1, 2, 3, 4]
    """

    __slots__ = ("cuts",)

    def __init__(self, cuts: tuple[Any, ...], limit: int) -> None:
        super().__init__(limit)
        self.cuts = cuts
        self[None] = None

    def __missing__(self, value: Any) -> int | None:
        if value is None:  # after the memo was emptied
            return self.put(None, None)  # type: ignore[no-any-return]
        cuts = self.cuts
        i = bisect.bisect_left(cuts, value)
        cls = 2 * i + (i < len(cuts) and cuts[i] == value)  # below the i-th cut, or equal to it
        return self.put(value, cls)  # type: ignore[no-any-return]


class RegimePlan:
    """The keys, classes and per-date facts of one regime (see the module's docstring)."""

    #: Most entries of each memo.
    decisions_limit = 16_384
    #: Most keys of each rule's memo of findings (many keys share a finding: see ``Evaluator._shared``).
    findings_limit = 8_192
    dates_limit = 4_096

    def __init__(self, regime: Any) -> None:
        self.regime = regime
        self.params = tuple(regime.parameters.values())
        self._derived: dict[tuple[str, tuple[Any, ...]], int] = {}
        #: Per derived fact, in order: the position of the field it classes, and the memo of its classes.
        self._classifiers: list[tuple[int, Classes]] = []
        #: Per condition (by id): what it reads of a case's extended facts (see :meth:`extend`).
        self.keys: dict[int, Callable[[Facts], Any]] = {}
        for compiled in self._conditions():
            self.keys[id(compiled)] = self._key_getter(compiled)
        #: Per rule: what its finding reads (its conditions' keys and the fields its messages show), and
        #: the memo of its findings (an engine keeps one plan per regime: the findings are its own).
        #: Per rule (by id): the slots of the extended facts its finding reads (what its getter reads).
        self.finding_slots = {id(rule): self._finding_slots(rule) for rule in regime.rules}
        self._findings = {id(rule): (rule, self._finding_getter(rule), Memo(self.findings_limit))
                          for rule in regime.rules}
        #: Per rule (by id): the fields of few values its messages show (a finding is a function of them, of
        #: its judgement and of the parameters' epoch: cases that read other values share it).
        self.shown = {id(rule): self._shown_getter(rule) for rule in regime.rules}
        #: Per obligation (by id): the memo of its statuses (kept by the engine, see ``Evaluator._obligations_on``).
        self._obligations = {id(ob): Memo(MEMO_LIMIT) for ob in regime.obligations}
        #: Texts of the verdicts that depend on the regime only (kept by the engine).
        self.texts: dict[str, Any] = {}
        self.decisions = Memo(self.decisions_limit)
        self._dates = Memo(self.dates_limit)
        self._epochs: dict[tuple[int, ...], int] = {}
        self._rule_sets: dict[tuple[int, ...], int] = {}

    def _conditions(self) -> Iterable[Compiled]:
        regime = self.regime
        for item in (*regime.rules, *regime.obligations):
            if item.applies_if is not None:
                yield item.applies_if
            if hasattr(item, "condition"):
                yield item.condition
        objectives = regime.objectives
        if objectives is not None:
            if objectives.new_installation is not None:
                yield objectives.new_installation.applies_if
            yield from (ind.applies_if for ind in objectives.indicators if ind.applies_if is not None)

    def _cut_values(self, cuts: Iterable[tuple[str, Any]]) -> tuple[Any, ...]:
        values: set[Any] = set()
        for kind, what in cuts:
            if kind == "lit":
                values.add(what)
                continue
            for dated in self.regime.parameters[what].values:
                if isinstance(dated.value, (frozenset, set, list, tuple)):
                    values.update(dated.value)
                elif dated.value is not None:
                    values.add(dated.value)
        return tuple(sorted(values))

    def _key_slots(self, compiled: Compiled) -> list[int]:
        """The positions in the extended facts of what ``compiled`` reads: a field, or its class."""
        slots = []
        for path in sorted(compiled.fields):
            cuts = compiled.cuts.get(path)
            if cuts is None:
                slots.append(INDEX[path])
                continue
            values = self._cut_values(cuts)
            kind = FIELDS[path].kind
            if not all(_comparable(v, kind) for v in values):  # e.g. a number tested in a list of texts
                slots.append(INDEX[path])
                continue
            slot = self._derived.get((path, values))
            if slot is None:
                slot = self._derived[(path, values)] = len(PATHS) + len(self._classifiers)
                self._classifiers.append((INDEX[path], Classes(values, self.decisions_limit)))
            slots.append(slot)
        return slots

    def _key_getter(self, compiled: Compiled) -> Callable[[Facts], Any]:
        slots = self._key_slots(compiled)
        return itemgetter(*slots) if slots else _nothing

    def _finding_getter(self, rule: Any) -> Callable[[Facts], Any]:
        """What a rule's finding reads: its conditions' slots and the fields of few values its messages show.

        A number or a date a message shows (a patient count, a percentile) is not in the key: it would make
        nearly every case's finding its own. The memo then holds the finding's fields with the message left
        to fill with those values (see :func:`shown_per_case`).
        """
        slots = self.finding_slots[id(rule)]
        return itemgetter(*slots) if slots else _nothing

    def _finding_slots(self, rule: Any) -> tuple[int, ...]:
        slots = {slot for c in (rule.applies_if, rule.condition) if c is not None for slot in self._key_slots(c)}
        return tuple(sorted(slots.union(self._shown_slots(rule))))

    @staticmethod
    def _shown_slots(rule: Any) -> set[int]:
        """The fields of few values (not numbers or dates) the rule's messages show."""
        templates = [*rule.messages.values(), *rule.en.get("messages", {}).values()]
        return {i for t in templates for i, _ in t.placeholders if i is not None and not shown_per_case(i)}

    def _shown_getter(self, rule: Any) -> Callable[[Facts], Any]:
        slots = sorted(self._shown_slots(rule))
        return itemgetter(*slots) if slots else _nothing

    def finding_memos(self, rules: tuple[Any, ...]) -> list[tuple[Any, Callable[[Facts], Any], Memo]]:
        """For each rule: the rule, the key of its finding (a function of the extended facts), its memo."""
        return [self._findings[id(rule)] for rule in rules]

    def obligation_memo(self, obligation: Any) -> Memo:
        """The memo of an obligation's statuses (an engine keeps one plan per regime: the statuses are its own)."""
        return self._obligations[id(obligation)]

    def extend(self, facts: Facts) -> Facts:
        """The facts followed by the derived facts: the class of each field compared with cuts."""
        if not self._classifiers:
            return facts
        return facts + tuple([classes[facts[index]] for index, classes in self._classifiers])

    def derived_columns(self, columns: list[Any]) -> list[list[Any]]:
        """The derived facts of many cases, column by column: ``columns[i]`` holds field ``i`` of each case."""
        return [list(map(classes.__getitem__, columns[index])) for index, classes in self._classifiers]

    def epoch_on(self, day: date) -> int:
        """The epoch of ``day``: a number naming which value each parameter of the regime has on it."""
        epoch_key = tuple(bisect.bisect_right(p._starts, day) for p in self.params)
        return self._epochs.setdefault(epoch_key, len(self._epochs))

    def on_date(self, day: date) -> DateInfo:
        """The rules and obligations in force for a contract signed on ``day``, and the parameters' epoch."""
        info = self._dates.get(day)
        if info is None:
            epoch = self.epoch_on(day)
            regime = self.regime
            rules = tuple(r for r in regime.rules if r.valid.contains(day))
            rule_set = self._rule_sets.setdefault(tuple(map(id, rules)), len(self._rule_sets))
            info = self._dates.put(day, DateInfo(
                epoch, rules, tuple(o for o in regime.obligations if o.valid.contains(day)),
                self.finding_memos(rules), rule_set))
        return info  # type: ignore[no-any-return]


class CaseView:
    """One case seen through a :class:`RegimePlan`: its facts, and its conditions decided once per key.

    ``case`` gives the :class:`~assistmed_rules.models.Case` (built only when a condition is not in the
    memo and its closure must run).
    """

    __slots__ = ("_case", "_ctx", "ext", "facts", "info", "plan", "signature")

    def __init__(self, plan: RegimePlan, facts: Facts, signature: date, case: Callable[[], Case]) -> None:
        self.plan = plan
        self.facts = facts
        self.ext = plan.extend(facts)
        self.signature = signature
        self.info = plan.on_date(signature)
        self._case = case
        self._ctx: Context | None = None

    @classmethod
    def of(cls, plan: RegimePlan, facts: Facts, ext: Facts, signature: date, info: DateInfo,
           case: Callable[[], Case]) -> CaseView:
        """A view whose extended facts and date facts were worked out already (for a batch, column by column)."""
        view = cls.__new__(cls)
        view.plan, view.facts, view.ext, view.signature, view.info = plan, facts, ext, signature, info
        view._case, view._ctx = case, None
        return view

    def value(self, path: str) -> Any:
        """The value of the field ``path`` (None when unknown)."""
        return self.facts[INDEX[path]]

    def param(self, name: str) -> Any:
        """The value of the parameter ``name`` on the contract's date."""
        params = self.info.params
        value = params.get(name, _MISSING)
        if value is _MISSING:
            value = params[name] = self.plan.regime.param(name, self.signature)
        return value

    def context(self) -> Context:
        """The context the compiled closures read (the case, the contract's date, parameters and tables)."""
        if self._ctx is None:
            regime = self.plan.regime
            self._ctx = Context(self._case(), self.signature, regime.param, regime.table_entry)
        return self._ctx

    def decide(self, compiled: Compiled) -> Result:
        """The outcome of ``compiled`` for this case, from the memo or from its closure."""
        plan = self.plan
        key = (id(compiled), self.info.epoch, plan.keys[id(compiled)](self.ext))
        result = plan.decisions.get(key)
        if result is None:
            result = plan.decisions.put(key, compiled.fn(self.context()))
        return result  # type: ignore[no-any-return]


__all__ = ["MEMO_LIMIT", "CaseView", "Classes", "DateInfo", "Lookup", "Memo", "RegimePlan", "Signature",
           "Signatures", "shown_per_case"]
