"""Issue 6 (notebooks): the text report and the HTML table of any verdict, in French and in English."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import cases, evaluation_dates, flatten, likely_eligible_cases

from assistmed_rules import Evaluator, Verdict, evaluate_many

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
    for f in verdict.findings:
        assert f.rule_id in report and f.message in report
        assert f.rule_id in shown and f.message in shown
    for item in (*verdict.missing, *verdict.missing_data):  # why an undetermined verdict is open
        assert item in report and item in shown
    for o in verdict.obligations:
        assert o.title in report and o.title in shown
    for year in verdict.aid:
        assert f"{year.start.isoformat()}" in report


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
