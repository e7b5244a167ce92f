"""The JSON Schemas that `assistmed-rules schema` prints let another application validate its payloads.

Two directions are checked: what the library accepts (the example files, any generated case, every documented
spelling) validates against the input schema; and every value the input schema lists is one the library
accepts (a payload valid for the schema is not refused for that value). Verdicts validate against the
verdict schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from pydantic import ValidationError
from strategies import cases, evaluation_dates

from assistmed_rules import Case, InvalidCaseError, Verdict, evaluate
from assistmed_rules.cli import main

jsonschema = pytest.importorskip("jsonschema")

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.json"))


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    doc = {"input": Case.model_json_schema(), "verdict": Verdict.model_json_schema(mode="serialization")}
    for schema in doc.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    return doc


def test_the_command_prints_the_schemas_the_models_give(capsys, schemas):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == schemas


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_file_validates_against_the_input_schema(path, schemas):
    payload = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(payload, schemas["input"])
    jsonschema.validate(json.loads(evaluate(payload).model_dump_json()), schemas["verdict"])


@pytest.mark.parametrize("payload", [
    {"doctor": {"sector": "1", "specialty": "01", "departement": "2a", "rqth": "yes"}},
    {"doctor": {"sector": 2, "tariff_option": "optam-aco", "departement": 75, "zone": "hors_zone"}},
    {"doctor": {"departement": "1", "new_installation": 0}, "contract": {"option": "1/2"}},
    {"contract": {"option": 0.5, "is_renewal": "false", "renews": {"option": "1/3", "objectives_met": "on"}}},
    {"assistant": {"qualification": "idea"}, "contract": {"option": 1}},
    {"doctor": {"activity": {"mt_patients_adult": "900", "percentile": " 40.5 "}}, "contract": {"renews": None}},
    {"doctor": None, "assistant": None},
], ids=["codes", "numbers", "no-leading-zero", "half-as-a-number", "aliases", "numbers-as-text", "null-groups"])
def test_documented_spellings_validate_against_the_input_schema_and_the_models(payload, schemas):
    jsonschema.validate(payload, schemas["input"])
    Case.model_validate(payload)


@pytest.mark.parametrize("payload", [
    {"doctor": {"departement": "20"}},  # Corsica is 2A or 2B
    {"doctor": {"departement": "99"}},
    {"doctor": {"sector": "secteur_9"}},
    {"doctor": {"rqth": "oui"}},
    {"contract": {"option": "3/4"}},
    {"doctor": {"colour": "blue"}},
], ids=["20", "99", "secteur_9", "oui", "3/4", "unknown-field"])
def test_what_the_models_refuse_the_input_schema_refuses_too(payload, schemas):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, schemas["input"])
    with pytest.raises(InvalidCaseError):
        evaluate(payload)


def _enumerated(schema: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every (field path, value) that the input schema lists in an ``enum``, following ``$ref``s."""
    defs = _ROOT["$defs"]
    out: list[tuple[tuple[str, ...], Any]] = []
    if "$ref" in schema:
        return _enumerated(defs[schema["$ref"].split("/")[-1]], path)
    for name, sub in schema.get("properties", {}).items():
        out += _enumerated(sub, (*path, name))
    for sub in schema.get("anyOf", []):
        out += _enumerated(sub, path)
    out += [(path, value) for value in schema.get("enum", [])]
    return out


_ROOT = Case.model_json_schema()
_LISTED = _enumerated(_ROOT)


def test_the_schema_lists_the_choices_and_their_spellings():
    fields = {path for path, _ in _LISTED}
    assert ("doctor", "specialty") in fields and ("contract", "option") in fields and ("doctor", "rqth") in fields
    assert len(_LISTED) > 300


@pytest.mark.parametrize(("path", "value"), _LISTED, ids=[f"{'.'.join(p)}={v!r}" for p, v in _LISTED])
def test_every_value_the_input_schema_lists_is_accepted_by_the_models(path, value):
    payload: dict[str, Any] = {}
    node = payload
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
    Case.model_validate(payload)


@settings(max_examples=150, deadline=None)
@given(case=cases(), on=evaluation_dates)
def test_any_valid_case_in_its_canonical_form_and_its_verdict_validate_against_the_schemas(case, on):
    try:
        model = Case.model_validate(case)
    except ValidationError:
        return
    jsonschema.validate(model.model_dump(mode="json", exclude_none=True), _ROOT)
    verdict = evaluate(model, on)
    jsonschema.validate(json.loads(verdict.model_dump_json()), Verdict.model_json_schema(mode="serialization"))
