"""Input errors found by the audit of 2026-11: each input is refused (or accepted) as docs/input.md says, and
each error names the field or argument, what was given and what is accepted. Each test fails on the code
before its fix.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from assistmed_rules import Case, InvalidCaseError, evaluate, evaluate_many
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
