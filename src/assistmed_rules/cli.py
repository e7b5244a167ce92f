"""Command line: ``assistmed-rules evaluate CASE.json [--on YYYY-MM-DD] [--format text|json]``.

Exit codes: 0 for any verdict, 2 for an invalid case, an unreadable file or invalid rules (the error goes
to stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .engine import Evaluator, coerce_date
from .errors import AssistmedError, InvalidCaseError
from .rulebook import load_rules

EXIT_OK = 0
EXIT_INVALID = 2


class InputFileError(AssistmedError):
    """A case file cannot be read as a JSON object."""


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
        description="Aide à l'emploi d'un assistant médical : éligibilité, obligations, articles cités.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="evaluate one case (a JSON file) and print its verdict")
    ev.add_argument("case", help="case file (JSON), or - for standard input")
    ev.add_argument("--on", help="evaluation date YYYY-MM-DD (default: the contract's signature date, else today)")
    ev.add_argument("--format", choices=("text", "json"), default="text", help="text report (French) or JSON verdict")
    _rules_options(ev)
    return parser


def _rules_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", help="directory of rule files (default: the rules shipped with the package)")
    parser.add_argument("--data", action="append", default=[], metavar="FILE",
                        help="data file filling an external table (e.g. the départements in tension); repeatable")


def _evaluator(args: argparse.Namespace) -> Evaluator:
    if args.rules is None and not args.data:
        return Evaluator()
    return Evaluator(load_rules(args.rules, args.data))


def cmd_evaluate(args: argparse.Namespace) -> int:
    on = coerce_date(args.on, "--on")
    case = read_case_file(args.case)
    verdict = _evaluator(args).evaluate(case, on)
    if args.format == "json":
        sys.stdout.write(verdict.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(str(verdict) + "\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return {"evaluate": cmd_evaluate}[args.command](args)
    except InvalidCaseError as exc:
        print(f"assistmed-rules: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except (AssistmedError, ValueError) as exc:
        print(f"assistmed-rules: {exc}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
