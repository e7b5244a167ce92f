"""Issue 7 (bad input at scale): arbitrary JSON gives a verdict or a documented validation error, nothing else.

The default profile is short; `HYPOTHESIS_PROFILE=fuzz-long python -m pytest tests/test_fuzz.py` runs the
long one (documented in the README).
"""

from __future__ import annotations

import json
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistmed_rules import InvalidCaseError, Verdict, evaluate, evaluate_many
from assistmed_rules.cli import main
from assistmed_rules.conditions import FIELDS

settings.register_profile("fuzz-short", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz-long", max_examples=20_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = "fuzz-long" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz-long" else "fuzz-short"

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.dates().map(str), st.sampled_from(["", "2020-02-30", "1/2", "secteur_1", "optam",
                                                                  "medecine_generale", "2A", "9999-12-31"]),
)
json_values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)), max_leaves=12)


def nested(path_values: dict[str, object]) -> dict[str, object]:
    out: dict = {}
    for path, value in path_values.items():
        node = out
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


# Cases shaped like the real input (right keys, arbitrary values) reach deeper than random objects.
shaped_cases = st.dictionaries(st.sampled_from(sorted(FIELDS)), json_values, max_size=8).map(nested)
any_case = st.one_of(json_values, shaped_cases)


def check(result: object) -> None:
    if isinstance(result, InvalidCaseError):
        assert result.errors and all(e["field"] for e in result.errors)
    else:
        assert isinstance(result, Verdict)
        json.loads(result.model_dump_json())


@settings(settings.get_profile(PROFILE))
@given(case=any_case, on=st.one_of(st.none(), st.dates().map(str)))
def test_evaluate_gives_a_verdict_or_a_validation_error(case, on):
    if on is not None and not "1900-01-01" <= on <= "2100-12-31":  # the range of the case's dates
        with pytest.raises((ValueError, InvalidCaseError)) as refused:
            evaluate(case, on=on)
        assert isinstance(refused.value, InvalidCaseError) or "out of range" in str(refused.value)
        return
    try:
        result: object = evaluate(case, on=on)
    except InvalidCaseError as exc:
        result = exc
    check(result)


@settings(settings.get_profile(PROFILE))
@given(cases=st.lists(any_case, max_size=5))
def test_evaluate_many_never_stops_on_a_bad_row(cases):
    results = evaluate_many(cases)
    assert len(results) == len(cases)
    for result in results:
        check(result)


@settings(settings.get_profile(PROFILE), max_examples=60)
@given(case=any_case)
def test_cli_exits_0_or_2(tmp_path_factory, case):
    path = tmp_path_factory.mktemp("fuzz") / "case.json"
    path.write_text(json.dumps(case, default=str), encoding="utf-8")
    assert main(["evaluate", str(path), "--format", "json"]) in (0, 2)


@pytest.mark.parametrize(("case", "field"), [
    ({}, None),
    ([], "<case>"),
    ({"doctor": "x"}, "doctor"),
    ({"doctor": {"activity": {"mt_patients_adult": 10**30}}}, "doctor.activity.mt_patients_adult"),
    ({"doctor": {"activity": {"percentile": math.nan}}}, "doctor.activity.percentile"),
    ({"doctor": {"activity": {"percentile": math.inf}}}, "doctor.activity.percentile"),
    ({"doctor": {"activity": {"file_active": 1.5}}}, "doctor.activity.file_active"),
    ({"contract": {"signature_date": "1850-01-01"}}, "contract.signature_date"),
    ({"contract": {"signature_date": "2200-01-01"}}, "contract.signature_date"),
    ({"contract": {"signature_date": "2015-06-01"}}, None),  # a real date before the aid: a "no regime" verdict
    ({"doctor": {"sector": "secteur1"}}, "doctor.sector"),
])
def test_named_edge_cases(case, field):
    if field is None:
        assert isinstance(evaluate(case, on="2025-01-01"), Verdict)
        return
    with pytest.raises(InvalidCaseError) as info:
        evaluate(case, on="2025-01-01")
    assert field in [e["field"] for e in info.value.errors]


def test_unknown_enum_value_says_did_you_mean():
    with pytest.raises(InvalidCaseError, match="did you mean 'secteur_1'"):
        evaluate({"doctor": {"sector": "secteur1"}})


def test_cli_refuses_duplicate_keys_and_non_utf8(tmp_path, capsys):
    dup = tmp_path / "dup.json"
    dup.write_text('{"doctor": {"sector": "secteur_1", "sector": "secteur_2"}}', encoding="utf-8")
    assert main(["evaluate", str(dup)]) == 2
    assert "duplicate key 'sector'" in capsys.readouterr().err
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"doctor": {"specialty": "pédiatrie"}}'.encode("latin-1"))
    assert main(["evaluate", str(latin)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
