"""``verdict.build`` gives the object ``model_construct`` gives, for every output model the engine builds."""

from __future__ import annotations

import copy
import pickle

import pytest
from conftest import ISSUE_CASE

from assistmed_rules import evaluate
from assistmed_rules.verdict import Advance, AidYear, Finding, Objective, ObligationStatus, Verdict, build

CASE = {**ISSUE_CASE, "doctor": {**ISSUE_CASE["doctor"], "activity": {"mt_patients_adult": 900, "percentile": 40}},
        "assistant": {"qualification": "aucune", "hire_date": "2020-03-10"}}


def _samples():
    verdict = evaluate(CASE, on="2023-01-01")
    assert verdict.status == "eligible" and verdict.aid and verdict.objectives and verdict.obligations
    return [verdict, verdict.findings[0], verdict.obligations[0], verdict.aid[0], verdict.aid[0].advance,
            verdict.objectives[0]]


@pytest.mark.parametrize("index", range(6), ids=["Verdict", "Finding", "ObligationStatus", "AidYear", "Advance",
                                                  "Objective"])
def test_build_equals_model_construct_and_validation(index):
    sample = _samples()[index]
    cls = type(sample)
    assert cls in (Verdict, Finding, ObligationStatus, AidYear, Advance, Objective)
    values = dict(sample.__dict__)
    built, constructed = build(cls, dict(values)), cls.model_construct(**values)
    assert built == constructed
    assert built.model_fields_set == constructed.model_fields_set == set(cls.model_fields)
    assert built.model_dump() == constructed.model_dump()
    assert built.model_dump_json() == constructed.model_dump_json()
    assert cls.model_validate(built.model_dump()) == built  # what the engine builds is valid
    assert pickle.loads(pickle.dumps(built)) == built
    assert copy.deepcopy(built) == built and built.model_copy() == built
    with pytest.raises(Exception, match="frozen"):
        built.__setattr__(next(iter(cls.model_fields)), None)


def test_each_verdict_has_its_own_origin():
    a, b = evaluate(CASE), evaluate({**CASE, "contract": {"signature_date": "2021-03-01", "option": "1/3"}})
    assert a._origin is not b._origin and a._origin[1] != b._origin[1]
    assert a.how_to_qualify() == [] and b.signature_date.year == 2021
