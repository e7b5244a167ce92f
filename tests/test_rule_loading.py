"""Issue 2: loading rule files. A malformed or unsafe rule file is refused with a RuleFileError that names the
file, the rule and the problem; nothing in a rule file is ever executed.

Each test edits a copy of rules/avenant7-2019.yaml in a temporary directory and loads that directory.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistmed_rules import RuleFileError, evaluate, load_rules
from assistmed_rules.rulebook import default_rules_dir

AVENANT7_FILE = Path(__file__).resolve().parents[1] / "rules" / "avenant7-2019.yaml"

#: libyaml's loader and dumper when PyYAML has them (the test's own parsing stays fast); safe either way.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
ORIGINAL_TEXT = AVENANT7_FILE.read_text(encoding="utf-8")
ORIGINAL_DATA = yaml.load(ORIGINAL_TEXT, Loader=FAST_LOADER)


def rule(data: dict, rule_id: str) -> dict:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def nested(kind: str, levels: int) -> dict:
    """A condition ``levels`` deep: ``levels - 1`` logical nodes around one comparison."""
    cond: dict = {"field": "doctor.sector", "is": "secteur_1"}
    for _ in range(levels - 1):
        cond = {"not": cond} if kind == "not" else {kind: [cond]}
    return cond


@pytest.fixture
def write_rules(tmp_path: Path) -> Callable[..., Path]:
    """Write an edited copy of the avenant 7 rule file and return its directory.

    ``edit(data)`` changes the parsed YAML in place (then dumped with PyYAML's safe dumper); ``text`` replaces the
    whole file; ``replace=(old, new)`` edits the original text (``old`` must occur).
    """

    def write(edit: Callable[[dict], None] | None = None, *, text: str | None = None,
              replace: tuple[str, str] | None = None) -> Path:
        directory = tmp_path / "rules"
        directory.mkdir(exist_ok=True)
        if text is None and replace is not None:
            old, new = replace
            assert old in ORIGINAL_TEXT, f"the rule file no longer contains {old!r}: update the test"
            text = ORIGINAL_TEXT.replace(old, new, 1)
        if text is None:
            data = copy.deepcopy(ORIGINAL_DATA)
            if edit is not None:
                edit(data)
            text = yaml.dump(data, Dumper=FAST_DUMPER, allow_unicode=True, sort_keys=False)
        (directory / AVENANT7_FILE.name).write_text(text, encoding="utf-8")
        return directory

    return write


def refused(directory: Path) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_rules(directory)
    assert info.value.file == str(directory / AVENANT7_FILE.name)
    assert AVENANT7_FILE.name in str(info.value)
    return info.value


# ---------------------------------------------------------------------------------------------------------
# Controls: the copies the other tests edit are valid as they are
# ---------------------------------------------------------------------------------------------------------
def test_an_unedited_copy_loads_and_decides_the_issue_case(write_rules, issue_case):
    for directory in (write_rules(), write_rules(text=ORIGINAL_TEXT)):
        book = load_rules(directory)
        assert [r.id for r in book.regimes] == ["avenant7-2019"]
        assert evaluate(issue_case, rules=book).status == "eligible"


def test_shipped_rules_load_from_any_working_directory(tmp_path, monkeypatch, issue_case):
    monkeypatch.chdir(tmp_path)
    assert default_rules_dir().is_absolute()
    book = load_rules()
    assert "avenant7-2019" in [r.id for r in book.regimes]
    verdict = evaluate(issue_case, rules=book)
    assert (verdict.status, verdict.regime) == ("eligible", "avenant7-2019")
    assert evaluate(issue_case).status == "eligible"


# ---------------------------------------------------------------------------------------------------------
# Schema and citations
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["empty list", "key removed"])
def test_rule_without_citations_is_refused_naming_the_rule(write_rules, how):
    def edit(data):
        if how == "empty list":
            rule(data, "a7.option")["citations"] = []
        else:
            del rule(data, "a7.option")["citations"]

    exc = refused(write_rules(edit))
    assert exc.rule == "a7.option"
    assert "a7.option" in str(exc)
    assert "citation" in str(exc)


def test_unknown_key_in_a_rule_is_refused_naming_the_key_and_the_rule(write_rules):
    exc = refused(write_rules(lambda data: rule(data, "a7.activite").update(colour="red")))
    assert exc.rule == "a7.activite"
    assert "'colour'" in str(exc)


def test_condition_on_a_field_that_does_not_exist_suggests_the_right_one(write_rules):
    def edit(data):
        rule(data, "a7.secteur")["condition"]["any"][0]["field"] = "doctor.sectr"

    exc = refused(write_rules(edit))
    assert exc.rule == "a7.secteur"
    assert "doctor.sectr" in str(exc)
    assert "did you mean 'doctor.sector'" in str(exc)


def test_enum_literal_not_in_the_model_is_refused(write_rules):
    def edit(data):
        rule(data, "a7.secteur")["condition"]["any"][0]["is"] = "secteur1"

    exc = refused(write_rules(edit))
    assert exc.rule == "a7.secteur"
    assert "'secteur1'" in str(exc)
    assert "secteur_1" in str(exc)  # suggested, and listed among the accepted values


def test_cited_source_not_declared_is_refused(write_rules):
    exc = refused(write_rules(lambda data: rule(data, "a7.option")["citations"].append({"source": "journal_officiel"})))
    assert exc.rule == "a7.option"
    assert "'journal_officiel'" in str(exc)
    assert "sources" in str(exc)


def test_uncertain_rule_without_note_is_refused(write_rules):
    def edit(data):
        target = rule(data, "a7.option")
        assert target["certainty"] == "uncertain"
        del target["note"]

    exc = refused(write_rules(edit))
    assert exc.rule == "a7.option"
    assert "note" in str(exc)


def test_uncertain_parameter_without_note_is_refused(write_rules):
    def edit(data):
        param = data["parameters"]["seuil_patients_mt_adultes_mg"]
        param["certainty"] = "uncertain"
        del param["note"]

    exc = refused(write_rules(edit))
    assert "seuil_patients_mt_adultes_mg" in str(exc)
    assert "note" in str(exc)


# ---------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------
MALFORMED_DATES = {
    "new_contracts-from": ("    from: 2019-09-01\n    until: 2023-04-30", "    from: {}\n    until: 2023-04-30",
                           "2019-13-01"),
    "parameter-value-date": ("      2019-09-01: 640\n", "      {}: 640\n", "2019-02-30"),
}


@pytest.mark.parametrize("where", list(MALFORMED_DATES))
@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_malformed_date_is_refused_naming_the_value(write_rules, where, quoted):
    old, new, bad = MALFORMED_DATES[where]
    exc = refused(write_rules(replace=(old, new.format(f'"{bad}"' if quoted else bad))))
    assert bad in str(exc)


# ---------------------------------------------------------------------------------------------------------
# Safe YAML: no object tags, no anchors or aliases, no duplicate keys, size and depth limits
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
    ],
)
def test_python_object_tags_are_refused_and_nothing_is_constructed(write_rules, tmp_path, monkeypatch, tag):
    marker = tmp_path / "executed"
    calls: list[Any] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)
    value = tag.format(marker=marker)
    exc = refused(write_rules(replace=("schema_version: 1", f"schema_version: {value}")))
    assert "tag" in str(exc).lower()
    assert calls == []
    assert not marker.exists()


def test_tags_are_refused_anywhere_in_the_file(write_rules, tmp_path):
    marker = tmp_path / "executed"
    refused(write_rules(replace=(
        "title: Secteur conventionnel", f"title: !!python/object/apply:os.system ['touch {marker}']",
    )))
    assert not marker.exists()


def test_anchors_are_refused(write_rules):
    exc = refused(write_rules(replace=('short_title: "Avenant 7 (2019)"', 'short_title: &titre "Avenant 7 (2019)"')))
    assert "anchor" in str(exc)


def test_aliases_are_refused(write_rules):
    exc = refused(write_rules(replace=(
        "    citations:\n      - source: cnam_2019\n      - source: avenant7\n",
        "    citations:\n      - &cnam {source: cnam_2019}\n      - *cnam\n",
    )))
    assert "anchor" in str(exc) or "alias" in str(exc)


def test_billion_laughs_is_refused(write_rules):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, n in zip("abcdefgh", "bcdefghi")
    )
    refused(write_rules(text=bomb))


@pytest.mark.parametrize(
    ("old", "new", "keys"),
    [
        ("schema_version: 1\n", "schema_version: 1\nschema_version: 1\n", ["schema_version"]),
        # A second value for the same date must not silently replace the first.
        ("      2019-09-01: 640\n", "      2019-09-01: 640\n      2019-09-01: 700\n",
         ["2019-09-01", "datetime.date(2019, 9, 1)"]),
        ("  - id: a7.option\n    title: Option du contrat (1/3, 1/2 ou 1 ETP)\n",
         "  - id: a7.option\n    title: Option du contrat (1/3, 1/2 ou 1 ETP)\n    title: Option\n", ["title"]),
    ],
    ids=["top-level", "parameter-date", "rule-key"],
)
def test_duplicate_keys_are_refused(write_rules, old, new, keys):
    exc = refused(write_rules(replace=(old, new)))
    assert "duplicate key" in str(exc)
    assert any(key in str(exc) for key in keys), str(exc)


def test_a_file_over_1_mb_is_refused(write_rules):
    original = ORIGINAL_TEXT
    padding = ("# " + "x" * 98 + "\n") * 10_001  # a valid YAML comment, just too long
    exc = refused(write_rules(text=original + padding))
    assert len((original + padding).encode("utf-8")) > 1_000_000
    assert "larger than" in str(exc)


@pytest.mark.parametrize("kind", ["not", "all"])
def test_condition_nested_deeper_than_32_levels_is_refused(write_rules, kind):
    exc = refused(write_rules(lambda data: rule(data, "a7.secteur").update(condition=nested(kind, 33))))
    assert exc.rule == "a7.secteur"
    assert "nested deeper than 32" in str(exc)


@pytest.mark.parametrize("kind", ["not", "all"])
def test_condition_nested_exactly_32_levels_is_accepted_and_evaluated(write_rules, kind, issue_case):
    book = load_rules(write_rules(lambda data: rule(data, "a7.secteur").update(condition=nested(kind, 32))))
    outcome = evaluate(issue_case, rules=book).finding("a7.secteur").outcome
    # 31 all-nodes keep "sector is secteur_1" true; 31 nots (an odd number) make it false.
    assert outcome == ("met" if kind == "all" else "not_met")


def test_a_rule_or_data_path_that_is_a_directory_is_a_rule_file_error(tmp_path):
    """Reading a directory as a rule or data file gives the library's own error naming it, not an OSError."""
    from assistmed_rules.safe_yaml import load_yaml_file

    with pytest.raises(RuleFileError, match="cannot read the file"):
        load_yaml_file(tmp_path)
