"""The engine: picks the regime for a contract, evaluates its compiled rules and obligations, returns a Verdict.

>>> v = evaluate({
...     "doctor": {"sector": "secteur_1", "specialty": "medecine_generale",
...                "coordinated_practice": "msp", "activity": {"mt_patients_adult": 900}},
...     "assistant": {"qualification": "cqp"},
...     "contract": {"signature_date": "2020-03-01", "option": "1/2"},
... })
>>> v.status, v.regime
('eligible', 'avenant7-2019')
>>> evaluate({"doctor": {"sector": "secteur_2", "tariff_option": "aucune"}},
...          on="2020-03-01").failed_rules
['a7.secteur']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic import ValidationError

from .conditions import DATA_GAP, Context, Missing, Result, Tri
from .errors import BackendUnavailableError, InvalidCaseError, NoRegimeError
from .models import Case
from .money import aid_schedule, delay_text, euros, objectives
from .money import review as review_year
from .rulebook import Regime, Rule, RuleBook, Template, default_rulebook
from .verdict import Citation, Finding, ObligationStatus, Review, Verdict

UNKNOWN_TEXT = "inconnu"


def coerce_case(case: Case | Mapping[str, Any], where: str = "") -> Case:
    """Return ``case`` as a :class:`Case`, validating a plain mapping; :class:`InvalidCaseError` if invalid."""
    if isinstance(case, Case):
        return case
    if not isinstance(case, Mapping):
        raise InvalidCaseError(
            [{"field": "<case>", "message": f"expected a Case or a JSON object (dict); got {type(case).__name__}",
              "input": None}], where,
        )
    try:
        return Case.model_validate(case)
    except ValidationError as exc:
        raise InvalidCaseError.from_pydantic(exc, where) from None


def coerce_date(value: date | str | None, name: str = "on") -> date | None:
    """Accept a date or an ISO string ``YYYY-MM-DD``."""
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    if hasattr(value, "date"):  # a datetime
        return value.date()  # type: ignore[union-attr]
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a date: write it YYYY-MM-DD") from None


def _format(value: Any) -> str:
    if value is None:
        return UNKNOWN_TEXT
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return euros(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, relativedelta):
        return delay_text(value)
    if isinstance(value, frozenset):
        return ", ".join(sorted(value))
    return str(value)


def render(template: Template, ctx: Context, regime: Regime) -> str:
    out = []
    for kind, text in template.parts:
        if kind == "text":
            out.append(text)
        elif kind == "field":
            out.append(_format(attrgetter(text)(ctx.case)))
        else:
            out.append(_format(regime.param(text, ctx.ref_date)))
    return "".join(out)


def _dedupe(items: Missing) -> list[str]:
    return list(dict.fromkeys(items))


#: What a backend returns for one rule: (applies, its missing inputs, condition, its missing inputs).
Judgement = tuple[Tri, Missing, Tri, Missing]
ALWAYS: Result = (True, ())


class NativeBackend:
    """Evaluates the compiled closures of the rules (the default backend)."""

    name = "native"

    def __init__(self, rules: RuleBook) -> None:
        self.rules = rules

    def judge(self, regime: Regime, rules: Sequence[Rule], ctx: Context) -> list[Judgement]:
        return [(rule.applies_if.fn(ctx) if rule.applies_if is not None else ALWAYS) + rule.condition.fn(ctx)
                for rule in rules]


BACKENDS = ("native", "durable")


def make_backend(name: str, rules: RuleBook) -> Any:
    """The backend called ``name`` for ``rules``; :class:`BackendUnavailableError` if it cannot run here."""
    if name == "native":
        return NativeBackend(rules)
    if name == "durable":
        try:
            from .durable_backend import DurableBackend
        except ImportError as exc:
            raise BackendUnavailableError(
                f"the durable-rules backend cannot be imported here ({exc}): install it with"
                " `pip install 'assistmed-rules[durable]'` on Python 3.10 to 3.12, or use backend='native'"
            ) from None
        return DurableBackend(rules)
    raise ValueError(f"unknown backend {name!r}: accepted: {', '.join(BACKENDS)}")


class Evaluator:
    """Evaluates cases against a :class:`RuleBook` (the shipped rules unless told otherwise).

    ``backend`` is ``"native"`` (compiled closures, the default) or ``"durable"`` (the durable-rules Rete
    engine, an optional extra); both return the same verdicts.
    """

    def __init__(self, rules: RuleBook | None = None, backend: str = "native") -> None:
        self.rules = rules if rules is not None else default_rulebook()
        self.backend = make_backend(backend, self.rules)

    def evaluate(self, case: Case | Mapping[str, Any], on: date | str | None = None) -> Verdict:
        case = coerce_case(case)
        on_day = coerce_date(on)
        signed = case.contract.signature_date
        signature = signed or on_day or date.today()
        on_day = on_day or signature
        if signed is None:
            case = case.model_copy(update={"contract": case.contract.model_copy(update={"signature_date": signature})})
        try:
            regime = self.rules.regime_for_signature(signature)
        except NoRegimeError:
            return self._no_regime(signature, on_day)
        span = regime.new_contracts
        reason = (
            f"Contrat signé le {signature.isoformat()}" if signed else
            f"Date de signature non renseignée : contrat supposé signé le {signature.isoformat()}"
        ) + (f" ; le régime « {regime.short_title} » régit les contrats signés du {span.start.isoformat()}"
             f" {'au ' + span.end.isoformat() if span.end else 'à ce jour'}.")
        ctx = Context(case, signature, regime.param, regime.table_entry)
        rules = [rule for rule in regime.rules if rule.valid.contains(signature)]
        findings = [self._finding(rule, judgement, ctx, regime)
                    for rule, judgement in zip(rules, self.backend.judge(regime, rules, ctx))]
        outcomes = {f.outcome for f in findings}
        status = "not_eligible" if "not_met" in outcomes else "undetermined" if "unknown" in outcomes else "eligible"
        missing: list[str] = []
        if status == "undetermined":
            missing = _dedupe(tuple(m for f in findings if f.outcome == "unknown" for m in f.missing))
        deciding = {"eligible": ("met",), "not_eligible": ("not_met",), "undetermined": ("unknown",)}[status]
        obligations: list[ObligationStatus] = []
        conditional: list[ObligationStatus] = []
        if status != "not_eligible":
            for ob in regime.obligations:
                if not ob.valid.contains(signature):
                    continue
                applies = True if ob.applies_if is None else ob.applies_if.fn(ctx)[0]
                if applies is False:
                    continue
                (obligations if applies else conditional).append(self._obligation(ob, ctx, regime, on_day))
        eligible = status == "eligible"
        verdict = Verdict.model_construct(
            status=status,
            regime=regime.id,
            regime_title=regime.title,
            regime_reason=reason,
            evaluated_on=on_day,
            signature_date=signature,
            transitions=[t for t in regime.transitions if signature < t.start <= on_day],
            findings=findings,
            missing=[m for m in missing if not m.startswith(DATA_GAP)],
            missing_data=[m[len(DATA_GAP):] for m in missing if m.startswith(DATA_GAP)],
            obligations=obligations,
            conditional_obligations=conditional,
            uncertain_rules=[f.rule_id for f in findings
                             if f.certainty == "uncertain" and f.outcome in deciding and f.applicable is not False],
            aid=aid_schedule(regime, ctx) if eligible else [],
            objectives=objectives(regime, ctx) if eligible else [],
            renewal=regime.aid.renewal.says if regime.aid is not None else None,
        )
        verdict._origin = (self, case, on)
        return verdict

    def review(self, case: Case | Mapping[str, Any], contract_year: int, achieved: Mapping[str, int]) -> Review:
        """The yearly review of a signed contract: see :func:`review`."""
        case = coerce_case(case)
        signature = case.contract.signature_date
        if signature is None:
            raise ValueError("a review needs the contract's signature date (contract.signature_date)")
        regime = self.rules.regime_for_signature(signature)
        return review_year(regime, Context(case, signature, regime.param, regime.table_entry), contract_year, achieved)

    @staticmethod
    def _finding(rule: Rule, judgement: Judgement, ctx: Context, regime: Regime) -> Finding:
        applicable, missing, value, cond_missing = judgement
        if applicable is False:
            outcome, key, missing = "met", "not_applicable", ()
        else:
            if value is True:
                outcome, key, missing = "met", "met", ()
            elif applicable is None:  # unknown whether the rule applies, and it is not met (or unknown)
                outcome, key, missing = "unknown", "unknown", missing + cond_missing
            elif value is False:
                outcome, key, missing = "not_met", "not_met", ()
            else:
                outcome, key, missing = "unknown", "unknown", cond_missing
        template = rule.messages.get(key)
        if template is None:
            message = (
                f"Condition sans objet pour ce cas : {rule.title}." if key == "not_applicable" else
                f"Impossible de conclure sur « {rule.title} » : renseigner "
                + ", ".join(m.removeprefix(DATA_GAP) for m in _dedupe(missing)) + "."
            )
        else:
            message = render(template, ctx, regime)
        return Finding.model_construct(
            rule_id=rule.id, title=rule.title, outcome=outcome, applicable=applicable, message=message,
            citations=list(rule.citations), certainty=rule.certainty, note=rule.note, missing=_dedupe(missing),
        )

    @staticmethod
    def _obligation(ob: Any, ctx: Context, regime: Regime, on: date) -> ObligationStatus:
        start = attrgetter(ob.counted_from)(ctx.case)
        delay = regime.param(ob.within, ctx.ref_date) if isinstance(ob.within, str) else ob.within
        due = start + delay if start is not None and delay is not None else None
        done = attrgetter(ob.done_on)(ctx.case)
        if done is not None and done <= on:
            state, met_on = "met", done
        elif due is not None and on > due:
            state, met_on = "overdue", None
        else:
            state, met_on = "pending", None
        counted = f"{_format(delay)} après {ob.counted_from}" if delay is not None else (
            f"délai non précisé par les sources, à compter de {ob.counted_from}")
        return ObligationStatus.model_construct(
            obligation_id=ob.id, title=ob.title, due_date=due, counted_from=counted, state=state, met_on=met_on,
            consequence=ob.consequence, citations=list(ob.citations), certainty=ob.certainty, note=ob.note,
        )

    def _no_regime(self, signature: date, on: date) -> Verdict:
        regimes = self.rules.regimes
        before = [r for r in regimes if r.new_contracts.start > signature]
        nearest = before[0] if before else regimes[-1]
        if before and nearest is regimes[0]:
            message = (f"Aucun régime d'aide à l'emploi d'un assistant médical ne s'applique à un contrat signé le"
                       f" {signature.isoformat()} : le dispositif commence avec « {nearest.short_title} » pour les"
                       f" contrats signés à partir du {nearest.new_contracts.start.isoformat()}.")
        else:
            message = (f"Aucun régime chargé ne régit un contrat signé le {signature.isoformat()}"
                       f" (régimes chargés : {', '.join(r.id for r in regimes)}).")
        finding = Finding.model_construct(
            rule_id="regime.aucun", title="Régime applicable à la date de signature", outcome="not_met",
            applicable=True, message=message, citations=list(nearest.citations), certainty="confirmed", note=None,
            missing=[],
        )
        return Verdict.model_construct(
            status="not_eligible", regime=None, regime_title=None, regime_reason=message, evaluated_on=on,
            signature_date=signature, transitions=[], findings=[finding], missing=[], missing_data=[], obligations=[],
            conditional_obligations=[], uncertain_rules=[], aid=[], objectives=[], renewal=None,
        )


def evaluate(
    case: Case | Mapping[str, Any], on: date | str | None = None, *, rules: RuleBook | None = None,
    backend: str = "native",
) -> Verdict:
    """Evaluate one case on a date and return its :class:`Verdict`.

    ``case`` is a :class:`Case` or a plain dict as parsed from JSON. ``on`` is the evaluation date (a date
    or ``"YYYY-MM-DD"``): obligations are judged on it, and a contract with no signature date is taken as
    signed on it. Left out, it is the signature date, or today if that is unknown too. ``rules`` defaults
    to the rule files shipped with the package. ``backend`` is ``"native"`` or ``"durable"`` (optional
    extra); for many cases, build one :class:`Evaluator` and reuse it.
    """
    if rules is None and backend == "native":
        return _DEFAULT.evaluate(case, on)
    return _evaluator(rules, backend).evaluate(case, on)


_EVALUATORS: dict[tuple[int, str], Evaluator] = {}


def _evaluator(rules: RuleBook | None, backend: str) -> Evaluator:
    book = rules if rules is not None else default_rulebook()
    key = (id(book), backend)
    evaluator = _EVALUATORS.get(key)
    if evaluator is None or evaluator.rules is not book:
        evaluator = _EVALUATORS[key] = Evaluator(book, backend)
    return evaluator


def review(
    case: Case | Mapping[str, Any], contract_year: int, achieved: Mapping[str, int], *, rules: RuleBook | None = None,
) -> Review:
    """Review contract year ``contract_year`` of a signed contract at its anniversary.

    ``achieved`` gives the patientèle reached, by objective indicator (``"patientele_mt"``, ``"file_active"``).
    The result says whether each objective is met and the aid due for that year under the regime's
    modulation rule; where the sources do not give the formula, ``aid_due`` is None and the review is
    flagged uncertain.

    >>> r = review({"doctor": {"specialty": "cardiologie", "activity": {"percentile": 40, "file_active": 2000}},
    ...             "contract": {"signature_date": "2020-01-15", "option": "1/3"}},
    ...            contract_year=3, achieved={"file_active": 2400})
    >>> r.objectives_met, r.max_amount, r.aid_due
    (True, Decimal('7000'), Decimal('7000'))
    """
    evaluator = _DEFAULT.get() if rules is None else Evaluator(rules)
    return evaluator.review(case, contract_year, achieved)


class _LazyDefault:
    def __init__(self) -> None:
        self._evaluator: Evaluator | None = None

    def get(self) -> Evaluator:
        if self._evaluator is None:
            self._evaluator = Evaluator()
        return self._evaluator

    def evaluate(self, case: Case | Mapping[str, Any], on: date | str | None) -> Verdict:
        return self.get().evaluate(case, on)


_DEFAULT = _LazyDefault()

__all__ = ["Citation", "Evaluator", "coerce_case", "evaluate", "review"]
