"""What the engine returns: a :class:`Verdict`, JSON-serialisable, with every finding cited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

if TYPE_CHECKING:  # pragma: no cover
    from .whatif import Suggestion

Status = Literal["eligible", "not_eligible", "undetermined"]
Outcome = Literal["met", "not_met", "unknown"]
ObligationState = Literal["pending", "met", "late", "overdue"]
Certainty = Literal["confirmed", "uncertain"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # built on first dump or schema


M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__


class _Origin(tuple):  # type: ignore[type-arg]
    """Where a verdict came from, ``(evaluator, case, on)``, for :meth:`Verdict.how_to_qualify`.

    Kept by reference: a copy of the verdict (``copy.copy``, ``copy.deepcopy``, ``model_copy``) shares it (the
    evaluator is shared anyway, and nothing changes the case it holds), and a pickled verdict leaves it behind (the evaluator
    holds compiled closures, which do not pickle): unpickled, the verdict has no origin.
    """

    __slots__ = ()

    def __copy__(self) -> _Origin:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Origin:
        return self

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _no_origin, ()


def _no_origin() -> None:
    """What a pickled :class:`_Origin` is read back as."""


def build(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of the output model ``cls`` from already-checked ``values`` (every field given).

    The engine builds thousands of these per second from values it computed itself, so it skips
    validation, like ``model_construct`` but without its per-call bookkeeping: the result is the object
    ``cls.model_construct(**values)`` gives (``tests/test_verdict_build.py`` checks it for every output model).
    """
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", _FIELD_NAMES.get(cls) or _field_names(cls))
    _set(obj, "__pydantic_extra__", None)
    private = _PRIVATE[cls]
    _set(obj, "__pydantic_private__", dict(private) if private else None)  # per instance: it is mutable
    return obj


_FIELD_NAMES: dict[type[BaseModel], set[str]] = {}
_PRIVATE: dict[type[BaseModel], dict[str, Any] | None] = {}


def _field_names(cls: type[BaseModel]) -> set[str]:
    names = _FIELD_NAMES[cls] = set(cls.model_fields)
    _PRIVATE[cls] = {name: None for name in cls.__private_attributes__} or None
    return names


class Citation(_Out):
    """Where a rule comes from: the legal text, its article (when known) and a URL to read it."""

    text: str
    article: str | None = None
    url: str

    def __str__(self) -> str:
        return f"{self.text}, {self.article}" if self.article else self.text


class Finding(_Out):
    """The outcome of one condition of the regime for the case."""

    rule_id: str
    title: str
    outcome: Outcome
    applicable: bool | None = Field(
        True, description="False when the condition does not concern this case (it is then 'met'); None if unknown."
    )
    message: str
    citations: list[Citation]
    certainty: Certainty
    note: str | None = None
    missing: list[str] = Field(default_factory=list, description="Inputs whose value would decide this finding.")


class ObligationStatus(_Out):
    """An obligation the contract puts on the doctor, its due date and its state on the evaluation date."""

    obligation_id: str
    title: str
    due_date: date | None = Field(description="None when the date it is counted from, or the delay, is unknown.")
    counted_from: str
    state: ObligationState
    met_on: date | None = None
    consequence: str
    citations: list[Citation]
    certainty: Certainty
    note: str | None = None


class Advance(_Out):
    """An advance on the year-1 aid."""

    share_percent: Decimal
    amount: Decimal | None
    due_date: date | None = Field(
        description="None when the date it is counted from is unknown, or before the contract's signature."
    )
    counted_from: str
    citations: list[Citation]
    certainty: Certainty
    note: str | None = None


class AidYear(_Out):
    """The maximum aid for one contract year, where it comes from, and whether it depends on the objectives."""

    contract_year: int
    start: date
    end: date
    band: str | None = Field(description="Percentile band that sets the amount; None when it is unknown.")
    amount: Decimal | None = Field(description="Maximum aid in euros; None when an unknown input or value decides it.")
    possible_amounts: list[Decimal] = Field(default_factory=list, description="When amount is None: the candidates.")
    parameter: str | None = Field(description="Rule-file parameter the amount comes from.")
    value_from: date | None = Field(None, description="Date from which that parameter value holds.")
    modulated: bool = Field(description="True when the aid of this year depends on reaching the objectives.")
    citations: list[Citation]
    certainty: Certainty
    note: str | None = None
    missing: list[str] = Field(default_factory=list)
    advance: Advance | None = None


class Objective(_Out):
    """A patientèle objective: the required increase (or maintenance) of one indicator."""

    indicator: str
    label: str
    band: str | None
    kind: Literal["increase", "reach_percentile"]
    increase_percent: Decimal | None = Field(description="Required increase; 0 means maintain; None if not found.")
    target_percentile: float | None = None
    start_count: int | None = None
    target_count: int | None = Field(None, description="Start count raised by the increase, rounded as the rules say.")
    within: str | None = None
    citations: list[Citation]
    certainty: Certainty
    note: str | None = None


class Transition(_Out):
    """A change a later text brings to a running contract of this regime, from a date."""

    start: date
    says: str
    citations: list[Citation]
    certainty: Certainty
    note: str | None = None


class Verdict(_Out):
    """The answer for one case on one date.

    Verdicts are frozen, and an evaluator shares their parts between the cases that have them in common (a
    finding, its citations, an obligation's status, an aid year): treat their lists as read-only, and copy
    one (``list(...)``, ``model_copy(deep=True)``) before changing it.
    """

    status: Status
    regime: str | None = Field(description="Id of the regime (rule file) that decided; None if no regime applies.")
    regime_title: str | None = None
    regime_reason: str = Field(description="Why this regime decided (the date rule applied).")
    evaluated_on: date
    signature_date: date
    transitions: list[Transition] = Field(
        default_factory=list,
        description="Changes later texts bring to this running contract between its signature and the evaluation date.",
    )
    findings: list[Finding]
    missing: list[str] = Field(
        default_factory=list, description="Dotted paths of the inputs whose value would decide an undetermined verdict."
    )
    missing_data: list[str] = Field(
        default_factory=list,
        description="Gaps in the rule data (a table entry, a parameter) that keep the verdict undetermined.",
    )
    obligations: list[ObligationStatus] = Field(default_factory=list)
    conditional_obligations: list[ObligationStatus] = Field(
        default_factory=list, description="Obligations that apply only if an unknown input turns out a certain way."
    )
    uncertain_rules: list[str] = Field(
        default_factory=list, description="Rules behind this verdict that rest on an uncertain reading of the sources."
    )
    aid: list[AidYear] = Field(default_factory=list, description="Maximum aid per contract year (eligible cases).")
    objectives: list[Objective] = Field(default_factory=list, description="Patientèle objectives (eligible cases).")
    renewal: str | None = Field(None, description="What the regime says of renewing the contract.")
    language: Literal["fr", "en"] = Field("fr", description="Language of the messages and titles.")
    _origin: Any = PrivateAttr(default=None)  # (evaluator, case, on), for how_to_qualify()

    def __eq__(self, other: object) -> bool:
        """Two verdicts are equal when their fields are (where they were computed does not matter)."""
        if not isinstance(other, Verdict):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def how_to_qualify(self, max_changes: int = 3) -> list[Suggestion]:
        """The smallest changes the doctor can act on that would make this case eligible (see ``whatif``).

        Each :class:`~assistmed_rules.whatif.Suggestion` gives the changed inputs, the rules they satisfy and
        their citations, and says it (``str(suggestion)``). An eligible verdict gets an empty list, and so
        does one that no change of at most ``max_changes`` actionable inputs makes eligible: an
        ``undetermined`` verdict whose missing inputs are facts the doctor cannot change (``verdict.missing``)
        gets suggestions once they are given. A contract signed before the evaluation date gets an empty list
        too: it was signed on facts that are past. To ask what a new contract would need, leave out
        ``contract.signature_date``, or evaluate on the day it would be signed (``on`` left out is the
        signature date). A change that would leave the doctor behind, on that date, with an obligation tied
        to the rules it meets (a commitment whose delay has run out) is not proposed; an input left unknown
        that a suggestion fills in is listed in its ``assumes`` and said as a condition.

        The search has limits (:func:`assistmed_rules.whatif.how_to_qualify` details them): each rule that
        blocks must be met by changing one input on its own (else the list is empty); at most
        :data:`~assistmed_rules.whatif.MAX_COMBINATIONS` (400) combinations of such changes are tried, and
        the search stops there without saying so; ``max_changes`` is a whole number, 1 or more (a
        ValueError otherwise).
        """
        from .whatif import check_max_changes, how_to_qualify

        check_max_changes(max_changes)
        if self._origin is None:
            raise ValueError("this verdict does not know the case it was computed from (it was unpickled, e.g. sent"
                             " back by another process, or read from JSON, or built by hand): evaluate the case"
                             " again in this process with evaluate() or evaluate_many(), then call how_to_qualify()")
        evaluator, case, on = self._origin
        if callable(case):  # a flat row of a batch, turned into a case when asked
            case = case()
        return how_to_qualify(evaluator, case, on, max_changes)

    def with_origin(self, origin: Any) -> Verdict:
        """Remember where this verdict came from (``(evaluator, case, on)``), for :meth:`how_to_qualify`.

        ``case`` is a case, or a function that returns it (a batch does not build a case per row). The engine
        calls it; an application has no need to (it is kept out of the verdict's JSON). A copy of the verdict
        shares its origin; a pickled verdict leaves it behind, so that verdicts pickle (to and from worker
        processes, for instance): an unpickled verdict's :meth:`how_to_qualify` raises a ValueError.
        """
        _set(self, "__pydantic_private__", {"_origin": None if origin is None else _Origin(origin)})
        return self

    @property
    def aid_total(self) -> Decimal | None:
        """Sum of the yearly maximum amounts over the contract, or None if one of them is unknown."""
        if not self.aid or any(year.amount is None for year in self.aid):
            return None
        return sum((year.amount for year in self.aid if year.amount is not None), Decimal(0))

    @property
    def failed_rules(self) -> list[str]:
        """Ids of the conditions not met (the reasons of a "not_eligible" verdict)."""
        return [f.rule_id for f in self.findings if f.outcome == "not_met"]

    def finding(self, rule_id: str) -> Finding:
        """The finding of one rule, by id."""
        for f in self.findings:
            if f.rule_id == rule_id:
                return f
        raise KeyError(f"no finding for rule {rule_id!r}; rules: {', '.join(f.rule_id for f in self.findings)}")

    def __str__(self) -> str:
        from .report import render_text

        return render_text(self)

    def _repr_html_(self) -> str:
        """A compact HTML table, for Jupyter."""
        from .report import render_html

        return render_html(self)


class IndicatorReview(_Out):
    """One indicator at a yearly review: its target, what was achieved, and whether the objective is met."""

    indicator: str
    target_count: int | None
    achieved: int | None
    met: bool | None


class Review(_Out):
    """The yearly review of a contract at an anniversary: objectives met or not, and the aid due."""

    regime: str
    contract_year: int
    start: date
    end: date
    max_amount: Decimal | None
    modulated: bool
    indicators: list[IndicatorReview]
    objectives_met: bool | None
    aid_due: Decimal | None = Field(description="Aid due for the year; None when the formula or an input is unknown.")
    prorata_estimate: Decimal | None = Field(
        None, description="Hypothesis, not from the texts: max amount × attainment, when the formula is unknown."
    )
    certainty: Certainty
    note: str | None = None
    citations: list[Citation]
