"""Issue 3: the 2023 and 2024 regimes, and choosing the regime by date.

Expected values come from ../shared/legal/ (digests) and the issue's "done when".
"""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path

import pytest

from assistmed_rules import NoRegimeError, evaluate, load_rules
from assistmed_rules.rulebook import default_rules_dir

# A secteur 1 GP practising alone, in no coordinated structure, médecin traitant of 850 patients (700 adults,
# 150 children: above both the 640 adults of avenant 7 and the 775 of 2023 and 2024), asking for ½ ETP.
SOLO_GP = {
    "doctor": {
        "sector": "secteur_1",
        "specialty": "medecine_generale",
        "group_practice_doctors": 1,
        "group_practice_commitment": False,
        "coordinated_practice": "aucune",
        "coordinated_practice_commitment": False,
        "activity": {"mt_patients_adult": 700, "mt_patients_child": 150, "percentile": 45},
    },
    "assistant": {"qualification": "cqp"},
    "contract": {"option": "1/2"},
}


def signed(case: dict, day: str, **contract) -> dict:
    out = copy.deepcopy(case)
    out["contract"]["signature_date"] = day
    out["contract"].update(contract)
    return out


def specialist(specialty: str, day: str, **activity) -> dict:
    return {
        "doctor": {"sector": "secteur_1", "specialty": specialty, "activity": {"percentile": 60, **activity}},
        "assistant": {"qualification": "cqp"},
        "contract": {"signature_date": day, "option": "1"},
    }


# -- done when ---------------------------------------------------------------------------------------------
def test_solo_gp_eligible_in_2023_not_under_avenant_7():
    v2023 = evaluate(signed(SOLO_GP, "2023-10-02"))
    assert (v2023.status, v2023.regime) == ("eligible", "reglement-arbitral-2023")
    assert not any(f.rule_id.startswith("ra2023.exercice") for f in v2023.findings)

    v2022 = evaluate(signed(SOLO_GP, "2022-10-02"))
    assert (v2022.status, v2022.regime) == ("not_eligible", "avenant7-2019")
    assert set(v2022.failed_rules) == {"a7.exercice_coordonne", "a7.exercice_regroupe"}


def test_solo_gp_without_stated_commitments_is_not_read_as_refusing_them():
    case = signed(SOLO_GP, "2022-10-02")
    del case["doctor"]["coordinated_practice_commitment"], case["doctor"]["group_practice_commitment"]
    del case["doctor"]["activity"]["mt_patients_adult"]
    verdict = evaluate(case)
    assert verdict.status == "undetermined"
    assert {"doctor.coordinated_practice_commitment", "doctor.group_practice_commitment"} <= set(verdict.missing)
    # under avenant 7 a GP's activity is his patient count: the percentile alone does not decide
    assert verdict.finding("a7.activite").outcome == "unknown"
    assert "doctor.activity.mt_patients_adult" in verdict.missing


def test_radiologist_2025_not_eligible_citing_the_2024_exclusion():
    verdict = evaluate(specialist("radiologie", "2025-01-15"))
    assert verdict.regime == "convention-2024"
    assert verdict.status == "not_eligible"
    assert verdict.failed_rules == ["cm2024.specialite"]
    urls = [c.url for c in verdict.finding("cm2024.specialite").citations]
    assert any("revalorisation-dispositif-aide-emploi-assistant-medical" in u for u in urls)


@pytest.mark.parametrize("specialty", ["radiotherapie", "stomatologie", "anesthesie_reanimation",
                                       "anatomie_cytologie_pathologiques", "medecine_nucleaire"])
def test_the_other_2024_exclusions(specialty):
    assert evaluate(specialist(specialty, "2025-01-15")).failed_rules == ["cm2024.specialite"]


@pytest.mark.parametrize(("share", "status"), [(85, "eligible"), (80, "eligible"), (79.9, "not_eligible"),
                                               (50, "not_eligible")])
def test_surgeon_clinical_fee_share(share, status):
    verdict = evaluate(specialist("chirurgie_orthopedique", "2025-01-15", clinical_fee_share=share))
    assert verdict.status == status
    if status == "not_eligible":
        assert verdict.failed_rules == ["cm2024.part_clinique"]


@pytest.mark.parametrize("specialty", ["oto_rhino_laryngologie", "gynecologie_obstetrique"])
def test_ent_and_gynaecologists_need_clinical_fees_too(specialty):
    assert evaluate(specialist(specialty, "2025-01-15", clinical_fee_share=50)).failed_rules == ["cm2024.part_clinique"]
    unknown = evaluate(specialist(specialty, "2025-01-15"))
    assert unknown.status == "undetermined"
    assert unknown.missing == ["doctor.activity.clinical_fee_share"]


def test_clinical_fee_rule_is_without_object_for_a_cardiologist():
    finding = evaluate(specialist("cardiologie", "2025-01-15")).finding("cm2024.part_clinique")
    assert (finding.outcome, finding.applicable) == ("met", False)
    assert finding.message.startswith("Sans objet")


# -- boundaries between regimes ----------------------------------------------------------------------------
@pytest.mark.parametrize(("day", "regime"), [
    ("2019-08-31", None),
    ("2019-09-01", "avenant7-2019"),
    ("2023-04-30", "avenant7-2019"),
    ("2023-05-01", "reglement-arbitral-2023"),
    ("2024-06-21", "reglement-arbitral-2023"),
    ("2024-06-22", "convention-2024"),
    ("2026-11-23", "convention-2024"),
])
def test_regime_by_signature_date(day, regime):
    verdict = evaluate(signed(SOLO_GP, day))
    assert verdict.regime == regime
    if regime is None:
        assert verdict.status == "not_eligible"
        assert verdict.failed_rules == ["regime.aucun"]
        assert "2019-09-01" in verdict.regime_reason


def test_regime_for_signature_raises_the_public_error_before_2019():
    with pytest.raises(NoRegimeError, match="2019-08-31"):
        load_rules().regime_for_signature(date(2019, 8, 31))


def test_one_third_etp_closed_to_new_contracts_from_may_2023():
    assert evaluate(signed(SOLO_GP, "2023-04-30", option="1/3")).finding("a7.option").outcome == "met"
    verdict = evaluate(signed(SOLO_GP, "2023-05-01", option="1/3", is_renewal=False))
    assert verdict.failed_rules == ["ra2023.option"]
    # not said whether it renews an avenant 7 third-time contract: that could decide
    maybe = evaluate(signed(SOLO_GP, "2023-05-01", option="1/3"))
    assert maybe.status == "undetermined"
    assert maybe.missing == ["contract.is_renewal", "contract.renews.option", "contract.renews.signature_date"]
    assert evaluate(signed(SOLO_GP, "2024-06-22", option="1/3", is_renewal=False)).failed_rules == ["cm2024.option"]
    # under the 2024 convention too, a 1/3 contract that might renew an avenant 7 one is not refused outright
    assert evaluate(signed(SOLO_GP, "2024-06-22", option="1/3")).status == "undetermined"


def test_avenant_7_one_third_contract_is_renewed_at_its_term_so_never_under_the_reglement_arbitral():
    """The 2023 text lets avenant 7 contracts run « jusqu'à leur terme » and lets the 1/3 ETP ones « être
    renouvelés » (../shared/legal/reglement-arbitral-2023.md:85-90): at their five-year term
    (../shared/legal/avenant7-2019.md:115), which no avenant 7 contract reaches before 2024-09-01, after the
    règlement arbitral ended. A "renewal" before the term is refused, and the aid scale does not restart."""
    renewal = signed(SOLO_GP, "2024-03-01", option="1/3", is_renewal=True,
                     renews={"signature_date": "2019-10-01", "option": "1/3"})
    verdict = evaluate(renewal)
    assert (verdict.regime, verdict.failed_rules, verdict.aid) == ("reglement-arbitral-2023", ["ra2023.option"], [])
    half = signed(SOLO_GP, "2024-03-01", option="1/3", is_renewal=True,
                  renews={"signature_date": "2019-10-01", "option": "1/2"})
    assert evaluate(half).failed_rules == ["ra2023.option"]
    # the rule itself: a 1/3 avenant 7 contract reaching its term under these rules would be renewed
    book = load_rules()
    regime = book.regime("reglement-arbitral-2023")
    assert regime.param("duree_contrats_avenant_7", date(2024, 3, 1)).years == 5
    # nor can a contract "renewed" at its term have been signed before the first aid contracts (2019-09-01)
    early = signed(SOLO_GP, "2023-06-01", option="1/3", is_renewal=True,
                   renews={"signature_date": "2018-05-01", "option": "1/3"})
    assert evaluate(early).failed_rules == ["ra2023.option"]


def test_avenant_7_one_third_renewal_at_term_is_open_under_the_2024_convention():
    """No avenant 7 contract reaches its five-year term before September 2024, so a renewal at term is signed
    under the 2024 convention, whose sources neither keep nor withdraw the 1/3 renewal the 2023 text allowed:
    undetermined, naming the empty parameter (not a refusal)."""
    renewal = signed(SOLO_GP, "2024-09-01", option="1/3", is_renewal=True,
                     renews={"signature_date": "2019-09-01", "option": "1/3"})
    verdict = evaluate(renewal)
    assert verdict.regime == "convention-2024"
    assert verdict.status == "undetermined"
    assert verdict.finding("cm2024.option").outcome == "unknown"
    assert verdict.missing_data == ["param options_renouvelables_avenant_7"]
    assert "cm2024.option" in verdict.uncertain_rules
    for contract in ({"is_renewal": False},  # a new 1/3 contract: closed since May 2023
                     {"renews": {"signature_date": "2019-09-01", "option": "1/2"}},  # not a 1/3 contract
                     {"renews": {"signature_date": "2023-09-01", "option": "1/3"}},  # not an avenant 7 one
                     {"renews": {"signature_date": "2019-09-02", "option": "1/3"}},  # before its term
                     {"renews": {"signature_date": "2018-09-01", "option": "1/3"}}):  # before any aid contract
        case = signed(renewal, "2024-09-01", **contract)
        assert evaluate(case).failed_rules == ["cm2024.option"], contract


def test_a_contract_signed_after_the_2024_conventions_five_year_term_is_undetermined_not_eligible():
    """The 2024 convention is in force from 2024-06-22 « for 5 years » (convention-2024.md §0, CONFIRMED
    official); what governs a contract signed after its term is not said: undetermined, naming the empty
    parameter, not an eligible verdict with confirmed amounts."""
    last = evaluate(signed(SOLO_GP, "2029-06-21"))
    assert last.status == "eligible" and last.finding("cm2024.duree_convention").outcome == "met"
    for day in ("2029-06-22", "2035-01-01"):
        verdict = evaluate(signed(SOLO_GP, day))
        assert (verdict.regime, verdict.status) == ("convention-2024", "undetermined")
        assert verdict.finding("cm2024.duree_convention").outcome == "unknown"
        assert verdict.missing_data == ["param reconduction_convention_depuis"] and verdict.aid == []
    assert "à ce jour" not in last.regime_reason and "sans date de fin fixée" in last.regime_reason


def test_full_time_anywhere_from_may_2023_but_only_in_zip_before():
    before = signed(SOLO_GP, "2022-10-02", option="1")
    before["doctor"].update(coordinated_practice="msp", zone="hors_zonage")
    assert evaluate(before).failed_rules == ["a7.option"]
    after = signed(SOLO_GP, "2023-10-02", option="1")
    after["doctor"]["zone"] = "hors_zonage"
    assert evaluate(after).status == "eligible"


def test_2023_gp_threshold_counts_adults_and_children():
    case = signed(SOLO_GP, "2023-10-02")
    case["doctor"]["activity"] = {"mt_patients_adult": 700, "mt_patients_child": 76}
    case["doctor"].update(new_installation=False, rqth=False, chronic_illness=False)
    assert evaluate(case).status == "eligible"  # 776 > 775
    case["doctor"]["activity"] = {"mt_patients_adult": 700, "mt_patients_child": 75}
    assert evaluate(case).failed_rules == ["ra2023.activite"]  # 775 is not more than 775


@pytest.mark.parametrize(("day", "rule"), [("2023-10-02", "ra2023.activite"), ("2024-09-01", "cm2024.activite")])
@pytest.mark.parametrize(("adults", "children", "outcome"), [(700, 76, "met"), (700, 75, "not_met"),
                                                             (775, 0, "not_met"), (776, None, "met")])
def test_gp_activity_is_the_patient_count_whatever_the_percentile(day, rule, adults, children, outcome):
    """A GP's activity is read from the patients médecin traitant (> 775, adults and children), in 2023 and
    2024 as under avenant 7: a GP's percentile neither qualifies nor disqualifies."""
    for percentile in (None, 5, 80):
        case = signed(SOLO_GP, day)
        case["doctor"]["activity"] = {"mt_patients_adult": adults, "mt_patients_child": children,
                                      "percentile": percentile}
        case["doctor"].update(new_installation=False, rqth=False, chronic_illness=False,
                              mixed_salaried_activity=False)
        assert evaluate(case).finding(rule).outcome == outcome, (percentile, evaluate(case).finding(rule).message)


@pytest.mark.parametrize(("day", "rule"), [("2023-10-02", "ra2023.activite"), ("2024-09-01", "cm2024.activite")])
@pytest.mark.parametrize(("percentile", "outcome"), [(31, "met"), (30.5, "met"), (30, "not_met"), (None, "unknown")])
def test_other_specialties_need_a_file_active_above_the_30th_percentile(day, rule, percentile, outcome):
    case = specialist("cardiologie", day, percentile=percentile)
    case["doctor"].update(new_installation=False, rqth=False, chronic_illness=False, mixed_salaried_activity=False)
    assert evaluate(case).finding(rule).outcome == outcome


def test_adults_alone_above_the_threshold_decide_even_with_children_unknown():
    case = signed(SOLO_GP, "2024-09-01")
    case["doctor"]["activity"] = {"mt_patients_adult": 800}
    finding = evaluate(case).finding("cm2024.activite")
    assert finding.outcome == "met"


def test_2024_disability_chronic_illness_and_mixed_activity_are_eligible_with_an_adapted_contract():
    for fact in ("rqth", "chronic_illness", "mixed_salaried_activity"):
        case = signed(SOLO_GP, "2024-09-01")
        case["doctor"]["activity"] = {"mt_patients_adult": 100, "percentile": 5}
        case["doctor"][fact] = True
        assert evaluate(case).finding("cm2024.activite").outcome == "met", fact


def test_second_assistant_from_year_3_of_the_first_contract():
    case = signed(SOLO_GP, "2025-03-01", option="2",
                  first_assistant_contract={"signature_date": "2023-03-01", "option": "1", "objectives_met": True})
    case["doctor"]["zone"] = "zip"
    assert evaluate(case).status == "eligible"
    too_early = copy.deepcopy(case)
    too_early["contract"]["first_assistant_contract"]["signature_date"] = "2023-03-02"
    assert evaluate(too_early).failed_rules == ["cm2024.option"]
    # no aid contract was signed before 2019-09-01: a "first contract" of 2010 is not one
    too_old = copy.deepcopy(case)
    too_old["contract"]["first_assistant_contract"]["signature_date"] = "2010-01-01"
    assert evaluate(too_old).failed_rules == ["cm2024.option"]
    unknown = copy.deepcopy(case)
    del unknown["contract"]["first_assistant_contract"]
    verdict = evaluate(unknown)
    assert verdict.status == "undetermined"
    assert "contract.first_assistant_contract.signature_date" in verdict.missing


def test_second_assistant_from_the_day_year_3_of_a_first_contract_signed_on_29_february_starts():
    """The first contract signed 2024-02-29 starts its year 3 on 2026-02-28 (its aid schedule says so): a second
    assistant's contract signed that day is open (convention-2024.md:41-42), not the day before."""
    case = signed(SOLO_GP, "2026-02-28", option="2",
                  first_assistant_contract={"signature_date": "2024-02-29", "option": "1", "objectives_met": True})
    case["doctor"]["zone"] = "zip"
    first = signed(SOLO_GP, "2024-02-29", option="1")
    first["doctor"]["zone"] = "zip"
    assert evaluate(first).aid[2].start == date(2026, 2, 28)
    assert evaluate(case).finding("cm2024.option").outcome == "met"
    day_before = signed(case, "2026-02-27")
    assert evaluate(day_before).failed_rules == ["cm2024.option"]


def test_2023_secretary_replacement_confirmed_for_half_time_uncertain_for_the_other_options():
    """The 2023 deck gives the replacement of a converted secretary under the 1/2 ETP option (CONFIRMED official,
    ../shared/legal/reglement-arbitral-2023.md:80-82); for 1 ETP it is UNCERTAIN."""
    case = signed(SOLO_GP, "2023-06-01", option="1/2")
    case["assistant"] = {"qualification": "cqp", "hire_date": "2023-07-01", "was_practice_secretary": True}
    by_option = {}
    for option in ("1/2", "1"):
        case["contract"]["option"] = option
        verdict = evaluate(case, on="2024-01-01")
        by_option[option] = [(o.obligation_id, o.certainty) for o in verdict.obligations if "secretariat" in o.obligation_id]
    assert by_option == {"1/2": [("ra2023.secretariat.remplacement", "confirmed")],
                         "1": [("ra2023.secretariat.remplacement.autres_options", "uncertain")]}


# -- running contracts ---------------------------------------------------------------------------------
def test_2022_avenant_7_contract_evaluated_in_2025_keeps_its_regime():
    case = signed(SOLO_GP, "2022-01-10")
    case["doctor"].update(coordinated_practice="msp", activity={"mt_patients_adult": 900, "percentile": 45})
    verdict = evaluate(case, on="2025-03-01")
    assert verdict.regime == "avenant7-2019"
    assert verdict.status == "eligible"
    assert verdict.evaluated_on == date(2025, 3, 1)
    assert [t.start for t in verdict.transitions] == [date(2023, 5, 1), date(2024, 6, 22)]
    assert "ne peuvent pas être renouvelés" in verdict.transitions[0].says
    assert "anniversaire" in verdict.transitions[1].says
    assert verdict.transitions[1].certainty == "confirmed"


def test_transitions_after_the_evaluation_date_are_not_listed():
    case = signed(SOLO_GP, "2022-01-10")
    assert evaluate(case, on="2023-01-01").transitions == []


# -- a new regime is data, not Python ------------------------------------------------------------------
EXTRA_REGIME = """
schema_version: 1
regime:
  id: avenant-test-2030
  title: Régime fictif de test
  short_title: Test 2030
  instrument: Texte fictif, pour montrer qu'un régime s'ajoute sans Python
  new_contracts: {from: 2030-01-01}
  citations: [{text: Texte fictif, url: "https://example.org/texte"}]
sources:
  texte: {text: Texte fictif, url: "https://example.org/texte", article: art. 1}
parameters:
  duree_contrat:
    description: Durée du contrat
    unit: duration
    citations: [{source: texte}]
    values: {2030-01-01: {years: 3}}
  seuil:
    description: Seuil de file active
    unit: patients
    citations: [{source: texte}]
    values: {2030-01-01: 1500}
rules:
  - id: test.file_active
    title: File active minimale
    says: La file active dépasse 1500 patients.
    citations: [{source: texte}]
    condition: {field: doctor.activity.file_active, gt: {param: seuil}}
    messages:
      met: "File active de {doctor.activity.file_active} patients, au-dessus de {param.seuil}."
      not_met: "File active de {doctor.activity.file_active} patients, pas au-dessus de {param.seuil}."
"""


def test_a_new_regime_is_a_new_rule_file(tmp_path: Path):
    for source in default_rules_dir().glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "convention-2024.yaml":  # close the current regime before the new one
            text = text.replace("  new_contracts:\n    from: 2024-06-22\n",
                                "  new_contracts:\n    from: 2024-06-22\n    until: 2029-12-31\n")
        (tmp_path / source.name).write_text(text, encoding="utf-8")
    (tmp_path / "test-2030.yaml").write_text(EXTRA_REGIME, encoding="utf-8")
    book = load_rules(tmp_path)
    assert [r.id for r in book.regimes][-1] == "avenant-test-2030"

    case = {"doctor": {"activity": {"file_active": 1600}}, "contract": {"signature_date": "2030-02-01"}}
    verdict = evaluate(case, rules=book)
    assert (verdict.status, verdict.regime) == ("eligible", "avenant-test-2030")
    assert verdict.findings[0].message == "File active de 1600 patients, au-dessus de 1500."
    case["doctor"]["activity"]["file_active"] = 1500
    assert evaluate(case, rules=book).failed_rules == ["test.file_active"]
    # the shipped regimes still decide their own dates
    assert evaluate(signed(SOLO_GP, "2023-10-02"), rules=book).regime == "reglement-arbitral-2023"


def test_overlapping_regimes_are_refused(tmp_path: Path):
    for source in default_rules_dir().glob("*.yaml"):
        shutil.copy(source, tmp_path / source.name)
    (tmp_path / "test-2030.yaml").write_text(EXTRA_REGIME, encoding="utf-8")
    with pytest.raises(Exception, match="still governs new contracts"):
        load_rules(tmp_path)


def test_a_rule_confirmed_by_the_sources_is_not_listed_uncertain_for_want_of_its_article():
    """The sector rules of 2023 and 2024 are official (ameli; ../shared/legal/reglement-arbitral-2023.md:37,
    ../shared/legal/convention-2024.md:28); only their article is unknown, so they are `confirmed` and cite
    the text without an article. An eligible GP's verdict lists as uncertain only the rules whose content
    rests on a single source, sources that disagree or a reading: the specialty list's codes, the activity
    derogations, the option renewals."""
    case = {"doctor": {"sector": "secteur_1", "specialty": "medecine_generale",
                       "activity": {"mt_patients_adult": 900, "mt_patients_child": 100, "percentile": 60}},
            "assistant": {"qualification": "cqp"}, "contract": {"option": "1/2"}}
    for signed, prefix in (("2023-09-01", "ra2023"), ("2024-09-02", "cm2024")):
        case["contract"]["signature_date"] = signed
        verdict = evaluate(case)
        assert verdict.status == "eligible"
        assert verdict.uncertain_rules == [f"{prefix}.specialite", f"{prefix}.activite", f"{prefix}.option"]
        sector = verdict.finding(f"{prefix}.secteur")
        assert sector.certainty == "confirmed" and "article" in sector.note
        assert any(c.article is None for c in sector.citations)
