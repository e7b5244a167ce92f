"""An optional backend that decides the rules' conditions in durable-rules' Rete network.

Install it with ``pip install 'assistmed-rules[durable]'`` (Python 3.10 to 3.12: durable-rules 2.0.28
builds on 3.13 but its C extension does not import there, and the native engine is used) and select it with
``Evaluator(rules, backend="durable")`` or ``evaluate(case, backend="durable")``. The verdicts are the
native engine's, finding for finding: the differential tests in ``tests/test_durable.py`` check it.

>>> from assistmed_rules import Evaluator
>>> evaluator = Evaluator(backend="durable")
>>> evaluator.evaluate({"doctor": {"sector": "secteur_2", "tariff_option": "aucune"}},
...                    on="2020-03-01").failed_rules
['a7.secteur']

This module registers the rulesets and runs the cases; :mod:`assistmed_rules.durable_compile`, which needs
no durable-rules, compiles a regime's conditions into them and reads the outcomes back.

Design
------

**Kleene pairs.** The condition of every rule (and its ``applies_if``) is read again from its rule file, as
written, and compiled into pairs of durable-rules expressions, "definitely true" (T) and "definitely false"
(F), for every leaf comparison and for every condition as a whole::

    T(all: [a, b]) = T(a) and T(b)        F(all: [a, b]) = F(a) or F(b)
    T(any: [a, b]) = T(a) or T(b)         F(any: [a, b]) = F(a) and F(b)
    T(not: a)      = F(a)                 F(not: a)      = T(a)

A value is unknown when neither matches: Kleene's three-valued logic, decided by the Rete network. Each
outcome is one or more durable-rules rules whose action records it ("node 12 is false"); all the rules of a
regime form one ruleset. A condition's outcome is written in disjunctive form over its leaves' outcomes
(``T(any: [all: [a, b], c]) = T(a) and T(b) | T(c)``), one rule per conjunction: durable-rules runs an
action once per path of its alpha network a fact matches (an ``$and`` of two ``$or`` with two true branches
each would run four times), and a leaf's own ``$or`` has exclusive branches, so each rule runs at most once.

**The fact.** A case is asserted as one flat fact (``{"kind": "assistmed.case", "f__doctor__sector":
"secteur_1", ...}``) in a session of its own: an unknown input is an *absent* property, and no comparison
on an absent property matches. What a comparison reads besides the case is in the fact too, resolved for
the contract's date as the native closures resolve it: the parameters in force (``p__``), the table entries
looked up with the case's key (``lv__``, or ``ll__`` for a list, with its length and whether it is
complete), a date shifted by a delay (``sh__``: calendar arithmetic is done in Python), and the literals
compared with a sum (``k__``). Numbers carry their domain, as :mod:`assistmed_rules.conditions` does for
sums: ``lo__x`` and ``hi__x`` are the value when known and the field's bounds when not (absent when
infinite: every comparison with an infinite bound is false in the direction the pairs use it). So
``{sum: [a, b], gt: {param: s}}`` is ``T: p__s < lo__a + lo__b``, ``F: p__s >= hi__a + hi__b``, the
addition done by durable-rules (``$add``); equality is ``T: lo >= hi' and hi <= lo'``, ``F: hi < lo' or lo >
hi'``. Membership in literals is a disjunction of equalities; in a parameter's or a table entry's list it is
``$iany``/``$iall`` over an array of type-tagged strings (``"s:msp"``: durable-rules finds ``2`` and ``"2"``
equal, Python does not). A reference to another property (``{"$m": ...}``) is guarded by ``$ex``:
durable-rules matches ``x < absent`` and ``x != absent``. Every rule tests ``kind``, so that no rule
matches the session's state object.

**The missing inputs.** When a condition is unknown, the inputs that would decide it come from a Kleene
walk over its tree, with the leaves' values as the network decided them: an unknown ``all``/``any``/``not``
collects its unknown children's missing inputs in order, and an unknown leaf its left operand's missing
inputs then its right operand's, as the native closures name, order and repeat them. (Deciding these lists
in Rete would take a rule per subset of inputs; the walk reads which inputs are absent, never a value.) The
walk's value for the whole condition must be the network's; a difference raises an internal error.

**durable-rules' limits, and how they are met.**

- At most 15 ``$and``/``$or`` per rule (``MAX_SEQUENCE_EXPRESSIONS``): a larger conjunction is split into
  rules over the branches of one of its ``$or`` (exclusive branches: still one run per rule).
- Its alpha network is walked with a stack of 64 nodes, every matching child of a node pushed at once:
  every rule starts with ``kind`` then a *group* test (``g__3 == 1``), at most :data:`GROUP_SIZE` rules per
  group, so that few nodes match side by side however many rules a regime has.
- At most 1024 sessions per ruleset (``MAX_STATE_INDEX_LENGTH``): each evaluation deletes its session as
  soon as its outcomes are read (without that, the engine fails after about a thousand cases). Deleting
  it frees all that durable-rules allocated for the case (its fact, frames and state): the C engine keeps
  no value it has seen, so memory stays flat however many distinct cases go through (issue 7: over 2 000
  distinct cases after 1 000, malloc's bytes in use grow by under 10 KiB and the Python objects by a few;
  20 000 distinct cases, the resident memory by under 0.1 MiB over the second half; ``tests/test_durable.py``).
- Deleting the session of a fact that matched no rule crashes durable-rules: a rule that every case matches
  (node :data:`SEEN`) makes sure the fact is always stored.
- Its JSON parser reads an exponent only after a fraction (``1.0e-05``, not Python's ``1e-05``): facts are
  serialised accordingly, and such literals of a rule go in the fact as constants.
- At most 255 properties in a fact: a regime needing more is refused when compiled.

**Registration and threads.** Rulesets are registered once per process, on a durable-rules host of this
module that runs no background dispatch thread (evaluation is synchronous), under a versioned name: the
regime id and a hash of the compiled ruleset (and :data:`FORMAT_VERSION`). A second :class:`DurableBackend`
over the same rule files reuses the registered rulesets, and re-importing this module (``importlib.reload``
in a notebook) keeps the process's host and registry, so nothing is registered twice. Each ruleset has a
lock, held by an evaluation from the assertion to the session's deletion: threads may share an
:class:`~assistmed_rules.Evaluator` (durable-rules' C engine holds the GIL anyway, so they would not run it
in parallel).

**Not carried over.** A table entry holding one value (not a list) used with ``in`` is read as a one-item
list here, where the native closure tests a substring (a rule-file mistake either way). Integer literals
beyond 2**63 are not supported by durable-rules.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

try:  # durable-rules 2.0.28: its C extension fails to import on Python 3.13 (undefined symbols)
    import durable_rules_engine  # the C engine, called by _Ruleset (untyped: see [tool.mypy] in pyproject.toml)
    from durable import engine as _durable
except Exception as exc:  # pragma: no cover - depends on the platform
    raise ImportError(f"durable-rules cannot be imported: {exc}") from exc

# durable-rules 2.0.28 calls datetime.utcfromtimestamp(), deprecated since Python 3.12, in every action: a
# warning its users can do nothing about. Silenced for that module and that message only.
warnings.filterwarnings("ignore", message=r"datetime\.datetime\.utcfromtimestamp", category=DeprecationWarning,
                        module=r"durable\.engine")

from .conditions import Context
from .durable_compile import (
    FORMAT_VERSION,
    KIND,
    SEEN,
    _build,
    _dumps,
    _Network,
    _result,
    _slug,
)
from .engine import ALWAYS, Judgement
from .rulebook import Regime, Rule, RuleBook


# ---------------------------------------------------------------------------------------------------
# Rulesets and their registration
# ---------------------------------------------------------------------------------------------------
class _Ruleset(_durable.Ruleset):  # type: ignore[misc]
    """durable-rules' ruleset, asserting facts serialised by :func:`_dumps`."""

    def assert_fact(self, fact: dict[str, Any]) -> Any:
        return self._handle_result(durable_rules_engine.assert_fact(self._handle, _dumps(fact)), fact)


class _QuietHost(_durable.Host):  # type: ignore[misc]
    """A durable-rules host without background dispatch threads (this backend runs rules synchronously),
    whose rulesets serialise facts with :func:`_dumps`."""

    def _run(self) -> None:
        pass

    def register_rulesets(self, ruleset_definitions: dict[str, Any]) -> list[str]:
        for name, definition in ruleset_definitions.items():
            if name in self._ruleset_directory:
                raise ValueError(f"Ruleset with name {name} already registered")
            ruleset = _Ruleset(name, self, definition)
            self._ruleset_directory[name] = ruleset
            self._ruleset_list.append(ruleset)
        return list(ruleset_definitions)


@dataclass
class _Registered:
    """A ruleset registered on a host, the lock its evaluations hold and the outcomes its actions record."""

    name: str
    host: Any
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: session id -> {node: outcome}, while an evaluation of that session runs
    outcomes: dict[str, dict[int, bool]] = field(default_factory=dict)


# One host and one registry per process: re-importing the module (importlib.reload) keeps them.
_HOST: Any = globals().get("_HOST") or _QuietHost()
_REGISTRY: dict[str, _Registered] = globals().get("_REGISTRY", {})
_REGISTRY_LOCK: Any = globals().get("_REGISTRY_LOCK") or threading.Lock()
_SESSIONS: Any = globals().get("_SESSIONS") or itertools.count(1)


def _action(outcomes: dict[str, dict[int, bool]], node: int, value: bool) -> Callable[[Any], None]:
    def record(c: Any) -> None:
        outcomes[c.s["sid"]][node] = value
    return record


def _register(regime_id: str, definition: dict[str, dict[str, Any]]) -> _Registered:
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{FORMAT_VERSION}\n{text}".encode()).hexdigest()[:16]
    name = f"assistmed_{_slug(regime_id)}_{digest}"
    with _REGISTRY_LOCK:
        entry = _REGISTRY.get(name)
        if entry is None:
            entry = _Registered(name, _HOST)
            rules = {}
            for rule_name, rule in definition.items():
                node, outcome, _ = rule_name.split(".")
                rules[rule_name] = {**rule, "run": _action(entry.outcomes, int(node[1:]), outcome == "T")}
            _HOST.register_rulesets({name: rules})
            _REGISTRY[name] = entry
        return entry


class DurableBackend:
    """Decides the rules' conditions with durable-rules (see the module's documentation)."""

    name = "durable"

    def __init__(self, rules: RuleBook) -> None:
        self.rules = rules
        self._networks: dict[int, tuple[_Network, _Registered]] = {}
        self._lock = threading.Lock()
        for regime in rules.regimes:
            self._network(regime)

    def _network(self, regime: Regime) -> tuple[_Network, _Registered]:
        found = self._networks.get(id(regime))
        if found is not None and found[0].regime is regime:
            return found
        net = _build(regime)
        compiled = (net, _register(regime.id, net.definition))
        with self._lock:
            self._networks[id(regime)] = compiled
        return compiled

    @staticmethod
    def ruleset_names() -> list[str]:
        """The names of the rulesets registered in this process (one per compiled regime)."""
        return sorted(_REGISTRY)

    def fact(self, regime: Regime, ctx: Context) -> dict[str, Any]:
        """The fact this backend asserts for a case (for inspection and tests)."""
        net, _ = self._network(regime)
        out: dict[str, Any] = {"kind": KIND}
        for name, producer in net.facts.producers.items():
            value = producer(ctx)
            if value is not None:
                out[name] = value
        return out

    def outcomes(self, regime: Regime, ctx: Context) -> dict[int, bool]:
        """Run the case through the regime's ruleset: the nodes decided true or false."""
        _, entry = self._network(regime)
        fact = self.fact(regime, ctx)
        sid = str(next(_SESSIONS))
        fact["sid"] = sid
        recorded: dict[int, bool] = {}
        with entry.lock:
            entry.outcomes[sid] = recorded
            try:
                state = entry.host.assert_fact(entry.name, fact)
            except BaseException:
                with contextlib.suppress(Exception):  # the session may not exist: the assertion's error matters
                    entry.host.delete_state(entry.name, sid)
                raise
            else:
                entry.host.delete_state(entry.name, sid)
            finally:
                entry.outcomes.pop(sid, None)
        if (state or {}).get("exception") or recorded.pop(SEEN, None) is not True:
            raise RuntimeError(f"durable-rules did not run the case through {entry.name}: {state!r}")
        return recorded

    def judge(self, regime: Regime, rules: Sequence[Rule], ctx: Context) -> list[Judgement]:
        net, _ = self._network(regime)
        decided = self.outcomes(regime, ctx)
        out: list[Judgement] = []
        for rule in rules:
            applies_prog, cond_prog = net.programs[rule.id]
            applies = ALWAYS if applies_prog is None else _result(net, applies_prog, decided, ctx)
            out.append(applies + _result(net, cond_prog, decided, ctx))
        return out
