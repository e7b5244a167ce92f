"""The rule linter (``assistmed_rules.lint``): the shipped rules pass; each class of error is caught.

The broken rule files are built in ``tmp_path`` from a minimal valid regime (:func:`regime_file`), changed in
one place per test, so each test shows the one thing that is wrong.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistmed_rules import load_rules
from assistmed_rules.lint import LintReport, lint, main
from assistmed_rules.rulebook import default_rules_dir

REPO_RULES = Path(__file__).resolve().parent.parent / "rules"

SECTEUR_RULE: dict[str, Any] = {
    "id": "t.secteur",
    "title": "Secteur conventionnel",
    "says": "Secteur 1, ou secteur 2 avec OPTAM.",
    "citations": [{"source": "texte"}],
    "condition": {"any": [
        {"field": "doctor.sector", "is": "secteur_1"},
        {"all": [{"field": "doctor.sector", "is": "secteur_2"},
                 {"field": "doctor.tariff_option", "in": ["optam", "optam_co"]}]},
    ]},
    "messages": {"met": "Secteur éligible.", "not_met": "Secteur non éligible."},
    "en": {"title": "Sector", "messages": {"met": "Eligible sector.", "not_met": "Sector not eligible."}},
}
ACTIVITY_RULE: dict[str, Any] = {
    "id": "t.activite",
    "title": "Activité minimale",
    "says": "Plus de {seuil} patients médecin traitant.",
    "citations": [{"source": "texte", "article": "art. 2"}],
    "condition": {"sum": ["doctor.activity.mt_patients_adult", "doctor.activity.mt_patients_child"],
                  "gt": {"param": "seuil_patients"}},
    "messages": {"met": "Plus de {param.seuil_patients} patients.", "not_met": "Pas assez de patients."},
    "en": {"title": "Minimum activity",
           "messages": {"met": "More than {param.seuil_patients} patients.", "not_met": "Not enough patients."}},
}
FORMATION: dict[str, Any] = {
    "id": "t.formation",
    "title": "Formation de l'assistant",
    "says": "L'assistant non qualifié obtient le CQP dans les deux ans.",
    "citations": [{"source": "texte"}],
    "applies_if": {"field": "assistant.qualification", "is": "aucune"},
    "counted_from": "assistant.hire_date",
    "within": {"param": "delai"},
    "done_on": "assistant.qualified_on",
    "consequence": "Engagement non tenu.",
    "en": {"title": "Assistant's training", "consequence": "Commitment not kept."},
}


def regime_file(regime_id: str = "test-2030", start: date = date(2030, 1, 1), end: date | None = None,
                prefix: str = "t") -> dict[str, Any]:
    """A minimal valid rule file: two rules, an obligation, three parameters, every one cited and read."""
    span: dict[str, Any] = {"from": start}
    if end is not None:
        span["until"] = end
    return {
        "schema_version": 1,
        "regime": {"id": regime_id, "title": "Régime de test", "short_title": "Test", "instrument": "Arrêté de test",
                   "new_contracts": span, "citations": [{"source": "texte"}],
                   "en": {"title": "Test regime", "short_title": "Test"}},
        "sources": {"texte": {"text": "Texte de test", "url": "https://example.org/texte"}},
        "parameters": {
            "duree_contrat": {"description": "Durée du contrat.", "unit": "duration",
                              "citations": [{"source": "texte"}], "values": {start: {"years": 5}}},
            "seuil_patients": {"description": "Seuil de patients.", "unit": "patients",
                               "citations": [{"source": "texte"}], "values": {start: 775}},
            "delai": {"description": "Délai de formation.", "unit": "duration", "certainty": "uncertain",
                      "note": "Une seule source.", "citations": [{"source": "texte"}], "values": {start: {"years": 2}}},
        },
        "rules": [_renamed(SECTEUR_RULE, prefix), _renamed(ACTIVITY_RULE, prefix)],
        "obligations": [_renamed(FORMATION, prefix)],
    }


def _renamed(item: dict[str, Any], prefix: str) -> dict[str, Any]:
    out = copy.deepcopy(item)
    out["id"] = out["id"].replace("t.", f"{prefix}.", 1)
    return out


class _NoAliases(yaml.SafeDumper):
    """Rule files refuse anchors and aliases: write repeated values out."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write(directory: Path, name: str, content: dict[str, Any] | str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    text = content if isinstance(content, str) else yaml.dump(content, Dumper=_NoAliases, sort_keys=False,
                                                               allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def lint_one(tmp_path: Path, content: dict[str, Any] | str) -> LintReport:
    write(tmp_path / "rules", "test.yaml", content)
    return lint(tmp_path / "rules")


def only_error(report: LintReport, tag: str) -> str:
    assert len(report.errors) == 1, report.errors
    assert f"[{tag}]" in report.errors[0], report.errors
    assert not report.ok
    return report.errors[0]


# -- the shipped rules -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("directory", [default_rules_dir(), REPO_RULES], ids=["installed", "checkout"])
def test_shipped_rules_have_no_error(directory: Path) -> None:
    report = lint(directory)
    assert report.errors == []
    assert report.ok
    assert len(report.files) == 3


def test_lint_defaults_to_the_shipped_rules() -> None:
    report = lint()
    assert report.ok and Path(report.path) == default_rules_dir()


def test_the_shipped_rules_have_only_the_known_warnings() -> None:
    """The two warnings left are facts of the sources, not slips: the avenant 7 specialty lists are NOT FOUND
    (../shared/legal/avenant7-2019.md), so a specialty outside them is unknown, never refused; and what
    governs a contract signed after the 2024 convention's five-year term is not said
    (../shared/legal/convention-2024.md §0), so such a contract is unknown, never refused. Any other warning
    (an unused source, a rule that can never be met...) is a defect of the rule files."""
    report = lint(REPO_RULES)
    assert [w.split(": ", 1)[1].split(":", 1)[0] for w in report.warnings] == [
        "[always-met] rule a7.specialite", "[always-met] rule cm2024.duree_convention"]


@pytest.mark.parametrize("name", sorted(p.name for p in REPO_RULES.glob("*.yaml")))
def test_each_shipped_file_linted_alone_has_no_error(name: str) -> None:
    report = lint(REPO_RULES / name)
    assert report.errors == [] and report.files == [str(REPO_RULES / name)]


def test_uncertain_list_names_every_uncertain_rule_obligation_and_parameter_with_its_note() -> None:
    report = lint(REPO_RULES)
    for regime in load_rules(REPO_RULES).regimes:
        file = Path(regime.file).name
        items: list[tuple[str, Any]] = [(f"rule {r.id}", r) for r in regime.rules] + [(f"obligation {o.id}", o) for o in regime.obligations]
        items += [(f"parameters.{p.name}", p) for p in regime.parameters.values()]
        for where, item in items:
            listed = [u for u in report.uncertain if u.startswith(f"{file}: {where}: ")]
            if item.certainty == "uncertain":
                assert len(listed) == 1, where
                assert " ".join((item.note or "").split())[:40] in listed[0]
            else:
                assert listed == [], where


def test_minimal_file_is_clean(tmp_path: Path) -> None:
    report = lint_one(tmp_path, regime_file())
    assert (report.errors, report.warnings) == ([], [])
    assert report.uncertain == ["test.yaml: parameters.delai: Une seule source."]


# -- errors ----------------------------------------------------------------------------------------------------------
def test_schema_error_unknown_key(tmp_path: Path) -> None:
    content = regime_file()
    content["rules"][0]["titel"] = "faute de frappe"
    message = only_error(lint_one(tmp_path, content), "schema")
    assert "test.yaml" in message and "titel" in message


def test_schema_error_invalid_yaml(tmp_path: Path) -> None:
    message = only_error(lint_one(tmp_path, "schema_version: 1\nregime: [unclosed\n"), "schema")
    assert message.startswith("test.yaml: [schema]") and "line" in message


def test_schema_error_not_a_mapping(tmp_path: Path) -> None:
    only_error(lint_one(tmp_path, "- just\n- a list\n"), "schema")


def test_rule_without_citation(tmp_path: Path) -> None:
    content = regime_file()
    content["rules"][1]["citations"] = []
    message = only_error(lint_one(tmp_path, content), "citation")
    assert "rule t.activite has no citation" in message


def test_parameter_and_transition_without_citation_are_each_reported(tmp_path: Path) -> None:
    content = regime_file()
    del content["parameters"]["seuil_patients"]["citations"]
    content["regime"]["transitions"] = [{"from": date(2031, 1, 1), "says": "Revalorisation.", "citations": []}]
    report = lint_one(tmp_path, content)
    assert len(report.errors) == 2 and all("[citation]" in e for e in report.errors), report.errors
    assert any("parameters.seuil_patients has no citation" in e for e in report.errors)
    assert any("regime.transitions[0] has no citation" in e for e in report.errors)


def test_citation_of_an_undeclared_source(tmp_path: Path) -> None:
    content = regime_file()
    content["rules"][0]["citations"] = [{"source": "texe"}]
    message = only_error(lint_one(tmp_path, content), "citation")
    assert "'texe'" in message and "did you mean 'texte'" in message


def test_citation_url_that_is_not_http(tmp_path: Path) -> None:
    content = regime_file()
    content["rules"][0]["citations"] = [{"text": "Texte", "url": "ftp://example.org/texte"}]
    content["sources"]["texte"]["url"] = "www.example.org"
    report = lint_one(tmp_path, content)
    assert len(report.errors) == 2 and all("[citation]" in e for e in report.errors), report.errors
    assert "sources.texte: url 'www.example.org'" in report.errors[0]
    assert "rule t.secteur.citations[0]: url 'ftp://example.org/texte'" in report.errors[1]


def test_duplicate_id_across_two_files(tmp_path: Path) -> None:
    write(tmp_path / "rules", "a.yaml", regime_file("test-a", date(2030, 1, 1), date(2030, 12, 31)))
    write(tmp_path / "rules", "b.yaml", regime_file("test-b", date(2031, 1, 1), prefix="u") | {
        "rules": [_renamed(SECTEUR_RULE, "u"), _renamed(ACTIVITY_RULE, "t")]})  # t.activite is in a.yaml too
    report = lint(tmp_path / "rules")
    message = only_error(report, "duplicate-id")
    assert "'t.activite'" in message and "a.yaml" in message and "b.yaml" in message


def test_duplicate_id_between_a_rule_and_an_obligation_of_one_file(tmp_path: Path) -> None:
    content = regime_file()
    content["obligations"][0]["id"] = "t.secteur"
    message = only_error(lint_one(tmp_path, content), "duplicate-id")
    assert "rule in test.yaml, obligation in test.yaml" in message


def test_parameter_gap_at_the_start_of_the_regime(tmp_path: Path) -> None:
    content = regime_file()
    content["parameters"]["seuil_patients"]["values"] = {date(2030, 6, 1): 775}
    message = only_error(lint_one(tmp_path, content), "parameter-periods")
    assert "parameters.seuil_patients" in message and "2030-01-01" in message and "2030-05-31" in message
    assert "gap" in message


def test_parameter_values_from_the_same_day_overlap(tmp_path: Path) -> None:
    # A quoted date and a plain date are two YAML keys, but the same day: the loader would keep one silently.
    content = regime_file()
    content["parameters"]["seuil_patients"]["values"] = {date(2030, 1, 1): 775, "2030-01-01": 640}
    message = only_error(lint_one(tmp_path, content), "parameter-periods")
    assert "overlap" in message and "2030-01-01" in message


def test_unknown_field(tmp_path: Path) -> None:
    content = regime_file()
    content["rules"][0]["condition"]["any"][0]["field"] = "doctor.secteur"
    message = only_error(lint_one(tmp_path, content), "unknown-field")
    assert "'doctor.secteur'" in message and "did you mean 'doctor.sector'" in message


def test_unknown_field_in_an_obligation_date(tmp_path: Path) -> None:
    content = regime_file()
    content["obligations"][0]["done_on"] = "assistant.qualified"
    message = only_error(lint_one(tmp_path, content), "unknown-field")
    assert "obligation t.formation: done_on" in message


def test_rule_that_can_never_fire(tmp_path: Path) -> None:
    content = regime_file()
    content["rules"][0]["condition"] = {"all": [{"field": "doctor.sector", "is": "secteur_1"},
                                                {"field": "doctor.sector", "is": "secteur_2"}]}
    message = only_error(lint_one(tmp_path, content), "never-fires")
    assert "rule t.secteur" in message and "condition true" in message


@pytest.mark.parametrize("condition", [
    {"field": "doctor.activity.percentile", "gt": 100},
    {"all": [{"field": "doctor.activity.mt_patients_adult", "gt": 900},
             {"field": "doctor.activity.mt_patients_adult", "lt": 901}]},
    {"all": [{"field": "doctor.sector", "is": "secteur_1"}, {"field": "doctor.tariff_option", "is": "optam"}]},
    {"all": [{"field": "assistant.hire_date", "lt": date(2030, 1, 1)},
             {"field": "assistant.hire_date", "ge": {"field": "contract.signature_date"}}]},
    {"not": {"any": [{"field": "doctor.rqth", "is": True}, {"field": "doctor.rqth", "is": False}]}},
], ids=["above-the-bound", "empty-interval", "refused-by-the-models", "dates", "not-any"])
def test_other_rules_that_can_never_fire(tmp_path: Path, condition: dict[str, Any]) -> None:
    content = regime_file()
    content["rules"][0]["condition"] = condition
    only_error(lint_one(tmp_path, content), "never-fires")


def test_rule_valid_outside_its_regime_never_fires(tmp_path: Path) -> None:
    content = regime_file(end=date(2030, 12, 31))
    content["rules"][0]["valid"] = {"from": date(2031, 1, 1)}
    message = only_error(lint_one(tmp_path, content), "never-fires")
    assert "outside the contracts of its regime" in message


def test_rule_and_obligation_that_never_apply(tmp_path: Path) -> None:
    content = regime_file()
    content["rules"][1]["applies_if"] = {"all": [{"field": "doctor.zone", "is": "zip"},
                                                 {"field": "doctor.zone", "is": "zac"}]}
    content["obligations"][0]["applies_if"] = {"field": "assistant.qualified_on",
                                               "lt": {"field": "assistant.qualified_on"}}
    report = lint_one(tmp_path, content)
    assert len(report.errors) == 2 and all("[never-fires]" in e for e in report.errors), report.errors
    assert any("rule t.activite: no input makes applies_if true" in e for e in report.errors)
    assert any("obligation t.formation: no input makes applies_if true" in e for e in report.errors)


def test_a_narrow_but_possible_rule_is_not_reported(tmp_path: Path) -> None:
    content = regime_file()
    content["parameters"]["anciennete"] = {"description": "Ancienneté du premier contrat.", "unit": "duration",
                                           "citations": [{"source": "texte"}], "values": {date(2030, 1, 1): {"years": 2}}}
    content["rules"][0]["condition"] = {"any": [
        {"field": "doctor.sector", "is": "non_conventionne"},  # an easy branch would hide the hard one: not first
        {"all": [
            {"field": "contract.option", "in": ["etp_1_5", "etp_2"]},
            {"field": "contract.first_assistant_contract.signature_date",
             "le": {"field": "contract.signature_date", "minus": {"param": "anciennete"}}},
            {"field": "contract.first_assistant_contract.option", "is": "etp_1"},
            {"field": "contract.first_assistant_contract.objectives_met", "is": True},
            {"field": "doctor.specialty", "in": ["medecine_generale", "pediatrie"]},
            {"field": "doctor.zone", "is": "zip"},
            {"field": "doctor.activity.percentile", "ge": 95},
            {"field": "doctor.group_practice_doctors", "ge": 3},
        ]},
    ]}
    content["rules"][0]["condition"]["any"].pop(0)  # only the narrow branch
    report = lint_one(tmp_path, content)
    assert report.errors == [] and report.warnings == []


def test_the_search_is_deterministic_when_it_samples(tmp_path: Path) -> None:
    content = regime_file()
    content["rules"][0]["condition"] = {"all": [
        {"field": "doctor.activity.percentile", "gt": 30}, {"field": "doctor.activity.file_active", "gt": 10},
        {"field": "doctor.activity.mt_patients_adult", "gt": 20}, {"field": "doctor.rqth", "is": False},
        {"field": "doctor.sector", "is": "secteur_2"}, {"field": "doctor.tariff_option", "is": "optam"}]}
    write(tmp_path / "rules", "test.yaml", content)
    first = lint(tmp_path / "rules", max_assignments=30)
    second = lint(tmp_path / "rules", max_assignments=30)
    assert first == second
    assert lint(tmp_path / "rules").errors == []


def _with_external_table(content: dict[str, Any]) -> dict[str, Any]:
    content["tables"] = {"groupes": {"description": "Groupe de chaque spécialité.", "key": "doctor.specialty",
                                     "external": True, "citations": [{"source": "texte"}], "entries": {}}}
    content["rules"][0]["condition"] = {"lookup": "groupes", "key": "doctor.specialty", "is": "partout"}
    return content


def test_rule_that_fires_only_through_an_external_table_left_empty_is_a_warning(tmp_path: Path) -> None:
    report = lint_one(tmp_path, _with_external_table(regime_file()))
    assert report.ok and len(report.warnings) == 1
    assert "[never-fires] rule t.secteur" in report.warnings[0] and "a data file may supply" in report.warnings[0]


def test_data_files_of_the_directory_fill_external_tables(tmp_path: Path) -> None:
    write(tmp_path / "rules", "test.yaml", _with_external_table(regime_file()))
    data = {"schema_version": 1, "regime": "test-2030", "table": "groupes",
            "citations": [{"text": "Liste officielle", "url": "https://example.org/liste"}],
            "entries": {"cardiologie": "partout", "dermatologie": "ailleurs"}}
    write(tmp_path / "rules" / "data", "groupes.yaml", data)
    report = lint(tmp_path / "rules")
    assert (report.errors, report.warnings) == ([], [])
    write(tmp_path / "rules" / "data", "groupes.yaml", data | {"table": "groupez"})
    message = only_error(lint(tmp_path / "rules"), "schema")
    assert message.startswith("data/groupes.yaml: [schema]") and "groupez" in message


def test_a_data_file_entry_keeps_its_own_certainty_and_citations_else_takes_the_files(tmp_path: Path) -> None:
    """docs/rule-files.md, External data files: an entry takes the file's citations unless it gives its own,
    and the file's certainty and note unless it states a certainty of its own."""
    write(tmp_path / "rules", "test.yaml", _with_external_table(regime_file()))
    data = {"schema_version": 1, "regime": "test-2030", "table": "groupes", "certainty": "confirmed",
            "citations": [{"text": "Liste officielle", "url": "https://example.org/liste"}],
            "entries": {"cardiologie": "partout",
                        "dermatologie": {"value": "ailleurs", "certainty": "uncertain", "note": "Un doute."},
                        "pediatrie": {"value": "ailleurs",
                                      "citations": [{"text": "Autre liste", "url": "https://example.org/autre"}]}}}
    path = write(tmp_path, "groupes.yaml", data)
    table = load_rules(tmp_path / "rules", data_files=[path]).regime("test-2030").tables["groupes"]
    plain, doubt, other = (table.entries[k] for k in ("cardiologie", "dermatologie", "pediatrie"))
    assert (plain.certainty, plain.note, [c.text for c in plain.citations]) == ("confirmed", None, ["Liste officielle"])
    assert (doubt.certainty, doubt.note, [c.text for c in doubt.citations]) == ("uncertain", "Un doute.",
                                                                                 ["Liste officielle"])
    assert (other.certainty, [c.text for c in other.citations]) == ("confirmed", ["Autre liste"])


# -- warnings ----------------------------------------------------------------------------------------------------
def test_rule_that_is_always_met_is_a_warning(tmp_path: Path) -> None:
    content = regime_file()
    content["rules"][0]["condition"] = {"any": [{"field": "doctor.rqth", "is": True},
                                                {"field": "doctor.rqth", "is": False}]}
    report = lint_one(tmp_path, content)
    assert report.ok and len(report.warnings) == 1
    assert "[always-met] rule t.secteur" in report.warnings[0]


def test_unused_parameter_table_and_source_are_warnings(tmp_path: Path) -> None:
    content = regime_file()
    content["parameters"]["oublie"] = {"description": "Paramètre oublié.", "unit": "count",
                                       "citations": [{"source": "texte"}], "values": {date(2030, 1, 1): 3}}
    content["tables"] = {"groupes": {"description": "Groupes de spécialités.", "key": "doctor.specialty",
                                     "citations": [{"source": "texte"}], "entries": {"cardiologie": "a"}}}
    content["sources"]["autre"] = {"text": "Autre texte", "url": "https://example.org/autre"}
    report = lint_one(tmp_path, content)
    assert report.ok
    assert sorted(w.split("] ")[0] for w in report.warnings) == [
        "test.yaml: [unused-parameter", "test.yaml: [unused-source", "test.yaml: [unused-table"]
    assert any("parameters.oublie" in w for w in report.warnings)


def test_parameter_read_only_by_a_message_or_an_obligation_is_used(tmp_path: Path) -> None:
    report = lint_one(tmp_path, regime_file())  # delai: obligation only; seuil_patients: condition and message
    assert not any("unused-parameter" in w for w in report.warnings)


def test_overlapping_regimes_are_an_error_and_a_gap_between_regimes_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "overlap", "a.yaml", regime_file("test-a", date(2030, 1, 1), date(2030, 12, 31), prefix="a"))
    write(tmp_path / "overlap", "b.yaml", regime_file("test-b", date(2030, 6, 1), prefix="b"))
    only_error(lint(tmp_path / "overlap"), "regimes")
    write(tmp_path / "gap", "a.yaml", regime_file("test-a", date(2030, 1, 1), date(2030, 12, 31), prefix="a"))
    write(tmp_path / "gap", "b.yaml", regime_file("test-b", date(2031, 2, 1), prefix="b"))
    report = lint(tmp_path / "gap")
    assert report.ok and len(report.warnings) == 1
    assert "2031-01-01 to 2031-01-31" in report.warnings[0]


def test_one_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    broken = regime_file("test-a", date(2030, 1, 1), date(2030, 12, 31), prefix="a")
    broken["rules"][0]["condition"]["any"][0]["field"] = "doctor.secteur"
    write(tmp_path / "rules", "a.yaml", broken)
    never = regime_file("test-b", date(2031, 1, 1), prefix="b")
    never["rules"][0]["condition"] = {"field": "doctor.activity.percentile", "lt": 0}
    write(tmp_path / "rules", "b.yaml", never)
    report = lint(tmp_path / "rules")
    assert len(report.errors) == 2
    assert report.errors[0].startswith("a.yaml: [unknown-field]")
    assert report.errors[1].startswith("b.yaml: [never-fires] rule b.secteur")


# -- the command line -------------------------------------------------------------------------------------------
def test_main_exit_code_0_on_the_shipped_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "OK: 0 error(s)" in out and "uncertain" in out and "a7.secteur" in out
    assert main([str(REPO_RULES), "--no-uncertain"]) == 0
    assert "a7.secteur:" not in capsys.readouterr().out


def test_main_exit_code_1_on_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = regime_file()
    content["rules"][0]["condition"] = {"all": [{"field": "doctor.sector", "is": "secteur_1"},
                                                {"field": "doctor.sector", "is": "secteur_2"}]}
    path = write(tmp_path / "rules", "test.yaml", content)
    assert main([str(tmp_path / "rules")]) == 1
    out = capsys.readouterr().out
    assert "errors (1):" in out and "[never-fires] rule t.secteur" in out and "FAILED: 1 error(s)" in out
    assert main([str(path)]) == 1  # a single file


def test_main_exit_code_0_with_warnings_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = regime_file()
    content["sources"]["autre"] = {"text": "Autre texte", "url": "https://example.org/autre"}
    write(tmp_path / "rules", "test.yaml", content)
    assert main([str(tmp_path / "rules")]) == 0
    assert "warnings (1):" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["missing", "empty"])
def test_main_exit_code_1_without_rule_files(tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "nothing"
    if where == "empty":
        target.mkdir()
    assert main([str(target)]) == 1
    assert "[schema]" in capsys.readouterr().out


def test_cli_lint_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistmed_rules import cli

    if "lint" not in cli._parser().format_help():
        pytest.skip("cli.py does not register the `lint` subcommand yet")
    assert cli.main(["lint"]) == 0
    content = regime_file()
    content["rules"][0]["condition"]["any"][0]["field"] = "doctor.secteur"
    write(tmp_path / "rules", "test.yaml", content)
    assert cli.main(["lint", str(tmp_path / "rules"), "--no-uncertain"]) == 1
    assert "[unknown-field]" in capsys.readouterr().out
