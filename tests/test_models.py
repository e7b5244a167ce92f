"""Issue 2: input validation. Invalid input is refused with an error that names the field and says what is
accepted; documented aliases are accepted and normalised.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistmed_rules import (
    AssistmedError,
    Case,
    ContractOption,
    Doctor,
    InvalidCaseError,
    Specialty,
    TariffOption,
    evaluate,
)

ON = "2020-03-01"


def invalid(case: dict) -> InvalidCaseError:
    with pytest.raises(InvalidCaseError) as info:
        evaluate(case, on=ON)
    return info.value


def error_for(exc: InvalidCaseError, field: str) -> dict:
    found = [e for e in exc.errors if e["field"] == field]
    assert found, f"no error for {field}: {exc.errors}"
    return found[0]


def locs(exc: ValidationError) -> list[tuple]:
    return [tuple(e["loc"]) for e in exc.errors()]


# ---------------------------------------------------------------------------------------------------------
# Refused, with the field named and what is accepted
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field", ["mt_patients_adult", "mt_patients_child", "file_active"],
)
def test_negative_patient_counts_are_refused(field):
    with pytest.raises(ValidationError) as info:
        Case.model_validate({"doctor": {"activity": {field: -1}}})
    assert locs(info.value) == [("doctor", "activity", field)]

    exc = invalid({"doctor": {"activity": {field: -1}}})
    err = error_for(exc, f"doctor.activity.{field}")
    assert "greater than or equal to 0" in err["message"]
    assert err["input"] == -1
    assert f"doctor.activity.{field}" in str(exc)


def test_zero_doctors_in_the_group_is_refused():
    err = error_for(invalid({"doctor": {"group_practice_doctors": 0}}), "doctor.group_practice_doctors")
    assert "greater than or equal to 1" in err["message"]


@pytest.mark.parametrize("percentile", [-1, 100.5, float("nan"), float("inf")])
def test_percentile_outside_0_100_or_not_finite_is_refused(percentile):
    error_for(invalid({"doctor": {"activity": {"percentile": percentile}}}), "doctor.activity.percentile")


def test_unknown_specialty_is_refused_with_a_did_you_mean():
    exc = invalid({"doctor": {"specialty": "cardiolgie"}})
    message = error_for(exc, "doctor.specialty")["message"]
    assert "did you mean 'cardiologie'" in message
    assert "medecine_generale" in message  # the accepted values are listed
    assert "doctor.specialty" in str(exc)


def test_unknown_specialty_code_is_refused():
    message = error_for(invalid({"doctor": {"specialty": "99"}}), "doctor.specialty")["message"]
    assert "accepted" in message


@pytest.mark.parametrize("field", ["assistant.hire_date", "contract.signature_date", "doctor.installation_date"])
def test_a_date_that_cannot_be_is_refused(field):
    part, name = field.split(".")
    case = {part: {name: "2021-02-30"}}
    with pytest.raises(ValidationError) as info:
        Case.model_validate(case)
    assert locs(info.value) == [(part, name)]
    err = error_for(invalid(case), field)
    assert "date" in err["message"]
    assert err["input"] == "2021-02-30"


@pytest.mark.parametrize("sector", ["secteur_1", "non_conventionne"])
@pytest.mark.parametrize("option", ["optam", "optam_co"])
def test_optam_outside_secteur_2_is_refused_at_tariff_option(sector, option):
    # Whatever the order of the keys in the input.
    for doctor in ({"sector": sector, "tariff_option": option}, {"tariff_option": option, "sector": sector}):
        with pytest.raises(ValidationError) as info:
            Case.model_validate({"doctor": doctor})
        assert locs(info.value) == [("doctor", "tariff_option")]
        message = error_for(invalid({"doctor": doctor}), "doctor.tariff_option")["message"]
        assert "secteur_2" in message


@pytest.mark.parametrize(
    "doctor",
    [
        {"sector": "secteur_1", "tariff_option": "aucune"},
        {"sector": "secteur_2", "tariff_option": "optam"},
        {"tariff_option": "optam"},  # sector unknown: nothing to contradict
    ],
)
def test_consistent_tariff_options_are_accepted(doctor):
    assert Case.model_validate({"doctor": doctor}).doctor.tariff_option is not None


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ({"doctor": {"sectr": "secteur_1"}}, "doctor.sectr"),
        ({"patient": {}}, "patient"),
        ({"doctor": {"activity": {"patients": 900}}}, "doctor.activity.patients"),
        ({"contract": {"signed_on": "2020-03-01"}}, "contract.signed_on"),
    ],
)
def test_unknown_keys_are_refused(case, field):
    with pytest.raises(ValidationError) as info:
        Case.model_validate(case)
    assert locs(info.value) == [tuple(field.split("."))]
    err = error_for(invalid(case), field)
    assert "unknown field" in err["message"]


def test_unknown_key_error_says_which_field_was_meant():
    message = error_for(invalid({"doctor": {"sectr": "secteur_1"}}), "doctor.sectr")["message"]
    assert "did you mean 'sector'" in message
    assert "tariff_option" in message  # the fields accepted there are listed


@pytest.mark.parametrize("departement", ["20", "99", "975", "00", "2C", "paris"])
def test_unknown_departement_is_refused_saying_what_is_accepted(departement):
    with pytest.raises(ValidationError) as info:
        Case.model_validate({"doctor": {"departement": departement}})
    assert locs(info.value) == [("doctor", "departement")]
    message = error_for(invalid({"doctor": {"departement": departement}}), "doctor.departement")["message"]
    assert "2A" in message and "971" in message  # the accepted codes are described


@pytest.mark.parametrize(
    ("part", "field", "value"),
    [
        ("doctor", "sector", "secteur1"),
        ("doctor", "zone", "zrr"),
        ("doctor", "coordinated_practice", "maison"),
        ("assistant", "qualification", "bac"),
        ("contract", "option", "3/4"),
    ],
)
def test_unknown_enum_values_are_refused_listing_the_accepted_ones(part, field, value):
    message = error_for(invalid({part: {field: value}}), f"{part}.{field}")["message"]
    assert "accepted:" in message


def test_sector_typo_suggests_the_right_value():
    message = error_for(invalid({"doctor": {"sector": "secteur1"}}), "doctor.sector")["message"]
    assert "did you mean 'secteur_1'" in message


def test_invalid_case_error_lists_every_field_path():
    exc = invalid({
        "doctor": {"sector": "x", "activity": {"mt_patients_adult": -1}},
        "assistant": {"hire_date": "2021-02-30"},
    })
    assert [e["field"] for e in exc.errors] == ["doctor.sector", "doctor.activity.mt_patients_adult", "assistant.hire_date"]
    assert all(set(e) >= {"field", "message", "input"} for e in exc.errors)
    assert "3 problems" in str(exc)
    assert isinstance(exc, AssistmedError) and isinstance(exc, ValueError)


def test_a_case_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidCaseError) as info:
        evaluate([1, 2], on=ON)  # type: ignore[arg-type]
    assert info.value.errors[0]["field"] == "<case>"


# ---------------------------------------------------------------------------------------------------------
# Accepted aliases
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("alias", "expected"),
    [("1/3", ContractOption.etp_1_3), ("1/2", ContractOption.etp_1_2), ("1", ContractOption.etp_1),
     ("etp_1_5", ContractOption.etp_1_5), ("ETP_2", ContractOption.etp_2)],
)
def test_contract_option_aliases(alias, expected):
    assert Case.model_validate({"contract": {"option": alias}}).contract.option is expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("01", Specialty.medecine_generale), ("06", Specialty.radiologie), ("03", Specialty.cardiologie),
     ("medecine_generale", Specialty.medecine_generale)],
)
def test_specialty_by_assurance_maladie_code(code, expected):
    assert Doctor.model_validate({"specialty": code}).specialty is expected


def test_specialty_code_and_label():
    assert (Specialty.medecine_generale.code, Specialty.medecine_generale.label) == ("01", "Médecine générale")


@pytest.mark.parametrize(("given", "expected"), [("2a", "2A"), ("2B", "2B"), ("1", "01"), ("75", "75"), ("974", "974")])
def test_departement_codes_are_normalised(given, expected):
    assert Doctor.model_validate({"departement": given}).departement == expected


@pytest.mark.parametrize("alias", ["optam_aco", "OPTAM-CO", "optam_co"])
def test_optam_aco_is_optam_co(alias):
    doctor = Doctor.model_validate({"sector": "secteur_2", "tariff_option": alias})
    assert doctor.tariff_option is TariffOption.optam_co


def test_aliases_evaluate_like_the_canonical_values():
    aliased = {"doctor": {"sector": "secteur_2", "tariff_option": "optam_aco", "specialty": "01",
                          "coordinated_practice": "msp", "departement": "2a", "activity": {"mt_patients_adult": 900}},
               "assistant": {"qualification": "cqp"},
               "contract": {"signature_date": "2020-03-01", "option": "1/2"}}
    canonical = {"doctor": {"sector": "secteur_2", "tariff_option": "optam_co", "specialty": "medecine_generale",
                            "coordinated_practice": "msp", "departement": "2A", "activity": {"mt_patients_adult": 900}},
                 "assistant": {"qualification": "cqp"},
                 "contract": {"signature_date": "2020-03-01", "option": "etp_1_2"}}
    assert Case.model_validate(aliased) == Case.model_validate(canonical)
    assert evaluate(aliased).status == "eligible"


def test_facts_left_out_are_unknown_not_false():
    doctor = Case.model_validate({}).doctor
    assert doctor.rqth is None and doctor.new_installation is None and doctor.sector is None
    assert doctor.activity.mt_patients_adult is None
