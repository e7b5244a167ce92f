"""Hypothesis strategies for the property tests: valid cases, as plain dicts, across every regime and date.

A case is drawn as the JSON object a user would write (``{"doctor": {...}, "assistant": {...},
"contract": {...}}``), so a shrunk counter-example prints as a readable case. Every field may be left out
(an unknown fact); the values drawn are valid for the input models: OPTAM / OPTAM-CO only with secteur 2 (or
an unknown sector), ``multi_site_msp: true`` only with an MSP (or an unknown practice), specialties from
:class:`assistmed_rules.Specialty`, départements from the official list, signature dates from 2019-06-01
(before the first regime) to 2027-12-31.

The strategies follow the input models: a field added to :data:`assistmed_rules.conditions.FIELDS` is drawn
from a strategy for its kind (enum choices, booleans, numbers in the field's bounds, dates) without any
change here.

Settings profiles (registered here, not in ``conftest.py``): ``ci`` (500 examples, no deadline, the
default) and ``quick`` (50 examples); choose one with the environment variable ``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import copy
import os
import typing
from collections.abc import Mapping
from datetime import date
from enum import Enum
from operator import attrgetter
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from assistmed_rules import Case, Specialty, models
from assistmed_rules.conditions import FIELDS, FieldType
from assistmed_rules.nomenclature import DEPARTEMENTS

# -- settings profiles -------------------------------------------------------------------------------------
settings.register_profile("ci", max_examples=500, deadline=None, derandomize=False)
settings.register_profile("quick", max_examples=50, deadline=None, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# -- dates -------------------------------------------------------------------------------------------------
SIGNATURE_MIN = date(2019, 6, 1)
SIGNATURE_MAX = date(2027, 12, 31)
#: Other dates of a case (installation, hiring, training...): a few years either side of the contracts.
OTHER_DATE_MIN = date(2015, 1, 1)
OTHER_DATE_MAX = date(2031, 12, 31)
#: New contracts of each regime, as the README states them (the rule files must agree: see the tests).
REGIME_WINDOWS: dict[str, tuple[date, date]] = {
    "avenant7-2019": (date(2019, 9, 1), date(2023, 4, 30)),
    "reglement-arbitral-2023": (date(2023, 5, 1), date(2024, 6, 21)),
    "convention-2024": (date(2024, 6, 22), SIGNATURE_MAX),
}
FIRST_REGIME_START = date(2019, 9, 1)

signature_dates = st.dates(SIGNATURE_MIN, SIGNATURE_MAX)
evaluation_dates = st.dates(SIGNATURE_MIN, SIGNATURE_MAX)

# -- values of each input field ------------------------------------------------------------------------------
ACTIVITY_COUNTS = ("doctor.activity.mt_patients_adult", "doctor.activity.mt_patients_child",
                   "doctor.activity.file_active")
ACTIVITY_FIELDS = (*ACTIVITY_COUNTS, "doctor.activity.percentile")
SECOND_SECTOR_OPTIONS = ("optam", "optam_co")
OPTIONS = ("etp_1_2", "etp_1", "etp_1_3", "etp_1_5", "etp_2", "1/2", "1/3", "1")


def _number(ftype: FieldType) -> st.SearchStrategy[Any]:
    lo = 0 if ftype.lo == float("-inf") else ftype.lo
    hi = 1_000_000 if ftype.hi == float("inf") else ftype.hi
    if ftype.integer:
        lo, hi = int(lo), int(hi)
        # Mostly realistic sizes (so the thresholds, 640 / 775 patients, are crossed both ways), sometimes huge.
        return st.one_of(st.integers(lo, min(hi, lo + 3000)), st.integers(lo, hi))
    # Percentages and percentiles: whole numbers read best in a counter-example; floats now and then.
    return st.one_of(st.integers(int(lo), int(hi)), st.floats(lo, hi, allow_nan=False, allow_infinity=False))


def _generic(ftype: FieldType) -> st.SearchStrategy[Any]:
    if ftype.kind == "enum":
        return st.sampled_from(ftype.choices)
    if ftype.kind == "bool":
        return st.booleans()
    if ftype.kind == "number":
        return _number(ftype)
    if ftype.kind == "date":
        return st.dates(OTHER_DATE_MIN, OTHER_DATE_MAX).map(date.isoformat)
    if ftype.kind == "str" and ftype.path.endswith("departement"):
        return st.sampled_from(sorted(DEPARTEMENTS))
    raise NotImplementedError(f"no strategy for the input field {ftype.path} ({ftype.kind}): add one in tests/strategies.py")


#: Fields whose values are drawn from something narrower or better ordered than their kind's default.
_OVERRIDES: dict[str, st.SearchStrategy[Any]] = {
    "doctor.specialty": st.sampled_from([s.value for s in Specialty]),
    "doctor.group_practice_doctors": st.one_of(st.integers(1, 5), st.integers(1, 10_000)),
    "contract.signature_date": signature_dates.map(date.isoformat),
    "contract.option": st.sampled_from(OPTIONS),
    "contract.renews.option": st.sampled_from(OPTIONS),
    "contract.first_assistant_contract.option": st.sampled_from(OPTIONS),
    "contract.renews.signature_date": st.dates(date(2019, 9, 1), SIGNATURE_MAX).map(date.isoformat),
    "contract.first_assistant_contract.signature_date": st.dates(date(2019, 9, 1), SIGNATURE_MAX).map(date.isoformat),
}

#: Every input field, in the order of the models (so sector comes before tariff_option, practice before MSP).
PATHS: tuple[str, ...] = tuple(FIELDS)
_DEFAULT_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    path: _OVERRIDES[path] if path in _OVERRIDES else _generic(FIELDS[path]) for path in PATHS
}


_JUST: dict[Any, st.SearchStrategy[Any]] = {v: st.just(v) for v in ("aucune", "secteur_2", "msp", False)}
_OR_NONE: dict[str, st.SearchStrategy[Any]] = {path: st.one_of(st.none(), s) for path, s in _DEFAULT_STRATEGIES.items()}


def value_strategy(path: str, known: Mapping[str, Any] | None = None, or_none: bool = False) -> st.SearchStrategy[Any]:
    """Valid values of the input field ``path``, given the other fields ``known`` (dotted path -> value).

    The models tie three fields together: OPTAM / OPTAM-CO need secteur 2 (or an unknown sector) and a
    multi-site MSP is an MSP. With ``or_none``, None (the field left out) is a value too.
    """
    known = known or {}
    if path == "doctor.tariff_option" and known.get("doctor.sector") in ("secteur_1", "non_conventionne"):
        return _JUST["aucune"]
    if path == "doctor.sector" and known.get("doctor.tariff_option") in SECOND_SECTOR_OPTIONS:
        return _JUST["secteur_2"]
    if path == "doctor.multi_site_msp" and known.get("doctor.coordinated_practice") not in (None, "msp"):
        return _JUST[False]
    if path == "doctor.coordinated_practice" and known.get("doctor.multi_site_msp") is True:
        return _JUST["msp"]
    return _OR_NONE[path] if or_none else _DEFAULT_STRATEGIES[path]


# -- plain-dict helpers ----------------------------------------------------------------------------------------
def get_path(case: Mapping[str, Any], path: str) -> Any:
    node: Any = case
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def with_values(case: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``case`` with the dotted paths of ``changes`` set (a value None removes the field)."""
    out = copy.deepcopy(dict(case))
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return out


def flatten(case: Mapping[str, Any]) -> dict[str, Any]:
    """The dotted paths and values of a case dict (only the fields given)."""
    return {path: get_path(case, path) for path in PATHS if get_path(case, path) is not None}


def canonical(case: Case) -> dict[str, Any]:
    """A validated case as the plain dict a user would write (canonical values, unknown fields left out)."""
    return case.model_dump(mode="json", exclude_none=True)


def unknown_inputs(case: Case) -> list[str]:
    """The input fields of ``case`` left unknown (None)."""
    return [path for path in PATHS if attrgetter(path)(case) is None]


# -- cases -------------------------------------------------------------------------------------------------------
#: Fields drawn together: a case gives none of them (one draw, and a counter-example shrinks to that) or
#: some of them. Fields not listed are given or left out one by one.
GROUPS: dict[str, tuple[str, ...]] = {
    "doctor: dates": ("doctor.coordinated_practice_joined_on", "doctor.group_practice_joined_on",
                      "doctor.installation_date", "doctor.birth_date"),
    "doctor: derogations": ("doctor.new_installation", "doctor.rqth", "doctor.chronic_illness",
                            "doctor.mixed_salaried_activity"),
    "assistant: follow-up": ("assistant.hire_date", "assistant.training_enrolled_on", "assistant.qualified_on",
                             "assistant.was_practice_secretary", "assistant.secretary_replaced_on"),
    "contract: renewed contract": ("contract.is_renewal", "contract.renews.signature_date", "contract.renews.option",
                                   "contract.renews.objectives_met"),
    "contract: first assistant": ("contract.first_assistant_contract.signature_date",
                                  "contract.first_assistant_contract.option",
                                  "contract.first_assistant_contract.objectives_met"),
}
_GROUP_OF = {path: group for group, paths in GROUPS.items() for path in paths}


@st.composite
def cases(
    draw: st.DrawFn,
    window: tuple[date, date] | None = None,
    always: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A valid case as a plain dict; each field given or left out (unknown).

    ``window`` bounds the signature date (always given then); ``always`` lists fields that are always given.
    Fields shrink towards "left out", so a counter-example keeps only the facts that matter.
    """
    known: dict[str, Any] = {}
    groups: dict[str, bool] = {}
    for path in PATHS:
        if path == "contract.signature_date" and window is not None:
            known[path] = draw(st.dates(*window).map(date.isoformat))
            continue
        group = _GROUP_OF.get(path)
        if path not in always and group is not None:
            if group not in groups:
                groups[group] = draw(st.booleans())
            if not groups[group]:
                continue
        # Given or left out (shrinks to "left out", so a counter-example keeps only the facts that matter).
        if path in always or draw(st.booleans()):
            known[path] = draw(value_strategy(path, known))
    return with_values({}, known)


#: One eligible case per regime (secteur 1 general practitioner with 900 adult and, from 2023, 100 child
#: médecin traitant patients, CQP assistant), signature date drawn in the regime's window: the seeds of
#: :func:`likely_eligible_cases`. ``test_every_seed_is_eligible_on_its_whole_window`` checks they are.
ELIGIBLE_SEEDS: dict[str, dict[str, Any]] = {
    "avenant7-2019": {
        "doctor": {"sector": "secteur_1", "specialty": "medecine_generale", "coordinated_practice": "msp",
                   "activity": {"mt_patients_adult": 900, "percentile": 55}},
        "assistant": {"qualification": "cqp"},
        "contract": {"option": "etp_1_2"},
    },
    "reglement-arbitral-2023": {
        "doctor": {"sector": "secteur_1", "specialty": "medecine_generale",
                   "activity": {"mt_patients_adult": 900, "mt_patients_child": 100, "percentile": 55}},
        "assistant": {"qualification": "cqp"},
        "contract": {"option": "etp_1_2"},
    },
    "convention-2024": {
        "doctor": {"sector": "secteur_1", "specialty": "medecine_generale",
                   "activity": {"mt_patients_adult": 900, "mt_patients_child": 100, "percentile": 55}},
        "assistant": {"qualification": "cqp"},
        "contract": {"option": "etp_1"},
    },
}

#: Fields a seed may change without, most of the time, losing eligibility (what the aid depends on).
_AID_FIELDS = ("doctor.activity.percentile", "doctor.activity.mt_patients_adult", "doctor.activity.mt_patients_child",
               "doctor.activity.file_active", "contract.option", "assistant.hire_date", "doctor.new_installation",
               "doctor.sector", "doctor.tariff_option", "doctor.specialty")


@st.composite
def likely_eligible_cases(draw: st.DrawFn, drop: bool = False, change_one_in: int = 5,
                          regime: str | None = None) -> dict[str, Any]:
    """A case built on an eligible seed of a random regime (or of ``regime``), with a few fields changed or
    left out.

    Each of the fields that set the aid is changed one time in ``change_one_in`` (five: about two cases in
    three stay eligible, the others explore around the seeds; twenty: about nine in ten). With ``drop``, one
    to three of the seed's facts are left out: most of those cases are undetermined.
    """
    regime = regime or draw(st.sampled_from(sorted(ELIGIBLE_SEEDS)), label="regime")
    case = with_values(ELIGIBLE_SEEDS[regime], {
        "contract.signature_date": draw(st.dates(*REGIME_WINDOWS[regime]).map(date.isoformat), label="signature")})
    known = flatten(case)
    if drop:
        seed_fields = [p for p in known if p != "contract.signature_date"]
        left_out = [p for p in seed_fields if draw(st.integers(0, 2)) == 2]  # one time in three
        for path in left_out or [draw(st.sampled_from(seed_fields), label="left out")]:
            known.pop(path)
    for path in _AID_FIELDS:
        if draw(st.integers(1, change_one_in)) == change_one_in:  # changed now and then (shrinks to "unchanged")
            known.pop(path, None)
            value = draw(value_strategy(path, known, or_none=True), label=path)
            if value is not None:
                known[path] = value
    if known.get("doctor.tariff_option") in SECOND_SECTOR_OPTIONS and known.get("doctor.sector") != "secteur_2":
        known.pop("doctor.tariff_option")
    return with_values({}, known)


@st.composite
def batches(draw: st.DrawFn, max_size: int = 6) -> list[dict[str, Any]]:
    """A few cases, some of them repeated."""
    base = draw(st.lists(st.one_of(cases(), likely_eligible_cases()), min_size=1, max_size=max_size))
    repeats = draw(st.lists(st.sampled_from(range(len(base))), max_size=2))
    return base + [copy.deepcopy(base[i]) for i in repeats]


# -- other spellings of the same facts ------------------------------------------------------------------------
_BOOL_SPELLINGS: dict[bool, tuple[Any, ...]] = {
    True: (True, 1, "true", "True", "yes", "1", "on"),
    False: (False, 0, "false", "False", "no", "0", "off"),
}


def _enum_class(path: str) -> type[Enum]:
    model: Any = Case
    for part in path.split("."):
        annotation = model.model_fields[part].annotation
        model = next(a for a in typing.get_args(annotation) or (annotation,) if a is not type(None))
    return model  # type: ignore[no-any-return]


def spellings(path: str, value: Any) -> tuple[Any, ...]:
    """Ways of writing ``value`` (canonical, as in :func:`canonical`) that the input models accept as it.

    Enum values in any case and with spaces for ``_``, their documented aliases, specialty codes, département
    codes in lower case or without the leading zero, numbers as strings, dates as ``date`` objects, and the
    spellings of yes/no that Pydantic accepts (``1``, ``"true"``, ``"yes"``...).
    """
    ftype = FIELDS[path]
    out: list[Any] = [value]
    if ftype.kind == "bool":
        out += _BOOL_SPELLINGS[value][1:]
    elif ftype.kind == "enum":
        out += [value.upper(), value.replace("_", " ").title()]
        aliases = getattr(models, "_ALIASES", {}).get(_enum_class(path), {})
        out += sorted(alias for alias, target in aliases.items() if target == value)
        if path == "doctor.specialty":
            out.append(Specialty(value).code)
    elif ftype.kind == "number":
        out.append(str(value))
    elif ftype.kind == "date":
        out.append(date.fromisoformat(value))
    elif path == "doctor.departement":
        out += [value.lower(), f" {value} "] + ([int(value), value.lstrip("0")] if value.isdigit() else [])
    return tuple(v for _, v in dict.fromkeys((type(v), v) for v in out))  # 1 == True: keep both


def respell(case: Mapping[str, Any], choices: list[int]) -> dict[str, Any]:
    """``case`` with each field written in its ``choices[i]``-th spelling (0: as it is), fields in model order."""
    changes = {}
    for i, path in enumerate(PATHS):
        value = get_path(case, path)
        if value is not None and i < len(choices):
            options = spellings(path, value)
            changes[path] = options[choices[i] % len(options)]
    return with_values(case, changes)


#: One spelling index per input field (0 keeps the canonical spelling; shrinks to it).
spelling_choices = st.lists(st.integers(0, 9), min_size=len(PATHS), max_size=len(PATHS))
