"""Edges of the batch contract found by an adversarial audit (2026-11-27): each test fails on the code before
its fix. The promise under test: a batch of flat rows gives what each row validated alone gives, and a row
that cannot be read is an error row, the batch going on."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest

from assistmed_rules import Case, InvalidCaseError, evaluate, evaluate_many
from assistmed_rules.batch import unflatten
from assistmed_rules.cli import main

BASE = {"doctor.sector": "secteur_1", "doctor.specialty": "01", "doctor.coordinated_practice": "msp",
        "doctor.activity.mt_patients_adult": 900, "contract.option": "1/2"}


def alone(row: dict) -> object:
    try:
        return evaluate(unflatten(row)).status
    except InvalidCaseError:
        return "invalid"


def in_batch(rows: list[dict]) -> list[object]:
    return [getattr(r, "status", "invalid") for r in evaluate_many(rows, flat=True)]


def test_equal_instants_in_two_time_zones_are_not_one_date():
    """Two aware datetimes for the same instant are equal and hash alike: the batch's memo took the second for
    the first. A date with a time zone is refused (its day depends on the zone), alone and in the batch."""
    east = datetime(2023, 5, 1, tzinfo=timezone(timedelta(hours=12)))
    west = datetime(2023, 4, 30, tzinfo=timezone(timedelta(hours=-12)))
    assert east == west
    rows = [{**BASE, "contract.signature_date": day} for day in (east, west)] * 10
    assert in_batch(rows) == [alone(r) for r in rows] == ["invalid"] * 20


def test_a_batch_verdict_does_not_follow_later_changes_to_the_callers_row():
    row = {**BASE, "doctor.coordinated_practice": "aucune", "doctor.coordinated_practice_commitment": False,
           "doctor.group_practice_doctors": 3, "contract.signature_date": "2021-03-01"}
    rows = [dict(row) for _ in range(20)]
    verdict = evaluate_many(rows, flat=True)[0]
    before = [s.changes for s in verdict.how_to_qualify()]
    rows[0]["doctor.sector"] = "non_conventionne"
    assert before and [s.changes for s in verdict.how_to_qualify()] == before


def test_unflatten_merges_groups_and_dotted_keys_in_any_order_without_changing_the_callers_dicts():
    inner = {"zone": "zip"}
    want = {"doctor": {"sector": "secteur_1", "zone": "zip"}}
    assert unflatten({"doctor.sector": "secteur_1", "doctor": inner}) == want
    assert unflatten({"doctor": inner, "doctor.sector": "secteur_1"}) == want
    assert inner == {"zone": "zip"}
    with pytest.raises(InvalidCaseError, match="doctor.sector: given twice"):
        unflatten({"doctor.sector": "secteur_1", "doctor": {"sector": "secteur_2"}})


def test_a_dataframe_with_a_column_given_twice_is_refused():
    pd = pytest.importorskip("pandas", reason="pandas is an optional extra")
    frame = pd.DataFrame([["non_conventionne", "secteur_1", "2020-03-01"]],
                         columns=["doctor.sector", " doctor.sector", "contract.signature_date"])
    with pytest.raises(InvalidCaseError, match="doctor.sector: this column appears more than once"):
        evaluate_many(frame)


def test_a_csv_written_by_pandas_from_a_frame_reads_as_the_frame(tmp_path, capsys):
    """A column of whole numbers with blanks is float in pandas (1.0, 75.0) and written back as "1.0", "75.0"."""
    pd = pytest.importorskip("pandas", reason="pandas is an optional extra")
    frame = pd.DataFrame({"doctor.sector": [1, None], "doctor.departement": [75, None], "doctor.rqth": [1, None],
                          "doctor.specialty": [1, None], "contract.signature_date": ["2020-03-01"] * 2})
    source = tmp_path / "in.csv"
    frame.to_csv(source, index=False)
    assert "1.0" in source.read_text(encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["evaluate-batch", str(source), "-o", str(out)]) == 0
    from_csv = pd.read_csv(out)["status"].tolist()
    assert from_csv == evaluate_many(frame)["status"].tolist() == ["undetermined", "undetermined"]
    assert Case.model_validate(unflatten(frame.to_dict("records")[0])).doctor.departement == "75"


@pytest.mark.parametrize("field", ["doctor.group_practice_doctors", "doctor.activity.percentile",
                                   "doctor.activity.clinical_fee_share"])
def test_true_or_false_is_not_a_number(field):
    row = {**BASE, "contract.signature_date": "2021-03-01", field: True}
    with pytest.raises(InvalidCaseError, match="expected a number, not true/false"):
        evaluate(unflatten(row))
    assert in_batch([row] * 20) == ["invalid"] * 20


def test_a_cell_holding_an_array_is_an_error_row_and_the_batch_goes_on():
    np = pytest.importorskip("numpy")
    rows = [{**BASE, "contract.signature_date": "2021-03-01"}] * 20
    rows[3] = {**rows[3], "doctor.specialty": np.array(["01", "03"])}
    statuses = in_batch(rows)
    assert statuses[3] == "invalid" and statuses.count("invalid") == 1


def test_a_mapping_with_defaults_does_not_make_up_missing_cells():
    rows = [defaultdict(int, {**BASE, "contract.signature_date": "2021-03-01"}) for _ in range(20)]
    del rows[0]["doctor.activity.mt_patients_adult"]
    got = evaluate_many(rows, flat=True)[0]
    assert "doctor.activity.mt_patients_adult" in got.missing
    assert "doctor.activity.mt_patients_adult" not in rows[0]


@pytest.mark.parametrize("blank", [" ", "\t", "\xa0"])
def test_a_cell_of_spaces_is_empty_as_an_empty_cell(blank):
    rows = [{**BASE, "contract.signature_date": "2021-03-01", "doctor.sector": blank}] * 20
    statuses = in_batch(rows)
    assert statuses == [alone(rows[0])] * 20 == ["undetermined"] * 20


def test_bad_lines_of_a_json_lines_file_are_error_rows(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        '{"doctor": {"group_practice_doctors": ' + "9" * 5000 + "}}",  # more digits than Python reads
        "[" * 100_000 + "]" * 100_000,  # nested too deeply
        json.dumps({"contract": {"signature_date": "2020-03-01"}}),
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["evaluate-batch", str(source), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in rows] == ["invalid", "invalid", "undetermined"]
    assert "line 2: not a valid JSON object (nested too deeply)" in rows[1]["error"]


def test_csv_rows_with_a_missing_cell_or_a_huge_cell(tmp_path, capsys):
    short = tmp_path / "short.csv"
    short.write_text("doctor.sector,doctor.specialty,contract.signature_date,contract.option\n"
                     "secteur_1,01\nsecteur_1,01,2020-03-01,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["evaluate-batch", str(short), "-o", str(out), "--on", "2023-06-01"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert "line 2: fewer cells than the header has columns (4)" in lines[1]
    assert lines[2].startswith("1,undetermined,")  # an empty last cell is not a missing one
    huge = tmp_path / "huge.csv"
    huge.write_text("doctor.sector,doctor.activity.mt_patients_adult\nsecteur_1," + "9" * 200_000 + "\n",
                    encoding="utf-8")
    assert main(["evaluate-batch", str(huge), "-o", str(tmp_path / "huge-out.csv")]) == 2
    assert "field larger than field limit" in capsys.readouterr().err
    assert not (tmp_path / "huge-out.csv").exists()
