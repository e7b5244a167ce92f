"""Issue 6 (first part): batches, DataFrames, the batch CLI, the JSON Schema command, HTML rendering."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import select
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import cases, evaluation_dates, flatten, likely_eligible_cases

from assistmed_rules import InvalidCaseError, evaluate, evaluate_many
from assistmed_rules.batch import SUMMARY_COLUMNS, summarise, unflatten
from assistmed_rules.cli import main

ROWS = [
    {"doctor.sector": "secteur_1", "doctor.specialty": "medecine_generale", "doctor.coordinated_practice": "msp",
     "doctor.activity.mt_patients_adult": "900", "assistant.qualification": "cqp",
     "contract.signature_date": "2020-03-01", "contract.option": "1/2"},
    {"doctor.sector": "secteur_2", "doctor.tariff_option": "aucune", "contract.signature_date": "2020-03-01"},
    {"doctor.sector": "secteur_1", "doctor.specialty": "medecine_generale", "contract.signature_date": "2025-01-15",
     "contract.option": "1"},
    {"doctor.sector": "secteur_9", "doctor.activity.file_active": "-3"},
]
EXPECTED = ["eligible", "not_eligible", "undetermined", "invalid"]


def statuses(results):
    return [r.status if not isinstance(r, InvalidCaseError) else "invalid" for r in results]


def test_evaluate_many_over_flat_rows_keeps_order_and_goes_on_after_an_invalid_row():
    results = evaluate_many(ROWS, flat=True)
    assert statuses(results) == EXPECTED
    error = results[3]
    assert error.where == "row 3"
    assert {e["field"] for e in error.errors} == {"doctor.sector", "doctor.activity.file_active"}


def test_evaluate_many_equals_evaluate_one_by_one():
    nested = [unflatten(r) for r in ROWS[:3]]
    assert [v.model_dump() for v in evaluate_many(nested)] == [evaluate(c).model_dump() for c in nested]


def write_csv(path: Path, rows: list[dict]) -> Path:
    columns = sorted({k for r in rows for k in r})
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_cli_batch_csv_to_csv_with_summary(tmp_path, capsys):
    source = write_csv(tmp_path / "in.csv", ROWS)
    assert main(["evaluate-batch", str(source), "-o", str(tmp_path / "out.csv")]) == 0
    with (tmp_path / "out.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["status"] for r in rows] == EXPECTED
    assert list(rows[0]) == list(SUMMARY_COLUMNS)
    assert rows[1]["first_failing_rule"] == "a7.secteur"
    assert rows[0]["aid_total"] == ""  # percentile unknown: the year-2+ amounts depend on it
    assert "doctor.sector" in rows[3]["error"]
    err = capsys.readouterr().err
    assert "3 rows evaluated (eligible: 1, not_eligible: 1, undetermined: 1); 1 row rejected" in err
    assert "\r[" not in err  # no progress bar when stderr is not a terminal


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_cli_batch_draws_its_progress_bar_on_a_terminal_by_default(tmp_path):
    """The command line run as a user runs it: stderr is a terminal, no --progress option."""
    import pty

    source = write_csv(tmp_path / "in.csv", ROWS * 300)
    primary, secondary = pty.openpty()
    try:
        try:
            child = subprocess.Popen([sys.executable, "-m", "assistmed_rules.cli", "evaluate-batch", str(source), "-o",
                                      str(tmp_path / "out.csv")], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=secondary)
        finally:
            os.close(secondary)
        err = b""
        while select.select([primary], [], [], 120)[0]:  # read as it comes: the terminal's buffer is small
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the child exited: the terminal is closed and drained
                break
            if not chunk:
                break
            err += chunk
        else:
            child.kill()
        returncode = child.wait(timeout=60)
    finally:
        os.close(primary)
    text = err.decode("utf-8")
    assert returncode == 0, text
    assert "\r[" in text and "1200/1200" in text  # the bar, drawn to the end
    assert "900 rows evaluated" in text and "300 rows rejected" in text


def test_cli_batch_jsonl_with_full_verdicts(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(unflatten(r)) for r in ROWS[:3]) + "\n{not json}\n", encoding="utf-8")
    assert main(["evaluate-batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--full", "--progress", "always"]) == 0
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["status"] for line in lines] == ["eligible", "not_eligible", "undetermined", "invalid"]
    assert lines[0]["verdict"]["regime"] == "avenant7-2019"
    assert "line 4" in lines[3]["error"]


def test_cli_batch_of_mixed_lines_over_several_chunks_equals_evaluating_each_row(tmp_path):
    """Flat rows go through the batch path a chunk at a time, nested ones one by one: same summary rows."""
    from assistmed_rules.batch import summarise
    from assistmed_rules.engine import Evaluator

    lines = []
    for i in range(2_500):  # more than two chunks of 1 024 rows
        row = dict(ROWS[i % len(ROWS)], **{"doctor.activity.mt_patients_adult": str(300 + i)})
        lines.append(json.dumps(row if i % 3 else unflatten(row)) if i % 997 else "[1, 2]")
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["evaluate-batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--on", "2023-06-01"]) == 0
    got = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    evaluator, expected = Evaluator(), []
    for i, line in enumerate(lines):
        row = json.loads(line)
        if not isinstance(row, dict):
            assert got[i]["status"] == "invalid" and f"line {i + 1}" in got[i]["error"]
            expected.append(got[i])
            continue
        try:
            result = evaluator.evaluate(unflatten(row) if i % 3 else row, "2023-06-01")
        except InvalidCaseError as exc:
            result = exc
        expected.append(summarise(result, i))
    assert got == json.loads(json.dumps(expected))
    assert {g["status"] for g in got} == {"eligible", "not_eligible", "undetermined", "invalid"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_summaries_without_verdicts_equal_the_verdicts_summaries(language):
    """iter_summaries (the DataFrame and CSV path) says of each row what the summary of its verdict says."""
    import random
    import sys

    from strategies import flatten

    from assistmed_rules.batch import iter_evaluate, iter_summaries, summarise
    from assistmed_rules.engine import Evaluator

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from bench_backends import generate
    from bench_batch import generate_rows

    rng = random.Random(5)
    rows = generate_rows(3_000, seed=11) + [flatten(case) for case in generate(3_000, seed=12)]  # every regime
    rows += [dict(row, **{"doctor.sector": "secteur_9"}) for row in rng.sample(rows, 50)]  # invalid rows
    rows += [{}, {"contract.signature_date": "2018-05-01"}, {"doctor.nope": 1}]  # no regime; not a field
    for on in ("2023-06-01", "2026-01-15"):
        memoised, reference = Evaluator(language=language), Evaluator(language=language)
        reference._memoise = False
        summaries = list(iter_summaries(rows, on, evaluator=memoised, flat=True))
        assert summaries == [summarise(v, i) for i, v in enumerate(iter_evaluate(rows, on, evaluator=reference,
                                                                                  flat=True))]
        assert summaries == list(iter_summaries(rows, on, evaluator=memoised, flat=True))  # from the memos
        statuses = {s["status"] for s in summaries}
        assert statuses == {"eligible", "not_eligible", "undetermined", "invalid"}
        assert sum(s["aid_total"] is not None for s in summaries) > 500


def test_cli_batch_refuses_other_formats(tmp_path, capsys):
    assert main(["evaluate-batch", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out.csv")]) == 2
    assert ".csv or .jsonl" in capsys.readouterr().err


def test_dataframe_gives_the_same_statuses_as_the_rows():
    pd = pytest.importorskip("pandas", reason="pandas is an optional extra")
    frame = pd.DataFrame(ROWS)
    result = evaluate_many(frame)
    assert list(result.columns) == list(SUMMARY_COLUMNS)
    assert list(result["status"]) == EXPECTED
    assert list(result["status"]) == statuses(evaluate_many(ROWS, flat=True))


def test_a_pandas_result_keeps_the_index_and_its_aid_totals_add_up():
    """Join the summary back on the input's index (``row`` is the position); the aid totals are exact euros."""
    pd = pytest.importorskip("pandas", reason="pandas is an optional extra")
    rows = _bench_batch().generate_rows(300, seed=5)
    frame = pd.DataFrame(rows, index=pd.Index([f"doctor-{i}" for i in range(300)], name="rpps"))
    chosen = frame.iloc[::3]
    result = evaluate_many(chosen, on="2023-06-01")
    assert list(result.index) == list(chosen.index) and result.index.name == "rpps"
    assert list(result["row"]) == list(range(len(chosen)))
    joined = chosen.join(result[["status", "aid_total"]])
    flat = evaluate_many(chosen.to_dict("records"), on="2023-06-01", flat=True)
    assert list(joined["status"]) == [v.status for v in flat]
    totals = [v.aid_total for v in flat if v.status == "eligible" and v.aid_total is not None]
    assert totals and all(isinstance(t, Decimal) for t in result["aid_total"].dropna())
    assert result["aid_total"].dropna().sum() == sum(totals)


def test_a_dataframe_with_rows_but_no_column_gives_a_summary_row_each():
    """pandas 2 gives no records for a frame with rows and no column (pandas 3 gives empty ones): each row is
    still a case where nothing is known (found by the DataFrame property on Python 3.10's pandas)."""
    pd = pytest.importorskip("pandas", reason="pandas is an optional extra")
    result = evaluate_many(pd.DataFrame([{}, {}], index=[7, 9]), on="2019-06-01")
    assert list(result.index) == [7, 9] and list(result["row"]) == [0, 1]
    assert list(result["status"]) == ["not_eligible", "not_eligible"]  # no regime before September 2019


def test_polars_dataframe_gives_the_same_statuses_as_the_rows():
    pl = pytest.importorskip("polars", reason="polars is an optional extra")
    result = evaluate_many(pl.DataFrame(ROWS))
    assert isinstance(result, pl.DataFrame)
    assert result.columns == list(SUMMARY_COLUMNS)
    assert result.schema["row"] == pl.Int64 and isinstance(result.schema["aid_total"], pl.Decimal)
    assert all(result.schema[c] == pl.Utf8 for c in SUMMARY_COLUMNS[1:] if c != "aid_total")
    assert result["row"].to_list() == [0, 1, 2, 3]
    assert result["status"].to_list() == EXPECTED
    assert "doctor.sector" in result["error"][3]


def test_a_typed_polars_frame_read_from_csv_gives_what_the_rows_and_pandas_give(tmp_path):
    """polars reads numbers as Int64 or Float64, yes/no as Boolean and dates as Date, with nulls: the same
    summary rows as the flat rows of the file and as pandas' frame of it."""
    pl = pytest.importorskip("polars", reason="polars is an optional extra")
    pd = pytest.importorskip("pandas", reason="pandas is an optional extra")
    rows = _bench_batch().generate_rows(2_000, seed=3)
    source = write_csv(tmp_path / "doctors.csv", rows)
    frame = pl.read_csv(source, try_parse_dates=True, schema_overrides={"doctor.departement": pl.Utf8})
    assert {frame.schema[c] for c in ("contract.signature_date", "doctor.rqth", "doctor.activity.file_active")} == {
        pl.Date, pl.Boolean, pl.Int64}
    result = evaluate_many(frame, on="2023-06-01")
    assert result["status"].to_list() == statuses(evaluate_many(rows, on="2023-06-01", flat=True))
    assert set(result["status"]) == {"eligible", "not_eligible", "undetermined"}
    pandas = evaluate_many(pd.read_csv(source, dtype={"doctor.departement": str}), on="2023-06-01")
    assert result.to_dicts() == pandas.astype(object).where(pandas.notna(), None).to_dict("records")


def test_polars_nulls_nan_and_datetimes():
    """A null or a NaN cell is an unknown fact; a Datetime at midnight is its date, with a time it is refused
    (the row, and only it, is an error row naming the field)."""
    pl = pytest.importorskip("polars", reason="polars is an optional extra")
    from datetime import datetime

    frame = pl.DataFrame({
        "doctor.sector": ["secteur_1", "secteur_1", None],
        "doctor.activity.percentile": [55.0, float("nan"), None],
        "contract.signature_date": [datetime(2020, 3, 1), datetime(2020, 3, 1, 10, 30), None],
    })
    result = evaluate_many(frame, on="2020-06-01").to_dicts()
    assert [r["status"] for r in result] == ["undetermined", "invalid", "undetermined"]
    assert result[0]["regime"] == result[2]["regime"] == "avenant7-2019"
    assert result[1]["error"].startswith("contract.signature_date: ")


def test_schema_command_prints_both_json_schemas(capsys):
    assert main(["schema"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"input", "verdict"}
    assert "doctor" in doc["input"]["properties"]
    assert set(doc["verdict"]["properties"]["status"]["enum"]) == {"eligible", "not_eligible", "undetermined"}


def test_verdict_renders_as_html_and_text():
    verdict = evaluate(unflatten(ROWS[0]))
    html = verdict._repr_html_()
    assert html.startswith("<div>") and "a7.secteur" in html and "https://" in html
    assert str(verdict).startswith("Verdict : ÉLIGIBLE")


# -- 100 000 generated doctors: the CLI and the DataFrame API agree ------------------------------------------
def _bench_batch():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_batch.py"
    spec = importlib.util.spec_from_file_location("bench_batch", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_plain_function_agrees_with_the_library():
    """The plain function of the speed benchmark applies the same avenant 7 conditions (its statuses agree)."""
    bench = _bench_batch()
    rows = bench.generate_rows(3000, seed=11)
    plain = bench.make_plain_status()
    verdicts = evaluate_many(rows, on=bench.ON, flat=True)
    assert [plain(r) for r in rows] == [v.status for v in verdicts]
    assert {v.status for v in verdicts} == {"eligible", "not_eligible", "undetermined"}


def test_benchmark_script_runs_and_checks_its_paths_agree(capsys):
    """The speed benchmark runs end to end on a few rows: its paths give the same statuses, it prints the
    rates, the ratios and where the time goes, and its exit code says whether the targets are met."""
    bench = _bench_batch()
    code = bench.main(["--cases", "400", "--repeat", "3"])
    out = capsys.readouterr().out
    assert "FAIL" not in out
    for line in ("plain function :", "batch, full    :", "summary rows   :", "ratio batch / plain:",
                 "where the time goes", "reading the rows", "import + load all rule files:"):
        assert line in out
    assert code == (1 if "target missed" in out else 0)


@pytest.mark.slow
def test_100000_rows_through_the_cli_and_a_dataframe_give_the_same_statuses(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    bench = _bench_batch()
    rows = bench.generate_rows(100_000, seed=2)
    rows[17]["doctor.sector"] = "secteur_9"  # one invalid row: rejected, the batch goes on
    source = write_csv(tmp_path / "doctors.csv", rows)
    out = tmp_path / "verdicts.csv"
    assert main(["evaluate-batch", str(source), "-o", str(out), "--on", "2023-06-01", "--progress", "always"]) == 0
    err = capsys.readouterr().err
    assert "100000/100000" in err  # the progress bar reached the end
    assert "99999 rows evaluated" in err and "1 row rejected" in err
    with out.open(encoding="utf-8") as f:
        cli_statuses = [r["status"] for r in csv.DictReader(f)]
    frame = pd.read_csv(source, dtype={"doctor.departement": str})
    summary = evaluate_many(frame, on="2023-06-01")
    assert len(cli_statuses) == len(summary) == 100_000
    assert summary["status"].tolist() == cli_statuses
    assert cli_statuses[17] == "invalid"
    assert set(cli_statuses) == {"eligible", "not_eligible", "undetermined", "invalid"}


# -- properties: a DataFrame or a CSV file of any generated rows says what the rows say ----------------------
_batches = st.lists(st.one_of(cases(), likely_eligible_cases(), likely_eligible_cases(drop=True)), min_size=1,
                    max_size=20)


def _summaries(rows, on):
    return [summarise(r, i) for i, r in enumerate(evaluate_many(rows, on=on, flat=True))]


def _in_a_frame(summaries):
    """The summary rows as a DataFrame holds them: the aid total as a Decimal."""
    return [{**s, "aid_total": None if s["aid_total"] is None else Decimal(s["aid_total"])} for s in summaries]


@given(batch=_batches, on=evaluation_dates)
@settings(max_examples=100, deadline=None)
def test_a_dataframe_of_any_rows_gives_the_rows_summaries(batch, on):
    """pandas turns a column of whole numbers with a blank into floats (900.0) and blanks into NaN; polars
    types its columns: the summary rows are those of the flat rows all the same."""
    pd = pytest.importorskip("pandas", reason="pandas is an optional extra")
    rows = [flatten(case) for case in batch]
    want = _summaries(rows, on)
    got = evaluate_many(pd.DataFrame(rows), on=on)
    assert got.astype(object).where(got.notna(), None).to_dict("records") == _in_a_frame(want)
    pl = pytest.importorskip("polars", reason="polars is an optional extra")
    assert evaluate_many(pl.DataFrame(rows, infer_schema_length=None), on=on).to_dicts() == _in_a_frame(want)


@given(batch=_batches, on=evaluation_dates)
@settings(max_examples=40, deadline=None)
def test_a_csv_of_any_rows_through_the_cli_gives_the_rows_summaries(batch, on):
    rows = [flatten(case) for case in batch]
    assume(any(rows))  # a CSV file with no column at all has no rows either
    with tempfile.TemporaryDirectory() as tmp:
        source, out = write_csv(Path(tmp) / "in.csv", rows), Path(tmp) / "out.csv"
        with contextlib.redirect_stderr(io.StringIO()):
            assert main(["evaluate-batch", str(source), "-o", str(out), "--on", on.isoformat()]) == 0
        with out.open(newline="", encoding="utf-8") as f:
            got = list(csv.DictReader(f))
    assert got == [{k: "" if v is None else str(v) for k, v in row.items()} for row in _summaries(rows, on)]
