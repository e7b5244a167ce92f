"""Issue 6: messages in French by default, English on request (rule-file messages and the library's own words)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ISSUE_CASE

from assistmed_rules import Evaluator, evaluate, evaluate_many, load_rules
from assistmed_rules.cli import main
from assistmed_rules.i18n import _CATALOGUE, text
from assistmed_rules.lint import lint

NOT_ELIGIBLE = {"doctor": {"sector": "secteur_2", "tariff_option": "aucune"},
                "contract": {"signature_date": "2020-03-01"}}


def _placeholders(template):
    return sorted(part for part in template.parts if part[0] != "text")


@pytest.mark.parametrize("regime", load_rules().regimes, ids=lambda r: r.id)
def test_every_rule_has_english_messages_with_the_same_placeholders(regime):
    assert regime.en.get("title") and regime.en.get("short_title")
    for rule in regime.rules:
        assert rule.en, f"{rule.id} has no English"
        assert set(rule.en["messages"]) == set(rule.messages), rule.id
        for outcome, template in rule.messages.items():
            assert _placeholders(rule.en["messages"][outcome]) == _placeholders(template), (rule.id, outcome)
            assert rule.en["messages"][outcome].text != template.text, (rule.id, outcome)
    for ob in regime.obligations:
        assert ob.en.get("title") and ob.en.get("consequence"), ob.id
    assert len(regime.transitions_in("en")) == len(regime.transitions)


def test_french_is_the_default_and_english_on_request():
    fr, en = evaluate(ISSUE_CASE), evaluate(ISSUE_CASE, language="en")
    assert fr.language == "fr" and en.language == "en"
    assert fr.status == en.status == "eligible"
    assert [f.outcome for f in fr.findings] == [f.outcome for f in en.findings]
    assert [o.due_date for o in fr.obligations] == [o.due_date for o in en.obligations]
    assert [y.amount for y in fr.aid] == [y.amount for y in en.aid]
    for f_fr, f_en in zip(fr.findings, en.findings):
        assert f_fr.message != f_en.message and f_fr.title != f_en.title
    assert "Contract signed on 2020-03-01" in en.regime_reason
    assert str(fr).startswith("Verdict : ÉLIGIBLE") and str(en).startswith("Verdict: ELIGIBLE")
    report = str(en)
    for french in ("Conditions :", "Aide maximale", "Obligations conditionnelles", "Renouvellement :"):
        assert french not in report
    assert "Maximum aid per contract year:" in report and "depending on the band: €13,500 / €18,000" in report
    assert "<th>rule</th>" in en._repr_html_()


def test_english_for_unknown_and_not_met_findings_and_suggestions():
    v = Evaluator(language="en").evaluate(NOT_ELIGIBLE)
    assert v.status == "not_eligible"
    assert str(v).startswith("Verdict: NOT ELIGIBLE")
    unknown = evaluate({"contract": {"signature_date": "2021-01-01"}}, language="en")
    assert unknown.status == "undetermined"
    assert "[unknown]" in str(unknown) and "Missing information that would decide the verdict:" in str(unknown)
    suggestions = Evaluator(language="en").evaluate(
        {**ISSUE_CASE, "contract": {"signature_date": "2020-03-01", "option": "1"},
         "doctor": {**ISSUE_CASE["doctor"], "zone": "hors_zonage"}}).how_to_qualify()
    assert suggestions and all(s.message.startswith("Becomes eligible with:") for s in suggestions)


def test_no_regime_in_english():
    v = evaluate({"contract": {"signature_date": "2018-01-01"}}, language="en")
    assert v.findings[0].rule_id == "regime.aucun"
    assert v.findings[0].message.startswith("No regime of the medical-assistant aid applies")


def test_unknown_language_is_refused_with_the_accepted_ones():
    with pytest.raises(ValueError, match="unknown language 'de': accepted: fr, en"):
        Evaluator(language="de")


def test_the_language_is_read_in_any_case(tmp_path):
    case = {"contract": {"signature_date": "2020-03-01"}}
    assert evaluate(case, language="EN").language == "en"
    assert Evaluator(language=" Fr ").language == "fr"
    assert evaluate_many([case], language="En")[0].language == "en"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    assert main(["evaluate", str(path), "--lang", "EN", "--format", "json"]) == 0


def test_batches_and_cli_in_english(tmp_path, capsys):
    assert all(v.language == "en" for v in evaluate_many([ISSUE_CASE, NOT_ELIGIBLE], language="en"))
    case = Path(__file__).resolve().parents[1] / "examples" / "generaliste-msp-2020.json"
    assert main(["evaluate", str(case), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("Verdict: ELIGIBLE")
    assert main(["evaluate", str(case)]) == 0
    assert capsys.readouterr().out.startswith("Verdict : ÉLIGIBLE")


def test_catalogue_is_complete_in_both_languages():
    for key, (fr, en) in _CATALOGUE.items():
        assert fr.strip() and en.strip(), key
        assert sorted(_fields(fr)) == sorted(_fields(en)), key
    assert text("report.total", "en", amount="€1") == "Total over the contract: €1"


def _fields(template: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def test_lint_warns_about_a_rule_without_english(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(Path(load_rules().sources[0]).parent, rules)
    path = rules / "avenant7-2019.yaml"
    source = path.read_text(encoding="utf-8")
    start, end = source.index("  - id: a7.secteur"), source.index("  - id: a7.specialite")
    block = source[start:end]
    path.write_text(source[:start] + block[:block.index("    en:\n")] + "\n" + source[end:], encoding="utf-8")
    report = lint(rules)
    assert report.ok
    assert any("rule a7.secteur: no 'en:' block" in str(w) for w in report.warnings)
    assert Evaluator(load_rules(rules), language="en").evaluate(NOT_ELIGIBLE).findings[0].title == \
        "Secteur conventionnel"  # falls back to the French
