"""What the engine returns: a :class:`Verdict`, JSON-serialisable, with every finding cited."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["eligible", "not_eligible", "undetermined"]
Outcome = Literal["met", "not_met", "unknown"]
ObligationState = Literal["pending", "met", "overdue"]
Certainty = Literal["confirmed", "uncertain"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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


class Transition(_Out):
    """A change a later text brings to a running contract of this regime, from a date."""

    start: date
    says: str
    citations: list[Citation]
    certainty: Certainty
    note: str | None = None


class Verdict(_Out):
    """The answer for one case on one date."""

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
