"""Input errors found by the audit of 2026-11: each input is refused (or accepted) as docs/input.md says, and
each error names the field or argument, what was given and what is accepted. Each test fails on the code
before its fix.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from assistmed_rules import AssistmedError, Case, InvalidCaseError, evaluate, evaluate_many, review
from assistmed_rules.engine import coerce_date

ON = "2020-03-01"


def errors_of(case: dict) -> list[dict]:
    with pytest.raises(InvalidCaseError) as info:
        evaluate(case, on=ON)
    return info.value.errors


# -- dates: a date, a datetime at midnight, or the text YYYY-MM-DD; never a number --------------------------
@pytest.mark.parametrize("given", [0, 1583020800, 20200301, 2020.0, "20200301", "01/03/2020", "2020-3-1",
                                   "2020-03-01T00:00", "1 mars 2020", True, [2020, 3, 1]])
def test_a_date_is_written_yyyy_mm_dd_and_a_number_is_not_a_timestamp(given):
    errors = errors_of({"contract": {"signature_date": given}})
    assert [e["field"] for e in errors] == ["contract.signature_date"]
    assert "expected a date written YYYY-MM-DD, e.g. 2020-03-01" in errors[0]["message"]


@pytest.mark.parametrize("given", ["2020-02-30", "1899-12-31", "2101-01-01", datetime(2020, 3, 1, 10, 30)])
def test_an_impossible_or_out_of_range_date_says_what_is_accepted(given):
    message = errors_of({"assistant": {"hire_date": given}})[0]["message"]
    assert "YYYY-MM-DD" in message or "from 1900-01-01 to 2100-12-31" in message


@pytest.mark.parametrize("given", ["2020-03-01", " 2020-03-01 ", "\t2020-03-01\n", date(2020, 3, 1),
                                   datetime(2020, 3, 1), pd.Timestamp("2020-03-01")])
def test_a_date_as_text_with_spaces_or_as_a_midnight_datetime_is_its_day(given):
    assert Case.model_validate({"contract": {"signature_date": given}}).contract.signature_date == date(2020, 3, 1)


def test_a_flat_row_reads_dates_as_a_nested_case_does():
    """The batch path validates each value with the models: the same dates accepted and refused."""
    rows = [{"contract.signature_date": d} for d in [" 2020-03-01 ", 20200301, "2020-03-01"] * 6]
    got = evaluate_many(rows, flat=True, on=ON)
    assert [isinstance(r, InvalidCaseError) for r in got[:3]] == [False, True, False]
    assert all(isinstance(r, InvalidCaseError) == (i % 3 == 1) for i, r in enumerate(got))
    assert "YYYY-MM-DD" in got[1].errors[0]["message"]


@pytest.mark.parametrize("given", ["20210101", 20210101, "2021-1-1", "01/01/2021", 1609459200])
def test_the_evaluation_date_accepts_what_the_case_dates_accept(given):
    with pytest.raises(ValueError, match=r"on=.*expected a date written YYYY-MM-DD, e\.g\. 2020-03-01"):
        evaluate({}, on=given)


@pytest.mark.parametrize("given", ["2021-01-01", " 2021-01-01", date(2021, 1, 1), datetime(2021, 1, 1)])
def test_the_evaluation_date_as_text_or_a_date(given):
    assert coerce_date(given) == date(2021, 1, 1)


# -- review(): its arguments are checked, and refused with InvalidCaseError naming them ----------------------
README_CASE = {  # README.md, "In 30 seconds"
    "doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
               "zone": "zip", "activity": {"mt_patients_adult": 1000, "file_active": 2000, "percentile": 40}},
    "assistant": {"qualification": "aucune", "hire_date": "2020-02-03"},
    "contract": {"signature_date": "2020-01-15", "option": "1/3"},
}


def review_errors(case: dict, contract_year: object, achieved: object) -> list[dict]:
    with pytest.raises(InvalidCaseError) as info:
        review(case, contract_year, achieved)  # type: ignore[arg-type]
    assert str(info.value).startswith("review: ")
    return info.value.errors


@pytest.mark.parametrize("given", [1200.7, -5, "-5", "lots", True, 1_000_001, [1200]])
def test_a_review_refuses_a_count_that_is_not_a_whole_number_of_patients(given):
    errors = review_errors(README_CASE, 3, {"patientele_mt": given})
    assert [e["field"] for e in errors] == ["achieved.patientele_mt"]
    assert errors[0]["message"] == f"expected a whole number of patients from 0 to 1 000 000 (e.g. 1200); got {given!r}"


@pytest.mark.parametrize("given", ["3", 3.0, 3])
def test_a_review_reads_whole_numbers_as_the_case_s_counts_are_read(given):
    """Counts of the case may be written "900": so may the review's (and its contract year)."""
    result = review(README_CASE, given, {"patientele_mt": str(1200), "file_active": 2400.0})
    assert result.contract_year == 3
    assert [i.achieved for i in result.indicators] == [1200, 2400]
    assert result.objectives_met is True


@pytest.mark.parametrize("given", ["three", 2.5, None, True])
def test_a_review_refuses_a_contract_year_that_is_not_a_whole_number(given):
    errors = review_errors(README_CASE, given, {})
    assert [e["field"] for e in errors] == ["contract_year"]
    assert "expected a whole number, a year of the contract from 1" in errors[0]["message"]


@pytest.mark.parametrize("given", [0, 6, -1])
def test_a_review_names_the_years_of_the_contract(given):
    errors = review_errors(README_CASE, given, {})
    assert errors == [{"field": "contract_year", "input": given,
                       "message": f"expected a year of this contract, from 1 to 5; got {given}"}]


def test_a_review_names_the_indicators_accepted_and_every_problem():
    errors = review_errors(README_CASE, 9, {"patients": 3})
    assert {e["field"]: e["message"] for e in errors} == {
        "contract_year": "expected a year of this contract, from 1 to 5; got 9",
        "achieved.patients": "'patients' is not an objective indicator of this case; accepted: patientele_mt, file_active",
    }
    errors = review_errors(README_CASE, 1, [("patientele_mt", 1200)])
    assert [e["field"] for e in errors] == ["achieved"]
    assert "expected a dict" in errors[0]["message"]


def test_a_review_without_a_signature_date_names_it():
    case = {**README_CASE, "contract": {"option": "1/3"}}
    errors = review_errors(case, 1, {})
    assert [e["field"] for e in errors] == ["contract.signature_date"]
    assert "YYYY-MM-DD" in errors[0]["message"]


def test_every_review_input_error_is_a_library_error_and_a_value_error():
    """Callers catching AssistmedError, or ValueError as before, catch them all."""
    for year, achieved in [("3", {"patientele_mt": "x"}), (9, {}), (1, {"nope": 1}), (2.5, {})]:
        with pytest.raises(AssistmedError):
            review(README_CASE, year, achieved)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            review(README_CASE, year, achieved)  # type: ignore[arg-type]


# -- yes/no fields: the error says what is accepted ----------------------------------------------------------
@pytest.mark.parametrize("given", ["oui", "vrai", 2, 0.5, "", "truth", [True]])
def test_a_yes_no_field_says_what_it_accepts(given):
    errors = errors_of({"doctor": {"rqth": given}})
    assert [e["field"] for e in errors] == ["doctor.rqth"]
    assert errors[0]["message"] == (
        f"expected true or false (also accepted: yes/no, on/off, y/n, t/f, 1/0, in any case); got {given!r}")


@pytest.mark.parametrize(("given", "expected"), [
    (True, True), ("false", False), (" TRUE ", True), ("True", True), ("yes", True), ("No", False), ("on", True),
    ("off", False), ("y", True), ("f", False), ("1", True), ("0", False), (1, True), (0, False), (1.0, True),
])
def test_a_yes_no_field_accepts_what_docs_input_md_lists(given, expected):
    """docs/input.md lists these: true/false and what CSV files and spreadsheets write for them."""
    assert Case.model_validate({"contract": {"is_renewal": given}}).contract.is_renewal is expected


# -- specialties: codes are accepted, and a code without its leading zero is recognised ----------------------
@pytest.mark.parametrize(("given", "code", "slug"), [("1", "01", "medecine_generale"), (" 5", "05", "dermatologie")])
def test_a_specialty_code_written_without_its_leading_zero_suggests_the_code(given, code, slug):
    message = errors_of({"doctor": {"specialty": given}})[0]["message"]
    assert message.startswith(f"unknown specialty {given!r} (did you mean {code!r}, the code of {slug}?")
    assert "the two-digit Assurance Maladie code as text (e.g. '01')" in message


@pytest.mark.parametrize(("given", "slug"), [(3, "cardiologie"), (1.0, "medecine_generale"), (12, "pediatrie"),
                                             ("1.0", "medecine_generale"), ("12.0", "pediatrie")])
def test_a_specialty_code_given_as_a_number_is_read_with_its_leading_zero(given, slug):
    """A number cannot hold a leading zero: 1 is code 01, as 12 is code 12 (a column of codes read as numbers by
    a spreadsheet or a DataFrame, or written back to a CSV file as 1.0)."""
    assert Case.model_validate({"doctor": {"specialty": given}}).doctor.specialty.value == slug


@pytest.mark.parametrize("given", ["99", "cardio"])
def test_an_unknown_specialty_says_codes_and_slugs_are_accepted(given):
    message = errors_of({"doctor": {"specialty": given}})[0]["message"]
    assert "(did you mean 'cardiologie'?)" in message if given == "cardio" else "did you mean" not in message
    assert "accepted: the two-digit Assurance Maladie code as text (e.g. '01') or the slug: medecine_generale," in message


# -- a flat row given as a nested case: the error says how to pass it ----------------------------------------
def test_dotted_keys_without_flat_say_how_to_pass_a_flat_row():
    row = {"doctor.sector": "secteur_1", "doctor.activity.file_active": 900, "contract.signature_date": ON}
    for error in [errors_of(row), evaluate_many([row])[0].errors]:
        message = error[0]["message"]
        assert message.startswith("'doctor.sector', 'doctor.activity.file_active', 'contract.signature_date':")
        assert "evaluate_many(rows, flat=True)" in message and "unflatten" in message
    assert not isinstance(evaluate_many([row], flat=True)[0], InvalidCaseError)


def test_a_dotted_key_that_names_no_field_is_an_unknown_field():
    errors = errors_of({"doctor.nope": 1})
    assert errors[0]["message"].startswith("unknown field 'doctor.nope'")
    assert "flat=True" not in errors[0]["message"]
