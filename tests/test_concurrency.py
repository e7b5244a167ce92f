"""Issue 7 (threads and processes): concurrent evaluation gives the verdicts of a sequential run.

- 8 threads sharing one native evaluator (and the module-level ``evaluate``), each in its own order.
- ``evaluate_many(..., processes=2)``: same results, same order, same error rows, for nested and flat rows,
  a DataFrame, English output and a rule book loaded from another directory.
- Errors cross process boundaries (they pickle).
The durable backend's thread test is in ``tests/test_durable.py``.
"""

from __future__ import annotations

import pickle
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import run_in_threads
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import cases, flatten

from assistmed_rules import Evaluator, InvalidCaseError, RuleFileError, evaluate, evaluate_many, load_rules


def _batch(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` cases drawn by the property-test strategy, reproducibly."""
    out: list[dict[str, Any]] = []

    @settings(max_examples=n, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(cases())
    def collect(case: dict[str, Any]) -> None:
        out.append(case)

    collect()
    random.Random(seed).shuffle(out)
    return out[:n]


def _dump(result: Any) -> Any:
    if isinstance(result, InvalidCaseError):
        return ("invalid", result.where, result.errors)
    return result.model_dump()


def test_eight_threads_get_the_sequential_verdicts() -> None:
    batch = _batch(300, seed=3)
    shared = Evaluator()
    expected = [shared.evaluate(case).model_dump() for case in batch]
    # half the threads share one evaluator, the other half go through evaluate()
    for got in run_in_threads(batch, [evaluate, shared.evaluate]):
        assert got == expected


def _with_invalid(batch: list[dict[str, Any]]) -> list[Any]:
    mixed: list[Any] = list(batch)
    mixed[3] = {"doctor": {"sector": "secteur_9"}}
    mixed[10] = {"doctor": {"activity": {"file_active": -1}}, "contract": {"option": "3/4"}}
    mixed[11] = "not a case"
    return mixed


def test_processes_give_the_same_results_in_the_same_order() -> None:
    batch = _with_invalid(_batch(120, seed=4))
    sequential = evaluate_many(batch)
    parallel = evaluate_many(batch, processes=2)
    assert [_dump(r) for r in parallel] == [_dump(r) for r in sequential]
    assert parallel[3].where == "row 3" and parallel[10].where == "row 10"
    first = next(r for r in parallel if not isinstance(r, InvalidCaseError) and r.status != "eligible"
                 and r.regime is not None)
    first.how_to_qualify()  # the verdicts coming back from the workers still know their case


def test_processes_on_flat_rows_and_in_english() -> None:
    rows = [flatten(c) for c in _batch(80, seed=5)]
    rows[7]["doctor.sector"] = "secteur_9"
    sequential = evaluate_many(rows, flat=True, language="en")
    parallel = evaluate_many(rows, flat=True, language="en", processes=2)
    assert [_dump(r) for r in parallel] == [_dump(r) for r in sequential]
    assert parallel[7].where == "row 7"
    assert all(r.language == "en" for r in parallel if not isinstance(r, InvalidCaseError))


def test_processes_on_a_dataframe() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([flatten(c) for c in _batch(60, seed=6)])
    assert evaluate_many(frame, processes=2).equals(evaluate_many(frame))


def test_workers_load_the_callers_rules(tmp_path: Path) -> None:
    """A rule book from another directory is what the workers evaluate with, not the shipped one."""
    shipped = load_rules()
    rules_dir = tmp_path / "rules"
    shutil.copytree(Path(shipped.sources[0]).parent, rules_dir)
    a7 = rules_dir / "avenant7-2019.yaml"
    text = a7.read_text(encoding="utf-8")
    assert "2019-09-01: 640" in text
    a7.write_text(text.replace("2019-09-01: 640", "2019-09-01: 2000", 1), encoding="utf-8")
    custom = load_rules(rules_dir)
    case = {"doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
                       "activity": {"mt_patients_adult": 900}},
            "assistant": {"qualification": "cqp"}, "contract": {"signature_date": "2020-03-01", "option": "1/2"}}
    assert evaluate(case).status == "eligible"
    got = evaluate_many([case] * 4, rules=custom, processes=2)
    assert [v.status for v in got] == ["undetermined"] * 4  # 900 patients no longer enough; derogations unknown
    assert [v.model_dump() for v in got] == [Evaluator(custom).evaluate(case).model_dump()] * 4


def test_errors_pickle() -> None:
    err = InvalidCaseError([{"field": "doctor.sector", "message": "unknown value", "input": "x"}], "row 2")
    back = pickle.loads(pickle.dumps(err))
    assert (back.errors, back.where, str(back)) == (err.errors, err.where, str(err))
    rf = RuleFileError("rules/x.yaml", "bad key", "a7.secteur")
    back_rf = pickle.loads(pickle.dumps(rf))
    assert (back_rf.file, back_rf.problem, back_rf.rule, str(back_rf)) == (rf.file, rf.problem, rf.rule, str(rf))


@settings(max_examples=25, deadline=None)
@given(st.lists(cases(), min_size=1, max_size=8))
def test_flat_and_nested_batches_agree(batch: list[dict[str, Any]]) -> None:
    nested = evaluate_many(batch)
    flat = evaluate_many([flatten(c) for c in batch], flat=True)
    assert [_dump(r) for r in flat] == [_dump(r) for r in nested]


def test_processes_need_rules_loaded_from_files() -> None:
    from assistmed_rules.rulebook import RuleBook

    in_memory = RuleBook(load_rules().regimes)
    with pytest.raises(ValueError, match="needs rules loaded from files"):
        evaluate_many([{}, {}], rules=in_memory, processes=2)
    assert load_rules().reload().sources == load_rules().sources
