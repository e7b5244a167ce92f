"""Issue 4: aid year by year, objectives, yearly review, obligations over time.

Amounts, bands and deadlines come from ../shared/legal/ (digests); property tests check the scales.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from assistmed_rules import evaluate, load_rules, review
from assistmed_rules.money import add_delay, year_bounds

D = Decimal
GP = {
    "doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
               "zone": "zip", "activity": {"mt_patients_adult": 1000, "file_active": 2000}},
    "assistant": {"qualification": "cqp", "hire_date": "2020-02-03"},
    "contract": {"signature_date": "2020-01-15", "option": "1"},
}


def case(percentile=None, option="1", signature="2020-01-15", **doctor):
    out = copy.deepcopy(GP)
    out["doctor"]["activity"]["percentile"] = percentile
    out["doctor"].update(doctor)
    out["contract"].update(option=option, signature_date=signature)
    return out


def amounts(verdict):
    return [year.amount for year in verdict.aid]


# -- done when ---------------------------------------------------------------------------------------------
def test_full_time_gp_2020_at_p96_gets_36000_each_year():
    verdict = evaluate(case(96))
    assert verdict.status == "eligible"
    assert amounts(verdict) == [D(36000)] * 5
    assert [y.band for y in verdict.aid] == ["p95"] * 5
    assert verdict.aid_total == D(180000)


@pytest.mark.parametrize("percentile", [95, 96, 92])
def test_a_year_whose_amount_an_uncertain_band_decides_is_uncertain(percentile):
    """Who falls in the majorated bands is not settled: the avenant 7 digest says « > P95 » where the later
    regimes say « ≥ P95 » (../shared/legal/avenant7-2019.md:126), and how a GP's two percentiles combine is
    NOT FOUND (avenant7-2019.md:134). A year is uncertain when its band gives it another amount than the
    default would: years 2 to 5 above P95 (year 1 is 36 000 either way), years 3 to 5 at P90 to P95."""
    verdict = evaluate(case(percentile))
    decided = [False, True, True, True, True] if percentile > 95 else [False, False, True, True, True]
    assert [y.certainty == "uncertain" for y in verdict.aid] == decided
    for year, by_band in zip(verdict.aid, decided):
        assert ("non précisé" in (year.note or "")) == by_band
    assert [y.certainty for y in evaluate(case(80)).aid] == ["confirmed"] * 5  # p70: the default amounts


def test_avenant_7_exactly_at_p95_is_in_the_p90_band_later_regimes_at_p95():
    """Avenant 7: « > P95 » (../shared/legal/avenant7-2019.md:126 and :159): at exactly the 95th percentile the
    doctor is in the P90-P95 band, 1/3 ETP: 12 000 / 9 000 / 8 350 (years 3 to 5), objective +4 % (:158).
    The 2024 convention says « ≥ P95 » (../shared/legal/convention-2024.md:54): there, 95 is the top band."""
    verdict = evaluate(case(95, option="1/3"))
    assert [y.band for y in verdict.aid] == ["p90"] * 5
    assert amounts(verdict) == [D(12000), D(9000), D(8350), D(8350), D(8350)]
    assert {o.increase_percent for o in verdict.objectives} == {D(4)}
    above = evaluate(case(95.1, option="1/3"))
    assert amounts(above) == [D(12000)] * 5 and {o.increase_percent for o in above.objectives} == {D(0)}
    signed_2024 = case(95, option="1/2", signature="2024-09-02")
    signed_2024["doctor"]["activity"]["mt_patients_child"] = 0
    later = evaluate(signed_2024)
    assert later.status == "eligible", later.missing
    assert [y.band for y in later.aid] == ["p95"] * 5 and amounts(later) == [D(19000)] * 5


def test_full_time_gp_2020_at_p60_and_the_unconfirmed_band():
    verdict = evaluate(case(60))
    assert amounts(verdict) == [D(36000), D(27000), D(21000), D(21000), D(21000)]
    assert [y.parameter for y in verdict.aid][:3] == ["montant_plein_an1", "montant_plein_an2", "montant_plein_an3"]
    # the 1 ETP band values between P50 and P90 are not in the digest: flagged, not guessed
    for objective in verdict.objectives:
        assert objective.band == "p50"
        assert objective.increase_percent is None
        assert objective.certainty == "uncertain"
        assert "NON TROUVÉ" in objective.note


def test_training_deadline_of_an_assistant_hired_on_29_february():
    c = case(60, signature="2024-03-15")  # a règlement arbitral contract: qualification within 3 years
    c["assistant"] = {"qualification": "aucune", "hire_date": "2024-02-29"}
    on_due = evaluate(c, on="2026-02-28")
    obligation = next(o for o in on_due.obligations if o.obligation_id == "ra2023.formation.qualification")
    assert obligation.due_date == date(2027, 2, 28)  # 3 years under the 2023 regime
    enrol = next(o for o in on_due.obligations if o.obligation_id == "ra2023.formation.inscription")
    assert (enrol.due_date, enrol.state) == (date(2026, 2, 28), "pending")
    late = evaluate(c, on="2026-03-01")
    enrol = next(o for o in late.obligations if o.obligation_id == "ra2023.formation.inscription")
    assert enrol.state == "overdue"
    assert enrol.consequence


def test_avenant_7_training_deadline_from_29_february():
    c = case(60, signature="2020-02-20")
    c["assistant"] = {"qualification": "aucune", "hire_date": "2020-02-29"}
    verdict = evaluate(c, on="2022-03-01")
    entry = next(o for o in verdict.obligations if o.obligation_id == "a7.formation.entree")
    assert (entry.due_date, entry.state) == (date(2022, 2, 28), "overdue")
    cqp = next(o for o in verdict.obligations if o.obligation_id == "a7.formation.cqp")
    assert (cqp.due_date, cqp.state) == (date(2023, 2, 28), "pending")


def test_2024_qualification_due_within_2_years():
    c = case(60, signature="2024-09-01")
    c["assistant"] = {"qualification": "ide", "hire_date": "2024-02-29", "qualified_on": "2025-06-01"}
    verdict = evaluate(c, on="2026-03-01")
    ob = next(o for o in verdict.obligations if o.obligation_id == "cm2024.formation.qualification")
    assert (ob.due_date, ob.state, ob.met_on) == (date(2026, 2, 28), "met", date(2025, 6, 1))


def test_2024_revaluation_from_the_first_anniversary_after_22_june_2024():
    # a ½ ETP règlement-arbitral contract signed before 22 June 2024
    verdict = evaluate(case(60, option="1/2", signature="2023-10-02"))
    assert verdict.regime == "reglement-arbitral-2023"
    assert amounts(verdict) == [D(18000), D(14000), D(11000), D(11000), D(11000)]
    assert verdict.aid[1].value_from == date(2024, 6, 22)
    assert "aide-l-emploi-d-un-assistant-medical-ce-qui-change-des-juin-2024" in verdict.aid[1].citations[0].url


def test_ameli_example_half_time_contract_signed_2022_01_10():
    verdict = evaluate(case(60, option="1/2", signature="2022-01-10"))
    assert [y.start for y in verdict.aid] == [date(2022, 1, 10), date(2023, 1, 10), date(2024, 1, 10),
                                             date(2025, 1, 10), date(2026, 1, 10)]
    assert amounts(verdict) == [D(18000), D(13500), D(10500), D(11000), D(11000)]


def test_contract_signed_on_22_june_2024_takes_the_2024_amounts_from_year_1():
    verdict = evaluate(case(60, option="1", signature="2024-06-22"))
    assert amounts(verdict) == [D(38000), D(28000), D(22000), D(22000), D(22000)]


# -- every amount of the digests ---------------------------------------------------------------------------
A7_TABLE = {  # option: (year 1, year 2, year 3+, year 3+ between P90 and P95, every year from P95)
    "1/3": (12000, 9000, 7000, 8350, 12000),
    "1/2": (18000, 13500, 10500, 12500, 18000),
    "1": (36000, 27000, 21000, 25000, 36000),
}


@pytest.mark.parametrize("option", A7_TABLE)
def test_avenant_7_amounts(option):
    y1, y2, y3, y3_p90, p95 = map(D, A7_TABLE[option])
    assert amounts(evaluate(case(40, option=option, signature="2019-10-01"))) == [y1, y2, y3, y3, y3]
    assert amounts(evaluate(case(92, option=option, signature="2019-10-01"))) == [y1, y2, y3_p90, y3_p90, y3_p90]
    assert amounts(evaluate(case(97, option=option, signature="2019-10-01"))) == [p95] * 5


CM2024_TABLE = {"1/2": (19000, 14000, 11000, 13000, 19000), "1": (38000, 28000, 22000, 26000, 38000)}


@pytest.mark.parametrize("option", CM2024_TABLE)
def test_2024_amounts(option):
    y1, y2, y3, y3_p90, p95 = map(D, CM2024_TABLE[option])
    assert amounts(evaluate(case(40, option=option, signature="2025-01-15"))) == [y1, y2, y3, y3, y3]
    assert amounts(evaluate(case(92, option=option, signature="2025-01-15"))) == [y1, y2, y3_p90, y3_p90, y3_p90]
    assert amounts(evaluate(case(95, option=option, signature="2025-01-15"))) == [p95] * 5


def test_running_one_third_contract_takes_the_revalued_2024_amounts():
    # 1/3 ETP signed 2021-08-01: year 4 starts 2024-08-01, the first anniversary after 22 June 2024
    verdict = evaluate(case(40, option="1/3", signature="2021-08-01"))
    assert amounts(verdict) == [D(12000), D(9000), D(7000), D(7350), D(7350)]
    assert amounts(evaluate(case(92, option="1/3", signature="2021-08-01")))[3:] == [D(8767)] * 2
    assert amounts(evaluate(case(97, option="1/3", signature="2021-08-01")))[3:] == [D(12600)] * 2
    # signed 2021-03-01: year 4 starts 2024-03-01, before the revaluation; year 5 takes it
    assert amounts(evaluate(case(40, option="1/3", signature="2021-03-01")))[3:] == [D(7000), D(7350)]


def test_year_1_advance_of_70_percent_within_15_days_of_hiring():
    advance = evaluate(case(60)).aid[0].advance
    assert advance.amount == D("25200.00")
    assert advance.due_date == date(2020, 2, 18)
    assert evaluate(case(60)).aid[1].advance is None


def test_an_advance_counted_from_a_hiring_before_the_signature_has_no_due_date_and_is_uncertain():
    """« within 15 days of the recruitment » (avenant7-2019.md:138): an assistant hired before the contract was
    signed would put the advance before the contract; the sources do not say when it is then due."""
    early = case(60)
    early["assistant"]["hire_date"] = "2019-12-01"  # the contract is signed on 2020-01-15
    advance = evaluate(early).aid[0].advance
    assert (advance.amount, advance.due_date, advance.certainty) == (D("25200.00"), None, "uncertain")
    assert "avant la signature" in advance.note
    assert "before the contract's signature" in evaluate(early, language="en").aid[0].advance.note
    early["assistant"]["hire_date"] = "2020-01-15"  # hired the day it is signed: due 15 days later
    advance = evaluate(early).aid[0].advance
    assert (advance.due_date, advance.certainty) == (date(2020, 1, 30), "confirmed")


def test_no_advance_where_the_sources_give_none():
    assert evaluate(case(60, signature="2025-01-15")).aid[0].advance is None


def test_unknown_percentile_gives_the_candidate_amounts():
    verdict = evaluate(case(None))
    assert verdict.aid[0].amount == D(36000)
    assert verdict.aid[1].amount is None
    assert verdict.aid[1].possible_amounts == [D(27000), D(36000)]
    assert verdict.aid[2].possible_amounts == [D(21000), D(25000), D(36000)]
    assert verdict.aid[2].missing == ["doctor.activity.percentile"]
    assert verdict.aid_total is None


def test_second_assistant_amounts_are_not_invented():
    c = case(60, option="2", signature="2025-03-01")
    c["contract"]["first_assistant_contract"] = {"signature_date": "2023-03-01", "option": "1", "objectives_met": True}
    verdict = evaluate(c)
    assert verdict.status == "eligible"
    assert all(y.amount is None and y.certainty == "uncertain" for y in verdict.aid)


def test_no_aid_schedule_for_a_case_that_is_not_eligible():
    c = case(60)
    c["doctor"]["sector"] = "non_conventionne"
    assert evaluate(c).aid == []


def test_amounts_are_decimal_in_json():
    dumped = evaluate(case(60)).model_dump(mode="json")
    assert dumped["aid"][0]["amount"] == "36000"


# -- objectives --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("percentile", "band", "increase"),
                         [(35, "p30", 20), (55, "p50", 15), (75, "p70", D("7.5")), (92, "p90", 4), (96, "p95", 0)])
def test_avenant_7_one_third_bands(percentile, band, increase):
    objectives = evaluate(case(percentile, option="1/3")).objectives
    assert [o.indicator for o in objectives] == ["patientele_mt", "file_active"]
    mt = objectives[0]
    assert (mt.band, mt.increase_percent, mt.kind) == (band, D(increase), "increase")


def test_targets_are_counts_rounded_up():
    objectives = evaluate(case(75, option="1/3")).objectives  # +7.5 %
    assert [(o.start_count, o.target_count) for o in objectives] == [(1000, 1075), (2000, 2150)]
    objectives = evaluate(case(75, option="1/3", activity={"mt_patients_adult": 999, "file_active": 1001,
                                                           "percentile": 75})).objectives
    assert [o.target_count for o in objectives] == [1074, 1077]  # 1073.925 -> 1074, 1076.075 -> 1077


def test_the_rounding_rule_makes_a_target_uncertain_only_when_it_rounds():
    """Avenant 7, 1/3 ETP: the increases are in the text (../shared/legal/avenant7-2019.md:151-159); only the
    rounding of the target is the project's reading. A target that needs no rounding is confirmed."""
    whole = evaluate(case(75, option="1/3", activity={"mt_patients_adult": 1000, "file_active": 2000,
                                                      "percentile": 75})).objectives
    assert [(o.target_count, o.certainty) for o in whole] == [(1075, "confirmed"), (2150, "confirmed")]
    assert all(o.note is None or "arrondi" not in o.note.lower() for o in whole)
    rounded = evaluate(case(75, option="1/3", activity={"mt_patients_adult": 999, "file_active": 2000,
                                                        "percentile": 75})).objectives
    assert [(o.target_count, o.certainty) for o in rounded] == [(1074, "uncertain"), (2150, "confirmed")]


def test_specialists_only_have_a_file_active_objective():
    c = case(40, option="1/2", specialty="cardiologie", signature="2024-09-02")
    assert [o.indicator for o in evaluate(c).objectives] == ["file_active"]
    c = case(40, option="1/2", specialty="pediatrie", signature="2024-09-02")
    assert [o.indicator for o in evaluate(c).objectives] == ["patientele_mt", "file_active"]


def test_new_installation_reaches_the_median_within_3_years():
    c = case(10, option="1/2", new_installation=True)
    objectives = evaluate(c).objectives
    assert {(o.kind, o.target_percentile, o.within) for o in objectives} == {("reach_percentile", 50, "3 ans")}


def test_2023_bands_are_flagged_not_found_except_maintenance_above_p95():
    verdict = evaluate(case(60, option="1", signature="2023-10-02"))
    assert all(o.increase_percent is None and o.certainty == "uncertain" for o in verdict.objectives)
    top = evaluate(case(97, option="1", signature="2023-10-02")).objectives
    assert all(o.increase_percent == 0 for o in top)


# -- yearly review -----------------------------------------------------------------------------------------
CARDIO = {"doctor": {"specialty": "cardiologie", "activity": {"percentile": 40, "file_active": 2000}},
          "contract": {"signature_date": "2020-01-15", "option": "1/3"}}


def test_no_modulation_in_years_1_and_2_under_avenant_7():
    for year, amount in ((1, 12000), (2, 9000)):
        r = review(CARDIO, year, achieved={"file_active": 1500})
        assert (r.modulated, r.objectives_met, r.aid_due) == (False, False, D(amount))


def test_year_3_objective_met_pays_the_maximum():
    r = review(CARDIO, 3, achieved={"file_active": 2400})  # +20 % of 2000
    assert (r.modulated, r.objectives_met, r.aid_due, r.max_amount) == (True, True, D(7000), D(7000))


def test_year_3_objective_missed_is_flagged_uncertain_not_invented():
    r = review(CARDIO, 3, achieved={"file_active": 2399})
    assert r.objectives_met is False
    assert r.aid_due is None
    assert r.certainty == "uncertain"
    assert r.prorata_estimate == (D(7000) * D(2399) / D(2400)).quantize(D("1.00"))


GP_P35_THIRD = {
    "doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
               "group_practice_doctors": 2, "activity": {"mt_patients_adult": 1000, "file_active": 2000,
                                                         "percentile": 35}},
    "assistant": {"qualification": "cqp", "hire_date": "2020-03-01"},
    "contract": {"signature_date": "2020-03-01", "option": "1/3"},
}


def test_a_gp_review_weighs_both_indicators():
    """A GP has two objectives (patientèle médecin traitant and file active, +20 % each in band P30-P50 of the
    1/3 option: targets 1 200 and 2 400). Both must be met; the estimate follows the worse of the two."""
    both = review(GP_P35_THIRD, 3, {"patientele_mt": 1300, "file_active": 2400})
    assert (both.objectives_met, both.aid_due) == (True, D(7000))
    one_missed = review(GP_P35_THIRD, 3, {"patientele_mt": 1200, "file_active": 1200})
    assert [(i.indicator, i.met) for i in one_missed.indicators] == [("patientele_mt", True), ("file_active", False)]
    assert (one_missed.objectives_met, one_missed.aid_due) == (False, None)
    assert one_missed.prorata_estimate == D("3500.00")  # 7 000 × 1 200 / 2 400, not × 1 200 / 1 200
    # an indicator not given: unknown, unless the other is already missed
    assert review(GP_P35_THIRD, 3, {"patientele_mt": 1300}).objectives_met is None
    assert review(GP_P35_THIRD, 3, {"patientele_mt": 1100}).objectives_met is False


def test_review_rejects_an_unknown_indicator_and_year():
    with pytest.raises(ValueError, match="patientele_mt"):
        review(CARDIO, 3, achieved={"patientele_mt": 10})
    with pytest.raises(ValueError, match="from 1 to 5"):
        review(CARDIO, 6, achieved={})


# -- properties --------------------------------------------------------------------------------------------
BOOK = load_rules()


def test_every_amount_parameter_is_non_negative_decimal():
    for regime in BOOK.regimes:
        for param in regime.parameters.values():
            if param.unit == "euros":
                for value in param.values:
                    assert value.value is None or (isinstance(value.value, Decimal) and value.value >= 0)


@pytest.mark.parametrize("regime", [r.id for r in BOOK.regimes])
def test_higher_band_never_asks_for_a_larger_increase(regime):
    rule = BOOK.regime(regime).objectives
    bands = [b.id for b in BOOK.regime(regime).aid.bands]  # highest first
    for increase in rule.increases.values():
        known = [increase.bands[b] for b in bands if increase.bands.get(b) is not None]
        assert known == sorted(known), (regime, known)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(date(2019, 9, 1), date(2030, 12, 31)), option=st.sampled_from(["etp_1_3", "etp_1_2", "etp_1"]),
       percentile=st.floats(0, 100))
def test_avenant_7_scale_never_increases_from_year_2_to_year_3(day, option, percentile):
    """On any date, for the same band, year 3+ never pays more than year 2, nor year 2 more than year 1."""
    regime = BOOK.regime("avenant7-2019")
    band = regime.aid.band_of(percentile)

    def amount(year):
        table = regime.aid.band_table(option, year)
        return regime.param(table.get(band.id, table["default"]), day)

    y1, y2, y3 = amount(1), amount(2), amount(3)
    assert y2 is not None and y3 is not None and y2 >= y3 >= 0
    assert y1 is None or y1 >= y2


@settings(max_examples=200, deadline=None)
@given(percentile=st.floats(0, 100), option=st.sampled_from(["1/3", "1/2", "1"]),
       signature=st.dates(date(2019, 9, 1), date(2023, 4, 30)))
def test_avenant_7_schedules_are_complete_and_non_negative(percentile, option, signature):
    verdict = evaluate(case(percentile, option=option, signature=signature.isoformat()))
    assert len(verdict.aid) == 5
    assert all(y.amount is not None and y.amount >= 0 for y in verdict.aid)
    assert all(y.start < y.end for y in verdict.aid)


@settings(max_examples=200, deadline=None)
@given(signature=st.dates(date(2019, 9, 1), date(2030, 12, 31)), year=st.integers(1, 5))
def test_contract_years_follow_the_calendar(signature, year):
    start, end = year_bounds(signature, year)
    next_start, _ = year_bounds(signature, year + 1)
    assert next_start == end.fromordinal(end.toordinal() + 1)
    assert start.month == signature.month
    assert start.day == signature.day or (signature.month, signature.day) == (2, 29)


@settings(max_examples=400, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)),
       st.integers(0, 30), st.integers(0, 40), st.integers(0, 800))
def test_add_delay_is_relativedelta_arithmetic(day: date, years: int, months: int, days: int) -> None:
    """The engine's fast delay arithmetic gives the date relativedelta gives, month ends and 29 February included."""
    delay = relativedelta(years=years, months=months, days=days)
    assert add_delay(day, delay) == day + delay


def test_add_delay_falls_back_for_other_deltas() -> None:
    delay = relativedelta(months=1, day=31)  # not a delay a rule file can write: relativedelta computes it
    assert add_delay(date(2021, 2, 3), delay) == date(2021, 3, 31)
