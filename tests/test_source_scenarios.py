"""Scenarios the legal sources state explicitly, for the 2023 and 2024 regimes and the avenant 7 objectives.

Every expected value is read from a line of the sources, cited in each test: ``../shared/legal/`` (the three
digests and their README) and ``../shared/seeds/`` (the Assurance Maladie deck "Convention médicale 2023").
Paths are relative to the repository root (``/work/main``), as in the rule files.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from assistmed_rules import Evaluator, load_rules, review

D = Decimal


def evaluate(case, on=None):
    """A fresh evaluator for each scenario: no memo filled by an earlier test can answer for this one."""
    return Evaluator().evaluate(case, on)
RA_2023 = "reglement-arbitral-2023"
CM_2024 = "convention-2024"


def gp(signature: str, option: str = "1/2", percentile: float = 45, **assistant) -> dict:
    """A secteur 1 GP in an MSP in a ZIP, eligible under all three regimes: 1 000 adult and 150 child patients
    médecin traitant (above the 640 adults of avenant 7 and the 775 adults and children of 2023 and 2024),
    file active 2 000; the assistant (CQP, so no training obligation) is hired on the day of signature."""
    return {
        "doctor": {
            "sector": "secteur_1",
            "specialty": "medecine_generale",
            "coordinated_practice": "msp",
            "zone": "zip",
            "activity": {"mt_patients_adult": 1000, "mt_patients_child": 150, "file_active": 2000,
                         "percentile": percentile},
        },
        "assistant": {"qualification": "cqp", "hire_date": signature, **assistant},
        "contract": {"signature_date": signature, "option": option},
    }


def specialist(specialty: str, signature: str = "2023-10-02", **activity) -> dict:
    """A secteur 1 specialist whose file active is at the 60th percentile (above the 30th), asking for 1 ETP."""
    return {
        "doctor": {"sector": "secteur_1", "specialty": specialty, "activity": {"percentile": 60, **activity}},
        "assistant": {"qualification": "cqp"},
        "contract": {"signature_date": signature, "option": "1"},
    }


def amounts(verdict) -> list[Decimal | None]:
    return [year.amount for year in verdict.aid]


def obligation_ids(obligations) -> list[str]:
    return [o.obligation_id for o in obligations]


def the_obligation(verdict, obligation_id: str):
    found = [o for o in verdict.obligations if o.obligation_id == obligation_id]
    assert len(found) == 1, f"{obligation_id} not in {obligation_ids(verdict.obligations)}"
    return found[0]


# -- 1. sector, 2023 and 2024 ------------------------------------------------------------------------------
@pytest.mark.parametrize(("signature", "rule", "sector", "tariff_option", "outcome"), [
    # ../shared/legal/reglement-arbitral-2023.md:37 and ../shared/seeds/000_091d29c96fdbdf41.txt:65-68:
    # "secteur 1, or secteur 2 with OPTAM / OPTAM-CO"
    ("2023-10-02", "ra2023.secteur", "secteur_1", None, "met"),
    ("2023-10-02", "ra2023.secteur", "secteur_2", "optam", "met"),
    ("2023-10-02", "ra2023.secteur", "secteur_2", "optam_co", "met"),
    ("2023-10-02", "ra2023.secteur", "secteur_2", "aucune", "not_met"),
    ("2023-10-02", "ra2023.secteur", "non_conventionne", None, "not_met"),
    # ../shared/legal/convention-2024.md:28: "secteur 1, or secteur 2 with OPTAM or OPTAM-ACO (the renamed
    # OPTAM-CO)"; the input names OPTAM-ACO optam_co, with the alias optam_aco (docs/input.md)
    ("2024-09-02", "cm2024.secteur", "secteur_1", None, "met"),
    ("2024-09-02", "cm2024.secteur", "secteur_2", "optam", "met"),
    ("2024-09-02", "cm2024.secteur", "secteur_2", "optam_aco", "met"),
    ("2024-09-02", "cm2024.secteur", "secteur_2", "aucune", "not_met"),
    ("2024-09-02", "cm2024.secteur", "non_conventionne", None, "not_met"),
])
def test_sector_under_2023_and_2024(signature, rule, sector, tariff_option, outcome):
    case = gp(signature)
    case["doctor"].update(sector=sector, tariff_option=tariff_option)
    verdict = evaluate(case)
    assert verdict.finding(rule).outcome == outcome
    if outcome == "met":
        assert verdict.status == "eligible"
    else:
        assert (verdict.status, verdict.failed_rules) == ("not_eligible", [rule])


# -- 2. specialties, 2023 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("specialty", ["radiologie", "radiotherapie", "stomatologie", "anesthesie_reanimation",
                                       "anatomie_cytologie_pathologiques", "medecine_nucleaire"])
def test_2023_excluded_specialties_are_not_eligible(specialty):
    """../shared/legal/reglement-arbitral-2023.md:43: "Excluded: radiologues, radiothérapeutes, stomatologues,
    anesthésistes, anatomo-cytopathologistes, médecins nucléaires"."""
    verdict = evaluate(specialist(specialty))
    assert verdict.regime == RA_2023
    assert (verdict.status, verdict.failed_rules) == ("not_eligible", ["ra2023.specialite"])


@pytest.mark.parametrize(("clinical_fee_share", "outcome", "status"), [(85, "met", "eligible"),
                                                                       (70, "not_met", "not_eligible")])
def test_2023_surgeon_needs_ccam_fees_under_20_percent(clinical_fee_share, outcome, status):
    """../shared/legal/reglement-arbitral-2023.md:43: "surgeons eligible if CCAM fees < 20 % of total fees":
    85 % of clinical fees is 15 % of CCAM fees (eligible), 70 % is 30 % (not). The 80 % boundary is left out:
    the 2023 source says "under 20 %" where the 2024 text says "80 % et plus" (an open point)."""
    verdict = evaluate(specialist("chirurgie_generale", clinical_fee_share=clinical_fee_share))
    assert verdict.regime == RA_2023
    assert verdict.finding("ra2023.part_clinique").outcome == outcome
    assert verdict.status == status
    if status == "not_eligible":
        assert verdict.failed_rules == ["ra2023.part_clinique"]


# -- 3. running 1/3 ETP contracts, revalued ---------------------------------------------------------------
def test_last_avenant_7_one_third_contract_takes_the_revaluation_from_year_3():
    """The last day of avenant 7 (2023-04-30, ../shared/legal/README.md:9) puts year 2 on 2024-04-30, before
    22 June 2024: an avenant 7 contract never reaches a revalued year 2. Its year 2 keeps 9 000
    (../shared/legal/avenant7-2019.md:128); year 3, from 2025-04-30, the first anniversary on or after
    22 June 2024 (../shared/legal/README.md:16), takes 7 350 (../shared/legal/convention-2024.md:58)."""
    verdict = evaluate(gp("2023-04-30", option="1/3"))
    assert verdict.regime == "avenant7-2019"
    assert [year.start for year in verdict.aid][:3] == [date(2023, 4, 30), date(2024, 4, 30), date(2025, 4, 30)]
    assert amounts(verdict)[1:] == [D(9000), D(7350), D(7350), D(7350)]


def test_the_revalued_9450_for_a_one_third_year_2_is_encoded_but_no_running_contract_reaches_it():
    """ameli's table revalues a running 1/3 ETP contract's year 2 from 9 000 to 9 450
    (../shared/legal/convention-2024.md:58), from the first anniversary on or after 22 June 2024
    (../shared/legal/README.md:16). The last avenant 7 contract, signed 2023-04-30, starts its year 2 on
    2024-04-30, before that date; and a 1/3 contract can only be renewed at its five-year term
    (../shared/legal/reglement-arbitral-2023.md:85-90, ../shared/legal/avenant7-2019.md:115), not under the
    règlement arbitral. The amount is in the rule file, dated, and no case computes it."""
    regime = load_rules().regime("avenant7-2019")
    assert regime.param("montant_tiers_an2", date(2024, 6, 22)) == D(9450)
    assert regime.param("montant_tiers_an2", date(2024, 6, 21)) == D(9000)
    last = evaluate(gp("2023-04-30", option="1/3"))
    assert last.aid[1].start == date(2024, 4, 30) and last.aid[1].amount == D(9000)
    case = gp("2023-09-01", option="1/3")
    case["contract"].update(is_renewal=True, renews={"signature_date": "2019-09-02", "option": "1/3"})
    verdict = evaluate(case)
    assert (verdict.regime, verdict.status, verdict.failed_rules) == (RA_2023, "not_eligible", ["ra2023.option"])


# -- 4. règlement arbitral amounts -------------------------------------------------------------------------
RA_SCALES = {  # option: (year 1, year 2 before 22 June 2024, year 2 revalued, year 3+ revalued)
    # ../shared/legal/reglement-arbitral-2023.md:54-57; ../shared/legal/convention-2024.md:56-57
    "1/2": (18000, 13500, 14000, 11000),
    "1": (36000, 27000, 28000, 22000),
}


@pytest.mark.parametrize("option", RA_SCALES)
def test_2023_contract_with_year_2_before_the_revaluation(option):
    """Signed 2023-05-15: year 1 18 000 / 36 000 (CONFIRMED, ../shared/legal/reglement-arbitral-2023.md:54-55);
    year 2 from 2024-05-15, before 22 June 2024: 13 500 / 27 000, UNCERTAIN (reglement-arbitral-2023.md:56);
    year 3 from 2025-05-15, the first anniversary on or after 22 June 2024 (../shared/legal/README.md:16):
    the revalued 11 000 / 22 000 (../shared/legal/convention-2024.md:56-57)."""
    year_1, year_2, _, year_3 = map(D, RA_SCALES[option])
    verdict = evaluate(gp("2023-05-15", option=option))
    assert (verdict.status, verdict.regime) == ("eligible", RA_2023)
    assert amounts(verdict) == [year_1, year_2, year_3, year_3, year_3]
    assert [year.certainty for year in verdict.aid[:2]] == ["confirmed", "uncertain"]


@pytest.mark.parametrize("option", RA_SCALES)
@pytest.mark.parametrize("signature", ["2023-06-22", "2023-09-01"])
def test_2023_contract_year_2_on_or_after_22_june_2024_is_revalued(option, signature):
    """Year 2 starting on 2024-06-22 (signed 2023-06-22) or later: "the revalued 2024 amounts from its first
    anniversary on or after that date" (../shared/legal/README.md:16-17, ../shared/legal/convention-2024.md:93-95),
    14 000 / 28 000 (convention-2024.md:56-57, CONFIRMED official); year 1 keeps 18 000 / 36 000."""
    year_1, _, year_2, year_3 = map(D, RA_SCALES[option])
    verdict = evaluate(gp(signature, option=option))
    assert (verdict.status, verdict.regime) == ("eligible", RA_2023)
    assert verdict.aid[1].start >= date(2024, 6, 22)
    assert amounts(verdict) == [year_1, year_2, year_3, year_3, year_3]
    assert verdict.aid[1].certainty == "confirmed"


@pytest.mark.parametrize("option", RA_SCALES)
def test_2023_contract_year_2_the_day_before_22_june_2024_is_not_revalued(option):
    """Signed 2023-06-21: year 2 starts 2024-06-21, before 22 June 2024, so it keeps 13 500 / 27 000
    (../shared/legal/reglement-arbitral-2023.md:56); year 3, from 2025-06-21, is revalued
    (../shared/legal/convention-2024.md:93-95)."""
    year_1, year_2, _, year_3 = map(D, RA_SCALES[option])
    assert amounts(evaluate(gp("2023-06-21", option=option))) == [year_1, year_2, year_3, year_3, year_3]


# -- 5. the advance --------------------------------------------------------------------------------------
@pytest.mark.parametrize("option", ["1/2", "1"])
def test_no_year_1_advance_under_the_2023_regime(option):
    """The 70 % advance within 15 days of hiring is an avenant 7 rule (../shared/legal/avenant7-2019.md:138);
    the 2023 digest states none, and whether it survived is NOT FOUND (../shared/legal/convention-2024.md:67-68):
    no advance is computed."""
    verdict = evaluate(gp("2023-09-01", option=option))
    assert verdict.regime == RA_2023
    assert all(year.advance is None for year in verdict.aid)


def test_avenant_7_half_time_advance_is_70_percent_of_year_1_within_15_days():
    """../shared/legal/avenant7-2019.md:138: "70 % of the year-1 amount paid within 15 days of the recruitment";
    ½ ETP year 1 is 18 000 (avenant7-2019.md:129), so 12 600 due 15 days after hiring on 2022-09-01."""
    advance = evaluate(gp("2022-09-01")).aid[0].advance
    assert (advance.amount, advance.due_date) == (D(12600), date(2022, 9, 16))


# -- 6. a converted secretary ------------------------------------------------------------------------------
def test_2023_converted_secretary_is_replaced_with_no_delay_in_the_sources():
    """../shared/legal/reglement-arbitral-2023.md:80-82 and ../shared/seeds/000_091d29c96fdbdf41.txt:92-96: the
    secretary hired as assistant is replaced, "a minima par une option de télé-secrétariat"; no delay given."""
    verdict = evaluate(gp("2023-09-01", was_practice_secretary=True), on="2024-01-15")
    replace = the_obligation(verdict, "ra2023.secretariat.remplacement")
    assert replace.due_date is None
    assert "ra2023.secretariat.remplacement" not in obligation_ids(verdict.conditional_obligations)

    done = evaluate(gp("2023-09-01", was_practice_secretary=True, secretary_replaced_on="2023-10-01"),
                    on="2024-01-15")
    replace = the_obligation(done, "ra2023.secretariat.remplacement")
    assert (replace.state, replace.met_on) == ("met", date(2023, 10, 1))


@pytest.mark.parametrize(("on", "state"), [("2025-01-15", "pending"), ("2025-06-01", "overdue")])
def test_2024_converted_secretary_is_replaced_within_6_months(on, state):
    """../shared/legal/convention-2024.md:86-90: another medical secretary "hired within 6 months", UNCERTAIN.
    The assistant is hired on the day of signature (2024-09-02), so the 6 months end on 2025-03-02 whichever
    of the two the delay runs from."""
    verdict = evaluate(gp("2024-09-02", was_practice_secretary=True), on=on)
    assert verdict.regime == CM_2024
    replace = the_obligation(verdict, "cm2024.secretariat.remplacement")
    assert (replace.due_date, replace.state, replace.certainty) == (date(2025, 3, 2), state, "uncertain")


def test_2024_converted_secretary_replaced_meets_the_obligation():
    """../shared/legal/convention-2024.md:86-88: a new secretary hired within the 6 months."""
    case = gp("2024-09-02", was_practice_secretary=True, secretary_replaced_on="2025-01-06")
    replace = the_obligation(evaluate(case, on="2025-06-01"), "cm2024.secretariat.remplacement")
    assert (replace.state, replace.met_on) == ("met", date(2025, 1, 6))


@pytest.mark.parametrize(("signature", "obligation_id"), [("2023-09-01", "ra2023.secretariat.remplacement"),
                                                          ("2024-09-02", "cm2024.secretariat.remplacement")])
def test_no_secretary_obligation_when_the_assistant_was_not_the_secretary(signature, obligation_id):
    """The replacement applies only "if the practice's medical secretary is hired as the assistant"
    (../shared/legal/reglement-arbitral-2023.md:80; ../shared/legal/convention-2024.md:86)."""
    verdict = evaluate(gp(signature, was_practice_secretary=False))
    assert verdict.status == "eligible"
    assert obligation_id not in obligation_ids(verdict.obligations + verdict.conditional_obligations)


# -- 7. avenant 7 objectives, ½ and 1 ETP ------------------------------------------------------------------
@pytest.mark.parametrize(("option", "percentile", "band", "increase"), [
    # ../shared/legal/avenant7-2019.md:163: ½ ETP +6 % to +25 %, 1 ETP +12.5 % to +35 %; the largest for
    # P30-P50 and the smallest for P90-P95 (an inference, UNCERTAIN)
    ("1/2", 40, "p30", D(25)),
    ("1/2", 92, "p90", D(6)),
    ("1", 40, "p30", D(35)),
    ("1", 92, "p90", D("12.5")),
    # same line: "Intermediate band values (P50–P70, P70–P90) NOT FOUND"
    ("1/2", 60, "p50", None),
    ("1/2", 80, "p70", None),
    ("1", 60, "p50", None),
    ("1", 80, "p70", None),
])
def test_avenant_7_half_and_full_time_objective_bands(option, percentile, band, increase):
    verdict = evaluate(gp("2021-03-01", option=option, percentile=percentile))
    assert (verdict.status, verdict.regime) == ("eligible", "avenant7-2019")
    assert [o.indicator for o in verdict.objectives] == ["patientele_mt", "file_active"]
    for objective in verdict.objectives:
        assert (objective.band, objective.kind, objective.increase_percent) == (band, "increase", increase)
        assert objective.certainty == "uncertain"
    if increase is not None:  # 1 000 adult patients médecin traitant and a file active of 2 000, raised
        assert [o.target_count for o in verdict.objectives] == [1000 + 10 * increase, 2000 + 20 * increase]


@pytest.mark.parametrize("option", ["1/2", "1"])
def test_avenant_7_above_p95_maintains_for_every_option(option):
    """../shared/legal/avenant7-2019.md:163: "above P95: maintain activity (all options)"."""
    objectives = evaluate(gp("2021-03-01", option=option, percentile=97)).objectives
    assert [(o.band, o.increase_percent) for o in objectives] == [("p95", 0), ("p95", 0)]


# -- 8. the majorated bands, before and after the 2024 revaluation ----------------------------------------
@pytest.mark.parametrize(("signature", "option", "percentile", "expected"), [
    # ../shared/legal/reglement-arbitral-2023.md:58-59: "≥ P95: 18 000 / 36 000 every year" before 2024, and
    # ../shared/legal/convention-2024.md:56-57: revalued to 19 000 / 38 000 from the first anniversary on or
    # after 2024-06-22 (README: "from its first anniversary on or after that date")
    ("2023-09-01", "1", 96, [36000, 38000, 38000, 38000, 38000]),
    ("2023-09-01", "1/2", 95, [18000, 19000, 19000, 19000, 19000]),  # « à partir du 95e » (≥): 95 is in it
    # ../shared/legal/avenant7-2019.md:126-130: 1 ETP 36 000 / 27 000 / 25 000 from year 3 at P90-P95, and
    # convention-2024.md:57: 25 000 → 26 000 (year 5 of a contract signed 2020-07-01 starts 2024-07-01)
    ("2020-07-01", "1", 92, [36000, 27000, 25000, 25000, 26000]),
    # avenant7-2019.md:129: ½ ETP above P95, 18 000 every year; convention-2024.md:56: → 19 000
    ("2020-07-01", "1/2", 97, [18000, 18000, 18000, 18000, 19000]),
    # avenant7-2019.md:129: ½ ETP at P90-P95 12 500 from year 3 (the band starts at 90), → 13 000
    ("2020-07-01", "1/2", 90, [18000, 13500, 12500, 12500, 13000]),
])
def test_majorated_amounts_of_the_largest_patienteles(signature, option, percentile, expected):
    verdict = evaluate(gp(signature, option=option, percentile=percentile))
    assert verdict.status == "eligible"
    assert amounts(verdict) == [D(a) for a in expected]


# -- 9. 2023 and 2024 objectives --------------------------------------------------------------------------
@pytest.mark.parametrize("specialty", ["medecine_generale", "pediatrie"])
def test_2023_gp_and_paediatrician_objectives_count_adults_and_children_and_the_file_active(specialty):
    """../shared/legal/reglement-arbitral-2023.md:62-64 (CONFIRMED official): GPs and paediatricians, the
    patientèle médecin traitant (adults and children) and the file active; the band table is NOT FOUND
    (line 66): no increase is made up."""
    case = gp("2023-09-01", percentile=60)
    case["doctor"]["specialty"] = specialty
    objectives = evaluate(case).objectives
    assert [(o.indicator, o.start_count, o.increase_percent) for o in objectives] == [
        ("patientele_mt", 1150, None), ("file_active", 2000, None)]


def test_2023_other_specialists_objective_is_the_file_active():
    """reglement-arbitral-2023.md:63-64: "other specialists: of the file active"."""
    objectives = evaluate(specialist("cardiologie", file_active=1500)).objectives
    assert [(o.indicator, o.start_count) for o in objectives] == [("file_active", 1500)]


def test_2024_gp_objectives_and_above_p95_maintain():
    """../shared/legal/convention-2024.md:73: "GPs: patientèle médecin traitant and file active ... ≥ P95:
    maintain only"; the band table is NOT FOUND (line 71): no increase is made up below P95."""
    below = evaluate(gp("2024-09-02", percentile=60)).objectives
    assert [(o.indicator, o.increase_percent) for o in below] == [("patientele_mt", None), ("file_active", None)]
    assert [o.start_count for o in below] == [1150, 2000]  # the 2023 reading (adults and children) kept
    for percentile in (35, 55, 75, 92):
        assert {o.increase_percent for o in evaluate(gp("2024-09-02", percentile=percentile)).objectives} == {None}
    top = evaluate(gp("2024-09-02", percentile=97)).objectives
    assert [(o.band, o.increase_percent) for o in top] == [("p95", 0), ("p95", 0)]


# -- 10. modulation from year 3, 2023 and 2024 ------------------------------------------------------------
@pytest.mark.parametrize("signature", ["2023-09-01", "2024-09-02"])
def test_aid_is_modulated_from_year_3_only(signature):
    """reglement-arbitral-2023.md:67-68 and convention-2024.md:74: "Years 1-2 not modulated; modulation from
    year 3" (CONFIRMED secondary): the year-2 aid is due whatever the objectives."""
    case = gp(signature, percentile=60)
    achieved = {"patientele_mt": 1000, "file_active": 1500}  # below the start counts
    second = review(case, 2, achieved)
    assert (second.modulated, second.aid_due) == (False, D(14000))  # ½ ETP year 2, revalued
    third = review(case, 3, achieved)
    assert third.modulated is True and third.max_amount == D(11000)


# -- 11. training of an assistant who holds a State diploma, 2023 ------------------------------------------
@pytest.mark.parametrize("qualification", ["ide", "deas", "deap"])
def test_2023_diploma_holders_enrol_within_2_years_and_have_the_fae_within_3(qualification):
    """reglement-arbitral-2023.md:71-76 (CONFIRMED official): 2 years from the hiring to enrol the assistant,
    3 years to produce the CQP or the FAE certificate; IDE, DEAS and DEAP holders take the FAE."""
    case = gp("2023-09-01", qualification=qualification)
    due = {o.obligation_id: o.due_date for o in evaluate(case, on="2024-01-01").obligations}
    assert due["ra2023.formation.inscription"] == date(2025, 9, 1)
    assert due["ra2023.formation.qualification"] == date(2026, 9, 1)


# -- 12. what is not known stays unknown --------------------------------------------------------------------
@pytest.mark.parametrize(("signature", "prefix"), [("2023-09-01", "ra2023"), ("2024-09-02", "cm2024")])
def test_an_unknown_specialty_leaves_the_specialty_rules_unknown(signature, prefix):
    """A specialty not given could be an excluded one, or a surgeon's under the 80 % rule: both rules stay
    unknown, never met, and the verdict names the specialty as missing."""
    case = gp(signature)
    del case["doctor"]["specialty"]
    case["doctor"]["activity"]["clinical_fee_share"] = 50
    verdict = evaluate(case)
    assert verdict.status == "undetermined"
    assert verdict.finding(f"{prefix}.specialite").outcome == "unknown"
    assert verdict.finding(f"{prefix}.part_clinique").outcome == "unknown"
    assert "doctor.specialty" in verdict.missing


def test_an_obligation_done_on_the_evaluation_date_is_met_and_a_transition_that_day_is_listed():
    case = gp("2020-03-01", qualification="aucune", training_enrolled_on="2021-06-01")
    enrolled = evaluate(case, on="2021-06-01")
    assert the_obligation(enrolled, "a7.formation.entree").state == "met"
    assert the_obligation(evaluate(case, on="2021-05-31"), "a7.formation.entree").state == "pending"
    # the 2023 règlement's transition (../shared/legal/README.md: contracts running on 1 May 2023)
    assert [t.start for t in evaluate(gp("2022-01-10"), on="2023-05-01").transitions] == [date(2023, 5, 1)]
    assert evaluate(gp("2022-01-10"), on="2023-04-30").transitions == []


def test_a_verdict_decided_by_a_confirmed_rule_lists_no_uncertain_rule():
    """verdict.uncertain_rules: the uncertain rules behind the verdict; a non-conventionné doctor is refused by
    the confirmed sector rule, whatever the uncertain ones say."""
    case = gp("2023-09-01")
    case["doctor"]["sector"] = "non_conventionne"
    verdict = evaluate(case)
    assert verdict.status == "not_eligible" and verdict.failed_rules == ["ra2023.secteur"]
    assert verdict.uncertain_rules == []


# -- 13. the 2023 surgeons and the 2024 second assistant ----------------------------------------------------
@pytest.mark.parametrize(("specialty", "share", "outcome"), [
    # reglement-arbitral-2023.md:43: CCAM fees under 20 %: 81 % of clinical fees is 19 % of CCAM, 79 % is 21 %
    ("chirurgie_generale", 81, "met"), ("chirurgie_generale", 79, "not_met"),
    ("neurochirurgie", 81, "met"), ("neurochirurgie", 79, "not_met"),
])
def test_2023_surgeons_either_side_of_20_percent_of_ccam_fees(specialty, share, outcome):
    verdict = evaluate(specialist(specialty, clinical_fee_share=share))
    assert verdict.finding("ra2023.part_clinique").outcome == outcome


def second_assistant(**first) -> dict:
    case = gp("2025-03-01", option="2")
    case["contract"]["first_assistant_contract"] = {"signature_date": "2023-03-01", "option": "1",
                                                    "objectives_met": True, **first}
    return case


def test_2024_second_assistant_needs_a_zip_and_the_first_contracts_objectives_met():
    """convention-2024.md (second assistant, one source, encoded uncertain): from year 3 of the first
    contract, for a GP in a ZIP employing a full-time assistant whose objectives were met."""
    assert evaluate(second_assistant()).finding("cm2024.option").outcome == "met"
    assert evaluate(second_assistant(objectives_met=False)).failed_rules == ["cm2024.option"]
    outside = second_assistant()
    outside["doctor"]["zone"] = "hors_zonage"
    assert evaluate(outside).failed_rules == ["cm2024.option"]
    assert evaluate(second_assistant(option="1/2")).failed_rules == ["cm2024.option"]


def test_2024_new_installation_objective_is_the_median_within_3_years():
    """convention-2024.md:77-78 (UNCERTAIN, one source): newly installed doctors have 3 years to reach the
    median of their specialty."""
    case = gp("2024-09-02", percentile=60)
    case["doctor"]["new_installation"] = True
    objectives = evaluate(case).objectives
    assert objectives and {(o.kind, o.target_percentile) for o in objectives} == {("reach_percentile", 50)}
    assert {o.within for o in objectives} == {"3 ans"}


def test_2023_newly_installed_gp_below_the_threshold_stays_eligible():
    """../shared/legal/reglement-arbitral-2023.md (derogations, one source, JHP): "les nouveaux installés
    restent éligibles"; the rule is marked uncertain. Without that situation, 300 patients is refused."""
    case = gp("2023-09-01")
    case["doctor"]["activity"].update(mt_patients_adult=300, mt_patients_child=0)
    case["doctor"].update(new_installation=True)
    verdict = evaluate(case)
    assert verdict.status == "eligible" and verdict.finding("ra2023.activite").certainty == "uncertain"
    case["doctor"].update(new_installation=False, rqth=False, chronic_illness=False)
    assert evaluate(case).failed_rules == ["ra2023.activite"]
