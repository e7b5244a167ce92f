"""docs/input.md's column "read by (avenant 7)" says which provisions read each input field: checked against
the rule files, so that a lawyer or an analyst can trust it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistmed_rules.rulebook import Regime, load_rules

INPUT_DOC = Path(__file__).resolve().parent.parent / "docs" / "input.md"
A7 = "avenant7-2019"
GROUPS = ("doctor.activity", "doctor", "assistant", "contract")


def _rows() -> list[tuple[str, str]]:
    """(dotted field path, the "read by" cell) for every field row of the tables with that column."""
    rows, group, in_table = [], None, False
    for line in INPUT_DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#+ `([a-z_.]+)`", line)
        if heading:
            group = heading.group(1)
        if line.startswith("| field |"):
            in_table = line.rstrip().endswith("read by (avenant 7) |")
            continue
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if in_table and group in GROUPS and cells[0].startswith("`") and f"{group}.{cells[0].strip('`')}" not in GROUPS:
            rows.append((f"{group}.{cells[0].strip('`')}", cells[-1]))
    return rows


def _reads(path: str, fields: frozenset[str] | set[str]) -> bool:
    return any(f == path or f.startswith(path + ".") for f in fields)


def _readers(regime: Regime, path: str) -> set[str]:
    """The ids of the regime's rules and obligations whose condition, applies_if or dates read ``path``."""
    out = set()
    for rule in regime.rules:
        fields = set(rule.condition.fields) | (set(rule.applies_if.fields) if rule.applies_if else set())
        if _reads(path, fields):
            out.add(rule.id)
    for ob in regime.obligations:
        fields = {ob.counted_from, ob.done_on} | (set(ob.applies_if.fields) if ob.applies_if else set())
        if _reads(path, fields):
            out.add(ob.id)
    return out


ROWS = _rows()


def test_the_input_doc_has_a_row_for_every_field_group() -> None:
    assert {path.rsplit(".", 1)[0] for path, _ in ROWS} == set(GROUPS)
    assert len(ROWS) > 25


@pytest.mark.parametrize(("path", "cell"), ROWS, ids=[path for path, _ in ROWS])
def test_read_by_names_exactly_the_avenant_7_provisions_that_read_the_field(path: str, cell: str) -> None:
    book = load_rules()
    named = set(re.findall(r"`(a7\.[a-z_.0-9]+)`", cell))
    assert named == _readers(book.regime(A7), path), cell


@pytest.mark.parametrize(("path", "cell"), [(p, c) for p, c in ROWS if c.startswith("–")],
                         ids=[p for p, c in ROWS if c.startswith("–")])
def test_a_field_no_avenant_7_provision_reads_names_the_regimes_that_do(path: str, cell: str) -> None:
    book = load_rules()
    readers = {regime.id for regime in book.regimes if regime.id != A7 and _readers(regime, path)}
    named = set(re.findall(r"(reglement-arbitral-2023|convention-2024)", cell))
    assert named == readers, cell
