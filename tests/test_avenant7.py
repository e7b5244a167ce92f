"""Issue 2: the avenant n° 7 (2019) regime, condition by condition.

Expected values come from the legal digest ../shared/legal/avenant7-2019.md (section numbers in the
comments) and from the issue's "done when". Each scenario changes one fact of the issue's eligible case
(conftest.ISSUE_CASE) and checks the status, the rule that decides and, where relevant, the obligations.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistmed_rules import Case, Verdict, evaluate

REGIME = "avenant7-2019"
RULE_IDS = {"a7.secteur", "a7.specialite", "a7.exercice_coordonne", "a7.exercice_regroupe", "a7.activite", "a7.option"}
TRAINING_OBLIGATIONS = {"a7.formation.entree", "a7.formation.cqp", "a7.formation.fae"}
URL = re.compile(r"^https?://\S+$")
#: No derogation to the activity threshold (digest §2.6), all stated.
# No derogation to the activity threshold applies: not newly installed, no RQTH or ALD, no patient under 16
# (the derogation for GPs with many children has no known criterion: any child patient leaves it open).
NO_DEROGATION = {"doctor.new_installation": False, "doctor.rqth": False, "doctor.chronic_illness": False,
                 "doctor.activity.mt_patients_child": 0}


def ids(obligations) -> list[str]:
    return [o.obligation_id for o in obligations]


def obligation(verdict: Verdict, obligation_id: str):
    found = [o for o in verdict.obligations if o.obligation_id == obligation_id]
    assert len(found) == 1, f"{obligation_id} not in {ids(verdict.obligations)}"
    return found[0]


def assert_cited(verdict: Verdict) -> None:
    for finding in verdict.findings:
        assert finding.citations, f"{finding.rule_id} has no citation"
        for citation in finding.citations:
            assert citation.article or citation.text, finding.rule_id
            assert URL.match(citation.url), (finding.rule_id, citation.url)


# ---------------------------------------------------------------------------------------------------------
# The issue's "done when"
# ---------------------------------------------------------------------------------------------------------
def test_done_when_a_gp_in_msp_with_900_patients_is_eligible(issue_case):
    verdict = evaluate(issue_case)
    assert verdict.status == "eligible"
    assert verdict.regime == REGIME
    assert {f.rule_id for f in verdict.findings} == RULE_IDS
    assert all(f.outcome == "met" for f in verdict.findings)
    assert verdict.failed_rules == []
    assert verdict.missing == []
    assert_cited(verdict)
    assert verdict.obligations == []


def test_done_when_secteur_2_without_optam_is_not_eligible_because_of_the_sector(make_case):
    verdict = evaluate(make_case({"doctor.sector": "secteur_2", "doctor.tariff_option": "aucune"}))
    assert verdict.status == "not_eligible"
    assert verdict.regime == REGIME
    assert verdict.failed_rules == ["a7.secteur"]
    assert verdict.finding("a7.secteur").outcome == "not_met"
    assert verdict.obligations == [] and verdict.conditional_obligations == []


def test_done_when_activity_left_out_is_undetermined_and_names_the_patient_count(make_case):
    verdict = evaluate(make_case(drop=["doctor.activity"]))
    assert verdict.status == "undetermined"
    assert verdict.failed_rules == []
    assert verdict.finding("a7.activite").outcome == "unknown"
    assert "doctor.activity.mt_patients_adult" in verdict.missing
    assert "doctor.activity.mt_patients_adult" in verdict.finding("a7.activite").missing
    # Everything else is decided: only the activity rule is unknown.
    assert [f.rule_id for f in verdict.findings if f.outcome != "met"] == ["a7.activite"]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"doctor.sector": "secteur_2", "doctor.tariff_option": "aucune"},
        {"doctor.specialty": "cardiologie"},
        {"doctor.coordinated_practice": "aucune", "doctor.coordinated_practice_commitment": False},
    ],
    ids=["eligible", "not_eligible", "undetermined-specialty", "not_eligible-coordination"],
)
def test_every_finding_is_cited_with_an_http_url_whatever_the_outcome(make_case, changes):
    assert_cited(evaluate(make_case(changes)))


# ---------------------------------------------------------------------------------------------------------
# §2.1 Conventional sector: secteur 1, or secteur 2 with OPTAM / OPTAM-CO
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sector", "option", "status", "outcome"),
    [
        ("secteur_1", None, "eligible", "met"),
        ("secteur_2", "optam", "eligible", "met"),
        ("secteur_2", "optam_co", "eligible", "met"),
        ("secteur_2", "optam_aco", "eligible", "met"),  # OPTAM-CO renamed OPTAM-ACO in 2024: same option
        ("secteur_2", "aucune", "not_eligible", "not_met"),
        ("non_conventionne", None, "not_eligible", "not_met"),
    ],
)
def test_sector(make_case, sector, option, status, outcome):
    verdict = evaluate(make_case({"doctor.sector": sector, "doctor.tariff_option": option}))
    assert verdict.finding("a7.secteur").outcome == outcome
    assert verdict.status == status
    assert verdict.failed_rules == ([] if outcome == "met" else ["a7.secteur"])


def test_secteur_2_with_tariff_option_unknown_is_undetermined_not_refused(make_case):
    verdict = evaluate(make_case({"doctor.sector": "secteur_2"}))
    assert verdict.status == "undetermined"
    assert verdict.finding("a7.secteur").outcome == "unknown"
    assert verdict.missing == ["doctor.tariff_option"]


# ---------------------------------------------------------------------------------------------------------
# §2.5 Activity: a GP needs more than 640 adult patients médecin traitant; other specialists > P30
# ---------------------------------------------------------------------------------------------------------
def test_gp_with_641_patients_meets_the_activity_threshold(make_case):
    verdict = evaluate(make_case({"doctor.activity": {"mt_patients_adult": 641}}))
    assert verdict.finding("a7.activite").outcome == "met"
    assert verdict.status == "eligible"


def test_gp_with_640_patients_does_not_meet_the_threshold(make_case):
    # "More than 640": 640 itself is not enough (percentile stated too, at the P30 that 640 stands for).
    verdict = evaluate(make_case({"doctor.activity": {"mt_patients_adult": 640, "percentile": 30}, **NO_DEROGATION}))
    assert verdict.finding("a7.activite").outcome == "not_met"
    assert verdict.status == "not_eligible"
    assert verdict.failed_rules == ["a7.activite"]


def test_gp_with_640_patients_and_no_derogation_is_decided_by_the_patient_count_alone(make_case):
    verdict = evaluate(make_case({"doctor.activity": {"mt_patients_adult": 640}, **NO_DEROGATION}))
    assert verdict.finding("a7.activite").outcome == "not_met"
    assert verdict.failed_rules == ["a7.activite"]


def test_gp_with_640_patients_and_derogations_unknown_is_undetermined(make_case):
    verdict = evaluate(make_case({"doctor.activity": {"mt_patients_adult": 640}}))
    assert verdict.finding("a7.activite").outcome == "unknown"
    assert verdict.status == "undetermined"
    assert {"doctor.new_installation", "doctor.rqth", "doctor.chronic_illness"} <= set(verdict.missing)


@pytest.mark.parametrize(
    "derogation",
    [
        "doctor.new_installation",  # nouveaux installés (digest §2.6)
        "doctor.rqth",  # reconnaissance de la qualité de travailleur handicapé (digest §2.6)
        "doctor.chronic_illness",  # ALD, with RQTH in ../shared/seeds/002 (encoded, marked uncertain)
    ],
)
def test_a_derogation_lets_a_gp_with_100_patients_meet_the_activity_rule(make_case, derogation):
    verdict = evaluate(make_case({"doctor.activity": {"mt_patients_adult": 100}, derogation: True}))
    assert verdict.finding("a7.activite").outcome == "met"
    assert verdict.status == "eligible"


def test_gp_with_100_patients_and_no_derogation_is_not_eligible(make_case):
    verdict = evaluate(make_case({"doctor.activity": {"mt_patients_adult": 100, "percentile": 5}, **NO_DEROGATION}))
    assert verdict.failed_rules == ["a7.activite"]


OTHER_DEROGATIONS_REFUSED = {"doctor.new_installation": False, "doctor.rqth": False, "doctor.chronic_illness": False}


def test_gp_under_the_threshold_with_child_patients_is_undetermined_by_the_derogation_without_criterion(make_case):
    """The derogation for GPs with « une forte patientèle d'enfants de moins de 16 ans » (../shared/seeds/002)
    has no known criterion: the rule file leaves it empty, and the answer stays open, naming the gap."""
    verdict = evaluate(make_case({"doctor.activity": {"mt_patients_adult": 500, "mt_patients_child": 300},
                                  **OTHER_DEROGATIONS_REFUSED}))
    assert verdict.finding("a7.activite").outcome == "unknown"
    assert verdict.status == "undetermined"
    assert verdict.missing == []
    assert verdict.missing_data == ["param seuil_patients_enfants_derogation_mg"]
    assert "a7.activite" in verdict.uncertain_rules


def test_gp_under_the_threshold_with_child_patients_unknown_is_asked_for_them(make_case):
    verdict = evaluate(make_case({"doctor.activity": {"mt_patients_adult": 500}, **OTHER_DEROGATIONS_REFUSED}))
    assert verdict.status == "undetermined"
    assert verdict.missing == ["doctor.activity.mt_patients_child"]


def test_the_child_derogation_is_not_asked_for_above_the_adult_threshold(make_case):
    """900 adult patients meet the threshold for a GP: the derogation could not decide, so its empty
    criterion is not reported, whatever the specialty (unknown here) and the child patients."""
    verdict = evaluate(make_case({"doctor.activity": {"mt_patients_adult": 900}}, drop=["doctor.specialty"]))
    assert "param seuil_patients_enfants_derogation_mg" not in verdict.missing_data
    assert "doctor.activity.mt_patients_child" not in verdict.missing


def test_the_child_derogation_is_for_gps_only(make_case):
    changes = {**RADIOLOGIST, "doctor.activity": {"percentile": 10, "mt_patients_child": 300},
               **OTHER_DEROGATIONS_REFUSED}
    assert evaluate(make_case(changes)).finding("a7.activite").outcome == "not_met"


def test_the_child_derogation_applies_once_its_criterion_is_in_the_rule_file(tmp_path):
    """Law as data: filling the parameter in a copy of the rule file decides the cases it left open."""
    import shutil

    from assistmed_rules import load_rules
    from assistmed_rules.rulebook import default_rules_dir

    shutil.copytree(default_rules_dir(), tmp_path / "rules")
    path = tmp_path / "rules" / "avenant7-2019.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  seuil_patients_enfants_derogation_mg:"
    head, tail = text.split(marker)
    path.write_text(head + marker + tail.replace("2019-09-01: null", "2019-09-01: 200", 1), encoding="utf-8")
    rules = load_rules(tmp_path / "rules")
    for children, outcome in ((300, "met"), (200, "not_met")):
        case = {"doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
                           "activity": {"mt_patients_adult": 500, "mt_patients_child": children},
                           "new_installation": False, "rqth": False, "chronic_illness": False},
                "contract": {"signature_date": "2020-03-01", "option": "1/2"}}
        assert evaluate(case, rules=rules).finding("a7.activite").outcome == outcome


RADIOLOGIST = {"doctor.specialty": "radiologie", "doctor.departement": "48"}


@pytest.mark.parametrize(("percentile", "outcome"), [(31, "met"), (30.5, "met"), (30, "not_met"), (10, "not_met")])
def test_other_specialists_need_a_percentile_above_30(make_case, percentile, outcome):
    verdict = evaluate(make_case({**RADIOLOGIST, "doctor.activity": {"percentile": percentile}, **NO_DEROGATION}))
    assert verdict.finding("a7.activite").outcome == outcome


def test_the_gp_patient_threshold_does_not_apply_to_other_specialists(make_case):
    activity = {"mt_patients_adult": 5000, "percentile": 10}
    verdict = evaluate(make_case({**RADIOLOGIST, "doctor.activity": activity, **NO_DEROGATION}))
    assert verdict.finding("a7.activite").outcome == "not_met"


def test_specialist_without_percentile_is_unknown_and_the_percentile_is_asked_for(make_case):
    verdict = evaluate(make_case({**RADIOLOGIST, "doctor.activity": {}, **NO_DEROGATION}))
    assert verdict.finding("a7.activite").outcome == "unknown"
    assert verdict.missing == ["doctor.activity.percentile"]


# ---------------------------------------------------------------------------------------------------------
# §2.3 Coordinated practice, or a commitment to join one within two years of hiring
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("practice", ["msp", "centre_de_sante", "esp", "ess", "cpts", "autre"])
def test_each_coordinated_practice_meets_the_condition(make_case, practice):
    verdict = evaluate(make_case({"doctor.coordinated_practice": practice, "doctor.group_practice_doctors": 3}))
    assert verdict.finding("a7.exercice_coordonne").outcome == "met"
    assert verdict.status == "eligible"
    assert "a7.exercice_coordonne.adhesion" not in ids(verdict.obligations + verdict.conditional_obligations)


def test_no_coordinated_practice_and_no_commitment_is_not_eligible(make_case):
    verdict = evaluate(make_case({
        "doctor.coordinated_practice": "aucune", "doctor.coordinated_practice_commitment": False,
        "doctor.group_practice_doctors": 3,
    }))
    assert verdict.finding("a7.exercice_coordonne").outcome == "not_met"
    assert verdict.status == "not_eligible"
    assert verdict.failed_rules == ["a7.exercice_coordonne"]


def test_no_coordinated_practice_with_commitment_unknown_is_undetermined(make_case):
    verdict = evaluate(make_case({"doctor.coordinated_practice": "aucune", "doctor.group_practice_doctors": 3}))
    assert verdict.finding("a7.exercice_coordonne").outcome == "unknown"
    assert verdict.missing == ["doctor.coordinated_practice_commitment"]


def test_commitment_to_coordinated_practice_is_met_and_due_two_years_after_hiring(make_case):
    verdict = evaluate(make_case({
        "doctor.coordinated_practice": "aucune", "doctor.coordinated_practice_commitment": True,
        "doctor.group_practice_doctors": 3, "assistant.hire_date": "2020-03-15",
    }))
    assert verdict.finding("a7.exercice_coordonne").outcome == "met"
    assert verdict.status == "eligible"
    adhesion = obligation(verdict, "a7.exercice_coordonne.adhesion")
    assert adhesion.due_date == date(2022, 3, 15)
    assert adhesion.state == "pending"
    assert adhesion.citations


@pytest.mark.parametrize(
    ("on", "joined_on", "state"),
    [("2022-03-15", None, "pending"), ("2022-03-16", None, "overdue"), ("2022-03-16", "2021-10-01", "met")],
)
def test_coordinated_practice_commitment_state_on_a_date(make_case, on, joined_on, state):
    case = make_case({
        "doctor.coordinated_practice": "aucune", "doctor.coordinated_practice_commitment": True,
        "doctor.coordinated_practice_joined_on": joined_on,
        "doctor.group_practice_doctors": 3, "assistant.hire_date": "2020-03-15",
    })
    adhesion = obligation(evaluate(case, on=on), "a7.exercice_coordonne.adhesion")
    assert adhesion.state == state
    assert adhesion.met_on == (date.fromisoformat(joined_on) if joined_on else None)


# ---------------------------------------------------------------------------------------------------------
# §2.4 Grouped practice: at least two doctors, or an MSP (multi-site included), or a solo doctor's commitment
# ---------------------------------------------------------------------------------------------------------
SOLO_IN_CPTS = {"doctor.coordinated_practice": "cpts", "doctor.group_practice_doctors": 1}


def test_solo_doctor_outside_an_msp_without_commitment_is_not_eligible(make_case):
    verdict = evaluate(make_case({**SOLO_IN_CPTS, "doctor.group_practice_commitment": False}))
    assert verdict.finding("a7.exercice_regroupe").outcome == "not_met"
    assert verdict.failed_rules == ["a7.exercice_regroupe"]


def test_two_doctors_meet_the_grouped_practice_condition(make_case):
    verdict = evaluate(make_case({**SOLO_IN_CPTS, "doctor.group_practice_doctors": 2,
                                  "doctor.group_practice_commitment": False}))
    assert verdict.finding("a7.exercice_regroupe").outcome == "met"
    assert verdict.status == "eligible"


@pytest.mark.parametrize(
    "changes",
    [
        {"doctor.coordinated_practice": "msp", "doctor.group_practice_doctors": 1},
        {"doctor.coordinated_practice": None, "doctor.multi_site_msp": True},
    ],
    ids=["msp", "multi-site-msp"],
)
def test_an_msp_counts_as_grouped_practice(make_case, changes):
    verdict = evaluate(make_case({**changes, "doctor.group_practice_commitment": False}))
    assert verdict.finding("a7.exercice_regroupe").outcome == "met"
    assert verdict.status == "eligible"


def test_solo_doctor_with_commitment_unknown_is_undetermined(make_case):
    verdict = evaluate(make_case({**SOLO_IN_CPTS, "doctor.zone": "zip"}))
    assert verdict.finding("a7.exercice_regroupe").outcome == "unknown"
    assert verdict.missing == ["doctor.group_practice_commitment"]


def test_solo_doctor_committing_to_group_in_a_zip_is_met_with_an_obligation_two_years_after_hiring(make_case):
    verdict = evaluate(make_case({**SOLO_IN_CPTS, "doctor.group_practice_commitment": True, "doctor.zone": "zip",
                                  "assistant.hire_date": "2020-03-15"}))
    assert verdict.finding("a7.exercice_regroupe").outcome == "met"
    assert verdict.status == "eligible"
    assert obligation(verdict, "a7.exercice_regroupe.adhesion").due_date == date(2022, 3, 15)


@pytest.mark.parametrize("zone", ["zac", "hors_zonage"])
def test_solo_doctor_committing_to_group_outside_a_zip_is_undetermined_the_sources_do_not_settle_it(make_case, zone):
    """The ARS PACA portal gives the derogation with no zone; ORIFF-PL keeps it to under-served zones, a Medscape
    case to ZIP and ZAC: outside a ZIP the rule file leaves the zones empty, so the finding is unknown, and what
    is missing is the rule datum, not an input."""
    verdict = evaluate(make_case({**SOLO_IN_CPTS, "doctor.group_practice_commitment": True, "doctor.zone": zone}))
    finding = verdict.finding("a7.exercice_regroupe")
    assert (finding.outcome, finding.certainty, verdict.status) == ("unknown", "uncertain", "undetermined")
    assert verdict.missing == []
    assert verdict.missing_data == ["param zones_hors_zip_derogation_isole"]


def test_solo_doctor_committing_to_group_with_the_zone_unknown_is_asked_for_the_zone(make_case):
    verdict = evaluate(make_case({**SOLO_IN_CPTS, "doctor.group_practice_commitment": True}))
    assert verdict.finding("a7.exercice_regroupe").outcome == "unknown"
    assert verdict.missing == ["doctor.zone"]


# ---------------------------------------------------------------------------------------------------------
# §2.7 Options: 1/3 and ½ ETP anywhere, 1 ETP only in a ZIP; no second assistant under avenant 7
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("option", "zone", "outcome"),
    [
        ("1/3", "hors_zonage", "met"),
        ("1/2", "hors_zonage", "met"),
        ("etp_1_3", "zac", "met"),
        ("1", "zip", "met"),
        ("etp_1", "hors_zonage", "not_met"),
        ("etp_1_5", "zip", "not_met"),
        ("etp_2", "zip", "not_met"),
    ],
)
def test_contract_option(make_case, option, zone, outcome):
    verdict = evaluate(make_case({"contract.option": option, "doctor.zone": zone}))
    assert verdict.finding("a7.option").outcome == outcome
    assert verdict.failed_rules == ([] if outcome == "met" else ["a7.option"])


def test_full_time_with_zone_unknown_is_undetermined_and_asks_for_the_zone(make_case):
    verdict = evaluate(make_case({"contract.option": "1"}))
    assert verdict.finding("a7.option").outcome == "unknown"
    assert verdict.status == "undetermined"
    assert "doctor.zone" in verdict.missing


# ---------------------------------------------------------------------------------------------------------
# §2.2 Specialties: everywhere, or only in the 30 % of départements in tension (lists partly unknown)
# ---------------------------------------------------------------------------------------------------------
RADIOLOGY = {"doctor.specialty": "radiologie", "doctor.activity": {"percentile": 50}}


def test_radiologist_in_a_listed_departement_is_eligible(make_case):
    verdict = evaluate(make_case({**RADIOLOGY, "doctor.departement": "48"}))  # Lozère, listed by Docteur Imago
    assert verdict.finding("a7.specialite").outcome == "met"
    assert verdict.status == "eligible"


def test_radiologist_outside_the_partial_list_is_unknown_and_names_the_missing_list(make_case):
    verdict = evaluate(make_case({**RADIOLOGY, "doctor.departement": "75"}))
    assert verdict.finding("a7.specialite").outcome == "unknown"
    assert verdict.status == "undetermined"
    assert verdict.failed_rules == []
    assert any("departements_en_tension" in gap for gap in verdict.missing_data), verdict.missing_data


def test_radiologist_with_departement_unknown_asks_for_it(make_case):
    verdict = evaluate(make_case(RADIOLOGY))
    assert verdict.finding("a7.specialite").outcome == "unknown"
    assert "doctor.departement" in verdict.missing


def test_cardiologist_specialty_group_unknown_names_the_missing_table(make_case):
    verdict = evaluate(make_case({"doctor.specialty": "cardiologie", "doctor.departement": "75"}))
    assert verdict.finding("a7.specialite").outcome == "unknown"
    assert verdict.status == "undetermined"
    assert any("groupe_specialite" in gap for gap in verdict.missing_data), verdict.missing_data


@pytest.mark.parametrize("departement", ["75", "2A", "971", None])
def test_general_practice_is_eligible_in_every_departement(make_case, departement):
    verdict = evaluate(make_case({"doctor.departement": departement}))
    assert verdict.finding("a7.specialite").outcome == "met"


def test_specialty_unknown_is_asked_for(make_case):
    verdict = evaluate(make_case(drop=["doctor.specialty"]))
    assert verdict.finding("a7.specialite").outcome == "unknown"
    assert "doctor.specialty" in verdict.missing


# ---------------------------------------------------------------------------------------------------------
# Three-valued logic: a known failure decides; an unknown fact is never read as false
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("case", "failed"),
    [
        ({"doctor": {"sector": "non_conventionne"}, "contract": {"signature_date": "2020-03-01"}}, ["a7.secteur"]),
        (
            {"doctor": {"sector": "secteur_2", "tariff_option": "aucune", "specialty": "cardiologie"},
             "contract": {"signature_date": "2020-03-01", "option": "1"}},
            ["a7.secteur"],
        ),
        ({"doctor": {"sector": "secteur_1"}, "contract": {"signature_date": "2021-01-04", "option": "2"}},
         ["a7.option"]),
    ],
    ids=["secteur-3-all-else-unknown", "secteur-2-no-optam-specialty-and-zone-unknown", "two-assistants"],
)
def test_a_known_failure_is_not_eligible_whatever_else_is_unknown(case, failed):
    verdict = evaluate(case)
    assert verdict.status == "not_eligible"
    assert verdict.failed_rules == failed
    assert any(f.outcome == "unknown" for f in verdict.findings)  # the unknowns did not prevent the answer
    assert verdict.missing == []


def test_rqth_left_out_is_not_read_as_false(make_case):
    changes = {"doctor.activity": {"mt_patients_adult": 100, "percentile": 5, "mt_patients_child": 0},
               "doctor.new_installation": False, "doctor.chronic_illness": False}
    verdict = evaluate(make_case(changes))
    assert verdict.finding("a7.activite").outcome == "unknown"
    assert verdict.status == "undetermined"
    assert verdict.missing == ["doctor.rqth"]

    refused = evaluate(make_case({**changes, "doctor.rqth": False}))
    assert refused.status == "not_eligible"
    assert refused.failed_rules == ["a7.activite"]


def test_an_empty_case_is_undetermined_not_refused():
    verdict = evaluate({}, on="2020-03-01")
    assert verdict.status == "undetermined"
    assert verdict.failed_rules == []
    assert {"doctor.sector", "doctor.specialty", "contract.option"} <= set(verdict.missing)


# ---------------------------------------------------------------------------------------------------------
# §2.9 Training of the assistant; §2.10 a converted secretary post must be refilled
# ---------------------------------------------------------------------------------------------------------
UNQUALIFIED_LEAP_DAY = {"assistant.qualification": "aucune", "assistant.hire_date": "2020-02-29"}


def test_unqualified_assistant_hired_on_29_february_due_dates(make_case):
    verdict = evaluate(make_case(UNQUALIFIED_LEAP_DAY))
    assert verdict.status == "eligible"
    assert obligation(verdict, "a7.formation.entree").due_date == date(2022, 2, 28)  # start training within 2 years
    assert obligation(verdict, "a7.formation.cqp").due_date == date(2023, 2, 28)  # CQP within 3 years
    assert "a7.formation.fae" not in ids(verdict.obligations + verdict.conditional_obligations)


def test_training_obligations_cite_article_9_2(make_case):
    verdict = evaluate(make_case(UNQUALIFIED_LEAP_DAY))
    for obligation_id in ("a7.formation.entree", "a7.formation.cqp"):
        citations = obligation(verdict, obligation_id).citations
        assert any(c.article == "art. 9-2" for c in citations)
        assert all(URL.match(c.url) for c in citations)


@pytest.mark.parametrize(("on", "state"), [("2022-02-28", "pending"), ("2022-03-01", "overdue")])
def test_training_entry_state_on_the_due_date_and_the_day_after(make_case, on, state):
    entry = obligation(evaluate(make_case(UNQUALIFIED_LEAP_DAY), on=on), "a7.formation.entree")
    assert entry.state == state
    assert entry.met_on is None


def test_training_entry_met_when_enrolled_before_the_evaluation_date(make_case):
    case = make_case({**UNQUALIFIED_LEAP_DAY, "assistant.training_enrolled_on": "2021-06-01"})
    verdict = evaluate(case, on="2022-03-01")
    entry = obligation(verdict, "a7.formation.entree")
    assert entry.state == "met"
    assert entry.met_on == date(2021, 6, 1)
    assert obligation(verdict, "a7.formation.cqp").state == "pending"


def test_enrolment_after_the_evaluation_date_does_not_count_yet(make_case):
    case = make_case({**UNQUALIFIED_LEAP_DAY, "assistant.training_enrolled_on": "2022-06-01"})
    entry = obligation(evaluate(case, on="2022-03-01"), "a7.formation.entree")
    assert entry.state == "overdue"
    assert entry.met_on is None


@pytest.mark.parametrize(("enrolled", "state"), [("2022-02-28", "met"), ("2022-03-01", "late"),
                                                ("2022-06-01", "late")])
def test_training_entered_after_the_two_years_is_done_late_not_met(make_case, enrolled, state):
    """The training starts « within 2 years » of hiring (../shared/legal/avenant7-2019.md:105, CONFIRMED): an
    enrolment after the due date is done, but late; the report says so and gives the consequence."""
    case = make_case({**UNQUALIFIED_LEAP_DAY, "assistant.training_enrolled_on": enrolled})
    verdict = evaluate(case, on="2022-09-01")
    entry = obligation(verdict, "a7.formation.entree")
    assert (entry.due_date, entry.state, entry.met_on) == (date(2022, 2, 28), state, date.fromisoformat(enrolled))
    report = str(verdict)
    assert (f"fait le {enrolled} (FAIT EN RETARD)" in report) == (state == "late")
    assert (entry.consequence in report) == (state == "late")
    english = obligation(evaluate(case, on="2022-09-01", language="en"), "a7.formation.entree")
    assert english.state == state


def test_cqp_obtained_meets_the_qualification_obligation(make_case):
    case = make_case({**UNQUALIFIED_LEAP_DAY, "assistant.training_enrolled_on": "2020-09-01",
                      "assistant.qualified_on": "2022-12-01"})
    cqp = obligation(evaluate(case, on="2024-01-01"), "a7.formation.cqp")
    assert (cqp.state, cqp.met_on) == ("met", date(2022, 12, 1))


@pytest.mark.parametrize("diploma", ["ide", "deas", "deap"])
def test_state_diploma_holder_gets_the_fae_three_years_after_hiring(make_case, diploma):
    verdict = evaluate(make_case({"assistant.qualification": diploma, "assistant.hire_date": "2020-03-15"}))
    assert obligation(verdict, "a7.formation.fae").due_date == date(2023, 3, 15)
    assert not {"a7.formation.entree", "a7.formation.cqp"} & set(ids(verdict.obligations))


def test_cqp_holder_has_no_training_obligation(make_case):
    verdict = evaluate(make_case({"assistant.hire_date": "2020-03-15"}))
    assert not TRAINING_OBLIGATIONS & set(ids(verdict.obligations + verdict.conditional_obligations))


def test_qualification_unknown_makes_training_obligations_conditional(make_case):
    verdict = evaluate(make_case({"assistant.hire_date": "2020-03-15"}, drop=["assistant.qualification"]))
    assert not TRAINING_OBLIGATIONS & set(ids(verdict.obligations))
    assert TRAINING_OBLIGATIONS <= set(ids(verdict.conditional_obligations))


def test_converted_secretary_post_must_be_refilled_with_no_known_delay(make_case):
    verdict = evaluate(make_case({"assistant.was_practice_secretary": True, "assistant.hire_date": "2020-03-15"}))
    refill = obligation(verdict, "a7.secretariat.remplacement")
    assert refill.due_date is None  # the delay is not in the sources
    assert "a7.secretariat.remplacement" not in ids(verdict.conditional_obligations)


def test_secretary_question_left_out_gives_a_conditional_obligation(issue_case):
    verdict = evaluate(issue_case)
    assert "a7.secretariat.remplacement" in ids(verdict.conditional_obligations)
    assert "a7.secretariat.remplacement" not in ids(verdict.obligations)


def test_assistant_who_was_not_the_secretary_has_no_refill_obligation(make_case):
    verdict = evaluate(make_case({"assistant.was_practice_secretary": False}))
    assert "a7.secretariat.remplacement" not in ids(verdict.obligations + verdict.conditional_obligations)


# ---------------------------------------------------------------------------------------------------------
# §5 Dates: avenant 7 governs contracts signed from 1 September 2019 to 30 April 2023
# ---------------------------------------------------------------------------------------------------------
def test_contract_signed_before_1_september_2019_has_no_regime(make_case):
    verdict = evaluate(make_case({"contract.signature_date": "2019-08-31"}))
    assert verdict.status == "not_eligible"
    assert verdict.regime is None
    assert [f.rule_id for f in verdict.findings] == ["regime.aucun"]
    assert verdict.failed_rules == ["regime.aucun"]
    assert verdict.obligations == []


@pytest.mark.parametrize("signed", ["2019-09-01", "2021-06-15", "2023-04-30"])
def test_contracts_signed_within_the_period_are_judged_by_avenant_7(make_case, signed):
    verdict = evaluate(make_case({"contract.signature_date": signed}))
    assert verdict.regime == REGIME
    assert verdict.signature_date == date.fromisoformat(signed)
    assert verdict.status == "eligible"


def test_a_contract_signed_on_1_may_2023_is_no_longer_under_avenant_7(make_case):
    assert evaluate(make_case({"contract.signature_date": "2023-05-01"})).regime != REGIME


# ---------------------------------------------------------------------------------------------------------
# The API: Case or dict, the evaluation date, JSON round trip
# ---------------------------------------------------------------------------------------------------------
def test_verdict_round_trips_through_json(make_case):
    case = make_case({**UNQUALIFIED_LEAP_DAY, "assistant.was_practice_secretary": True})
    verdict = evaluate(case, on="2024-07-01")  # with obligations and transitions
    assert verdict.obligations and verdict.transitions
    again = Verdict.model_validate_json(verdict.model_dump_json())
    assert again == verdict
    assert again.failed_rules == verdict.failed_rules


def test_no_regime_verdict_round_trips_through_json(make_case):
    verdict = evaluate(make_case({"contract.signature_date": "2019-08-31"}))
    assert Verdict.model_validate_json(verdict.model_dump_json()) == verdict


def test_evaluate_accepts_a_case_model_or_a_dict(issue_case):
    from_dict = evaluate(issue_case, on="2021-01-01")
    from_model = evaluate(Case.model_validate(issue_case), on=date(2021, 1, 1))
    assert from_model == from_dict
    assert from_model.status == "eligible"


def test_signature_date_left_out_takes_the_evaluation_date(make_case):
    case = make_case(drop=["contract.signature_date"])
    verdict = evaluate(case, on="2021-06-01")
    assert verdict.signature_date == date(2021, 6, 1)
    assert verdict.evaluated_on == date(2021, 6, 1)
    assert verdict.regime == REGIME
    assert verdict.status == "eligible"

    before = evaluate(case, on="2019-08-31")
    assert (before.signature_date, before.regime, before.status) == (date(2019, 8, 31), None, "not_eligible")


def test_evaluation_date_defaults_to_the_signature_date(issue_case):
    verdict = evaluate(issue_case)
    assert verdict.evaluated_on == verdict.signature_date == date(2020, 3, 1)
