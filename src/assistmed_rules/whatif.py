"""What-if: the smallest changes a doctor can make to a case that would make it eligible.

The suggestions are for a contract not signed yet, and change only the inputs the doctor can still act on
for it, the *actionable* ones:

- how he organises his practice: practising with other doctors (``doctor.group_practice_doctors``),
  joining a coordinated practice or an MSP (``coordinated_practice``, ``multi_site_msp``), committing to
  join a grouped or coordinated practice;
- his tariff option (adhering to OPTAM) and the contract's option;
- the activity the rules measure over the months before signing (``doctor.activity``: patients médecin
  traitant, file active, percentile, share of clinical fees), which he can still grow before he signs.

Everything else is a fact and is never proposed: who and where the doctor is (specialty, sector,
département, zone), his situation (installation, disability, illness, salaried activity), the assistant
hired, earlier contracts, and every date. The models mark the actionable fields
(``json_schema_extra={"actionable": True}``, which the input's JSON Schema shows, and which
:data:`assistmed_rules.conditions.FIELDS` reads); ``docs/input.md`` lists them. A contract signed before
the evaluation date gets no suggestion: the facts it was signed on are past (see :func:`how_to_qualify`
for how to ask about a new contract).

Candidate values come from the rules themselves: every other choice of a field (or yes for no), or, for a
number, the threshold a rule compares it with, looked up for the contract's date. The number proposed is
the one nearest to the threshold that meets the comparison: a whole number for a count or a number of
doctors (« more than 640 » gives 641, « at least 1.5 » gives 2, « less than 10.5 » gives 10); a tenth for a
percentile or a share of fees (« more than 30 » gives 30.1, though any value above 30 meets it). In a sum
(adult and child patients), the other members keep their values (an unknown one counts as 0).

>>> from assistmed_rules import evaluate
>>> verdict = evaluate({"doctor": {"sector": "secteur_1", "specialty": "medecine_generale",
...                                "coordinated_practice": "aucune", "coordinated_practice_commitment": False,
...                                "group_practice_doctors": 3, "activity": {"mt_patients_adult": 900}},
...                     "contract": {"signature_date": "2021-03-01", "option": "1/2"}})
>>> verdict.status
'not_eligible'
>>> [s.changes for s in verdict.how_to_qualify()][:2]
[{'doctor.coordinated_practice': 'msp'}, {'doctor.coordinated_practice': 'centre_de_sante'}]
>>> print(verdict.how_to_qualify()[1])
Devient éligible avec : exercice coordonné : centre de santé (règle a7.exercice_coordonne).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .conditions import FIELDS, ORDERED
from .i18n import field_label, text, value_label
from .messages import show
from .models import Case
from .verdict import Citation, Verdict

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Evaluator
    from .rulebook import Obligation, Regime, Rule

#: At most this many combinations of changes are evaluated.
MAX_COMBINATIONS = 400


class Suggestion(BaseModel):
    """A set of changes to the case that makes it eligible, with the rules they satisfy.

    ``changes`` maps input paths to their new values, ``rules`` names the conditions that were not met,
    ``citations`` cites the rules. ``message`` says it in the verdict's language (also what ``str()``
    gives), with the inputs and their values named in words (a regime's rule file may name a value its own
    way: ``value_labels``), and a number reached from a threshold said as the bound (« au moins 641 »,
    « plus de 30 »).

    ``assumes`` lists the paths of ``changes`` whose value the case leaves unknown: for an ``undetermined``
    verdict, such a "change" fills in an input that was not given, and the doctor may already meet it. The
    message says so: « Éligible si (non renseigné à ce jour) : … : au moins 641 », and, next to changes of
    known inputs, « Devient éligible avec : …, si (non renseigné à ce jour) : … ».
    """

    model_config = ConfigDict(frozen=True)

    changes: dict[str, Any]
    rules: list[str]
    message: str
    citations: list[Citation]
    assumes: list[str] = Field(default_factory=list,
                               description="Paths of changes whose value the case leaves unknown (filled in).")

    def __str__(self) -> str:
        return self.message


#: A comparison under ``not``: what the value must meet for the comparison to be false.
_NEGATED = {"gt": "le", "ge": "lt", "lt": "ge", "le": "gt"}


def _thresholds(spec: Any, path: str, regime: Regime, day: date, negated: bool = False
                ) -> Iterator[tuple[str, Decimal, list[str]]]:
    """(operator the value must meet, threshold, sum members) of every comparison of ``path`` in a condition;
    under a ``not``, the operator is reversed (a value equal to the threshold is then not proposed)."""
    if isinstance(spec, dict):
        for key in ("all", "any"):
            for item in spec.get(key, []):
                yield from _thresholds(item, path, regime, day, negated)
        if "not" in spec:
            yield from _thresholds(spec["not"], path, regime, day, not negated)
        members = spec.get("sum") or ([spec["field"]] if "field" in spec else [])
        if path in members:
            for op in ORDERED + ("is",):
                if op in spec and not (negated and op == "is"):
                    value = spec[op]
                    if isinstance(value, dict) and set(value) == {"param"}:
                        value = regime.param(value["param"], day)
                    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                        # an int, a float or a Decimal of the rule file, exactly
                        yield _NEGATED[op] if negated else op, Decimal(str(value)), members


def _reach(op: str, bound: Decimal, integer: bool) -> Decimal | None:
    """The value nearest to ``bound`` that meets ``value op bound``: a whole number for a field of whole
    numbers, a tenth for the others (percentiles, shares); None when no such value equals it (``is``).

    >>> [int(_reach(op, Decimal("640.5"), True)) for op in ("gt", "ge", "lt", "le")]
    [641, 641, 640, 640]
    >>> [float(_reach(op, Decimal(30), False)) for op in ("gt", "ge", "lt", "le")]
    [30.1, 30.0, 29.9, 30.0]
    >>> float(_reach("gt", Decimal("30.55"), False)), _reach("is", Decimal("1.5"), True)
    (30.6, None)
    """
    unit = Decimal(1) if integer else Decimal("0.1")
    steps = bound / unit
    if op == "gt":
        return (steps.to_integral_value(ROUND_FLOOR) + 1) * unit
    if op == "ge":
        return steps.to_integral_value(ROUND_CEILING) * unit
    if op == "lt":
        return (steps.to_integral_value(ROUND_CEILING) - 1) * unit
    if op == "le":
        return steps.to_integral_value(ROUND_FLOOR) * unit
    return bound if steps == steps.to_integral_value() or not integer else None


class _Candidate(NamedTuple):
    """A value proposed for an input, and, for a number reached from a threshold, how to say it: (``at_least``,
    ``at_most``, ``more_than`` or ``less_than``, the number)."""

    value: Any
    reach: tuple[str, int | float] | None = None


#: How a message says the number reached from a threshold, for a field of whole numbers (the number proposed)
#: and for the others (the threshold itself: any value beyond it meets it, not only the tenth proposed).
_WHOLE_WORDS = {"gt": "at_least", "ge": "at_least", "lt": "at_most", "le": "at_most"}
_WORDS = {"gt": "more_than", "ge": "at_least", "lt": "less_than", "le": "at_most"}


def _candidates(rule: Rule, path: str, case: Case, regime: Regime, day: date) -> list[_Candidate]:
    ftype = FIELDS[path]
    current = _get(case, path)
    if ftype.kind == "enum":
        return [_Candidate(c) for c in ftype.choices if c != getattr(current, "value", current)]
    if ftype.kind == "bool":
        return [_Candidate(v) for v in (True, False) if v is not current]
    if ftype.kind != "number":
        return []
    out: dict[Any, _Candidate] = {}
    specs = [rule.condition.spec] + ([rule.applies_if.spec] if rule.applies_if is not None else [])
    for spec in specs:
        for op, threshold, members in _thresholds(spec, path, regime, day):
            others = sum((Decimal(str(_get(case, m) or 0)) for m in members if m != path), Decimal(0))
            target = _reach(op, threshold - others, ftype.integer)
            if target is None:
                continue
            value = int(target) if ftype.integer else float(target)
            if ftype.lo <= value <= ftype.hi and value != current and value not in out:
                bound = threshold - others
                reach = None if op == "is" else (_WHOLE_WORDS[op], value) if ftype.integer else (
                    _WORDS[op], int(bound) if bound == bound.to_integral_value() else float(bound))
                out[value] = _Candidate(value, reach)
    return list(out.values())


def _get(case: Case, path: str) -> Any:
    obj: Any = case
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _apply(data: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    for path, value in changes.items():
        node = out
        parts = path.split(".")
        for part in parts[:-1]:
            node[part] = dict(node.get(part) or {})
            node = node[part]
        node[parts[-1]] = value
    return out


def check_max_changes(max_changes: Any) -> int:
    """``max_changes`` when it is a whole number from 1; a ValueError saying what is accepted otherwise.

    >>> check_max_changes(0)
    Traceback (most recent call last):
    ValueError: max_changes is the largest number of inputs a suggestion may change: a whole number, 1 or more (default 3); got 0
    """
    if isinstance(max_changes, bool) or not isinstance(max_changes, int) or max_changes < 1:
        raise ValueError("max_changes is the largest number of inputs a suggestion may change: a whole number,"
                         f" 1 or more (default 3); got {max_changes!r}")
    return max_changes


def how_to_qualify(evaluator: Evaluator, case: Case | Mapping[str, Any], on: date | str | None, max_changes: int = 3) -> list[Suggestion]:
    """Smallest sets of actionable changes that turn the case eligible, fewest changes first.

    Empty for an eligible case, and when some condition that is not met (or unknown) reads no input the
    doctor can act on: an ``undetermined`` verdict whose missing inputs are facts (the specialty, the
    sector...) gets suggestions once ``verdict.missing`` is given. When an input the doctor can act on is
    the one missing, a suggestion fills it in: :attr:`Suggestion.assumes` names it, and the message puts it
    as a condition, since the doctor may already meet it.

    Empty, too, for a contract signed before the evaluation date ``on``: the facts it was judged on (the
    patients counted over the year before signing, the commitments made and the option chosen at
    signature) are past, and the contract as signed cannot be changed. To ask what a *new* contract would
    need, leave out ``contract.signature_date`` (the contract is then taken as signed on ``on``, under the
    regime in force that day), or evaluate with ``on`` set to the day it would be signed. ``on`` left out is
    the signature date: a verdict evaluated that way gets its suggestions.

    A change that would make the case eligible but put the doctor behind with one of the contract's
    obligations on ``on`` is left out: one whose verdict has an obligation overdue (or done late) that the
    verdict of the case as given does not have so, and that is tied to the rules the change meets (the
    obligation reads an input one of them reads). Committing to join a grouped or coordinated practice
    within a delay, counted from the assistant's hiring, that has already run out, is such a change. An
    overdue obligation that is not tied to those rules (the assistant's training, when the activity is what
    blocks) does not count against a change: the verdict of a ``not_eligible`` case lists no obligation,
    so every obligation of the eligible case would otherwise look new.

    The search has limits, and a suggestion it does not find may still exist:

    - each rule that blocks (not met, or unknown) must be met by changing **one** actionable input on its
      own; when no single change meets one of them, the list is empty, even if changing two inputs together
      would meet it;
    - it tries the values the rules name (see the module's docstring), not every value;
    - it combines one change per blocking rule and evaluates at most :data:`MAX_COMBINATIONS` (400)
      combinations, in order: with several blocking rules and many ways to meet each, the search stops
      there without saying so, before it reaches ``max_changes``;
    - a suggestion changes at most ``max_changes`` inputs (default 3); ``max_changes`` is a whole number, 1
      or more, and anything else raises a ValueError.
    """
    check_max_changes(max_changes)
    from .engine import coerce_case

    case = coerce_case(case)
    verdict = evaluator.evaluate(case, on)
    if verdict.status == "eligible" or verdict.regime is None or verdict.evaluated_on > verdict.signature_date:
        return []  # (a contract signed before the evaluation date: the facts it was signed on are past)
    regime = evaluator.rules.regime(verdict.regime)
    rules = {r.id: r for r in regime.rules}
    day = verdict.signature_date
    blocking = [f.rule_id for f in verdict.findings if f.outcome != "met"]
    data = case.model_dump(mode="json", exclude_none=True)
    options: dict[str, list[tuple[str, _Candidate]]] = {}
    for rule_id in blocking:
        rule = rules[rule_id]
        fields = sorted(_reads(rule), key=list(FIELDS).index)
        fixes = []
        for path in fields:
            if not FIELDS[path].actionable:
                continue
            for candidate in _candidates(rule, path, case, regime, day):
                changed = _evaluate(evaluator, data, {path: candidate.value}, on)
                if changed is not None and changed.finding(rule_id).outcome == "met":
                    fixes.append((path, candidate))
        if not fixes:
            return []  # a blocking rule no actionable change can satisfy
        options[rule_id] = fixes
    # the obligations tied to the blocking rules: those that read an input one of them reads (a commitment's
    # follow-up); the others (an assistant's training, say) are not brought by a change that meets them
    read = set().union(*(_reads(rules[r]) for r in blocking))
    tied = {o.id for o in regime.obligations if read & ({o.counted_from, o.done_on} | _reads(o))}
    behind = _behind(verdict)
    found: list[Suggestion] = []
    cited = list(dict.fromkeys(c for rule_id in blocking for c in rules[rule_id].citations))
    for combo in itertools.islice(itertools.product(*options.values()), MAX_COMBINATIONS):
        chosen = dict(combo)  # one change per blocking rule; two changes of one input: the later one
        changes = {path: candidate.value for path, candidate in chosen.items()}
        if len(changes) > max_changes or any(s.changes == changes for s in found):
            continue
        result = _evaluate(evaluator, data, changes, on)
        # a change that commits the doctor to something already overdue on the evaluation date is no way out
        if result is not None and result.status == "eligible" and not (_behind(result) - behind) & tied:
            unknown = [path for path in changes if _get(case, path) is None]
            found.append(Suggestion(changes=changes, rules=blocking, citations=cited, assumes=unknown,
                                    message=_message(chosen, unknown, blocking, regime, evaluator.language)))
    # the smallest: a suggestion that holds all the changes of another, and more, is left out
    minimal = [s for s in found if not any(o.changes.items() < s.changes.items() for o in found)]
    return sorted(minimal, key=lambda s: len(s.changes))


def _message(chosen: Mapping[str, _Candidate], unknown: list[str], blocking: list[str], regime: Regime,
             language: str) -> str:
    """What a suggestion says: each input by its name, each value by its name or as the bound to reach; the
    inputs the case leaves unknown apart, as a condition (« si (non renseigné à ce jour) : … »)."""
    def said(paths: list[str]) -> str:
        return text("whatif.and", language).join(
            text("whatif.change", language, label=field_label(path, language),
                 value=_shown(path, chosen[path], regime, language))
            for path in paths)

    known = [path for path in chosen if path not in unknown]
    rules = text("whatif.rules" if len(blocking) > 1 else "whatif.rule", language, ids=", ".join(blocking))
    if not unknown:
        return text("whatif.suggestion", language, changes=said(known), rules=rules)
    if not known:
        return text("whatif.if_unknown", language, assumed=said(unknown), rules=rules)
    return text("whatif.suggestion_if", language, changes=said(known), assumed=said(unknown), rules=rules)


def _shown(path: str, candidate: _Candidate, regime: Regime, language: str) -> str:
    """A value proposed, in words: « au moins 641 », « centre de santé » (or the regime's own name for it)."""
    if candidate.reach is not None:
        words, number = candidate.reach
        return text(f"whatif.{words}", language, n=show(number, language))
    value = candidate.value
    if FIELDS[path].kind == "enum":
        return regime.value_label(path, value, language) or value_label(path, value, language) or str(value)
    return show(value, language)


def _reads(provision: Rule | Obligation) -> frozenset[str]:
    """The inputs a rule's condition or a provision's ``applies_if`` reads."""
    condition = getattr(provision, "condition", None)
    return (condition.fields if condition is not None else frozenset()) | (
        provision.applies_if.fields if provision.applies_if is not None else frozenset())


def _behind(verdict: Verdict) -> set[str]:
    """The obligations of a verdict (conditional ones too) overdue, or done late, on its evaluation date."""
    return {o.obligation_id for o in (*verdict.obligations, *verdict.conditional_obligations)
            if o.state in ("overdue", "late")}


def _evaluate(evaluator: Evaluator, data: dict[str, Any], changes: Mapping[str, Any], on: date | str | None) -> Any:
    try:
        return evaluator.evaluate(Case.model_validate(_apply(data, changes)), on)
    except ValidationError:
        return None
