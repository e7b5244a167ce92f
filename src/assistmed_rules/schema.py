"""The schema of a rule file, as Pydantic models that refuse any key they do not know.

A rule file holds one legal regime: its identity and dates, its sources, its dated parameters, its lookup
tables, its eligibility rules and the obligations it puts on the doctor. Conditions are checked and
compiled by :mod:`assistmed_rules.conditions`, not here; this module only fixes the shape of the file.
See ``docs/rule-files.md`` for the reference of every key.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Certainty = Literal["confirmed", "uncertain"]
ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
URL_PATTERN = re.compile(r"^https?://[^\s]+$")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Certain(_Spec):
    """Something whose certainty is stated: confirmed, or uncertain with a note saying why."""

    certainty: Certainty = "confirmed"
    note: str | None = None

    @model_validator(mode="after")
    def _uncertain_needs_note(self) -> _Certain:
        if self.certainty == "uncertain" and not (self.note and self.note.strip()):
            raise ValueError("certainty 'uncertain' needs a 'note' saying what the sources disagree on or lack")
        return self


class SourceSpec(_Spec):
    """A legal text or official page, cited by its key from rules and parameters."""

    text: str = Field(min_length=3)
    url: str
    article: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not URL_PATTERN.match(value):
            raise ValueError(f"url {value!r} is not an http(s) address")
        return value


class CitationSpec(_Spec):
    """A citation: a ``source`` key (with an optional ``article``), or a full text/article/url."""

    source: str | None = None
    text: str | None = None
    article: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> CitationSpec:
        if self.source is None and (not self.text or not self.url):
            raise ValueError("a citation needs either 'source' (a key of 'sources') or both 'text' and 'url'")
        if self.url is not None and not URL_PATTERN.match(self.url):
            raise ValueError(f"url {self.url!r} is not an http(s) address")
        return self


class PeriodSpec(_Spec):
    """Dates of validity, both inclusive; ``until`` left out means "still in force"."""

    start: date = Field(alias="from")
    end: date | None = Field(None, alias="until")

    @model_validator(mode="after")
    def _ordered(self) -> PeriodSpec:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class DurationSpec(_Spec):
    """A legal delay, in calendar units (computed with dateutil's relativedelta)."""

    years: int = Field(0, ge=0, le=1000)
    months: int = Field(0, ge=0, le=1000)
    days: int = Field(0, ge=0, le=1000)


ParameterUnit = Literal["patients", "percentile", "percent", "euros", "duration", "list", "count", "date"]


class DatedValueSpec(_Certain):
    """One dated value of a parameter, with its own citation when it comes from another text."""

    value: Any
    citations: list[CitationSpec] = Field(default_factory=list)


class ParameterSpec(_Certain):
    """A dated parameter, in the style of OpenFisca: each value holds from its date to the next one."""

    description: str = Field(min_length=3)
    unit: ParameterUnit
    citations: list[CitationSpec] = Field(min_length=1)
    values: dict[date, Any] = Field(min_length=1)


class TableEntrySpec(_Certain):
    """One entry of a lookup table; ``complete: false`` marks a list known only in part."""

    value: Any
    complete: bool = True
    citations: list[CitationSpec] = Field(default_factory=list)


class TableSpec(_Certain):
    """A lookup table keyed by a fact (e.g. the specialty); a key left out is an unknown entry."""

    description: str = Field(min_length=3)
    citations: list[CitationSpec] = Field(min_length=1)
    key: str
    entries: dict[str, Any] = Field(default_factory=dict)
    external: bool = Field(False, description="Entries may be supplied by the user in a data file.")


class MessagesSpec(_Spec):
    """French messages of a finding, one per outcome; ``{field.path}`` and ``{param.name}`` are filled in."""

    met: str
    not_met: str
    unknown: str | None = None
    not_applicable: str | None = None


class RuleEnSpec(_Spec):
    """English version of a rule's title and messages (output with ``language="en"``)."""

    title: str = Field(min_length=3)
    messages: MessagesSpec


class ObligationEnSpec(_Spec):
    """English version of an obligation's title and consequence."""

    title: str = Field(min_length=3)
    consequence: str = Field(min_length=3)


class SaysEnSpec(_Spec):
    """English version of a provision stated in words (a transition, the renewal rule)."""

    says: str = Field(min_length=3)


class LabelEnSpec(_Spec):
    """English label of an objective indicator or a percentile band."""

    label: str = Field(min_length=2)


class RegimeEnSpec(_Spec):
    """English title and short title of a regime."""

    title: str = Field(min_length=3)
    short_title: str = Field(min_length=3)


class RuleSpec(_Certain):
    """An eligibility condition of the regime."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=3)
    says: str = Field(min_length=3, description="What the article says, in its own words or summarised.")
    citations: list[CitationSpec] = Field(min_length=1)
    valid: PeriodSpec | None = None
    applies_if: Any = None
    condition: Any
    messages: MessagesSpec
    en: RuleEnSpec | None = Field(None, description="English title and messages; French is used where absent.")


class ObligationSpec(_Certain):
    """Something the doctor must do after signing, by a due date counted from a fact's date."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=3)
    says: str = Field(min_length=3)
    citations: list[CitationSpec] = Field(min_length=1)
    valid: PeriodSpec | None = None
    applies_if: Any = None
    counted_from: str = Field(description="Field path of the date the delay runs from.")
    within: Any = Field(description="A delay ({years: 2}), a {param: name} of unit duration, or null if unknown.")
    done_on: str = Field(description="Field path of the date the obligation was met.")
    consequence: str = Field(min_length=3)
    en: ObligationEnSpec | None = None


class TransitionSpec(_Certain):
    """What a later text changes for the contracts of this regime still running on a date."""

    start: date = Field(alias="from")
    says: str = Field(min_length=3)
    citations: list[CitationSpec] = Field(min_length=1)
    en: SaysEnSpec | None = None


class BandSpec(_Certain):
    """A percentile band of the national distribution: from ``from`` (inclusive) to the next band.

    ``certainty: uncertain`` (with its note) when the sources do not settle who falls in the band (its
    boundary, or the indicator whose percentile places the doctor): an aid year whose amount this band
    decides is then uncertain.
    """

    id: str = Field(pattern=ID_PATTERN)
    start: float = Field(alias="from", ge=0, le=100)
    exclusive: bool = Field(False, description="True: ``from`` itself is not in the band (it holds the percentiles"
                                               " above it, as « au-delà du 95e percentile »).")
    label: str
    en: LabelEnSpec | None = None


class AdvanceSpec(_Certain):
    """An advance on the year-1 aid: a share of it, due within a delay of a date of the case."""

    share: float = Field(gt=0, le=100, description="Percent of the year-1 amount.")
    within: DurationSpec
    counted_from: str
    citations: list[CitationSpec] = Field(min_length=1)


class CitedTextSpec(_Certain):
    """A provision stated in words, with its citations (renewal rule, modulation rule...)."""

    says: str = Field(min_length=3)
    citations: list[CitationSpec] = Field(min_length=1)


class RenewalSpec(CitedTextSpec):
    """What the regime says of renewing a contract."""

    en: SaysEnSpec | None = None


class ModulationSpec(CitedTextSpec):
    """From which contract year the aid depends on the objectives, and how (when the formula is known)."""

    from_year: int = Field(ge=1, le=50)
    formula: Literal["all_or_nothing", "prorata"] | None = Field(
        None, description="None when the sources do not give the formula."
    )


class AidSpec(CitedTextSpec):
    """The aid schedule: percentile bands, amount parameters per option, year and band; advance; modulation."""

    percentile: str = Field(description="Field path of the doctor's percentile in the national distribution.")
    bands: list[BandSpec] = Field(min_length=1)
    amounts: dict[str, dict[int, dict[str, str]]] = Field(
        description="option -> contract year (the last one given holds for the years after) -> band id or"
        " 'default' -> name of a parameter in euros."
    )
    advance: AdvanceSpec | None = None
    modulation: ModulationSpec
    renewal: RenewalSpec


class IndicatorSpec(_Spec):
    """A patientèle indicator the objectives apply to, and the input fields that count it."""

    id: str = Field(pattern=ID_PATTERN)
    label: str
    applies_if: Any = None
    count: list[str] = Field(min_length=1)
    en: LabelEnSpec | None = None


class IncreaseSpec(_Certain):
    """Required increase (percent) of each indicator per percentile band, for one option; null = not found."""

    citations: list[CitationSpec] = Field(min_length=1)
    bands: dict[str, float | None]


class NewInstallationSpec(CitedTextSpec):
    """The objective of newly installed doctors: reach a band (e.g. the median) within a delay."""

    applies_if: Any
    target_percentile: float = Field(ge=0, le=100)
    within: DurationSpec


class ObjectivesSpec(CitedTextSpec):
    """Patientèle objectives: indicators, increases per option and band, rounding, horizon."""

    indicators: list[IndicatorSpec] = Field(min_length=1)
    increases: dict[str, IncreaseSpec]
    rounding: Literal["up", "nearest", "down"]
    rounding_certainty: Literal["confirmed", "uncertain"] = "uncertain"
    rounding_note: str | None = None
    new_installation: NewInstallationSpec | None = None


class RegimeSpec(_Certain):
    """The legal instrument and the signature dates of the contracts it governs."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=3)
    short_title: str = Field(min_length=3)
    instrument: str = Field(min_length=3)
    new_contracts: PeriodSpec
    citations: list[CitationSpec] = Field(min_length=1)
    transitions: list[TransitionSpec] = Field(default_factory=list)
    en: RegimeEnSpec | None = None


class ValueLabelSpec(_Spec):
    """How a regime names one value of an input's choices in its messages (e.g. a tariff option renamed by the
    regime's text); the library's own names are used for the values a rule file does not name."""

    label: str = Field(min_length=1, description="The name in French.")
    en: str | None = Field(None, min_length=1, description="The name in English; the French one where absent.")


class RuleFileSpec(_Spec):
    """A whole rule file."""

    schema_version: Literal[1]
    regime: RegimeSpec
    sources: dict[str, SourceSpec] = Field(default_factory=dict)
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    tables: dict[str, TableSpec] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(min_length=1)
    obligations: list[ObligationSpec] = Field(default_factory=list)
    aid: AidSpec | None = None
    objectives: ObjectivesSpec | None = None
    value_labels: dict[str, dict[str, ValueLabelSpec]] = Field(
        default_factory=dict, description="input field path (a choice) -> value -> how this regime names it")


class TableDataSpec(_Spec):
    """A user-supplied data file that fills the entries of an external table (e.g. the 30 % départements)."""

    schema_version: Literal[1]
    regime: str
    table: str
    citations: list[CitationSpec] = Field(min_length=1)
    sources: dict[str, SourceSpec] = Field(default_factory=dict)
    certainty: Certainty = "confirmed"
    note: str | None = None
    entries: dict[str, Any] = Field(min_length=1)

    @model_validator(mode="after")
    def _uncertain_needs_note(self) -> TableDataSpec:
        if self.certainty == "uncertain" and not (self.note and self.note.strip()):
            raise ValueError("certainty 'uncertain' needs a 'note' saying what the sources disagree on or lack")
        return self
