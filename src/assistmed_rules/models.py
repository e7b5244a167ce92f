"""Input models: the facts about a doctor, an assistant and a contract that the rules read.

Every fact is optional unless the engine cannot work without it: a fact left out is *unknown*, and the
engine never reads "unknown" as false. A rule that needs an unknown fact gives the finding "unknown" and
names the fact in ``Verdict.missing``.

>>> case = Case.model_validate({
...     "doctor": {"sector": "secteur_1", "specialty": "medecine_generale"},
...     "contract": {"option": "1/2"},
... })
>>> case.contract.option
<ContractOption.etp_1_2: 'etp_1_2'>
>>> case.doctor.rqth is None   # not given: unknown, not False
True
"""

from __future__ import annotations

import difflib
import numbers
import re
from collections.abc import Callable
from datetime import date, datetime, time
from enum import Enum
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from .nomenclature import DEPARTEMENTS, SPECIALTY_BY_CODE, Specialty, normalise_departement

E = TypeVar("E", bound=Enum)


class Sector(str, Enum):
    """Secteur conventionnel."""

    secteur_1 = "secteur_1"
    secteur_2 = "secteur_2"
    non_conventionne = "non_conventionne"


class TariffOption(str, Enum):
    """Option de pratique tarifaire maîtrisée (secteur 2 only). OPTAM-CO was renamed OPTAM-ACO in 2024."""

    aucune = "aucune"
    optam = "optam"
    optam_co = "optam_co"


class Zone(str, Enum):
    """Zonage of the doctor's place of practice (CSP art. L.1434-4): ZIP, ZAC or neither."""

    zip = "zip"
    zac = "zac"
    hors_zonage = "hors_zonage"


class CoordinatedPractice(str, Enum):
    """Coordinated-practice organisation the doctor belongs to (exercice coordonné)."""

    msp = "msp"
    centre_de_sante = "centre_de_sante"
    esp = "esp"
    ess = "ess"
    cpts = "cpts"
    autre = "autre"
    aucune = "aucune"


class Qualification(str, Enum):
    """The assistant's qualification at hiring: a State diploma (IDE, DEAS, DEAP), the CQP, or none."""

    ide = "ide"
    deas = "deas"
    deap = "deap"
    cqp = "cqp"
    aucune = "aucune"


class ContractOption(str, Enum):
    """Option of the aid contract, in full-time equivalents (ETP) of assistant."""

    etp_1_3 = "etp_1_3"
    etp_1_2 = "etp_1_2"
    etp_1 = "etp_1"
    etp_1_5 = "etp_1_5"
    etp_2 = "etp_2"


_ALIASES: dict[type[Enum], dict[str, str]] = {
    Sector: {"1": "secteur_1", "s1": "secteur_1", "2": "secteur_2", "s2": "secteur_2",
             "3": "non_conventionne", "secteur_3": "non_conventionne", "nc": "non_conventionne"},
    TariffOption: {"optam_aco": "optam_co", "optam-co": "optam_co", "optam-aco": "optam_co",
                   "none": "aucune", "non": "aucune"},
    Zone: {"hors_zone": "hors_zonage", "none": "hors_zonage"},
    CoordinatedPractice: {"none": "aucune", "centre_sante": "centre_de_sante"},
    Qualification: {"idea": "ide", "dei": "ide", "infirmier": "ide", "none": "aucune"},
    ContractOption: {"1/3": "etp_1_3", "0.33": "etp_1_3", "1/2": "etp_1_2", "0.5": "etp_1_2",
                     "1": "etp_1", "1.0": "etp_1", "1.5": "etp_1_5", "3/2": "etp_1_5",
                     "2": "etp_2", "2.0": "etp_2"},
}


def suggest(value: str, accepted: list[str]) -> str:
    """A "did you mean" hint for a value outside ``accepted`` (empty string when nothing is close)."""
    close = difflib.get_close_matches(value, accepted, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


#: "75.0", "1.0": how a CSV file written from a column of floats (whole numbers with blanks) spells a number.
_INTEGRAL_TEXT = re.compile(r"\s*([0-9]+)\.0*\s*")


def _enum_coercer(enum_cls: type[E], extra: dict[str, E] | None = None) -> Callable[[Any], Any]:
    aliases = _ALIASES.get(enum_cls, {})
    accepted = [m.value for m in enum_cls]
    # Every spelling accepted, normalised, to its member: the common case is one dict lookup.
    members: dict[str, E] = {m.value: m for m in enum_cls}
    members.update({alias: enum_cls(target) for alias, target in aliases.items()})
    members.update(extra or {})

    def coerce(value: Any) -> Any:
        if value is None or isinstance(value, enum_cls):
            return value
        if type(value) is str:
            member = members.get(value)
            if member is not None:
                return member
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError(f"expected one of {', '.join(accepted)}; got {type(value).__name__}")
        key = str(value).strip().lower().replace(" ", "_")
        member = members.get(key)
        if member is None and (whole := _INTEGRAL_TEXT.fullmatch(key)):
            member = members.get(whole[1])  # 1.0 or "1.0": the number 1 (JSON and CSV files written from floats)
        if member is not None:
            return member
        raise ValueError(f"unknown value {value!r}{suggest(key, accepted)}; accepted: {', '.join(accepted)}")

    return coerce


_specialty_or_code = _enum_coercer(Specialty, dict(SPECIALTY_BY_CODE))


def _specialty(value: Any) -> Any:
    """A specialty by its slug or its two-digit code. A code given as a number (``1``, ``12.0``: a column of
    codes read as numbers by a spreadsheet or a DataFrame) is read with its leading zero; a code written as
    text must have both digits (``"01"``): ``"1"`` is refused, and the error suggests the code."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 100:
        value = f"{value:02d}"
    elif isinstance(value, str) and (whole := _INTEGRAL_TEXT.fullmatch(value)) and "." in value:
        value = f"{int(whole[1]):02d}"  # "1.0", "12.0": a code column read as numbers, written back as text
    try:
        return _specialty_or_code(value)
    except ValueError:
        pass
    written = str(value).strip().lower().replace(" ", "_")
    code = written.zfill(2)
    if written.isdigit() and code in SPECIALTY_BY_CODE:
        hint = f" (did you mean {code!r}, the code of {SPECIALTY_BY_CODE[code].value}? a code is written with two digits)"
    else:
        hint = suggest(written, [m.value for m in Specialty])
    raise ValueError(
        f"unknown specialty {value!r}{hint}; accepted: the two-digit Assurance Maladie code as text (e.g. '01')"
        f" or the slug: {', '.join(m.value for m in Specialty)}"
    )


def _departement(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():  # 75.0: a CSV column read as numbers with blanks
        value = int(value)
    if isinstance(value, str) and (whole := _INTEGRAL_TEXT.fullmatch(value)):
        value = whole[1]  # "75.0": the same column written back to a CSV file
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("expected a département code as a string or a whole number, e.g. '75', '2A' or '974'")
    return normalise_departement(str(value))


class AlsoAccepts:
    """In the input's JSON Schema, the other spellings a field accepts besides its own values (the aliases of a
    choice, the codes of the specialties...), so that a payload the library accepts validates against it."""

    def __init__(self, values: list[Any] | None, note: str, schema: dict[str, Any] | None = None) -> None:
        self.extra = {"enum": values} if values is not None else dict(schema or {})
        self.note = note

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        schema = dict(handler(core_schema))
        own = schema.pop("anyOf", None) or [{k: schema.pop(k) for k in list(schema) if k in ("$ref", "type", "enum")}]
        return {**schema, "anyOf": [*own, {**self.extra, "description": self.note}]}


#: Numbers written as text, as a CSV file gives them (``"900"``, ``" 40.5 "``).
_NUMBER_TEXT = AlsoAccepts(None, "the number written as text (its range is checked as for a number)",
                           {"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*$"})


def _spellings(enum_cls: type[Enum]) -> AlsoAccepts:
    """The aliases of a choice, as text and, when they are numbers (``"1/2"`` is not, ``"0.5"`` is), as numbers."""
    values: list[Any] = []
    for alias in _ALIASES.get(enum_cls, {}):
        values.append(alias)
        try:
            number = float(alias)
        except ValueError:
            continue
        values.append(int(number) if number.is_integer() else number)
    return AlsoAccepts(list(dict.fromkeys(values)), "other spellings accepted (text is also read in any case, with"
                       " spaces for underscores)")


_DEPARTEMENT_SPELLINGS = AlsoAccepts(
    [c.lower() for c in DEPARTEMENTS if not c.isdigit()] + [c.lstrip("0") for c in DEPARTEMENTS if c.startswith("0")]
    + [int(c) for c in DEPARTEMENTS if c.isdigit()], "other spellings accepted: lower case, no leading zero, a number")
SectorField = Annotated[Sector | None, BeforeValidator(_enum_coercer(Sector)), _spellings(Sector)]
TariffOptionField = Annotated[TariffOption | None, BeforeValidator(_enum_coercer(TariffOption)), _spellings(TariffOption)]
ZoneField = Annotated[Zone | None, BeforeValidator(_enum_coercer(Zone)), _spellings(Zone)]
CoordinatedField = Annotated[CoordinatedPractice | None, BeforeValidator(_enum_coercer(CoordinatedPractice)), _spellings(CoordinatedPractice)]
QualificationField = Annotated[Qualification | None, BeforeValidator(_enum_coercer(Qualification)), _spellings(Qualification)]
OptionField = Annotated[ContractOption | None, BeforeValidator(_enum_coercer(ContractOption)), _spellings(ContractOption)]
SpecialtyField = Annotated[Specialty | None, BeforeValidator(_specialty),
                           AlsoAccepts(sorted(SPECIALTY_BY_CODE) + sorted(int(c) for c in SPECIALTY_BY_CODE),
                                       "the Assurance Maladie two-digit code of the specialty (a number: read with"
                                       " its leading zero)")]
DepartementField = Annotated[str | None, BeforeValidator(_departement), WithJsonSchema(
    {"anyOf": [{"enum": sorted(DEPARTEMENTS)}, {"type": "null"}]}), _DEPARTEMENT_SPELLINGS]
#: The texts read as yes or no (after removing surrounding spaces, in any case), as CSV files write them.
YES_NO_TEXTS: dict[str, bool] = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False,
                                 "y": True, "n": False, "t": True, "f": False, "1": True, "0": False,
                                 "1.0": True, "0.0": False}  # a column of 0/1 with blanks, written back by pandas
YES_NO_EXPECTED = "expected true or false (also accepted: yes/no, on/off, y/n, t/f, 1/0, in any case)"


def _yes_no(value: Any) -> Any:
    """A yes/no fact: True or False, one of :data:`YES_NO_TEXTS`, or the number 1 or 0 (a spreadsheet's)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        answer = YES_NO_TEXTS.get(value.strip().lower())
        if answer is not None:
            return answer
    elif (isinstance(value, numbers.Real) and value in (0, 1)  # 1.0: a column of 0/1 with blanks (pandas)
          or value.__class__.__module__ == "numpy" and value.__class__.__name__ in ("bool", "bool_")):  # numpy.True_
        return bool(value)
    raise ValueError(f"{YES_NO_EXPECTED}; got {value!r}")


#: A yes/no fact that may be unknown (None).
YesNo = Annotated[bool | None, BeforeValidator(_yes_no),
                  AlsoAccepts([*YES_NO_TEXTS, 1, 0], "other spellings of yes and no (text in any case)")]


def _not_a_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


#: The largest count of patients accepted (a larger one is a typing error).
MAX_COUNT = 1_000_000
Count = Annotated[int | None, Field(ge=0, le=MAX_COUNT), BeforeValidator(_not_a_bool), _NUMBER_TEXT]

#: Marks the inputs a doctor can act on, for a contract he has not signed yet (what-if suggestions change only
#: these): how he organises his practice (practise with other doctors, join a coordinated practice or an MSP,
#: commit to join either), his tariff option, the contract's option, and the activity measured before signing
#: (patients, percentile, share of clinical fees). Who and where he is (specialty, sector, place), his
#: situation (installation, health, salaried activity), the assistant, earlier contracts and dates are facts.
ACTIONABLE: dict[str, Any] = {"actionable": True}

#: Dates outside this window are refused as typing errors (the aid starts in 2019).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


#: A date of the case: dates outside [EARLIEST_DATE, LATEST_DATE] are refused (checked by pydantic-core).
Day = Annotated[date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


#: The classes of pandas' missing values (``pandas.NA``, ``pandas.NaT``), told by name: pandas is optional.
PANDAS_MISSING = frozenset({"NAType", "NaTType"})

#: What a date error says is accepted.
DATE_EXPECTED = "expected a date written YYYY-MM-DD, e.g. 2020-03-01"
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(value: Any) -> date:
    """A day given as a ``date``, a ``datetime`` at midnight (what a DataFrame's date column holds) or the
    text ``YYYY-MM-DD`` (surrounding spaces removed), from :data:`EARLIEST_DATE` to :data:`LATEST_DATE`.

    Anything else is a ValueError saying what is accepted: a number is not read as a timestamp, nor
    ``20200301`` or ``01/03/2020`` as a day.

    >>> parse_day(" 2020-03-01 ")
    datetime.date(2020, 3, 1)
    >>> parse_day(20200301)
    Traceback (most recent call last):
    ValueError: expected a date written YYYY-MM-DD, e.g. 2020-03-01; got the number 20200301
    """
    if isinstance(value, datetime):  # a datetime is a date too: test it first
        if value.tzinfo is not None:  # its day depends on the time zone: two equal instants, two days
            raise ValueError(f"{DATE_EXPECTED}; got {value.isoformat()}, a date and time with a time zone:"
                             " give the date alone")
        if value.time() != time(0) or getattr(value, "nanosecond", 0) != 0:
            raise ValueError(f"{DATE_EXPECTED}; got {value.isoformat()}, a date with a time of day: give the date alone")
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str):
        written = value.strip()
        if not _ISO_DAY.fullmatch(written):
            raise ValueError(f"{DATE_EXPECTED}; got {value!r}")
        try:
            day = date.fromisoformat(written)
        except ValueError:
            raise ValueError(f"{value!r} is not a day of the calendar; {DATE_EXPECTED}") from None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"{DATE_EXPECTED}; got the number {value!r}")
    else:
        raise ValueError(f"{DATE_EXPECTED}; got {type(value).__name__} {value!r}")
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"{day} is out of range: dates from {EARLIEST_DATE} to {LATEST_DATE} are accepted")
    return day


def _day(value: Any) -> date | None:
    """A date of the case (see :func:`parse_day`), or None when unknown (None, pandas' ``NaT`` or ``NA``)."""
    if value is None or value.__class__.__name__ in PANDAS_MISSING:
        return None
    return parse_day(value)


#: A date of the case that may be unknown (None, or pandas' NaT).
OptionalDay = Annotated[Day | None, BeforeValidator(_day)]

_G = TypeVar("_G")


def _unknown_group(value: Any) -> Any:
    return {} if value is None else value


#: A group of fields (the doctor, the activity, a prior contract...): given as null, every field in it is unknown.
Group = Annotated[_G, BeforeValidator(_unknown_group), AlsoAccepts([None], "null: every field of the group unknown")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False, str_strip_whitespace=True,
                              defer_build=True)  # validators built on first use, not at import


class Activity(_Model):
    """The doctor's activity, as measured by the Assurance Maladie for the year before signature."""

    mt_patients_adult: Count = Field(None, json_schema_extra=ACTIONABLE, description="Patients aged 16 or more for whom the doctor is médecin traitant.")
    mt_patients_child: Count = Field(None, json_schema_extra=ACTIONABLE, description="Patients under 16 for whom the doctor is médecin traitant.")
    file_active: Count = Field(None, json_schema_extra=ACTIONABLE, description="Distinct patients seen at least once in the year (file active).")
    percentile: Annotated[float | None, BeforeValidator(_not_a_bool), _NUMBER_TEXT] = Field(
        None, ge=0, le=100, allow_inf_nan=False, json_schema_extra=ACTIONABLE,
        description="Position of the doctor's activity in the national distribution of the specialty (0-100).",
    )
    clinical_fee_share: Annotated[float | None, BeforeValidator(_not_a_bool), _NUMBER_TEXT] = Field(
        None, ge=0, le=100, allow_inf_nan=False, json_schema_extra=ACTIONABLE,
        description="Share (%) of clinical fees in total fees over the 12 months before signature.",
    )


class Doctor(_Model):
    """The médecin libéral applying for the aid."""

    sector: SectorField = Field(None, description="Secteur conventionnel: secteur_1, secteur_2 or non_conventionne.")
    tariff_option: TariffOptionField = Field(
        None, json_schema_extra=ACTIONABLE, description="Secteur 2 only: OPTAM, OPTAM-CO (OPTAM-ACO) or aucune."
    )
    specialty: SpecialtyField = Field(
        None, description="Specialty, as a slug (e.g. medecine_generale) or the Assurance Maladie code (e.g. '01')."
    )
    departement: DepartementField = Field(None, description="Département of practice: 01-95, 2A, 2B, 971-974, 976.")
    zone: ZoneField = Field(None, description="Zonage of the place of practice: zip, zac or hors_zonage.")
    group_practice_doctors: Annotated[int | None, BeforeValidator(_not_a_bool)] = Field(
        None, ge=1, le=10_000, json_schema_extra=ACTIONABLE,
        description="Number of doctors practising together, the doctor included."
    )
    group_practice_commitment: YesNo = Field(
        None, json_schema_extra=ACTIONABLE, description="Practising alone, commits to join a grouped practice."
    )
    coordinated_practice: CoordinatedField = Field(
        None, json_schema_extra=ACTIONABLE, description="Coordinated-practice organisation: msp, centre_de_sante, esp, ess, cpts, autre, aucune."
    )
    multi_site_msp: YesNo = Field(None, json_schema_extra=ACTIONABLE,
                                  description="Member of a multi-site maison de santé pluriprofessionnelle.")
    coordinated_practice_commitment: YesNo = Field(
        None, json_schema_extra=ACTIONABLE, description="Not yet in a coordinated practice, commits to join one."
    )
    coordinated_practice_joined_on: OptionalDay = Field(None, description="Date the doctor joined a coordinated practice.")
    group_practice_joined_on: OptionalDay = Field(None, description="Date the doctor joined a grouped practice.")
    installation_date: OptionalDay = Field(None, description="Date of the doctor's installation in liberal practice.")
    new_installation: YesNo = Field(
        None, description="Nouvel installé as the CPAM recognises it for the aid (the texts read do not define it)."
    )
    birth_date: OptionalDay = None
    rqth: YesNo = Field(None, description="Reconnaissance de la qualité de travailleur handicapé.")
    chronic_illness: YesNo = Field(None, description="Affection de longue durée (ALD) or chronic illness.")
    mixed_salaried_activity: YesNo = Field(None, description="Part of the activity is salaried.")
    activity: Group[Activity] = Field(default_factory=Activity)

    @model_validator(mode="after")
    def _multi_site_msp_is_an_msp(self) -> Doctor:
        """A multi-site MSP is an MSP: say so in ``coordinated_practice`` when that is left out."""
        if self.multi_site_msp is True and self.coordinated_practice is None:
            self.__dict__["coordinated_practice"] = CoordinatedPractice.msp  # frozen model: set once, here
        return self

    @field_validator("multi_site_msp", mode="after")
    @classmethod
    def _multi_site_msp_needs_msp(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        practice = info.data.get("coordinated_practice")
        if value and practice not in (None, CoordinatedPractice.msp):
            raise ValueError(
                f"a multi-site MSP is an MSP, but coordinated_practice is {practice.value!r}:"
                " set coordinated_practice to 'msp' or multi_site_msp to false"
            )
        return value

    @field_validator("tariff_option", mode="after")
    @classmethod
    def _tariff_option_needs_secteur_2(cls, value: TariffOption | None, info: ValidationInfo) -> TariffOption | None:
        sector = info.data.get("sector")
        if value in (TariffOption.optam, TariffOption.optam_co) and sector in (
            Sector.secteur_1, Sector.non_conventionne,
        ):
            raise ValueError(
                f"{value.value!r} is an option of secteur_2 only; for a {sector.value} doctor"
                " leave tariff_option out or set it to 'aucune'"
            )
        return value


#: Fields the models check together (a validator of one reads another): a reader of flat rows that
#: validates each column on its own (:class:`~assistmed_rules.facts.RowReader`) validates these together.
LINKED_FIELDS: tuple[tuple[str, ...], ...] = (
    ("doctor.sector", "doctor.tariff_option"),
    ("doctor.coordinated_practice", "doctor.multi_site_msp"),
)


class Assistant(_Model):
    """The assistant médical hired (or to be hired)."""

    qualification: QualificationField = Field(None, description="At hiring: ide, deas, deap, cqp or aucune.")
    hire_date: OptionalDay = None
    training_enrolled_on: OptionalDay = Field(None, description="Date of enrolment in (start of) the CQP or FAE training.")
    qualified_on: OptionalDay = Field(None, description="Date the CQP or the FAE certificate was obtained.")
    was_practice_secretary: YesNo = Field(None, description="Already employed as the practice's secretary.")
    secretary_replaced_on: OptionalDay = Field(
        None, description="Date the converted secretary post was refilled (or a télésecrétariat set up)."
    )


class PriorContract(_Model):
    """An earlier aid contract of the same doctor: the one renewed, or the first assistant's contract."""

    signature_date: OptionalDay = None
    option: OptionField = Field(None, description="Option of that contract.")
    objectives_met: YesNo = Field(None, description="Whether its patientèle objectives were reached.")


class Contract(_Model):
    """The aid contract between the doctor and the CPAM."""

    signature_date: OptionalDay = Field(
        None, description="Date of signature; left out, the contract is taken as signed on the evaluation date."
    )
    option: OptionField = Field(
        None, json_schema_extra=ACTIONABLE, description="etp_1_3, etp_1_2, etp_1, etp_1_5, etp_2 (or '1/3', '1/2', '1')."
    )
    is_renewal: YesNo = Field(None, description="Whether this contract renews an earlier aid contract.")
    renews: Group[PriorContract] = Field(
        default_factory=PriorContract, description="The contract this one renews, if it is a renewal."
    )
    first_assistant_contract: Group[PriorContract] = Field(
        default_factory=PriorContract,
        description="For a second assistant (options etp_1_5, etp_2): the contract of the first assistant.",
    )


class Case(_Model):
    """One doctor, one assistant, one contract: what the engine evaluates."""

    doctor: Group[Doctor] = Field(default_factory=Doctor)
    assistant: Group[Assistant] = Field(default_factory=Assistant)
    contract: Group[Contract] = Field(default_factory=Contract)

    @model_validator(mode="before")
    @classmethod
    def _not_a_flat_row(cls, data: Any) -> Any:
        """A flat row's dotted keys (``"doctor.sector"``) given as a nested case: say how to pass a flat row."""
        if isinstance(data, dict) and not data.keys() <= cls.model_fields.keys():
            dotted = [k for k in data if isinstance(k, str) and "." in k and _is_field_path(cls, k.split("."))]
            if dotted:
                raise ValueError(
                    f"{', '.join(map(repr, dotted))}: dotted keys are the columns of a flat row, not fields of a"
                    " case: pass the rows with evaluate_many(rows, flat=True) (a DataFrame is read as flat rows),"
                    " or nest the fields: {'doctor': {'sector': ...}} (assistmed_rules.batch.unflatten(row) does it)"
                )
        return data


def _is_field_path(model: Any, parts: list[str]) -> bool:
    """Whether ``parts`` (``["doctor", "activity", "file_active"]``) name a field of ``model`` or of its groups."""
    for part in parts:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return False
        model = field.annotation
    return True
