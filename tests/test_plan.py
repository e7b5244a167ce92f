"""The memoised engine (plan.py) and the row reader (facts.py) give exactly what the plain paths give.

* An evaluator decides each condition once per key (fields by exact value, or by class among the values
  they are compared with) and reuses findings, aid years and obligations between cases. The reference is
  the same evaluator with memoisation off: every closure run for every case, nothing reused.
* A :class:`RowReader` validates each distinct value of a column once; the reference is
  ``Case.model_validate`` of the unflattened row. Both must agree on every row, valid or not.
"""

from __future__ import annotations

import math
import random
import sys
from datetime import date
from typing import Any

import pytest
from conftest import REPO_ROOT
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import cases, evaluation_dates, flatten

from assistmed_rules import Case, Evaluator, InvalidCaseError, evaluate_many
from assistmed_rules.batch import unflatten
from assistmed_rules.facts import PATHS, RowReader, case_of, facts_of
from assistmed_rules.messages import PerCase
from assistmed_rules.plan import MEMO_LIMIT, Memo, RegimePlan

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from bench_backends import generate
from bench_batch import generate_rows


def _reference(language: str = "fr") -> Evaluator:
    evaluator = Evaluator(language=language)
    evaluator._memoise = False  # every closure on every case, nothing decided from a memo
    return evaluator


@pytest.mark.parametrize("language", ["fr", "en"])
def test_memoised_verdicts_equal_the_closures_on_every_case(language):
    memoised, reference = Evaluator(language=language), _reference(language)
    batch = generate(3_000, seed=7)
    for i, case in enumerate(batch + batch[:500]):  # the second pass is served from the memos
        on = date(2020 + i % 7, 1 + i % 12, 1 + i % 28)
        assert memoised.evaluate(case, on) == reference.evaluate(case, on), (i, case)


@given(case=cases(), on=evaluation_dates)
def test_memoised_verdict_equals_the_closures(case: dict[str, Any], on: date) -> None:
    assert _SHARED.evaluate(case, on) == _REFERENCE.evaluate(case, on)


_SHARED = Evaluator()  # shared between examples: its memos fill up as hypothesis goes
_REFERENCE = _reference()


def test_numbers_in_the_same_class_share_one_decision_and_others_do_not():
    evaluator = Evaluator()
    base = {"doctor": {"specialty": "medecine_generale", "sector": "secteur_1"},
            "contract": {"signature_date": "2020-03-01"}}
    t = evaluator.rules.regime("avenant7-2019").param("seuil_patients_mt_adultes_mg", date(2020, 3, 1))
    verdicts = {}
    for adults in (t + 1, t + 400, t + 700, t, t - 1, None):
        case = {**base, "doctor": {**base["doctor"], "activity": {"mt_patients_adult": adults}}}
        verdicts[adults] = evaluator.evaluate(case).finding("a7.activite").outcome
    assert verdicts == {t + 1: "met", t + 400: "met", t + 700: "met", t: "unknown", t - 1: "unknown",
                        None: "unknown"}
    plan = evaluator._plan(evaluator.rules.regime("avenant7-2019"))
    activity = plan.regime.rules[4].condition
    keys = {k[2] for k in plan.decisions if k[0] == id(activity)}
    assert len(keys) == 4  # six values, four classes: above the threshold, at it, below it, unknown


def test_memos_are_bounded():
    memo = Memo(3)
    for i in range(10):
        memo.put(i, i)
        assert len(memo) <= 3
    evaluator = Evaluator()
    generated = generate(2_000, seed=3)
    for case in generated:
        evaluator.evaluate(case)
    for _ in range(2):  # the batch path's memos too
        evaluate_many([flatten(case) for case in generated], flat=True, evaluator=evaluator)
    assert evaluator._signatures and evaluator._statuses
    for plan in evaluator._plans.values():
        assert len(plan.decisions) <= plan.decisions_limit
        assert all(len(memo) <= MEMO_LIMIT for memo in plan._obligations.values())
        assert all(len(memo) <= plan.findings_limit for _, _, memo in plan._findings.values())
    assert all(len(memo) <= MEMO_LIMIT for memo in evaluator._memo.values())
    assert len(evaluator._statuses) <= evaluator._statuses.limit
    assert len(evaluator._signatures) <= evaluator._signatures.limit
    assert all(id(s.finding) == key for key, s in evaluator._signatures.items())


def test_cases_share_a_finding_but_for_the_numbers_its_message_shows():
    evaluator = Evaluator()
    base = {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp"}
    found = {}
    for adults in (900, 1200, 1200):
        case = {"doctor": {**base, "activity": {"mt_patients_adult": adults}},
                "contract": {"signature_date": "2020-03-01", "option": "1/2"}}
        found.setdefault(adults, []).append(evaluator.evaluate(case).finding("a7.activite"))
    (a,), (b, c) = found[900], found[1200]
    assert "900 patients" in a.message and "1200 patients" in b.message
    assert a.model_dump(exclude={"message"}) == b.model_dump(exclude={"message"})
    assert b == c
    secteur = [evaluator.evaluate({"doctor": {**base, "activity": {"mt_patients_adult": n}},
                                   "contract": {"signature_date": "2020-03-01"}}).finding("a7.secteur")
               for n in (900, 1200)]
    assert secteur[0] is secteur[1]  # a message showing no number: one finding for both
    for adults in range(901, 901 + PerCase.remembered):  # past a few values, each case gets its own finding
        case = {"doctor": {**base, "activity": {"mt_patients_adult": adults}},
                "contract": {"signature_date": "2020-03-01", "option": "1/2"}}
        assert f"{adults} patients" in evaluator.evaluate(case).finding("a7.activite").message
    shared = [f for _, _, memo in evaluator._plan(evaluator.rules.regime("avenant7-2019"))._findings.values()
              for f in memo.values() if isinstance(f, PerCase)]
    assert shared and all(f.seen is None or len(f.seen) <= PerCase.remembered for f in shared)


def test_cases_with_the_same_dates_share_an_obligations_status():
    evaluator = Evaluator()
    def obligations(hired: str, adults: int) -> list[Any]:
        return evaluator.evaluate({
            "doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
                       "activity": {"mt_patients_adult": adults}},
            "assistant": {"qualification": "aucune", "hire_date": hired},
            "contract": {"signature_date": "2020-03-01", "option": "1/2"}}, on="2022-06-01").obligations
    first, same, later = obligations("2020-03-01", 900), obligations("2020-03-01", 1200), obligations("2020-09-01", 900)
    assert [o.obligation_id for o in first] == [o.obligation_id for o in later]
    assert all(a is b for a, b in zip(first, same))
    assert [o.due_date for o in first] != [o.due_date for o in later]
    assert [o.state for o in first] != [o.state for o in later]  # on 2022-06-01, the first hire's entry in training is overdue


def test_the_row_readers_memos_are_bounded():
    reader = RowReader()
    reader.limit = 50
    rows = [{"doctor.activity.file_active": n, "doctor.sector": "secteur_2", "doctor.tariff_option": "optam",
             "contract.signature_date": f"2020-01-{1 + n % 28:02d}"} for n in range(300)]
    assert reader.read_many(rows) == [RowReader().read(row) for row in rows]
    memos = [m for _, m in reader._slots.values() if m is not None] + list(reader._group_memo.values())
    assert max(map(len, memos)) <= 50
    assert sum(map(len, memos)) > 50  # they did fill


def test_a_table_filled_later_is_seen_by_an_evaluator_that_already_decided(tmp_path):
    import json

    from assistmed_rules import load_rules

    rules = load_rules()
    evaluator = Evaluator(rules)
    cases = [{"doctor": {"specialty": s, "departement": d, "sector": "secteur_1"},
              "contract": {"signature_date": "2021-05-01"}}
             for s in ("cardiologie", "pediatrie", "psychiatrie") for d in ("75", "08", "2A")]
    before = [evaluator.evaluate(c) for c in cases]
    data = tmp_path / "tension.yaml"
    data.write_text(json.dumps({  # JSON is YAML
        "schema_version": 1, "regime": "avenant7-2019", "table": "departements_en_tension",
        "citations": [{"text": "Liste fictive pour les tests", "url": "https://example.org/test"}],
        "entries": {"cardiologie": {"value": ["75", "2A"], "complete": True},
                    "pediatrie": {"value": [], "complete": True},
                    "psychiatrie": {"value": ["08"], "complete": False}}}), encoding="utf-8")
    rules.add_table_data(data)
    after = [evaluator.evaluate(c) for c in cases]
    assert after == [_reference_for(rules).evaluate(c) for c in cases]
    assert after != before


def _reference_for(rules: Any) -> Evaluator:
    evaluator = Evaluator(rules)
    evaluator._memoise = False
    return evaluator


# -- the row reader --------------------------------------------------------------------------------------------
def _model_facts(row: dict[str, Any]) -> tuple[Any, ...] | None:
    try:
        return facts_of(Case.model_validate(unflatten(row)))
    except (ValidationError, ValueError, TypeError):
        return None


_ODD = ["", None, float("nan"), "secteur_9", "1", 1, 1.0, True, "true", "2020-02-30", "2020-02-29", -1, 10**9,
        "optam", "msp", "non", "  2A ", 2.5, "01", math.inf]


@given(rows=st.lists(st.fixed_dictionaries({}, optional={
    path: st.sampled_from(_ODD) for path in PATHS}), min_size=1, max_size=20))
def test_the_reader_agrees_with_the_models_on_any_row(rows: list[dict[str, Any]]) -> None:
    reader = RowReader()
    for row in rows + rows:  # the second time from its memos
        expected = _model_facts(row)
        got = reader.read(row)
        if expected is None:
            assert got is None, row
        else:
            assert got is None or got == expected, row  # None: the caller validates the row itself


_COLUMNS = [*PATHS, "doctor.unknown_column", "doctor"]


@given(rows=st.lists(st.fixed_dictionaries({}, optional={
    path: st.sampled_from([*_ODD, [1], {"a": 1}]) for path in _COLUMNS}), min_size=16, max_size=60),
    uniform=st.sampled_from(list(PATHS)), value=st.sampled_from(_ODD))
def test_reading_column_by_column_equals_reading_row_by_row(rows: list[dict[str, Any]], uniform: str,
                                                            value: Any) -> None:
    for row in rows[::2]:  # a column of one type in part of the rows, as from a CSV file or a DataFrame
        row[uniform] = value
    assert RowReader().read_many(rows) == [RowReader().read(row) for row in rows]
    reader = RowReader()
    assert reader.read_many(rows) == reader.read_many(rows) == [reader.read(row) for row in rows]


def test_reading_generated_rows_column_by_column():
    rows = generate_rows(3_000, seed=4)
    rng = random.Random(3)
    first, second, third = rows[:1_000], rows[1_000:2_000], rows[2_000:]
    for row in rng.sample(first, 40):  # invalid texts in columns of texts
        column = rng.choice([c for c, v in row.items() if isinstance(v, str)])
        row[column] = rng.choice(["secteur_9", "2020-13-01", "x", "zac "])
    for row in rng.sample(second, 40):  # values of another type, valid or not
        row[rng.choice(list(row))] = rng.choice(["7", -5, 7.5, True, "x", 3])
    for row in rng.sample(third, 20):  # a missing column, an unknown one
        del row[rng.choice(list(row))]
    third[5]["doctor.nickname"] = "Doc"
    reader = RowReader()
    for chunk in (first, second, third):
        expected = [RowReader().read(row) for row in chunk]
        assert reader.read_many(chunk) == expected
        assert expected.count(None) >= (20 if chunk is first else 1)
    ints = [{"doctor.group_practice_doctors": 1}] * 20  # 1 and True are equal dict keys: the memo tells them apart
    bools = [{"doctor.group_practice_doctors": True}] * 20
    assert reader.read_many(ints) == [RowReader().read(row) for row in ints]
    assert reader.read_many(bools) == [RowReader().read(row) for row in bools]


@given(case=cases())
def test_the_reader_reads_every_valid_flat_case(case: dict[str, Any]) -> None:
    row = flatten(case)
    assert RowReader().read(row) == facts_of(Case.model_validate(case))


def test_linked_fields_are_checked_together():
    reader = RowReader()
    assert reader.read({"doctor.sector": "secteur_2", "doctor.tariff_option": "optam"}) is not None
    assert reader.read({"doctor.sector": "secteur_1", "doctor.tariff_option": "optam"}) is None
    assert reader.read({"doctor.multi_site_msp": True, "doctor.coordinated_practice": "cpts"}) is None
    facts = reader.read({"doctor.multi_site_msp": True})
    assert facts == facts_of(Case.model_validate({"doctor": {"multi_site_msp": True}}))  # set to msp by the model


def test_unknown_facts_are_those_of_an_empty_case():
    from assistmed_rules.facts import UNKNOWN

    assert facts_of(Case()) == UNKNOWN


def test_case_of_facts_holds_the_same_facts():
    for case in generate(300, seed=5):
        facts = facts_of(Case.model_validate(case))
        assert facts_of(case_of(facts)) == facts


def test_batch_of_flat_rows_equals_evaluate_row_by_row():
    rows = generate_rows(1_500, seed=11)
    rng = random.Random(2)
    for row in rng.sample(rows, 20):
        row["doctor.sector"] = rng.choice(["secteur_9", "2", " secteur_1 "])
    evaluator = Evaluator()
    got = evaluate_many(rows, on="2023-06-01", flat=True, evaluator=Evaluator())
    for i, (row, result) in enumerate(zip(rows, got)):
        try:
            expected = evaluator.evaluate(unflatten(row), "2023-06-01")
        except InvalidCaseError as exc:  # an invalid row: the same error, named by row
            assert type(result) is type(exc) and result.errors == exc.errors, i
            continue
        assert result == expected, i


def test_a_plan_only_derives_classes_for_compared_numbers_and_dates():
    from assistmed_rules import load_rules

    for regime in load_rules().regimes:
        plan = RegimePlan(regime)
        for index, classes in plan._classifiers:
            cuts = classes.cuts
            kind = type(next(iter(cuts))) if cuts else None
            assert kind is None or kind in (int, float, date) or hasattr(kind, "as_tuple"), (regime.id, PATHS[index])


@pytest.mark.parametrize("on", [None, "2023-06-01", "2026-01-15"])
@pytest.mark.parametrize("limits", ["default", "small"])
def test_a_batch_judged_column_by_column_equals_each_case_judged_alone(monkeypatch, on, limits):
    """``Evaluator._judge_many`` (the batch path) gives each case the verdict it gets alone, memoisation off.

    The rows cover every regime, rows without a signature date and rows signed before any regime. The batch
    is evaluated twice: the second time, most rows are judged column by column from the memos (checked).
    With small memos, they are emptied in the middle of a chunk.
    """
    if limits == "small":
        monkeypatch.setattr(RegimePlan, "findings_limit", 400)
        monkeypatch.setattr(RegimePlan, "decisions_limit", 1_000)
        monkeypatch.setattr(RegimePlan, "dates_limit", 400)
    rows = generate_rows(600, seed=21) + [flatten(case) for case in generate(1_400, seed=22)]
    rng = random.Random(4)
    for row in rng.sample(rows, 40):
        row.pop("contract.signature_date", None)
    for row in rng.sample(rows, 20):
        row["contract.signature_date"] = "2018-05-01"
    evaluator = Evaluator()
    if limits == "small":
        evaluator._signatures.limit, evaluator._statuses.limit, evaluator._dated.limit = 40, 10, 800
        for memo in evaluator._memo.values():
            memo.limit = 250
    evaluate_many(rows, on=on, flat=True, evaluator=evaluator)
    alone = []
    judge = evaluator._judge
    monkeypatch.setattr(evaluator, "_judge", lambda *args: alone.append(1) or judge(*args))
    got = evaluate_many(rows, on=on, flat=True, evaluator=evaluator)
    dated = [row for row in rows if row.get("contract.signature_date") not in (None, "2018-05-01")]
    in_columns = len(rows) - len(alone)  # the rows without a regime are judged alone
    assert in_columns > (100 if limits == "small" else 0.9 * len(dated))
    reference = _reference()
    for i, (row, result) in enumerate(zip(rows, got)):
        expected = reference.evaluate(unflatten(row), on)
        assert result.model_dump() == expected.model_dump(), i
    assert len(evaluator._statuses) <= evaluator._statuses.limit
    assert len(evaluator._signatures) <= evaluator._signatures.limit
