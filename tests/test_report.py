"""Issue 6 (notebooks): the text report and the HTML table of any verdict, in French and in English."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import cases, evaluation_dates, flatten, likely_eligible_cases

from assistmed_rules import Evaluator, Verdict, evaluate_many
from assistmed_rules.i18n import text

EVALUATORS = {language: Evaluator(language=language) for language in ("fr", "en")}
VOID = {"br", "hr", "img", "meta", "link", "input"}


class _Tags(HTMLParser):
    """Checks that every tag is closed in order, and keeps the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:] or 'nothing'}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@given(case=st.one_of(cases(), likely_eligible_cases(), likely_eligible_cases(drop=True)), on=evaluation_dates,
       language=st.sampled_from(sorted(EVALUATORS)))
@settings(max_examples=200, deadline=None)
def test_every_verdict_renders_as_text_and_as_well_formed_html_that_show_what_it_says(case, on, language):
    verdict = EVALUATORS[language].evaluate(case, on)
    report = str(verdict)
    parser = _Tags()
    parser.feed(verdict._repr_html_())
    parser.close()
    assert parser.open == [], f"tags left open: {parser.open}"
    shown = "".join(parser.text)  # the HTML's text, entities decoded: what the reader sees
    colour = {"eligible": "#1a7f37", "not_eligible": "#cf222e", "undetermined": "#9a6700"}[verdict.status]
    assert f'color:{colour}' in verdict._repr_html_()  # green, red or amber, as the status says
    for f in verdict.findings:
        assert f.rule_id in report and f.message in report
        assert f.rule_id in shown and f.message in shown
    for item in (*verdict.missing, *verdict.missing_data):  # why an undetermined verdict is open
        assert item in report and item in shown
    for o in verdict.obligations:
        assert o.title in report and o.title in shown
    for year in verdict.aid:
        assert f"{year.start.isoformat()}" in report
    if verdict.uncertain_rules:  # the report says which rules rest on an uncertain reading
        line = text("report.uncertain_rules", language, ids=", ".join(verdict.uncertain_rules))
        assert line in report.splitlines()
    # every dated item the report lists says whether it rests on an uncertain reading
    flag, colon = text("report.uncertain", language), " :" if language == "fr" else ":"
    lines = report.splitlines()
    for o in (*verdict.obligations, *verdict.conditional_obligations):
        line = next(line for line in lines if line.startswith(f"  - {o.title}{colon}"))
        assert line.endswith(flag) == (o.certainty == "uncertain"), line
    for tr in verdict.transitions:
        line = next(line for line in lines if tr.says in line)
        assert line.endswith(flag) == (tr.certainty == "uncertain"), line
    advances = [year.advance for year in verdict.aid if year.advance is not None]
    for adv, line in zip(advances, [line for line in lines if line.startswith("      " + text(
            "report.advance", language, share="", amount="", due="", counted="").split(" ")[0])]):
        assert line.endswith(flag) == (adv.certainty == "uncertain"), line


def test_an_objective_whose_band_is_unknown_says_the_percentile_is_missing_not_that_the_sources_lack_it():
    case = {"doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
                       "group_practice_doctors": 2, "activity": {"mt_patients_adult": 900}},
            "contract": {"signature_date": "2020-03-01", "option": "1/3"}}
    for language, says in (("fr", "percentile non renseigné"), ("en", "percentile not given")):
        verdict = EVALUATORS[language].evaluate(case)
        assert verdict.status == "eligible" and {o.band for o in verdict.objectives} == {None}
        report = str(verdict)
        assert says in report and text("report.increase_not_found", language) not in report
    case["doctor"]["activity"]["percentile"] = 75  # band P70-P90 of the 1/3 option: +7.5 % (avenant7-2019.md:157)
    french, english = (str(EVALUATORS[language].evaluate(case)) for language in ("fr", "en"))
    assert "+7,5 %" in french and "+7.5 %" not in french
    assert "+7.5 %" in english


def test_english_notes_name_the_band_in_english_and_citations_are_separated_the_english_way():
    case = {"doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
                       "group_practice_doctors": 2, "activity": {"mt_patients_adult": 900, "percentile": 75}},
            "contract": {"signature_date": "2020-03-01", "option": "1/2"}}
    verdict = EVALUATORS["en"].evaluate(case)
    notes = " ".join(o.note or "" for o in verdict.objectives)
    assert "band from the 70th to the 90th percentile NOT FOUND" in notes and "du 70e" not in notes
    assert " ; " not in str(verdict) and "; " in str(verdict)
    assert "du 70e au 90e percentile" in " ".join(o.note or "" for o in EVALUATORS["fr"].evaluate(case).objectives)


@given(case=st.one_of(cases(), likely_eligible_cases(), likely_eligible_cases(drop=True)), on=evaluation_dates,
       language=st.sampled_from(sorted(EVALUATORS)))
@settings(max_examples=200, deadline=None)
def test_every_verdict_is_valid_against_its_own_model_and_round_trips_through_json(case, on, language):
    """The engine builds verdicts without validating them (``verdict.build``): each must still be what the
    JSON Schema of ``assistmed-rules schema`` describes, and read back equal."""
    verdict = EVALUATORS[language].evaluate(case, on)
    text = verdict.model_dump_json()
    again = Verdict.model_validate_json(text)  # validates every field, nested models included
    assert again == verdict
    assert json.loads(again.model_dump_json()) == json.loads(text)
    for flat in evaluate_many([flatten(case)] * 20, on=on, flat=True, evaluator=EVALUATORS[language])[::19]:
        assert Verdict.model_validate_json(flat.model_dump_json()) == verdict  # the batch path builds the same
