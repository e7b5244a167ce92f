"""Issue 6 (what-if): the smallest actionable changes that make a case eligible."""

from __future__ import annotations

from assistmed_rules import evaluate

NO_DEROGATION = {"new_installation": False, "rqth": False, "chronic_illness": False}


def gp(**doctor):
    base = {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
            "activity": {"mt_patients_adult": 900}, **NO_DEROGATION}
    base.update(doctor)
    return {"doctor": base, "contract": {"signature_date": "2021-03-01", "option": "1/2"}}


def test_join_a_coordinated_practice_or_commit():
    case = gp(coordinated_practice="aucune", coordinated_practice_commitment=False, group_practice_doctors=3)
    suggestions = evaluate(case).how_to_qualify()
    changes = [s.changes for s in suggestions]
    assert {"doctor.coordinated_practice": "msp"} in changes
    assert {"doctor.coordinated_practice_commitment": True} in changes
    assert all(len(c) == 1 for c in changes)
    assert all(s.rules == ["a7.exercice_coordonne"] for s in suggestions)
    assert all(c.url.startswith("http") for s in suggestions for c in s.citations)


def test_reach_the_patient_threshold():
    suggestions = evaluate(gp(activity={"mt_patients_adult": 600})).how_to_qualify()
    assert [s.changes for s in suggestions] == [{"doctor.activity.mt_patients_adult": 641}]


def test_2024_threshold_counts_children_already_there():
    case = gp(activity={"mt_patients_adult": 700, "mt_patients_child": 50, "percentile": 20},
              mixed_salaried_activity=False)
    case["contract"] = {"signature_date": "2024-09-01", "option": "1"}
    changes = [s.changes for s in evaluate(case).how_to_qualify()]
    assert {"doctor.activity.mt_patients_adult": 726} in changes  # 726 + 50 > 775
    assert {"doctor.activity.mt_patients_child": 76} in changes


def test_choose_another_option_outside_a_zip():
    case = gp(zone="hors_zonage")
    case["contract"]["option"] = "1"
    changes = [s.changes for s in evaluate(case).how_to_qualify()]
    assert {"contract.option": "etp_1_3"} in changes and {"contract.option": "etp_1_2"} in changes


def test_never_changes_facts_the_doctor_cannot_change():
    radiologist = gp(specialty="radiologie", activity={"percentile": 60})
    radiologist["contract"] = {"signature_date": "2025-01-15", "option": "1"}
    assert evaluate(radiologist).how_to_qualify() == []  # the specialty exclusion cannot be acted on
    secteur2 = gp(sector="secteur_2", tariff_option="aucune")
    assert [s.changes for s in evaluate(secteur2).how_to_qualify()] == [
        {"doctor.tariff_option": "optam"}, {"doctor.tariff_option": "optam_co"}]


def test_eligible_case_has_nothing_to_change():
    assert evaluate(gp()).how_to_qualify() == []
