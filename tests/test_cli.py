"""Issue 2: the command line ``assistmed-rules evaluate CASE.json [--on DATE] [--format text|json]``.

Exit code 0 for any verdict, 2 for an invalid case or an unreadable file (the error on stderr). Run in-process
through ``assistmed_rules.cli.main`` and, a few times, as a real subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from assistmed_rules import evaluate
from assistmed_rules.cli import main

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
#: What the legal digest says of each shipped example (file name -> status).
EXPECTED_STATUS = {
    "generaliste-msp-2020.json": "eligible",
    "secteur2-sans-optam-2020.json": "not_eligible",
    "radiologue-activite-inconnue-2021.json": "undetermined",
    "assistant-sans-qualification-2021.json": "eligible",
}
STATUS_TEXT = {"eligible": "Verdict : ÉLIGIBLE", "not_eligible": "Verdict : NON ÉLIGIBLE", "undetermined": "Verdict : INDÉTERMINÉ"}
EXIT_INVALID = 2


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["evaluate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def cli_command() -> list[str]:
    """The installed console script of this interpreter's environment, else the same entry point via -c."""
    script = shutil.which("assistmed-rules", path=sysconfig.get_path("scripts"))
    if script:
        return [script]
    return [sys.executable, "-c", "import sys; from assistmed_rules.cli import main; sys.exit(main())"]


def run_subprocess(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(cli_command() + args, cwd=cwd, input=stdin, capture_output=True, env=env, timeout=60,
                          check=False)


def statuses(verdict: dict) -> dict[str, str]:
    return {o["obligation_id"]: o["state"] for o in verdict["obligations"]}


def test_the_examples_are_there():
    assert {p.name for p in EXAMPLES} >= set(EXPECTED_STATUS)


# ---------------------------------------------------------------------------------------------------------
# In-process
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_json_output_parses_and_matches_the_library(capsys, example):
    code, out, err = run(capsys, str(example), "--format", "json")
    assert code == 0, err
    assert err == ""
    verdict = json.loads(out)
    expected = evaluate(json.loads(example.read_text(encoding="utf-8")))
    assert verdict["status"] == expected.status
    assert [f["rule_id"] for f in verdict["findings"]] == [f.rule_id for f in expected.findings]
    assert all(f["citations"] for f in verdict["findings"])
    if example.name in EXPECTED_STATUS:
        assert verdict["status"] == EXPECTED_STATUS[example.name]
        assert verdict["regime"] == "avenant7-2019"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_text_report_in_french_with_status_and_sources(capsys, example):
    code, out, err = run(capsys, str(example))
    assert code == 0, err
    verdict = evaluate(json.loads(example.read_text(encoding="utf-8")))
    assert out.startswith(STATUS_TEXT[verdict.status])
    assert "Conditions :" in out
    source_lines = [line for line in out.splitlines() if line.strip().startswith("Source :")]
    assert len(source_lines) >= len(verdict.findings)  # one per condition at least
    for finding in verdict.findings:
        assert finding.rule_id in out


def test_text_report_of_an_eligible_case_names_the_articles(capsys, examples_dir):
    code, out, _ = run(capsys, str(examples_dir / "generaliste-msp-2020.json"))
    assert code == 0
    assert "Verdict : ÉLIGIBLE" in out and "NON ÉLIGIBLE" not in out
    assert "art. 9-5-2-2" in out  # the activity threshold's article
    assert "a7.activite" in out


def test_text_report_of_a_refused_case_says_which_condition_failed(capsys, examples_dir):
    code, out, _ = run(capsys, str(examples_dir / "secteur2-sans-optam-2020.json"))
    assert code == 0  # a verdict, even "not eligible", is a success
    assert "Verdict : NON ÉLIGIBLE" in out
    failed = [line for line in out.splitlines() if "[NON REMPLI]" in line]
    assert len(failed) == 1 and "a7.secteur" in failed[0]


def test_json_of_a_refused_case_lists_the_failed_finding(capsys, examples_dir):
    code, out, _ = run(capsys, str(examples_dir / "secteur2-sans-optam-2020.json"), "--format", "json")
    verdict = json.loads(out)
    assert code == 0
    assert [f["rule_id"] for f in verdict["findings"] if f["outcome"] == "not_met"] == ["a7.secteur"]


def test_on_changes_the_obligation_states(capsys, tmp_path, make_case):
    case = tmp_path / "case.json"
    case.write_text(json.dumps(make_case({
        "doctor.coordinated_practice": "aucune", "doctor.coordinated_practice_commitment": True,
        "doctor.group_practice_doctors": 3,
        "assistant.qualification": "aucune", "assistant.hire_date": "2020-02-29",
        "assistant.training_enrolled_on": "2021-06-01",
    })), encoding="utf-8")
    code, out, _ = run(capsys, str(case), "--format", "json")
    at_signature = json.loads(out)
    assert code == 0
    assert at_signature["evaluated_on"] == "2020-03-01"
    assert statuses(at_signature) == {
        "a7.formation.entree": "pending", "a7.formation.cqp": "pending", "a7.exercice_coordonne.adhesion": "pending",
    }

    code, out, _ = run(capsys, str(case), "--format", "json", "--on", "2022-03-01")
    later = json.loads(out)
    assert code == 0
    assert later["evaluated_on"] == "2022-03-01"
    assert later["status"] == at_signature["status"] == "eligible"
    assert statuses(later) == {
        "a7.formation.entree": "met",  # enrolled 2021-06-01, before the 2022-02-28 deadline
        "a7.formation.cqp": "pending",  # due 2023-02-28
        "a7.exercice_coordonne.adhesion": "overdue",  # due 2022-02-28, not joined
    }

    _, text, _ = run(capsys, str(case), "--on", "2022-03-01")
    assert "EN RETARD" in text
    _, text, _ = run(capsys, str(case))
    assert "EN RETARD" not in text


def test_invalid_case_exits_2_naming_the_field_on_stderr(capsys, tmp_path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"doctor": {"sector": "secteur_9", "activity": {"mt_patients_adult": -5}}}), encoding="utf-8")
    code, out, err = run(capsys, str(case))
    assert code == EXIT_INVALID
    assert out == ""
    assert "doctor.sector" in err and "secteur_1" in err  # the field and what is accepted
    assert "doctor.activity.mt_patients_adult" in err


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"doctor": {"sector": ', "not valid JSON"),
        (b'{"doctor": {"sector": "secteur_1"}, "doctor": {"sector": "secteur_2"}}', "duplicate key"),
        (b'{"doctor": {"departement": "\xe9"}}', "UTF-8"),
        (b'{"doctor": {"activity": {"percentile": NaN}}}', "NaN"),
        (b'{"doctor": {"activity": {"percentile": Infinity}}}', "Infinity"),
        (b'[{"doctor": {}}]', "<case>"),
    ],
    ids=["invalid-json", "duplicate-keys", "not-utf8", "nan", "infinity", "not-an-object"],
)
def test_unreadable_case_files_exit_2(capsys, tmp_path, content, problem):
    case = tmp_path / "case.json"
    case.write_bytes(content)
    code, out, err = run(capsys, str(case), "--format", "json")
    assert code == EXIT_INVALID
    assert out == ""
    assert problem in err


def test_missing_case_file_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "absent.json"))
    assert (code, out) == (EXIT_INVALID, "")
    assert "absent.json" in err


def test_invalid_on_date_exits_2(capsys, examples_dir):
    code, out, err = run(capsys, str(examples_dir / "generaliste-msp-2020.json"), "--on", "2020-02-30")
    assert (code, out) == (EXIT_INVALID, "")
    assert "--on" in err


def test_utf8_bom_is_accepted(capsys, tmp_path, examples_dir):
    case = tmp_path / "bom.json"
    case.write_bytes(b"\xef\xbb\xbf" + (examples_dir / "generaliste-msp-2020.json").read_bytes())
    code, out, _ = run(capsys, str(case), "--format", "json")
    assert code == 0
    assert json.loads(out)["status"] == "eligible"


# ---------------------------------------------------------------------------------------------------------
# As a subprocess, from another working directory
# ---------------------------------------------------------------------------------------------------------
def test_console_script_is_installed():
    assert shutil.which("assistmed-rules", path=sysconfig.get_path("scripts"))


def test_subprocess_json_from_another_directory(tmp_path, examples_dir):
    proc = run_subprocess(["evaluate", str(examples_dir / "generaliste-msp-2020.json"), "--format", "json"], tmp_path)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    verdict = json.loads(proc.stdout.decode("utf-8"))
    assert (verdict["status"], verdict["regime"]) == ("eligible", "avenant7-2019")


def test_subprocess_text_report_from_stdin(tmp_path, examples_dir):
    case = (examples_dir / "secteur2-sans-optam-2020.json").read_bytes()
    proc = run_subprocess(["evaluate", "-"], tmp_path, stdin=case)
    assert proc.returncode == 0
    out = proc.stdout.decode("utf-8")
    assert "NON ÉLIGIBLE" in out
    assert "Source :" in out


def test_subprocess_invalid_case_from_stdin_exits_2(tmp_path):
    proc = run_subprocess(["evaluate", "-"], tmp_path, stdin=b'{"doctor": {"specialty": "cardiolgie"}}')
    assert proc.returncode == EXIT_INVALID
    assert proc.stdout == b""
    err = proc.stderr.decode("utf-8")
    assert "doctor.specialty" in err and "cardiologie" in err



# ---------------------------------------------------------------------------------------------------------
# Paths the command line cannot read or write: one line on stderr, exit code 2, never a traceback
# ---------------------------------------------------------------------------------------------------------
CASE_CSV = "doctor.sector,contract.signature_date\nsecteur_1,2020-03-01\n"


@pytest.fixture
def cases_csv(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text(CASE_CSV, encoding="utf-8")
    return path


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, out: str, err: str, *words: str) -> None:
    assert (code, out) == (EXIT_INVALID, "")
    assert err.startswith("assistmed-rules: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err


def test_batch_output_in_a_missing_directory(capsys, tmp_path, cases_csv):
    output = tmp_path / "absent" / "out.csv"
    assert_one_line_error(*run_main(capsys, "evaluate-batch", str(cases_csv), "-o", str(output)), str(output),
                          "no such directory")
    assert not output.parent.exists()


def test_batch_output_that_is_a_directory(capsys, tmp_path, cases_csv):
    output = tmp_path / "out.csv"
    output.mkdir()
    assert_one_line_error(*run_main(capsys, "evaluate-batch", str(cases_csv), "-o", str(output)), str(output),
                          "is a directory")


def test_batch_input_that_is_a_directory(capsys, tmp_path):
    source = tmp_path / "in.csv"
    source.mkdir()
    assert_one_line_error(*run_main(capsys, "evaluate-batch", str(source), "-o", str(tmp_path / "out.csv")),
                          str(source), "is a directory")
    assert not (tmp_path / "out.csv").exists()


def test_docs_into_a_file(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    assert_one_line_error(*run_main(capsys, "docs", str(afile)), str(afile), "not a directory")


def test_docs_into_a_directory_that_cannot_be_made(capsys, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    target = afile / "pages"  # under a file: cannot be created (as /proc/x on Linux)
    assert_one_line_error(*run_main(capsys, "docs", str(target)), str(target), "cannot write the pages")


@pytest.mark.parametrize("command", ["evaluate", "docs"])
def test_data_option_naming_a_directory(capsys, tmp_path, examples_dir, command):
    first = str(examples_dir / "generaliste-msp-2020.json") if command == "evaluate" else str(tmp_path / "pages")
    assert_one_line_error(*run_main(capsys, command, first, "--data", str(tmp_path)), str(tmp_path),
                          "is a directory")


def test_rules_option_naming_a_file(capsys, tmp_path, examples_dir):
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    assert_one_line_error(*run_main(capsys, "evaluate", str(examples_dir / "generaliste-msp-2020.json"),
                                    "--rules", str(afile)), str(afile))


def test_an_unforeseen_os_error_is_a_message_too(capsys, monkeypatch, examples_dir):
    from assistmed_rules import cli

    def unreadable(path: str) -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(cli, "read_case_file", unreadable)
    assert_one_line_error(*run_main(capsys, "evaluate", "case.json"), "case.json: Permission denied")


def test_subprocess_output_directory_gives_no_traceback(tmp_path, cases_csv):
    (tmp_path / "d.csv").mkdir()
    proc = run_subprocess(["evaluate-batch", str(cases_csv), "-o", "d.csv"], tmp_path)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == EXIT_INVALID
    assert "Traceback" not in err and err.startswith("assistmed-rules: d.csv: ")


# ---------------------------------------------------------------------------------------------------------
# evaluate-batch: the output appears only once written in full
# ---------------------------------------------------------------------------------------------------------
def test_a_latin1_csv_leaves_no_output_behind(capsys, tmp_path):
    source = tmp_path / "latin1.csv"
    source.write_bytes("doctor.sector,doctor.departement\nsecteur_1,Hérault\n".encode("latin-1"))
    output = tmp_path / "out.csv"
    code, _, err = run_main(capsys, "evaluate-batch", str(source), "-o", str(output))
    assert code == EXIT_INVALID and "UTF-8" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latin1.csv"]  # no output, no temporary file
    output.write_text("earlier results\n", encoding="utf-8")
    assert main(["evaluate-batch", str(source), "-o", str(output)]) == EXIT_INVALID
    assert output.read_text(encoding="utf-8") == "earlier results\n"  # left as it was


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_output_file_has_the_usual_permissions(tmp_path, cases_csv):
    output = tmp_path / "out.csv"
    assert main(["evaluate-batch", str(cases_csv), "-o", str(output)]) == 0
    mask = os.umask(0)
    os.umask(mask)
    assert output.stat().st_mode & 0o777 == 0o666 & ~mask


# ---------------------------------------------------------------------------------------------------------
# evaluate-batch: the CSV header is checked once, before any row
# ---------------------------------------------------------------------------------------------------------
def batch(capsys, tmp_path: Path, content: str, *options: str, name: str = "in.csv") -> tuple[int, str, Path]:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    output = tmp_path / ("out.csv" if "--full" not in options else "out.jsonl")
    code, out, err = run_main(capsys, "evaluate-batch", str(source), "-o", str(output), *options)
    assert out == ""
    return code, err, output


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("doctor.secteur,contract.signature_date", ["unknown column", "'doctor.secteur'", "did you mean 'doctor.sector'"]),
        ("doctor.sector;contract.signature_date", ["';'", "semicolons", "separated by commas"]),
        ("doctor.sector,doctor.sector", ["duplicate column", "'doctor.sector'"]),
        ("doctor.sector, doctor.sector ", ["duplicate column", "'doctor.sector'"]),
        ("", ["names no column"]),
    ],
    ids=["misspelt", "semicolons", "duplicated", "duplicated-with-spaces", "blank-first-line"],
)
def test_a_bad_header_is_refused_once_before_any_row(capsys, tmp_path, header, words):
    rows = "secteur_1,2020-03-01\n" * 3
    code, err, output = batch(capsys, tmp_path, f"{header}\n{rows}")
    assert code == EXIT_INVALID
    assert err.count("\n") == 1 and all(word in err for word in words), err
    assert not output.exists()  # no row written


def test_a_header_with_padded_names_and_an_unnamed_empty_column_is_accepted(capsys, tmp_path):
    code, err, output = batch(capsys, tmp_path, " doctor.sector ,contract.signature_date,\nsecteur_1,2020-03-01,\n")
    assert code == 0, err
    assert "1 row evaluated (undetermined: 1); 0 rows rejected" in err
    assert output.read_text(encoding="utf-8").splitlines()[1].startswith("0,undetermined,avenant7-2019,")


@pytest.mark.parametrize(("name", "content"), [("in.csv", ""), ("in.csv", "doctor.sector,contract.option\n"),
                                               ("in.jsonl", ""), ("in.jsonl", "\n\n")],
                         ids=["empty-csv", "header-only-csv", "empty-jsonl", "blank-jsonl"])
def test_no_rows_is_said(capsys, tmp_path, name, content):
    code, err, output = batch(capsys, tmp_path, content, name=name)
    assert code == 0
    assert "no rows" in err and "evaluated (" not in err
    assert output.read_text(encoding="utf-8").count("\n") == (1 if output.suffix == ".csv" else 0)


def test_the_summary_counts_rejected_rows_apart(capsys, tmp_path):
    content = CASE_CSV + "secteur_9,2020-03-01\nsecteur_2,2020-03-01\n"
    code, err, _ = batch(capsys, tmp_path, content)
    assert code == 0
    assert "2 rows evaluated (undetermined: 2); 1 row rejected -> " in err

    code, err, _ = batch(capsys, tmp_path, "doctor.sector\nsecteur_9\n")
    assert code == 0
    assert "0 rows evaluated (every row rejected: see the error column); 1 row rejected" in err
    assert "none" not in err


# ---------------------------------------------------------------------------------------------------------
# Options a command cannot honour
# ---------------------------------------------------------------------------------------------------------
def test_full_with_a_csv_output_is_refused(capsys, tmp_path, cases_csv):
    output = tmp_path / "out.csv"
    assert_one_line_error(*run_main(capsys, "evaluate-batch", str(cases_csv), "-o", str(output), "--full"),
                          "--full", "JSON Lines", ".jsonl")
    assert not output.exists()
    assert "JSON Lines output only" in main_help(capsys, "evaluate-batch")


def test_full_with_a_jsonl_output_gives_the_verdicts(capsys, tmp_path, cases_csv):
    output = tmp_path / "out.jsonl"
    assert main(["evaluate-batch", str(cases_csv), "-o", str(output), "--full"]) == 0
    assert json.loads(output.read_text(encoding="utf-8"))["verdict"]["regime"] == "avenant7-2019"


def test_docs_in_english_is_refused_saying_the_pages_are_in_french(capsys, tmp_path):
    pages = tmp_path / "pages"
    assert_one_line_error(*run_main(capsys, "docs", str(pages), "--lang", "en"), "French")
    assert not pages.exists()
    code, out, _ = run_main(capsys, "docs", str(pages))
    assert code == 0 and (pages / "index.md").exists() and "index.md" in out


def main_help(capsys, command: str) -> str:
    """The help of a subcommand, its lines joined (argparse wraps them to the terminal's width)."""
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_schema_help_gives_its_default(capsys):
    assert "(default: both)" in main_help(capsys, "schema")
    assert main(["schema"]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {"input", "verdict"}
