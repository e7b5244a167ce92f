"""Command line.

- ``assistmed-rules evaluate CASE.json [--on YYYY-MM-DD] [--format text|json]``: one case, its verdict.
- ``assistmed-rules evaluate-batch IN.csv|IN.jsonl -o OUT.csv|OUT.jsonl [--full]``: many cases, one summary
  row each (a CSV header is checked before any row; the output appears only once written in full; ``--full``
  needs a JSON Lines output).
- ``assistmed-rules schema [input|verdict|both]``: the JSON Schema of the input and of the verdict (default: both).
- ``assistmed-rules docs OUT_DIR``: one Markdown page per regime, in French, generated from the rule files.
- ``assistmed-rules lint [PATH]``: check rule files (exit code 1 on an error).

Exit codes: 0 for any verdict, 2 for an invalid case, an unreadable or unwritable path, a CSV header with an
unknown or duplicated column, or invalid rules (the error goes to stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import secrets
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from . import lint as lint_cli
from .batch import SUMMARY_COLUMNS, gc_paused, iter_evaluate, iter_summaries, repeated_columns, summarise
from .engine import Evaluator, coerce_date
from .errors import AssistmedError, InvalidCaseError
from .facts import PATHS
from .i18n import DEFAULT_LANGUAGE, LANGUAGES
from .models import Case, suggest
from .rulebook import load_rules
from .verdict import Verdict

EXIT_OK = 0
EXIT_INVALID = 2


class InputFileError(AssistmedError):
    """A file named on the command line cannot be read (or is not what the command expects)."""


class OutputPathError(AssistmedError):
    """A file or directory named on the command line cannot be written."""


class UsageError(AssistmedError):
    """Options that cannot be used together."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputFileError(f"duplicate key {key!r} in the JSON object: each key may appear once")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise InputFileError(f"{name} is not a valid JSON number: use a finite number or leave the field out")


def read_case_file(path: str) -> Any:
    """Read a case file (JSON, UTF-8, no duplicate keys, no NaN or Infinity); ``-`` reads standard input."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}): save the file as UTF-8") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except InputFileError as exc:
        raise InputFileError(f"{path}: {exc}") from None
    except RecursionError:
        raise InputFileError(f"{path}: JSON nested too deeply") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistmed-rules",
        description="Aide à l'emploi d'un assistant médical (aid for employing a medical assistant): eligibility,"
                    " obligations and aid, every answer cited. Help and error messages are in English; verdicts in"
                    " French by default, English with --lang en.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="evaluate one case (a JSON file) and print its verdict")
    ev.add_argument("case", help="case file (JSON), or - for standard input")
    ev.add_argument("--on", help="evaluation date YYYY-MM-DD (default: the contract's signature date, else today)")
    ev.add_argument("--format", choices=("text", "json"), default="text", help="text report or JSON verdict")
    _rules_options(ev)


    batch = sub.add_parser("evaluate-batch", help="evaluate a CSV or JSON Lines file of cases, one summary row each")
    batch.add_argument("input", help="IN.csv (columns named by dotted field paths) or IN.jsonl (one case per line)")
    batch.add_argument("-o", "--output", required=True, help="OUT.csv or OUT.jsonl")
    batch.add_argument("--on", help="evaluation date YYYY-MM-DD")
    batch.add_argument("--full", action="store_true",
                       help="include each full verdict (JSON Lines output only: refused with a CSV output)")
    batch.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                       help="progress bar on stderr (auto: only when stderr is a terminal)")
    _rules_options(batch)
    docs = sub.add_parser("docs", help="write one Markdown page per regime (in French), generated from the rule files")
    docs.add_argument("out_dir", help="directory to write the pages into (e.g. docs/regimes)")
    _rules_options(docs, lang_help="language of the pages: fr only (the generated pages are in French)")
    schema = sub.add_parser("schema", help="print the JSON Schema of the input case and of the verdict")
    schema.add_argument("which", nargs="?", choices=("input", "verdict", "both"), default="both",
                        help="the schema to print: input, verdict or both (default: both)")
    lint = sub.add_parser(
        "lint", help="check rule files: schema, citations, ids, parameter periods, fields, rules that can never fire")
    lint_cli.configure_parser(lint)
    return parser


def _rules_options(parser: argparse.ArgumentParser,
                   lang_help: str = "language of the messages and reports: fr (default) or en") -> None:
    parser.add_argument("--rules", help="directory of rule files (default: the rules shipped with the package)")
    parser.add_argument("--data", action="append", default=[], metavar="FILE",
                        help="data file filling an external table (e.g. the départements in tension); repeatable")
    parser.add_argument("--lang", type=str.lower, choices=LANGUAGES, default=DEFAULT_LANGUAGE, help=lang_help)


def _evaluator(args: argparse.Namespace) -> Evaluator:
    for path in args.data:
        if os.path.isdir(path):
            raise InputFileError(f"{path}: is a directory: --data takes a data file")
    rules = None if args.rules is None and not args.data else load_rules(args.rules, args.data)
    return Evaluator(rules, language=args.lang)


def cmd_evaluate(args: argparse.Namespace) -> int:
    on = coerce_date(args.on, "--on")
    case = read_case_file(args.case)
    verdict = _evaluator(args).evaluate(case, on)
    if args.format == "json":
        sys.stdout.write(verdict.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(str(verdict) + "\n")
    return EXIT_OK


@contextlib.contextmanager
def _decoding(path: str) -> Iterator[None]:
    """Turn a decoding error of the input into a message naming the file and saying what to do."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8") from None


def _open_input(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file: {exc.strerror}") from None


def _read_rows(path: str, handle: TextIO) -> Iterator[dict[str, Any]]:
    """Rows of a CSV (flat, dotted column names) or JSON Lines file (nested or flat objects).

    A CSV file's header is read and checked now, before any row (:func:`_check_header`).
    """
    if not path.endswith(".csv"):
        return _json_lines(path, handle)
    reader = csv.DictReader(handle)
    with _decoding(path):
        header = reader.fieldnames
    if header is None:  # an empty file
        return iter(())
    _check_header(path, header)
    return _csv_rows(path, reader)


def _csv_rows(path: str, reader: csv.DictReader[str]) -> Iterator[dict[str, Any]]:
    columns = len(reader.fieldnames or ())
    with _decoding(path):
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a cell over the csv module's size limit, a NUL byte...
                raise InputFileError(f"{path}: after line {reader.line_num}: {exc}") from None
            if None in row:  # cells beyond the header's columns come under the key None
                yield {"__error__": f"line {reader.line_num}: {len(row[None])} more cell(s) than the header has columns"}
            elif None in row.values():  # a missing cell is None (restval), an empty one ""
                yield {"__error__": f"line {reader.line_num}: fewer cells than the header has columns ({columns}):"
                                    " a cell is missing (an empty cell is written as nothing between two commas)"}
            else:
                yield row


def _json_lines(path: str, handle: TextIO) -> Iterator[dict[str, Any]]:
    with _decoding(path):
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
            except (ValueError, InputFileError) as exc:  # JSONDecodeError, and an integer of too many digits
                row = {"__error__": f"line {number}: not a valid JSON object ({exc})"}
            except RecursionError:
                row = {"__error__": f"line {number}: not a valid JSON object (nested too deeply)"}
            yield row if isinstance(row, dict) else {"__error__": f"line {number}: not a JSON object"}


def _check_header(path: str, header: Sequence[str]) -> None:
    """Refuse a CSV header with a duplicated or unknown column (a column with no name is left out)."""
    names = [name.strip() for name in header if name.strip()]
    if not names:
        raise InputFileError(f"{path}: the first line names no column: put the column names (dotted field paths"
                             " such as doctor.sector) on the first line")
    duplicated = repeated_columns(names)
    if duplicated:
        raise InputFileError(f"{path}: duplicate column(s) {', '.join(map(repr, duplicated))}: each column may"
                             " appear once")
    unknown = [name for name in names if name not in _KNOWN_COLUMNS]
    if not unknown:
        return
    if len(unknown) == len(names) and any(";" in name for name in header):
        raise InputFileError(f"{path}: no known column, and the header contains ';': the file seems to be"
                             " separated by semicolons; save it as CSV separated by commas")
    described = "; ".join(f"{name!r}{suggest(name, list(PATHS))}" for name in unknown)
    raise InputFileError(f"{path}: unknown column(s) {described}: the columns are the dotted field paths of"
                         " the input (e.g. doctor.sector: see docs/input.md or `assistmed-rules schema input`)")


_KNOWN_COLUMNS = frozenset(PATHS)


def _count_lines(path: str) -> int | None:
    try:
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip()) - (1 if path.endswith(".csv") else 0)
    except OSError:
        return None


class _Progress:
    """A one-line progress bar on stderr, drawn only when asked to or when stderr is a terminal."""

    def __init__(self, total: int | None, mode: str) -> None:
        self.total = total
        self.enabled = mode == "always" or (mode == "auto" and sys.stderr.isatty())
        self.last = -1.0

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and done != self.total:
            return
        self.last = now
        if self.total:
            width = 30
            filled = int(width * done / self.total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}")
        else:
            sys.stderr.write(f"\r{done} cases")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def _evaluate_rows(rows: Iterator[dict[str, Any]], on: Any, evaluator: Evaluator, full: bool
                   ) -> Iterator[tuple[dict[str, Any], Verdict | None]]:
    """The summary row of each row, in order, and its verdict when ``full`` (else None).

    Flat rows (dotted keys: every CSV row, flat JSON Lines) go through the batch path a chunk at a time
    (each distinct value of a column validated once; without ``full``, summarised without building their
    verdicts: :func:`~assistmed_rules.batch.iter_summaries`); nested JSON objects are validated as cases,
    one by one; a line that is not a JSON object is an error row.
    """
    first = 0
    while True:
        chunk = list(islice(rows, 1_024))
        if not chunk:
            return
        is_flat = ["__error__" not in row and any("." in key for key in row) for row in chunk]
        flat = [row for row, yes in zip(chunk, is_flat) if yes]
        read: Iterator[Any] = (iter_evaluate if full else iter_summaries)(flat, on, evaluator=evaluator, flat=True)
        for i, (row, row_is_flat) in enumerate(zip(chunk, is_flat), first):
            result: Any
            if "__error__" in row:
                result = InvalidCaseError([{"field": "<row>", "message": row["__error__"], "input": None}], f"row {i}")
            elif row_is_flat:
                result = next(read)
                if not full:
                    result["row"] = i
                    yield result, None
                    continue
            else:
                try:
                    result = evaluator.evaluate(row, on)
                except InvalidCaseError as exc:
                    result = InvalidCaseError(exc.errors, f"row {i}")
            yield summarise(result, i), result if full and isinstance(result, Verdict) else None
        first += len(chunk)


def _check_batch_paths(args: argparse.Namespace) -> None:
    """Refuse, before any work, paths and options the batch could not honour."""
    if not (args.output.endswith(".csv") or args.output.endswith(".jsonl")):
        raise OutputPathError(f"{args.output}: the output must be a .csv or .jsonl file")
    if not (args.input.endswith(".csv") or args.input.endswith(".jsonl")):
        raise InputFileError(f"{args.input}: the input must be a .csv or .jsonl file")
    if not os.path.exists(args.input):
        raise InputFileError(f"{args.input}: no such file")
    if os.path.isdir(args.input):
        raise InputFileError(f"{args.input}: is a directory, not a file")
    if args.full and args.output.endswith(".csv"):
        raise UsageError(f"--full: full verdicts are written to JSON Lines output only: write to a .jsonl file,"
                         f" or leave out --full for the summary rows of {args.output}")
    if os.path.isdir(args.output):
        raise OutputPathError(f"{args.output}: is a directory: name the file to write")
    parent = os.path.dirname(args.output) or "."
    if not os.path.isdir(parent):
        raise OutputPathError(f"{args.output}: cannot write the file: no such directory {parent}")
    if os.path.exists(args.output) and os.path.samefile(args.input, args.output):
        raise OutputPathError(f"{args.output}: the output would overwrite the input: write it to another file")


@contextlib.contextmanager
def _replacing(path: str) -> Iterator[TextIO]:
    """A text file that becomes ``path`` once written in full: an error on the way leaves ``path`` as it was.

    The temporary file beside it is opened the usual way (``"x"``: created, never reused), so it has the
    permissions the process gives new files.
    """
    temporary = os.path.join(os.path.dirname(path) or ".",
                             f".{os.path.basename(path)}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        out = open(temporary, "x", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise OutputPathError(f"{path}: cannot write the file: {exc.strerror}") from None
    try:
        with out:
            yield out
        try:
            os.replace(temporary, path)
        except OSError as exc:
            raise OutputPathError(f"{path}: cannot write the file: {exc.strerror}") from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _write_summaries(out: TextIO, rows: Iterator[tuple[dict[str, Any], Verdict | None]], csv_out: bool,
                     progress: _Progress) -> Counter[str]:
    """Write each summary row (and verdict, if any) to ``out``; return how many rows had each status."""
    counts: Counter[str] = Counter()
    writer = csv.DictWriter(out, fieldnames=list(SUMMARY_COLUMNS)) if csv_out else None
    if writer is not None:
        writer.writeheader()
    for i, (summary, verdict) in enumerate(rows):
        counts[summary["status"]] += 1
        if writer is not None:
            writer.writerow(summary)
        else:
            if verdict is not None:
                summary["verdict"] = verdict.model_dump(mode="json")
            out.write(json.dumps(summary, ensure_ascii=False) + "\n")
        progress.update(i + 1)
    return counts


def _rows_text(count: int) -> str:
    return f"{count} row{'' if count == 1 else 's'}"


def _batch_report(counts: Counter[str], source: str, output: str) -> str:
    """The line printed at the end of a batch: rows evaluated (by status) and rows rejected."""
    rejected = counts["invalid"]
    evaluated = sum(counts.values()) - rejected
    if not evaluated and not rejected:
        return f"{source}: no rows: nothing evaluated -> {output}"
    if evaluated:
        parts = ", ".join(f"{status}: {counts[status]}" for status in ("eligible", "not_eligible", "undetermined")
                          if counts[status])
    else:
        parts = "every row rejected: see the error column"
    return f"{_rows_text(evaluated)} evaluated ({parts}); {_rows_text(rejected)} rejected -> {output}"


def cmd_evaluate_batch(args: argparse.Namespace) -> int:
    on = coerce_date(args.on, "--on")
    _check_batch_paths(args)
    evaluator = _evaluator(args)
    with _open_input(args.input) as handle:
        rows = _read_rows(args.input, handle)  # a CSV header is checked here, before the output is written
        progress = _Progress(_count_lines(args.input), args.progress)
        try:
            with _replacing(args.output) as out, gc_paused():
                counts = _write_summaries(out, _evaluate_rows(rows, on, evaluator, args.full),
                                          args.output.endswith(".csv"), progress)
        finally:
            progress.close()  # an error message, if any, starts on a line of its own
    print(_batch_report(counts, args.input, args.output), file=sys.stderr)
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    from .docgen import write_docs

    if args.lang != "fr":
        raise UsageError(f"docs --lang {args.lang}: the generated pages are in French only; leave out --lang")
    if os.path.exists(args.out_dir) and not os.path.isdir(args.out_dir):
        raise OutputPathError(f"{args.out_dir}: not a directory: name a directory to write the pages into")
    rules = _evaluator(args).rules
    try:
        pages = write_docs(rules, args.out_dir)
    except OSError as exc:
        raise OutputPathError(f"{exc.filename or args.out_dir}: cannot write the pages: {exc.strerror}") from None
    for page in pages:
        print(page)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    schemas = {"input": Case.model_json_schema(), "verdict": Verdict.model_json_schema(mode="serialization")}
    doc = schemas if args.which == "both" else schemas[args.which]
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        commands = {"evaluate": cmd_evaluate, "evaluate-batch": cmd_evaluate_batch, "schema": cmd_schema,
                    "docs": cmd_docs, "lint": lint_cli.run}
        return commands[args.command](args)
    except InvalidCaseError as exc:
        print(f"assistmed-rules: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except (AssistmedError, ValueError) as exc:
        print(f"assistmed-rules: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as exc:  # a path no check foresaw: still a message, not a traceback
        print(f"assistmed-rules: {_os_error_text(exc)}", file=sys.stderr)
        return EXIT_INVALID


def _os_error_text(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename else reason


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
