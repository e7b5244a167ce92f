"""Property tests (Hypothesis): what must hold for every valid case, on every date, under every regime.

The cases are drawn by ``tests/strategies.py`` as the plain dicts a user would write, so a shrunk
counter-example prints as a readable case; the changes a property makes to it (a field filled, a number
raised) are printed with ``note()``. Settings profiles: ``ci`` (500 examples, the default) and ``quick``
(50), chosen with the environment variable ``HYPOTHESIS_PROFILE``.

Orderings used: a verdict ``not_eligible`` < ``undetermined`` < ``eligible``; a finding ``not_met`` <
``unknown`` < ``met``. "Never hurts" means the rank never goes down.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, event, example, given, note, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import (
    ACTIVITY_FIELDS,
    ELIGIBLE_SEEDS,
    FIRST_REGIME_START,
    PATHS,
    REGIME_WINDOWS,
    canonical,
    cases,
    evaluation_dates,
    flatten,
    get_path,
    likely_eligible_cases,
    respell,
    spelling_choices,
    unknown_inputs,
    value_strategy,
    with_values,
)

from assistmed_rules import Case, Evaluator, NoRegimeError, Verdict, evaluate, load_rules
from assistmed_rules.conditions import FIELDS

#: A rule book loaded here, apart from the one the engine caches: the regime choice is checked against it.
BOOK = load_rules()
STATUS_RANK = {"not_eligible": 0, "undetermined": 1, "eligible": 2}
OUTCOME_RANK = {"not_met": 0, "unknown": 1, "met": 2}
URL = re.compile(r"^https?://\S+$")
COORDINATED = ("msp", "centre_de_sante", "esp", "ess", "cpts", "autre")

any_cases = st.one_of(cases(), likely_eligible_cases())
#: The numbers the rule files compare patient counts, percentiles and shares with (640, 775, 30, 80...): a
#: property that moves such a count draws around them too, where the verdict can change.
THRESHOLDS = sorted({float(v.value) for regime in BOOK.regimes for p in regime.parameters.values()
                     if p.unit in ("patients", "percentile", "percent") for v in p.values
                     if isinstance(v.value, (int, float, Decimal)) and not isinstance(v.value, bool)})


def scaled(fraction: float) -> settings:
    """The current profile with a fraction of its examples, for properties that evaluate many cases each."""
    return settings(max_examples=max(10, int(settings().max_examples * fraction)))


def dump(verdict: Verdict) -> dict[str, Any]:
    return verdict.model_dump(mode="json")


def show(label: str, value: Any) -> None:
    note(f"{label}: {json.dumps(value, ensure_ascii=False, default=str)}")


def compare(before: Verdict, after: Verdict) -> None:
    """``after`` is never worse than ``before``: status and every finding, rule by rule."""
    show("before", {"status": before.status, "failed": before.failed_rules, "missing": before.missing})
    show("after", {"status": after.status, "failed": after.failed_rules, "missing": after.missing})
    assert STATUS_RANK[after.status] >= STATUS_RANK[before.status]
    assert [f.rule_id for f in before.findings] == [f.rule_id for f in after.findings]
    for b, a in zip(before.findings, after.findings):
        assert OUTCOME_RANK[a.outcome] >= OUTCOME_RANK[b.outcome], (b.rule_id, b.outcome, a.outcome)


def fill(case: dict[str, Any], paths: list[str], on: date, data: st.DataObject) -> dict[str, Any]:
    """``case`` with each of ``paths`` (unknown in it) given a valid value drawn by ``data``; nothing else changes.

    A signature date left out is read by the engine as the evaluation date: it is filled with that date.
    """
    validated = Case.model_validate(case)
    known = flatten(canonical(validated))
    changes: dict[str, Any] = {}
    for path in (p for p in PATHS if p in paths):
        assert attrgetter_none(validated, path), f"{path} is not unknown in the case"
        value = on.isoformat() if path == "contract.signature_date" else data.draw(
            value_strategy(path, known), label=path)
        known[path] = changes[path] = value
    show("filled", changes)
    filled = with_values(canonical(validated), changes)
    try:
        Case.model_validate(filled)
    except ValidationError as exc:  # pragma: no cover - value_strategy keeps the models' constraints
        note(str(exc))
        assume(False)
    return filled


def attrgetter_none(case: Case, path: str) -> bool:
    node: Any = case
    for part in path.split("."):
        node = getattr(node, part)
    return node is None


# -- determinism ----------------------------------------------------------------------------------------------
@given(case=any_cases, on=evaluation_dates)
def test_same_case_evaluated_twice_gives_the_same_verdict(case: dict[str, Any], on: date) -> None:
    first = evaluate(case, on=on)
    second = evaluate(copy.deepcopy(case), on=on)
    fresh = Evaluator(BOOK).evaluate(Case.model_validate(case), on=on)  # another rule book, a Case not a dict
    assert dump(first) == dump(second) == dump(fresh)
    assert [f.rule_id for f in first.findings] == [f.rule_id for f in second.findings]


@scaled(0.3)
@given(batch=st.lists(any_cases, min_size=2, max_size=4), on=evaluation_dates, data=st.data())
def test_batch_order_does_not_change_any_verdict(batch: list[dict[str, Any]], on: date, data: st.DataObject) -> None:
    order = data.draw(st.permutations(range(len(batch))), label="order")
    evaluator = Evaluator()
    in_order = [dump(evaluator.evaluate(case, on=on)) for case in batch]
    shuffled = {i: dump(evaluator.evaluate(batch[i], on=on)) for i in order}
    again = [dump(evaluator.evaluate(case, on=on)) for case in batch]
    for i in range(len(batch)):
        assert in_order[i] == shuffled[i] == again[i]


MULTI_SITE_IDX = PATHS.index("doctor.multi_site_msp")


@given(case=any_cases, on=evaluation_dates, choices=spelling_choices)
@example(  # a multi-site MSP written "true" (as in a CSV cell) is an MSP too (was a bug)
    case={"doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "multi_site_msp": True,
                     "activity": {"mt_patients_adult": 900}},
          "contract": {"signature_date": "2021-01-04", "option": "etp_1_2"}},
    on=date(2021, 1, 4), choices=[2 if i == MULTI_SITE_IDX else 0 for i in range(len(PATHS))],
)
def test_the_spelling_of_a_fact_does_not_change_the_verdict(case: dict[str, Any], on: date, choices: list[int]) -> None:
    """Every spelling the input models accept for a value (aliases, codes, case, "yes" for true...) is that value."""
    respelled = respell(case, choices)
    show("respelled", respelled)
    assert dump(evaluate(respelled, on=on)) == dump(evaluate(case, on=on))


# -- the regimes partition time --------------------------------------------------------------------------------
@given(day=st.dates(date(2010, 1, 1), date(2040, 12, 31)))
@example(day=FIRST_REGIME_START - timedelta(days=1))
@example(day=FIRST_REGIME_START)
@example(day=date(2023, 4, 30))
@example(day=date(2023, 5, 1))
@example(day=date(2024, 6, 21))
@example(day=date(2024, 6, 22))
def test_exactly_one_regime_governs_each_day_from_september_2019(day: date) -> None:
    governing = [r.id for r in BOOK.regimes if r.new_contracts.contains(day)]
    if day < FIRST_REGIME_START:
        assert governing == []
        with pytest.raises(NoRegimeError):
            BOOK.regime_for_signature(day)
    else:
        assert len(governing) == 1
        assert BOOK.regime_for_signature(day).id == governing[0]
    for regime_id, (start, end) in REGIME_WINDOWS.items():  # the README's table
        if start <= day <= end:
            assert governing == [regime_id]


@given(case=any_cases, on=evaluation_dates)
@example(case={"contract": {"signature_date": "2019-08-31"}}, on=date(2020, 1, 1))
@example(case={"contract": {"signature_date": "2023-04-30"}}, on=date(2023, 5, 1))
@example(case={"contract": {"signature_date": "2023-05-01"}}, on=date(2023, 4, 30))
@example(case={"contract": {"signature_date": "2024-06-21"}}, on=date(2024, 6, 22))
@example(case={"contract": {"signature_date": "2024-06-22"}}, on=date(2024, 6, 21))
@example(case={}, on=date(2019, 9, 1))
def test_evaluate_picks_the_regime_of_the_signature_date(case: dict[str, Any], on: date) -> None:
    verdict = evaluate(case, on=on)
    given_date = get_path(case, "contract.signature_date")
    signature = date.fromisoformat(given_date) if given_date else on
    assert verdict.signature_date == signature
    try:
        expected = BOOK.regime_for_signature(signature).id
    except NoRegimeError:
        expected = None
    assert verdict.regime == expected
    if expected is None:
        assert verdict.status == "not_eligible"
        assert verdict.failed_rules == ["regime.aucun"]
    else:
        rules = BOOK.regime(expected).rules
        assert [f.rule_id for f in verdict.findings] == [r.id for r in rules if r.valid.contains(signature)]


# -- monotonicity where the law is monotone ---------------------------------------------------------------------
@given(case=any_cases, on=evaluation_dates, data=st.data())
def test_more_patients_never_hurts(case: dict[str, Any], on: date, data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(ACTIVITY_FIELDS), label="field")
    ftype = FIELDS[path]
    low: float
    high: float
    near = [t + d for t in THRESHOLDS for d in (-1, 0, 1) if ftype.lo <= t + d < ftype.hi]
    if ftype.integer:
        low = data.draw(st.one_of(st.integers(0, 3000), st.integers(0, int(ftype.hi) - 1),
                                  st.sampled_from([int(x) for x in near])), label="from")
        high = data.draw(st.one_of(st.integers(low + 1, int(ftype.hi)), st.integers(low + 1, min(low + 3, int(ftype.hi)))),
                         label="to")
    else:
        low = data.draw(st.one_of(st.integers(0, 99), st.sampled_from([x for x in near if x < 100])), label="from")
        high = data.draw(st.one_of(st.integers(int(low) + 1, 100), st.floats(low, 100, exclude_min=True),
                                   st.floats(low, min(low + 2, 100), exclude_min=True)), label="to")
    before = evaluate(with_values(case, {path: low}), on=on)
    after = evaluate(with_values(case, {path: high}), on=on)
    event(f"{before.status} -> {after.status}")
    event("a finding changes" if [f.outcome for f in before.findings] != [f.outcome for f in after.findings]
          else "no finding changes")
    compare(before, after)


@given(case=st.one_of(cases(window=REGIME_WINDOWS["avenant7-2019"]),
                      likely_eligible_cases(regime="avenant7-2019")),  # near eligibility: joining can change it
       on=evaluation_dates, practice=st.sampled_from(COORDINATED))
@example(case={"doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "group_practice_doctors": 3,
                          "activity": {"mt_patients_adult": 900}},
               "contract": {"signature_date": "2021-05-04", "option": "1/2"}},
         on=date(2021, 5, 4), practice="esp")
def test_joining_a_coordinated_practice_never_hurts_under_avenant_7(
    case: dict[str, Any], on: date, practice: str,
) -> None:
    """From no coordinated practice ("aucune") to one. (From an *unknown* practice it is not a change but
    a fact learnt, which may well hurt: an unknown practice might have been an MSP, which also counts as a
    grouped practice; the three-valued properties below cover filling unknown facts.)"""
    if get_path(case, "doctor.multi_site_msp"):  # a multi-site MSP is an MSP: not "before joining"
        case = with_values(case, {"doctor.multi_site_msp": None})
    outside = evaluate(with_values(case, {"doctor.coordinated_practice": "aucune"}), on=on)
    inside = evaluate(with_values(case, {"doctor.coordinated_practice": practice}), on=on)
    assert outside.regime == inside.regime == "avenant7-2019"
    compare(outside, inside)


@given(case=any_cases, on=evaluation_dates, s1_option=st.sampled_from([None, "aucune"]),
       s2_option=st.sampled_from(["optam", "optam_co"]))
def test_secteur_1_is_never_worse_than_secteur_2_with_optam(
    case: dict[str, Any], on: date, s1_option: str | None, s2_option: str,
) -> None:
    optam = evaluate(with_values(case, {"doctor.sector": "secteur_2", "doctor.tariff_option": s2_option}), on=on)
    s1 = evaluate(with_values(case, {"doctor.sector": "secteur_1", "doctor.tariff_option": s1_option}), on=on)
    compare(optam, s1)


# -- three-valued soundness -------------------------------------------------------------------------------------
@given(case=any_cases, on=evaluation_dates)
def test_missing_lists_unknown_inputs_and_only_for_undetermined_verdicts(case: dict[str, Any], on: date) -> None:
    verdict = evaluate(case, on=on)
    event(verdict.status)
    unknown = set(unknown_inputs(Case.model_validate(case)))
    assert set(verdict.missing) <= unknown
    assert len(verdict.missing) == len(set(verdict.missing))
    if verdict.status == "undetermined":
        assert verdict.missing or verdict.missing_data
    else:
        # So "filling an input of `missing` never flips a not_eligible verdict" holds vacuously: the strong
        # form is the next test.
        assert verdict.missing == [] and verdict.missing_data == []


def _unknown_subset(case: dict[str, Any], data: st.DataObject) -> list[str]:
    unknown = unknown_inputs(Case.model_validate(case))
    assume(unknown)
    return data.draw(st.lists(st.sampled_from(unknown), min_size=1, max_size=min(len(unknown), 8), unique=True),
                     label="inputs filled")


@given(case=cases(), on=evaluation_dates, data=st.data())
def test_not_eligible_stays_not_eligible_whatever_unknown_input_is_filled(
    case: dict[str, Any], on: date, data: st.DataObject,
) -> None:
    verdict = evaluate(case, on=on)
    assume(verdict.status == "not_eligible")
    show("failed", verdict.failed_rules)
    after = evaluate(fill(case, _unknown_subset(case, data), on, data), on=on)
    show("after", {"status": after.status, "failed": after.failed_rules})
    assert after.status == "not_eligible"
    assert set(verdict.failed_rules) <= set(after.failed_rules)


def test_every_seed_is_eligible_on_its_whole_window() -> None:
    """The seeds of likely_eligible_cases are eligible whenever signed in their regime's window (else the
    properties of eligible cases and of the aid would hardly be exercised on that regime)."""
    for regime, seed in ELIGIBLE_SEEDS.items():
        first, last = REGIME_WINDOWS[regime]
        days = [first + timedelta(days=d) for d in range(0, (last - first).days + 1, 7)] + [last]
        for day in days:
            verdict = evaluate(with_values(seed, {"contract.signature_date": day.isoformat()}), on=day)
            assert (verdict.regime, verdict.status) == (regime, "eligible"), (day, verdict.missing, verdict.failed_rules)


@given(case=likely_eligible_cases(change_one_in=20), on=evaluation_dates, data=st.data())
def test_eligible_stays_eligible_whatever_unknown_input_is_filled(
    case: dict[str, Any], on: date, data: st.DataObject,
) -> None:
    verdict = evaluate(case, on=on)
    assume(verdict.status == "eligible")
    after = evaluate(fill(case, _unknown_subset(case, data), on, data), on=on)
    show("after", {"status": after.status, "failed": after.failed_rules, "missing": after.missing})
    assert after.status == "eligible"


@given(case=st.one_of(cases(), likely_eligible_cases(drop=True)), on=evaluation_dates, data=st.data())
def test_undetermined_once_its_missing_inputs_are_filled_lists_none_of_them(
    case: dict[str, Any], on: date, data: st.DataObject,
) -> None:
    verdict = evaluate(case, on=on)
    assume(verdict.status == "undetermined" and verdict.missing)
    show("missing", verdict.missing)
    filled = fill(case, verdict.missing, on, data)
    after = evaluate(filled, on=on)
    event(f"undetermined -> {after.status}")
    show("after", {"status": after.status, "missing": after.missing, "missing_data": after.missing_data})
    assert not set(after.missing) & set(verdict.missing)
    assert set(after.missing) <= set(unknown_inputs(Case.model_validate(filled)))


# -- citations and money ------------------------------------------------------------------------------------------
def _cited(citations: list[Any], what: str) -> None:
    assert citations, f"{what} cites nothing"
    for c in citations:
        assert URL.match(c.url), f"{what}: {c.url!r} is not an http(s) URL"


@given(case=any_cases, on=evaluation_dates)
def test_every_finding_obligation_and_amount_is_cited_with_a_url(case: dict[str, Any], on: date) -> None:
    verdict = evaluate(case, on=on)
    assert verdict.findings
    for f in verdict.findings:
        _cited(f.citations, f"finding {f.rule_id}")
    for o in verdict.obligations + verdict.conditional_obligations:
        _cited(o.citations, f"obligation {o.obligation_id}")
    for t in verdict.transitions:
        _cited(t.citations, "transition")
    for year in verdict.aid:
        _cited(year.citations, f"aid year {year.contract_year}")
    for obj in verdict.objectives:
        _cited(obj.citations, f"objective {obj.indicator}")


@given(case=likely_eligible_cases(), on=evaluation_dates)
@example(case={"doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
                          "activity": {"mt_patients_adult": 900, "percentile": 96}},
               "assistant": {"qualification": "cqp", "hire_date": "2020-03-01"},
               "contract": {"signature_date": "2020-02-29", "option": "etp_1_3"}}, on=date(2026, 1, 1))
def test_aid_amounts_are_non_negative_decimals_over_contiguous_years(case: dict[str, Any], on: date) -> None:
    verdict = evaluate(case, on=on)
    event(f"{verdict.status}, {len(verdict.aid)} aid years")
    if verdict.status != "eligible":
        assert verdict.aid == []
        return
    for year in verdict.aid:
        for amount in ([year.amount] if year.amount is not None else []) + year.possible_amounts:
            assert isinstance(amount, Decimal) and amount >= 0
        if year.advance is not None and year.advance.amount is not None:
            assert isinstance(year.advance.amount, Decimal) and 0 <= year.advance.amount <= (year.amount or 0)
    total = verdict.aid_total
    if total is not None:
        assert isinstance(total, Decimal) and total >= 0
        assert total == sum((y.amount or Decimal(0) for y in verdict.aid), Decimal(0))
    if verdict.aid:
        assert verdict.aid[0].start == verdict.signature_date
        assert [y.contract_year for y in verdict.aid] == list(range(1, len(verdict.aid) + 1))
        for prev, nxt in zip(verdict.aid, verdict.aid[1:]):
            assert nxt.start == prev.end + timedelta(days=1)


# -- obligations over time: met, late, overdue and pending as the evaluation date moves --------------------
EVALUATOR = Evaluator()


@st.composite
def assistant_obligation_cases(draw: st.DrawFn) -> dict[str, Any]:
    """An eligible GP in an MSP whose assistant, hired without the CQP (so owing training), enrolled and
    qualified on drawn days (or not yet), under any regime: every state of an obligation is reachable."""
    signed = draw(st.dates(date(2019, 9, 1), date(2027, 12, 31)))
    hired = signed + timedelta(days=draw(st.integers(-60, 200)))
    def done() -> str | None:
        return draw(st.one_of(st.none(), st.integers(0, 1500).map(lambda d: (hired + timedelta(days=d)).isoformat())))
    return {
        "doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
                   "zone": "zip", "group_practice_doctors": 2,
                   "activity": {"mt_patients_adult": 1000, "mt_patients_child": 150, "percentile": 50}},
        "assistant": {"qualification": draw(st.sampled_from(["aucune", "ide", "deas", "deap"])),
                      "hire_date": hired.isoformat(), "training_enrolled_on": done(), "qualified_on": done(),
                      "was_practice_secretary": draw(st.booleans()), "secretary_replaced_on": done()},
        "contract": {"signature_date": signed.isoformat(), "option": "1/2"},
    }


@given(case=assistant_obligation_cases(), offsets=st.lists(st.integers(0, 2500), min_size=2, max_size=4, unique=True))
@settings(max_examples=150, deadline=None)
def test_an_obligation_s_state_agrees_with_its_dates_and_never_goes_back(case: dict[str, Any],
                                                                         offsets: list[int]) -> None:
    signed = date.fromisoformat(case["contract"]["signature_date"])
    order = {"pending": 0, "overdue": 1, "met": 2, "late": 2}
    seen: dict[str, tuple[int, str]] = {}
    for offset in sorted(offsets):
        on = signed + timedelta(days=offset)
        verdict = EVALUATOR.evaluate(case, on)
        for o in (*verdict.obligations, *verdict.conditional_obligations):
            event(f"state {o.state}")
            due, done = o.due_date, o.met_on
            if o.state in ("met", "late"):
                assert done is not None and done <= on
                assert (o.state == "late") == (due is not None and done > due)
            else:
                assert done is None
                assert (o.state == "overdue") == (due is not None and on > due)
            # as the evaluation date moves on, an obligation is done or falls behind, never the reverse
            before = seen.get(o.obligation_id)
            assert before is None or order[o.state] >= before[0], (o.obligation_id, before, o.state, on)
            if o.state in ("met", "late") and before is not None and before[1] in ("met", "late"):
                assert o.state == before[1]
            seen[o.obligation_id] = (order[o.state], o.state)
