"""Issue 6 (what-if): the smallest actionable changes that make a case eligible."""

from __future__ import annotations

import copy
import pickle
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import evaluation_dates, flatten, likely_eligible_cases, value_strategy, with_values

from assistmed_rules import Case, Evaluator, Suggestion, evaluate, evaluate_many
from assistmed_rules.conditions import FIELDS
from assistmed_rules.errors import RuleFileError
from assistmed_rules.i18n import field_label, value_label
from assistmed_rules.rulebook import default_rules_dir, load_rules
from assistmed_rules.whatif import _apply

NO_DEROGATION = {"new_installation": False, "rqth": False, "chronic_illness": False}
ACTIONABLE = [path for path, field in FIELDS.items() if field.actionable]


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


def test_a_suggestion_reads_as_its_message_in_the_verdicts_language():
    case = gp(coordinated_practice="aucune", coordinated_practice_commitment=False, group_practice_doctors=3)
    french = evaluate(case).how_to_qualify()
    assert all(isinstance(s, Suggestion) and str(s) == s.message for s in french)
    commit = next(s for s in french if s.changes == {"doctor.coordinated_practice_commitment": True})
    assert str(commit) == ("Devient éligible avec : engagement à rejoindre un exercice coordonné : oui"
                           " (règle a7.exercice_coordonne).")
    english = evaluate(case, language="en").how_to_qualify()
    assert [s.changes for s in english] == [s.changes for s in french]
    assert str(english[-1]) == ("Becomes eligible with: commitment to join a coordinated practice: yes"
                                " (rule a7.exercice_coordonne).")


def test_a_message_names_the_inputs_and_their_values_in_words():
    """It read « doctor.activity.mt_patients_adult → 641 (règles a7.activite) »: dotted paths, codes, a
    threshold's number given as if it had to be exactly that, and « règles » for one rule."""
    reach = evaluate(gp(activity={"mt_patients_adult": 600, "mt_patients_child": 0})).how_to_qualify()
    assert [s.changes for s in reach] == [{"doctor.activity.mt_patients_adult": 641}]  # the paths stay in changes
    assert str(reach[0]) == ("Devient éligible avec : patients médecin traitant de 16 ans et plus : au moins 641"
                             " (règle a7.activite).")
    case = gp(coordinated_practice="aucune", coordinated_practice_commitment=False, group_practice_doctors=3)
    by_changes = {tuple(s.changes.values()): str(s) for s in evaluate(case).how_to_qualify()}
    assert by_changes[("centre_de_sante",)] == ("Devient éligible avec : exercice coordonné : centre de santé"
                                                 " (règle a7.exercice_coordonne).")
    english = {tuple(s.changes.values()): str(s) for s in evaluate(case, language="en").how_to_qualify()}
    assert english[("msp",)] == ("Becomes eligible with: coordinated practice (exercice coordonné): MSP (maison de"
                                 " santé pluriprofessionnelle) (rule a7.exercice_coordonne).")
    two = gp(coordinated_practice="aucune", coordinated_practice_commitment=False, group_practice_doctors=3,
             activity={"mt_patients_adult": 600, "mt_patients_child": 0})
    both = evaluate(two).how_to_qualify()[0]
    assert both.changes == {"doctor.coordinated_practice": "msp", "doctor.activity.mt_patients_adult": 641}
    assert str(both) == ("Devient éligible avec : exercice coordonné : maison de santé pluriprofessionnelle (MSP) ;"
                         " patients médecin traitant de 16 ans et plus : au moins 641"
                         " (règles a7.exercice_coordonne, a7.activite).")
    option = gp(zone="hors_zonage")
    option["contract"]["option"] = "1"
    assert "option du contrat : 1/2 ETP" in [str(s).split(" : ", 1)[1].rsplit(" (", 1)[0]
                                             for s in evaluate(option).how_to_qualify()]


def test_an_input_left_unknown_is_proposed_as_a_condition_not_as_a_change():
    """For an undetermined verdict, « mt_patients_adult → 641 » read as a change though the count was not
    given: the doctor may already have 641 patients or more."""
    unknown = gp(activity={"mt_patients_child": 0})
    verdict = evaluate(unknown)
    assert verdict.status == "undetermined" and verdict.missing == ["doctor.activity.mt_patients_adult"]
    [suggestion] = verdict.how_to_qualify()
    assert suggestion.changes == {"doctor.activity.mt_patients_adult": 641}
    assert suggestion.assumes == ["doctor.activity.mt_patients_adult"]
    assert str(suggestion) == ("Éligible si (non renseigné à ce jour) : patients médecin traitant de 16 ans et"
                               " plus : au moins 641 (règle a7.activite).")
    [english] = evaluate(unknown, language="en").how_to_qualify()
    assert str(english) == ("Eligible if (not given so far): patients aged 16 or more with the doctor as médecin"
                            " traitant: at least 641 (rule a7.activite).")
    # a change of a known input and an unknown one filled in: the message tells them apart
    mixed = gp(activity={"mt_patients_adult": 600, "mt_patients_child": 0})
    del mixed["contract"]["option"]
    suggestions = evaluate(mixed).how_to_qualify()
    assert suggestions and all(s.assumes == ["contract.option"] for s in suggestions)
    first = suggestions[0]
    assert first.changes == {"doctor.activity.mt_patients_adult": 641, "contract.option": "etp_1_3"}
    assert str(first) == ("Devient éligible avec : patients médecin traitant de 16 ans et plus : au moins 641,"
                          " si (non renseigné à ce jour) : option du contrat : 1/3 ETP"
                          " (règles a7.activite, a7.option).")
    # a known input changed: nothing is assumed
    known = evaluate(gp(activity={"mt_patients_adult": 600, "mt_patients_child": 0})).how_to_qualify()
    assert [s.assumes for s in known] == [[]]


def test_a_percentile_is_said_as_the_bound_to_pass():
    cardiologist = gp(specialty="cardiologie", activity={"percentile": 20}, mixed_salaried_activity=False)
    cardiologist["contract"] = {"signature_date": "2025-01-15", "option": "1/2"}
    [suggestion] = evaluate(cardiologist, language="en").how_to_qualify()
    assert suggestion.changes == {"doctor.activity.percentile": 30.1}  # the nearest tenth above 30
    assert str(suggestion) == ("Becomes eligible with: activity percentile in the specialty: more than 30"
                               " (rule cm2024.activite).")


def test_a_regime_names_a_value_its_own_way_from_its_rule_file():
    """OPTAM-CO is OPTAM-ACO in the 2024 convention: a name the rule file gives, not the Python code."""
    secteur2 = gp(sector="secteur_2", tariff_option="aucune")
    before = {s.changes["doctor.tariff_option"]: str(s) for s in evaluate(secteur2).how_to_qualify()}
    assert before["optam_co"] == ("Devient éligible avec : option de pratique tarifaire maîtrisée : OPTAM-CO"
                                  " (règle a7.secteur).")
    secteur2["contract"]["signature_date"] = "2025-01-15"
    secteur2["doctor"]["mixed_salaried_activity"] = False
    after = {s.changes["doctor.tariff_option"]: str(s) for s in evaluate(secteur2).how_to_qualify()}
    assert after == {"optam": ("Devient éligible avec : option de pratique tarifaire maîtrisée : OPTAM"
                               " (règle cm2024.secteur)."),
                     "optam_co": ("Devient éligible avec : option de pratique tarifaire maîtrisée : OPTAM-ACO"
                                  " (règle cm2024.secteur).")}


def test_every_actionable_input_and_each_of_its_choices_has_a_name_in_both_languages():
    for path in ACTIONABLE:
        for language in ("fr", "en"):
            assert field_label(path, language) != path, (path, language)
            for choice in FIELDS[path].choices:
                assert value_label(path, choice, language), (path, choice, language)


@pytest.mark.parametrize(("labels", "error"), [
    ("  doctor.zone_x:\n    zip: {label: ZIP}\n",
     r"'doctor.zone_x' is not an input field with a list of choices \(did you mean 'doctor.zone'\?\); accepted: "),
    ("  doctor.rqth:\n    \"true\": {label: oui}\n", r"'doctor.rqth' is not an input field with a list of choices"),
    ("  doctor.tariff_option:\n    optam_aco: {label: OPTAM-ACO}\n",
     (r"value_labels.doctor.tariff_option: 'optam_aco' is not a value of doctor.tariff_option"
      r" \(did you mean 'optam_co'\?\); accepted: aucune, optam, optam_co")),
])
def test_a_rule_files_value_labels_are_checked(tmp_path, labels, error):
    shutil.copytree(default_rules_dir(), tmp_path / "rules")
    path = tmp_path / "rules" / "convention-2024.yaml"
    text = path.read_text(encoding="utf-8")
    shipped = "value_labels:\n  doctor.tariff_option:\n    optam_co: {label: OPTAM-ACO, en: OPTAM-ACO}\n"
    assert shipped in text
    path.write_text(text.replace(shipped, "value_labels:\n" + labels), encoding="utf-8")
    with pytest.raises(RuleFileError, match=error):
        load_rules(tmp_path / "rules")


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


# -- what the doctor can act on -----------------------------------------------------------------------------------
def test_the_actionable_inputs_are_what_the_doctor_can_change_before_signing_and_docs_input_md_lists_them():
    assert set(ACTIONABLE) == {
        "doctor.group_practice_doctors", "doctor.group_practice_commitment", "doctor.coordinated_practice",
        "doctor.multi_site_msp", "doctor.coordinated_practice_commitment", "doctor.tariff_option",
        "contract.option", "doctor.activity.mt_patients_adult", "doctor.activity.mt_patients_child",
        "doctor.activity.file_active", "doctor.activity.percentile", "doctor.activity.clinical_fee_share"}
    page = (Path(__file__).resolve().parents[1] / "docs" / "input.md").read_text(encoding="utf-8")
    section = page.split("## What the doctor can act on", 1)[1].split("\n---", 1)[0]
    assert set(re.findall(r"^\| `([a-z_.]+)` \|", section, flags=re.MULTILINE)) == set(ACTIONABLE)


def test_practising_with_another_doctor_is_proposed_at_its_minimum():
    """Under avenant 7, practising with at least one other doctor is a grouped practice, as is joining an MSP,
    which was proposed when practising with another doctor was not."""
    case = gp(coordinated_practice="esp", group_practice_doctors=1, group_practice_commitment=False,
              zone="hors_zonage")
    verdict = evaluate(case)
    assert verdict.failed_rules == ["a7.exercice_regroupe"]
    assert [s.changes for s in verdict.how_to_qualify()] == [
        {"doctor.group_practice_doctors": 2}, {"doctor.coordinated_practice": "msp"}]
    assert evaluate(with_values(case, {"doctor.group_practice_doctors": 2})).status == "eligible"


def test_the_share_of_clinical_fees_is_proposed_like_the_patient_counts():
    """Measured over the 12 months before signing, as the patient counts are: the doctor can act on it."""
    surgeon = gp(specialty="chirurgie_generale", activity={"percentile": 50, "clinical_fee_share": 70},
                 mixed_salaried_activity=False)
    surgeon["contract"] = {"signature_date": "2025-01-15", "option": "1/2"}
    verdict = evaluate(surgeon)
    assert verdict.failed_rules == ["cm2024.part_clinique"]
    assert [s.changes for s in verdict.how_to_qualify()] == [{"doctor.activity.clinical_fee_share": 80}]


# -- numbers -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("written", ["{field: doctor.group_practice_doctors, ge: 1.5}",
                                     "{not: {field: doctor.group_practice_doctors, lt: 1.5}}"])
def test_a_whole_number_is_proposed_on_the_right_side_of_a_fractional_threshold(tmp_path, written):
    """« at least 1.5 doctors » gave int(1.5) = 1, which does not meet it (and is the doctor alone, so nothing
    was proposed); under a ``not``, the comparison was read the wrong way round."""
    shutil.copytree(default_rules_dir(), tmp_path / "rules")
    path = tmp_path / "rules" / "avenant7-2019.yaml"
    original = "- {field: doctor.group_practice_doctors, ge: 2}"
    assert path.read_text(encoding="utf-8").count(original) == 1
    path.write_text(path.read_text(encoding="utf-8").replace(original, f"- {written}"), encoding="utf-8")
    case = gp(coordinated_practice="esp", group_practice_doctors=1, group_practice_commitment=False,
              zone="hors_zonage")
    verdict = Evaluator(load_rules(tmp_path / "rules")).evaluate(case)
    assert verdict.failed_rules == ["a7.exercice_regroupe"]
    assert [s.changes for s in verdict.how_to_qualify()] == [
        {"doctor.group_practice_doctors": 2}, {"doctor.coordinated_practice": "msp"}]


# -- a contract already signed cannot be changed --------------------------------------------------------------
def test_a_contract_signed_before_the_evaluation_date_gets_no_suggestion():
    """Its patients were counted over the year before signing, its option chosen and its commitments made at
    signature: the suggestions of a contract signed in 2021, evaluated in 2025, changed those past facts."""
    case = gp(activity={"mt_patients_adult": 600, "mt_patients_child": 0}, mixed_salaried_activity=False)
    assert evaluate(case, on="2025-06-01").status == "not_eligible"
    assert evaluate(case, on="2025-06-01").how_to_qualify() == []
    assert evaluate(case, on="2021-03-02").how_to_qualify() == []  # signed the day before
    fix = [{"doctor.activity.mt_patients_adult": 641}]
    for on in (None, "2021-03-01", "2021-01-15"):  # on the signature date (the default), or before it
        assert [s.changes for s in evaluate(case, on=on).how_to_qualify()] == fix
    # a new contract, signed on the evaluation date: the regime in force then
    new = {**case, "contract": {"option": "1/2"}}
    verdict = evaluate(new, on="2025-06-01")
    assert verdict.regime == "convention-2024"
    assert {"doctor.activity.mt_patients_adult": 776} in [s.changes for s in verdict.how_to_qualify()]


# -- no commitment whose deadline has passed --------------------------------------------------------------------
def behind(verdict):
    return {o.obligation_id for o in (*verdict.obligations, *verdict.conditional_obligations)
            if o.state in ("overdue", "late")}


def test_no_suggestion_puts_the_doctor_behind_with_an_obligation():
    """A solo doctor in a ZIP, outside any coordinated practice, whose assistant was hired in 2020 and whose
    contract is signed in 2022: committing to join a coordinated or grouped practice within two years of the
    hiring made the case eligible with that obligation already overdue on the evaluation date."""
    case = {"doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "zone": "zip",
                       "coordinated_practice": "aucune", "coordinated_practice_commitment": False,
                       "group_practice_doctors": 1, "group_practice_commitment": False,
                       "activity": {"mt_patients_adult": 900}},
            "assistant": {"hire_date": "2020-01-10", "qualification": "cqp"},
            "contract": {"signature_date": "2022-06-01", "option": "1/2"}}
    verdict = evaluate(case)
    assert verdict.failed_rules == ["a7.exercice_coordonne", "a7.exercice_regroupe"] and not behind(verdict)
    suggestions = verdict.how_to_qualify()
    assert {"doctor.coordinated_practice": "msp"} in [s.changes for s in suggestions]
    data = Case.model_validate(case).model_dump(mode="json", exclude_none=True)
    for s in suggestions:
        assert not behind(evaluate(_apply(data, s.changes))), s.changes
        assert True not in s.changes.values(), s.changes  # no commitment: each one is already overdue
    # hired a month before signing, the commitments are proposed again (due in two years)
    recent = {**case, "assistant": {"hire_date": "2022-05-01", "qualification": "cqp"}}
    changes = [s.changes for s in evaluate(recent).how_to_qualify()]
    assert {"doctor.coordinated_practice_commitment": True, "doctor.group_practice_commitment": True} in changes


def test_an_overdue_obligation_the_change_does_not_bring_does_not_count_against_it():
    """The assistant, hired without qualification more than two years before signing, has not started
    training: that obligation is overdue whatever the doctor changes to reach the activity threshold. A
    not_eligible verdict lists no obligation, so the eligible one's looked new and every suggestion was left
    out."""
    case = gp(activity={"mt_patients_adult": 600, "mt_patients_child": 0})
    case["assistant"] = {"qualification": "aucune", "hire_date": "2020-02-03"}
    case["contract"]["signature_date"] = "2022-06-01"
    verdict = evaluate(case)
    assert verdict.failed_rules == ["a7.activite"] and verdict.obligations == []
    assert [s.changes for s in verdict.how_to_qualify()] == [{"doctor.activity.mt_patients_adult": 641}]
    after = evaluate(with_values(case, {"doctor.activity.mt_patients_adult": 641}))
    assert behind(after) == {"a7.formation.entree"}


# -- verdicts pickle and copy ---------------------------------------------------------------------------------
REFUSED = {"doctor": {"sector": "non_conventionne"}, "contract": {"signature_date": "2020-03-01"}}


def test_a_verdict_pickles_without_its_origin():
    """The origin holds the evaluator and its compiled closures: pickling a verdict raised AttributeError."""
    verdict = evaluate(gp(coordinated_practice="aucune", coordinated_practice_commitment=False))
    for original in (evaluate(REFUSED), verdict, evaluate(gp(), language="en")):
        back = pickle.loads(pickle.dumps(original))
        assert back == original and back.model_dump() == original.model_dump()
    assert verdict.how_to_qualify()  # the original keeps its origin
    with pytest.raises(ValueError, match="does not know the case it was computed from.*evaluate the case again"):
        pickle.loads(pickle.dumps(verdict)).how_to_qualify()


def test_verdicts_come_back_from_worker_processes():
    cases = [REFUSED, gp(), gp(coordinated_practice="aucune", coordinated_practice_commitment=False)]
    with ProcessPoolExecutor(2) as pool:
        verdicts = list(pool.map(evaluate, cases))
    assert verdicts == [evaluate(case) for case in cases]


def test_a_copy_of_a_verdict_shares_its_origin():
    verdict = evaluate(gp(coordinated_practice="aucune", coordinated_practice_commitment=False))
    expected = [s.changes for s in verdict.how_to_qualify()]
    copies = [copy.copy(verdict), copy.deepcopy(verdict), verdict.model_copy(), verdict.model_copy(deep=True),
              verdict.model_copy(update={"language": "fr"}, deep=True)]
    for other in copies:
        assert other == verdict and other._origin is verdict._origin
        assert [s.changes for s in other.how_to_qualify()] == expected
    deep = copy.deepcopy(verdict)
    assert deep.findings is not verdict.findings and deep.findings == verdict.findings


# -- a property: an eligible case broken on one actionable input is shown a way back --------------------------


@given(case=likely_eligible_cases(change_one_in=20), on=st.one_of(st.none(), evaluation_dates), data=st.data())
@settings(max_examples=150, deadline=None)
def test_an_eligible_case_broken_on_one_actionable_input_is_shown_a_way_back(case, on, data):
    """Every suggestion changes actionable inputs only (at most three), makes the case eligible, and contains
    no other suggestion; and since one actionable change broke the case, one can mend it, unless the contract
    was signed before the evaluation date (then nothing is proposed)."""
    original = evaluate(case, on=on)
    assume(original.status == "eligible")
    assume(not behind(original))  # the way back would bring an overdue obligation back: it is not proposed
    for _ in range(10):  # most changes keep the case eligible: draw until one breaks it
        path = data.draw(st.sampled_from(ACTIONABLE), label="path")
        broken = with_values(case, {path: data.draw(value_strategy(path, flatten(case)), label="value")})
        try:
            verdict = evaluate(broken, on=on)
        except ValidationError:  # e.g. a tariff option of the second sector for a doctor of the first
            continue
        if verdict.status != "eligible":
            break
    else:
        assume(False)
    suggestions = verdict.how_to_qualify()
    if verdict.evaluated_on > verdict.signature_date:
        event("signed before the evaluation date")
        assert suggestions == []
        return
    event(f"{verdict.status}, {len(suggestions)} suggestions")
    assert suggestions, (verdict.status, verdict.failed_rules, verdict.missing)
    data_of = Case.model_validate(broken).model_dump(mode="json", exclude_none=True)
    for s in suggestions:
        assert 1 <= len(s.changes) <= 3 and set(s.changes) <= set(ACTIONABLE), s.changes
        assert evaluate(_apply(data_of, s.changes), on=on).status == "eligible", s.changes
        assert set(s.rules) == {f.rule_id for f in verdict.findings if f.outcome != "met"}
        assert s.assumes == [path for path in s.changes if path not in flatten(data_of)], s
    changes = [set(s.changes.items()) for s in suggestions]
    assert not any(a < b for a in changes for b in changes), [s.changes for s in suggestions]


# -- a verdict of a batch keeps its own case ---------------------------------------------------------------------
@pytest.mark.parametrize("flat", [False, True])
def test_a_verdict_from_worker_processes_does_not_follow_later_changes_to_the_callers_case(flat):
    case = gp(activity={"mt_patients_adult": 600, "mt_patients_child": 0})
    rows = [flatten(case) if flat else copy.deepcopy(case) for _ in range(2)]
    verdict = evaluate_many(rows, flat=flat, processes=2)[0]
    expected = [s.changes for s in evaluate(case).how_to_qualify()]
    assert expected == [{"doctor.activity.mt_patients_adult": 641}]
    if flat:
        rows[0].update({"doctor.sector": "secteur_2", "doctor.tariff_option": "aucune"})
    else:
        rows[0]["doctor"].update(sector="secteur_2", tariff_option="aucune")  # the caller reuses its dict
    assert [s.changes for s in verdict.how_to_qualify()] == expected


# -- the limits of the search --------------------------------------------------------------------------------
@pytest.mark.parametrize("wrong", [0, -1, 1.5, "2", True, None])
def test_max_changes_below_one_or_not_a_whole_number_is_refused(wrong):
    """max_changes=0 silently gave []: it is refused, saying what is accepted."""
    verdict = evaluate(gp(activity={"mt_patients_adult": 600, "mt_patients_child": 0}))
    with pytest.raises(ValueError, match=r"max_changes .* a whole number, 1 or more \(default 3\); got "):
        verdict.how_to_qualify(max_changes=wrong)
    assert [s.changes for s in verdict.how_to_qualify(max_changes=1)] == [{"doctor.activity.mt_patients_adult": 641}]


def test_suggestions_come_fewest_changes_first():
    """An MSP meets both avenant 7 practice rules at once: that two-change suggestion comes before the
    three-change ones (another coordinated practice, plus a second doctor)."""
    case = {"doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "aucune",
                       "coordinated_practice_commitment": False, "group_practice_doctors": 1,
                       "group_practice_commitment": False, "zone": "hors_zonage", "new_installation": False,
                       "rqth": False, "chronic_illness": False,
                       "activity": {"mt_patients_adult": 600, "mt_patients_child": 0}},
            "contract": {"signature_date": "2021-03-01", "option": "1/2"}}
    suggestions = evaluate(case).how_to_qualify()
    sizes = [len(s.changes) for s in suggestions]
    assert sizes == sorted(sizes) and sizes[0] == 2 and sizes[-1] == 3
    assert suggestions[0].changes == {"doctor.coordinated_practice": "msp", "doctor.activity.mt_patients_adult": 641}
