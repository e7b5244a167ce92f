"""Inputs at the edges: what a spreadsheet, a DataFrame or a careless command line hands the library.

Each test comes from a defect found by reviewing the code with reproducers (2026-11-27); each would fail
on the code before its fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from assistmed_rules import Evaluator, InvalidCaseError, evaluate, evaluate_many, load_rules, review
from assistmed_rules.batch import iter_summaries, unflatten
from assistmed_rules.cli import main
from assistmed_rules.rulebook import default_rules_dir

ROW = {"doctor.sector": "secteur_1", "contract.signature_date": "2020-03-01"}


def test_a_batch_refuses_what_a_single_evaluation_refuses_whatever_came_before():
    """1, 1.0 and True are equal keys: a column's distinct values must not stand for its types (16 rows or more
    are read column by column)."""
    rows = [dict(ROW, **{"doctor.activity.mt_patients_adult": 1}) for _ in range(16)]
    rows.append(dict(ROW, **{"doctor.activity.mt_patients_adult": True}))
    with pytest.raises(InvalidCaseError):
        evaluate(unflatten(rows[-1]))
    result = evaluate_many(rows, flat=True)[-1]
    assert isinstance(result, InvalidCaseError)
    assert [e["field"] for e in result.errors] == ["doctor.activity.mt_patients_adult"]
    assert [s["status"] for s in iter_summaries(rows, flat=True)][-1] == "invalid"


def test_pandas_missing_values_are_unknown_facts_and_the_batch_goes_on():
    frame = pd.DataFrame({"doctor.sector": ["secteur_1"] * 2, "contract.signature_date": ["2020-03-01"] * 2,
                          "assistant.hire_date": pd.to_datetime([None, "2020-03-02"])})
    assert list(evaluate_many(frame)["status"]) == ["undetermined", "undetermined"]
    rows = [dict(ROW, **{"doctor.rqth": pd.NA})] * 20  # read one by one, then column by column
    for n in (1, 20):
        assert all(v.status == "undetermined" for v in evaluate_many(rows[:n], flat=True))
    nested = evaluate({"contract": {"signature_date": "2020-03-01"}, "assistant": {"hire_date": pd.NaT}})
    assert nested == evaluate({"contract": {"signature_date": "2020-03-01"}})


def test_a_departement_read_as_a_number_with_blanks_in_its_column():
    """pandas reads a column of numbers with a blank cell as floats: 75.0 is département 75."""
    case = {"doctor": {"departement": 75.0}, "contract": {"signature_date": "2020-03-01"}}
    assert evaluate(case).status == "undetermined"
    frame = pd.DataFrame({**{k: [v, v] for k, v in ROW.items()}, "doctor.departement": [75.0, float("nan")]})
    assert list(evaluate_many(frame)["error"]) == [None, None]
    with pytest.raises(InvalidCaseError, match="whole number"):
        evaluate({"doctor": {"departement": 75.5}})


@pytest.mark.parametrize("group", [("contract", "renews"), ("contract", "first_assistant_contract"),
                                   ("doctor", "activity"), ("doctor", None), ("contract", None)])
def test_a_group_given_as_null_is_unknown(group):
    """docs/input.md: a field left out or given as null is unknown; a group of fields too."""
    outer, inner = group
    given: dict = {"doctor": {"sector": "secteur_1"}}
    left_out: dict = {"doctor": {"sector": "secteur_1"}}
    if inner is None:
        given[outer] = None
        left_out.pop(outer, None)
    else:
        given.setdefault(outer, {})[inner] = None
    assert evaluate(given, on="2020-03-01") == evaluate(left_out, on="2020-03-01")


def test_a_message_shows_the_number_given_not_a_rounding_of_it():
    case = {"doctor": {"sector": "secteur_1", "specialty": "chirurgie_generale", "activity": {"percentile": 60,
            "clinical_fee_share": 79.99996}}, "contract": {"signature_date": "2024-09-01", "option": "1"}}
    finding = evaluate(case).finding("cm2024.part_clinique")
    assert finding.outcome == "not_met"
    assert "79.99996 %" in finding.message


def test_minus_zero_shows_as_zero_whatever_the_memo_holds():
    ev = Evaluator()
    case = {"doctor": {"specialty": "cardiologie", "activity": {"percentile": -0.0}, "new_installation": False,
                       "rqth": False, "chronic_illness": False},
            "contract": {"signature_date": "2020-03-01"}}
    first = ev.evaluate(case).finding("a7.activite").message
    case["doctor"]["activity"]["percentile"] = 0.0
    assert ev.evaluate(case).finding("a7.activite").message == first
    assert "percentile 0 " in first


def test_how_to_qualify_with_a_threshold_that_is_not_a_whole_number(tmp_path: Path):
    shutil.copytree(default_rules_dir(), tmp_path / "rules")
    path = tmp_path / "rules" / "avenant7-2019.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("      2019-09-01: 30\n", "      2019-09-01: 30.5\n", 1),
                    encoding="utf-8")
    ev = Evaluator(load_rules(tmp_path / "rules"))
    verdict = ev.evaluate({"doctor": {"sector": "secteur_1", "specialty": "radiologie", "departement": "08",
                                      "coordinated_practice": "msp", "new_installation": False, "rqth": False,
                                      "chronic_illness": False, "activity": {"percentile": 20}},
                           "assistant": {"qualification": "cqp"},
                           "contract": {"signature_date": "2022-06-01", "option": "1/2"}})
    assert verdict.failed_rules == ["a7.activite"]
    assert [s.changes for s in verdict.how_to_qualify()] == [{"doctor.activity.percentile": 30.6}]


def test_evaluate_batch_never_overwrites_its_input(tmp_path: Path, capsys):
    cases = tmp_path / "cases.csv"
    text = "doctor.sector,contract.signature_date\nsecteur_1,2020-03-01\n"
    cases.write_text(text, encoding="utf-8")
    assert main(["evaluate-batch", str(cases), "-o", str(cases)]) == 2
    assert "overwrite the input" in capsys.readouterr().err
    assert cases.read_text(encoding="utf-8") == text
    out = tmp_path / "out.csv"
    out.write_text("earlier results\n", encoding="utf-8")
    assert main(["evaluate-batch", str(tmp_path / "missing.csv"), "-o", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "earlier results\n"


def test_a_csv_row_with_more_cells_than_columns_is_rejected_with_its_line(tmp_path: Path, capsys):
    cases = tmp_path / "cases.csv"
    cases.write_text("doctor.sector,contract.signature_date\nsecteur_1,2020-03-01,oops\nsecteur_2,2020-03-01\n",
                     encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["evaluate-batch", str(cases), "-o", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame["status"]) == ["invalid", "undetermined"]
    assert "line 2: 1 more cell(s) than the header has columns" in frame["error"][0]


def test_an_evaluation_date_out_of_range_is_refused_with_the_range():
    with pytest.raises(ValueError, match="from 1900-01-01 to 2100-12-31"):
        evaluate({"contract": {"option": "1"}}, on="9999-01-01")


def test_a_review_speaks_the_evaluator_s_language():
    case = {"doctor": {"specialty": "cardiologie", "activity": {"percentile": 40, "file_active": 2000}},
            "contract": {"signature_date": "2020-01-15", "option": "1/3"}}
    english = Evaluator(language="en").review(case, contract_year=1, achieved={"file_active": 2000})
    assert english.note.startswith("Year 1: the aid is not modulated")
    assert review(case, 1, {"file_active": 2000}, language="en").note == english.note
    assert review(case, 1, {"file_active": 2000}).note.startswith("Année 1 : aide non modulée")
