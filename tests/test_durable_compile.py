"""The durable-rules backend's compilation, checked where durable-rules cannot be installed too.

``durable_compile`` turns a regime's conditions into durable-rules' JSON without importing durable-rules:
these tests build every shipped regime's network on any Python version (``tests/test_durable.py`` runs the
networks, where durable-rules imports, and compares their verdicts with the native engine's).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from assistmed_rules import durable_compile, load_rules
from assistmed_rules.durable_compile import (
    GROUP_SIZE,
    KIND,
    MAX_FACT_PROPERTIES,
    MAX_GROUPS,
    MAX_LOGICAL_NODES,
    SEEN,
    _and,
    _build,
    _count,
    _dumps,
    _or,
    _pieces,
)

BOOK = load_rules()


def _skeleton(js: Any) -> Any:
    """The logical skeleton of a durable-rules JSON expression (enough for ``_count``)."""
    if isinstance(js, dict) and len(js) == 1:
        key, value = next(iter(js.items()))
        if key in ("$and", "$or"):
            return (key[1:], tuple(_skeleton(v) for v in value))
    return ("cmp",)


@pytest.mark.parametrize("regime", BOOK.regimes, ids=lambda r: r.id)
def test_every_shipped_regime_compiles_within_durable_rules_limits(regime: Any) -> None:
    net = _build(regime)
    assert set(net.programs) == {rule.id for rule in regime.rules}
    definition = net.definition
    json.dumps(definition)  # what durable-rules is given
    assert f"n{SEEN}.T.0_0" in definition  # the rule every case matches
    for name, rule in definition.items():
        expression = rule["all"][0]["m"]
        assert _count(_skeleton(expression)) <= MAX_LOGICAL_NODES, name
        assert json.dumps({"kind": KIND}) in json.dumps(expression), name  # no rule matches a session's state
    assert len(definition) - 1 <= GROUP_SIZE * MAX_GROUPS
    assert len(net.facts.producers) <= MAX_FACT_PROPERTIES


def test_a_fact_with_small_floats_is_written_as_durable_rules_reads_it() -> None:
    fact = {"kind": KIND, "lo__x": 1e-05, "hi__x": 2.5, "n": 3, "s": "s:msp"}
    written = _dumps(fact)
    assert "1.0e-05" in written and "1e-05" not in written
    assert json.loads(written) == fact
    assert _dumps({"kind": KIND, "x": 2.5}) == json.dumps({"kind": KIND, "x": 2.5})


def test_large_expressions_are_split_into_equivalent_rules() -> None:
    def atom(name: str) -> Any:
        return ("cmp", "eq", name, ("lit", 1))

    expr = _and(*(_or(atom(f"a{i}"), atom(f"b{i}"), _and(atom(f"c{i}"), _or(atom(f"d{i}"), atom(f"e{i}"))))
                  for i in range(9)))
    assert _count(expr) > MAX_LOGICAL_NODES
    pieces = _pieces(expr)
    assert len(pieces) > 1
    kind = ("cmp", "eq", "kind", ("lit", KIND))
    for piece in pieces:
        assert _count(_and(kind, piece)) <= MAX_LOGICAL_NODES
    names = sorted({f"{x}{i}" for x in "abcde" for i in range(9)})
    rng = random.Random(3)
    for _ in range(2_000):
        true_props = {n for n in names if rng.random() < 0.3}
        assert _truth(expr, true_props) == any(_truth(p, true_props) for p in pieces)


def test_the_module_imports_without_durable_rules() -> None:
    """What ``durable_compile`` imports: nothing of durable-rules (it is built where that cannot be installed)."""
    source = Path(durable_compile.__file__).read_text(encoding="utf-8")
    assert "import durable" not in source and "durable_rules_engine" not in source


def _truth(expr: Any, true_props: set[str]) -> bool:
    kind = expr[0]
    if kind == "and":
        return all(_truth(e, true_props) for e in expr[1])
    if kind == "or":
        return any(_truth(e, true_props) for e in expr[1])
    return expr[2] in true_props
