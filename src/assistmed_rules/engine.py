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
from functools import partial
from itertools import repeat
from operator import itemgetter
from typing import Any, NamedTuple

from pydantic import TypeAdapter, ValidationError

from .conditions import DATA_GAP, Context, Missing, Result, Tri
from .errors import BackendUnavailableError, InvalidCaseError, NoRegimeError
from .facts import INDEX, Facts, case_of, facts_of
from .i18n import DEFAULT_LANGUAGE, check_language, pick, text
from .messages import PerCase, escape, format_value, render, show, template_values
from .models import MAX_COUNT, Case, parse_day
from .money import add_delay, aid_schedule, aid_total, objectives
from .money import review as review_year
from .plan import MEMO_LIMIT, CaseView, DateInfo, Lookup, Memo, RegimePlan, Signatures, shown_per_case
from .rulebook import Obligation, Regime, Rule, RuleBook, Template, default_rulebook
from .verdict import Citation, Finding, ObligationStatus, Review, Verdict, build


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
    """Accept what the case's dates accept (:func:`~assistmed_rules.models.parse_day`): a date, a datetime at
    midnight or the text ``YYYY-MM-DD``, from 1900-01-01 to 2100-12-31; None stays None.

    Anything else is a ValueError naming the argument: ``coerce_date("20210101")`` and ``coerce_date(20210101)``
    are refused like ``coerce_date("2021-1-1")``.
    """
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise ValueError(f"{name}={value!r}: {exc}") from None


_WHOLE: TypeAdapter[int] = TypeAdapter(int)
_MAX_COUNT = f"{MAX_COUNT:,}".replace(",", " ")  # 1 000 000


def _whole(value: Any) -> int | None:
    """``value`` as a whole number, read as the case's counts are (``1200``, ``1200.0`` or ``"1200"``), else None."""
    if isinstance(value, bool):
        return None
    try:
        return _WHOLE.validate_python(value)
    except ValidationError:
        return None


def _review_arguments(contract_year: Any, achieved: Any) -> tuple[int, dict[Any, int | None]]:
    """The contract year and the counts achieved of a review as whole numbers; :class:`InvalidCaseError` naming
    each argument that is not one (the year's range and the indicators are checked against the contract)."""
    problems: list[dict[str, Any]] = []
    year = _whole(contract_year)
    if year is None:
        problems.append({"field": "contract_year", "input": contract_year, "message":
                         f"expected a whole number, a year of the contract from 1 (e.g. 3); got {contract_year!r}"})
    counts: dict[Any, int | None] = {}
    if not isinstance(achieved, Mapping):
        problems.append({"field": "achieved", "input": achieved, "message":
                         "expected a dict of the patientèle reached by objective indicator, e.g."
                         f" {{'patientele_mt': 1200, 'file_active': 2400}}; got {type(achieved).__name__}"})
    else:
        for name, got in achieved.items():
            count = None if got is None else _whole(got)
            if got is not None and (count is None or not 0 <= count <= MAX_COUNT):
                problems.append({"field": f"achieved.{name}", "input": got, "message":
                                 f"expected a whole number of patients from 0 to {_MAX_COUNT} (e.g. 1200); got {got!r}"})
            counts[name] = count
    if problems:
        raise InvalidCaseError(problems, "review")
    assert year is not None
    return year, counts


def _dedupe(items: Missing) -> list[str]:
    return list(dict.fromkeys(items))


#: What :meth:`Evaluator._judge` works out: regime, view, signature date as given, evaluation date,
#: findings (or PerCase), status, missing inputs, missing data, uncertain rules, first failing rule.
Judged = tuple[Regime, CaseView, "date | None", date, list[Any], str, list[str], list[str], list[str], "str | None"]


class Summary(NamedTuple):
    """One case in a few fields (a batch's summary row): see :data:`~assistmed_rules.batch.SUMMARY_COLUMNS`."""

    status: str
    regime: str | None
    first_failing_rule: str | None
    missing: list[str]
    missing_data: list[str]
    aid_total: Decimal | None
    uncertain_rules: list[str]

    @classmethod
    def of(cls, verdict: Verdict) -> Summary:
        """The summary of a verdict."""
        failed = verdict.failed_rules
        return cls(verdict.status, verdict.regime, failed[0] if failed else None, verdict.missing,
                   verdict.missing_data, verdict.aid_total, verdict.uncertain_rules)


_SIGNATURE = INDEX["contract.signature_date"]
_NONE = type(None)
_UNSEEN = object()

#: What a backend returns for one rule: (applies, its missing inputs, condition, its missing inputs).
Judgement = tuple[Tri, Missing, Tri, Missing]
ALWAYS: Result = (True, ())


class NativeBackend:
    """Evaluates the compiled closures of the rules (the default backend)."""

    name = "native"
    #: The engine may decide each condition once per key (see :mod:`assistmed_rules.plan`): the closures
    #: are pure functions of the facts they read. (The durable backend is asked for every case.)
    memoisable = True

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
    engine, an optional extra); both return the same verdicts. ``language`` is ``"fr"`` (the default) or
    ``"en"``: the language of the messages, titles and texts of the verdicts.

    An evaluator keeps memos of the parts of a verdict that many cases share (a finding with the same
    outcome and message, a finding's fields but its message, an obligation's texts on a date, an aid
    year with the same option, date and band, an objective's fields); they are bounded, so memory stays flat however many cases it evaluates, and safe to share
    between threads (at worst two threads compute the same part).
    """

    def __init__(self, rules: RuleBook | None = None, backend: str = "native", language: str = DEFAULT_LANGUAGE
                 ) -> None:
        self.rules = rules if rules is not None else default_rulebook()
        self.backend = make_backend(backend, self.rules)
        self.language = check_language(language)
        self._memoise = bool(getattr(self.backend, "memoisable", False))
        self._memo: dict[str, Any] = {}
        self._plans: dict[str, RegimePlan] = {}
        self._regimes = Memo(MEMO_LIMIT)
        self._dated = Lookup(self._date_facts, MEMO_LIMIT)
        self._signatures = Signatures(8 * MEMO_LIMIT)
        self._statuses = Memo(8 * MEMO_LIMIT)
        self._version: int | None = None
        self._refresh()

    def _refresh(self) -> None:
        """Forget what was worked out from the rules when their tables changed (``RuleBook.add_table_data``)."""
        version = len(self.rules.data_files)
        if version != self._version:
            self._memo = {"finding": Memo(MEMO_LIMIT), "shared": Memo(MEMO_LIMIT), "aid": Memo(MEMO_LIMIT),
                          "objectives": Memo(MEMO_LIMIT)}
            self._plans = {}
            self._regimes = Memo(MEMO_LIMIT)
            self._dated = Lookup(self._date_facts, MEMO_LIMIT)
            self._signatures = Signatures(8 * MEMO_LIMIT)
            self._statuses = Memo(8 * MEMO_LIMIT)
            self._version = version

    def evaluate(self, case: Case | Mapping[str, Any], on: date | str | None = None) -> Verdict:
        """The verdict of ``case`` on ``on`` (default: the contract's signature date), as :func:`evaluate` gives
        it, with this evaluator's rules, backend and language: build one evaluator and call this for many cases.

        >>> ev = Evaluator(language="en")
        >>> ev.evaluate({"doctor": {"sector": "non_conventionne"}, "contract": {"signature_date": "2020-03-01"}}).status
        'not_eligible'
        """
        case = coerce_case(case)
        verdict = self._evaluate(facts_of(case), coerce_date(on), case)
        return verdict.with_origin((self, case, on))

    def _plan(self, regime: Regime) -> RegimePlan:
        plan = self._plans.get(regime.id)
        if plan is None or plan.regime is not regime:
            plan = self._plans[regime.id] = RegimePlan(regime)
        return plan

    def _regime(self, signature: date) -> Regime | None:
        regime = self._regimes.get(signature, _UNSEEN)
        if regime is _UNSEEN:
            try:
                regime = self.rules.regime_for_signature(signature)
            except NoRegimeError:
                regime = None
            self._regimes.put(signature, regime)
        return regime  # type: ignore[no-any-return]

    def _judge(self, facts: Facts, on_day: date | None, case: Case | None = None) -> Verdict | Judged:
        """The regime, the findings and the status of a case given by its facts: what a verdict and a summary
        row share (the verdict itself when no regime applies). A finding may still be a :class:`PerCase`."""
        if self._version != len(self.rules.data_files):
            self._refresh()
        signed = facts[_SIGNATURE]
        signature = signed or on_day or date.today()
        on_day = on_day or signature
        if signed is None:  # taken as signed on the evaluation date
            facts = facts[:_SIGNATURE] + (signature,) + facts[_SIGNATURE + 1:]
            case = None
        regime = self._regime(signature)
        if regime is None:
            return self._no_regime(signature, on_day)
        frozen = facts
        view = CaseView(self._plan(regime), facts, signature,
                        (lambda: case) if case is not None else (lambda: case_of(frozen)))
        info = view.info
        found: list[Any]
        if self._memoise:  # a finding is a function of what its rule reads: see plan.RegimePlan._finding_getter
            ext, epoch = view.ext, info.epoch
            found = [memo.get((epoch, key_of(ext))) for _, key_of, memo in info.findings]
            if len(found) != len(list(filter(None, found))):  # not `None in found`: it would call Finding.__eq__
                for n, finding in enumerate(found):
                    if finding is None:
                        rule, key_of, memo = info.findings[n]
                        judgement = (view.decide(rule.applies_if) if rule.applies_if is not None else ALWAYS) \
                            + view.decide(rule.condition)
                        found[n] = memo.put((epoch, key_of(ext)), self._shared(rule, judgement, view))
        else:
            rules = info.rules
            judgements = self.backend.judge(regime, rules, view.context())
            found = [self._finding(rule, judgement, view) for rule, judgement in zip(rules, judgements)]
        status, missing, missing_data, uncertain, failed = self._status(found)
        return regime, view, signed, on_day, found, status, missing, missing_data, uncertain, failed

    @staticmethod
    def _status(found: list[Any]) -> tuple[str, list[str], list[str], list[str], str | None]:
        """The status, missing inputs, missing rule data, uncertain rules and first failing rule of a case
        with these findings."""
        outcomes = [f.outcome for f in found]
        if "not_met" in outcomes:
            status, deciding = "not_eligible", "not_met"
        elif "unknown" in outcomes:
            status, deciding = "undetermined", "unknown"
        else:
            status, deciding = "eligible", "met"
        missing: list[str] = []
        missing_data: list[str] = []
        if status == "undetermined":
            for m in _dedupe(tuple(m for f in found if f.outcome == "unknown" for m in f.missing)):
                if m.startswith(DATA_GAP):
                    missing_data.append(m[len(DATA_GAP):])
                else:
                    missing.append(m)
        uncertain = [f.rule_id for f in found
                     if f.certainty == "uncertain" and f.outcome == deciding and f.applicable is not False]
        failed = next((f.rule_id for f in found if f.outcome == "not_met"), None)
        return status, missing, missing_data, uncertain, failed

    def _judge_many(self, many: Sequence[Facts], on_day: date | None) -> list[Verdict | Judged]:
        """``[self._judge(facts, on_day) for facts in many]``, faster on many cases: column by column.

        The cases whose findings are all in the memos, grouped by regime and rules in force, have their
        derived facts and finding keys worked out a column at a time; their status, missing inputs and
        uncertain rules come from a memo keyed by what their findings say. Any other case (a finding not
        yet in its memo, no signature date, no regime, a backend without memos) goes through :meth:`_judge`.
        """
        if self._version != len(self.rules.data_files):
            self._refresh()
        if not self._memoise or len(many) < 16:
            return [self._judge(facts, on_day) for facts in many]
        out: list[Verdict | Judged | None] = [None] * len(many)
        dated = list(map(self._dated.__getitem__, [facts[_SIGNATURE] for facts in many]))
        groups: dict[tuple[int, int], list[int]] = {}
        for n, got in enumerate(dated):
            if got is None:  # no signature date, or no regime for it
                out[n] = self._judge(many[n], on_day)
            else:
                groups.setdefault(got[3], []).append(n)
        signatures = self._signatures
        statuses = self._statuses
        for members in groups.values():
            regime, plan, info, _ = dated[members[0]]
            rows = [many[n] for n in members]
            columns: list[Any] = list(zip(*rows))
            columns += plan.derived_columns(columns)
            epochs = [dated[n][2].epoch for n in members]
            found_columns = []
            for rule, _, memo in info.findings:
                slots = plan.finding_slots[id(rule)]
                keys = (zip(epochs, columns[slots[0]]) if len(slots) == 1 else
                        zip(epochs, zip(*[columns[slot] for slot in slots])) if slots else zip(epochs, repeat(())))
                found_columns.append(list(map(memo.get, keys)))
            signature_columns = []  # and the status of each case looked up, a column at a time too
            for column in found_columns:
                try:
                    signature_columns.append(list(map(signatures.__getitem__, map(id, column))))
                except KeyError:  # a finding without its signature yet, or none (not in its memo yet)
                    signature_columns.append([None if f is None else signatures.of(f) for f in column])
            status_keys = list(zip(*signature_columns))
            for n, facts, ext, found, key, shared in zip(members, rows, zip(*columns), zip(*found_columns),
                                                         status_keys, list(map(statuses.get, status_keys))):
                if shared is None:
                    if _NONE in map(type, found):  # a finding not in its memo yet
                        out[n] = self._judge(facts, on_day)
                        continue
                    shared = statuses.put(key, self._status(list(found)))
                status, missing, missing_data, uncertain, failed = shared
                _, _, info, _ = dated[n]
                signed = facts[_SIGNATURE]
                view = CaseView.of(plan, facts, ext, signed, info, partial(case_of, facts))
                out[n] = (regime, view, signed, on_day or signed, list(found), status, list(missing),
                          list(missing_data), list(uncertain), failed)
        return out  # type: ignore[return-value]

    def _date_facts(self, signature: date | None) -> tuple[Regime, RegimePlan, DateInfo, tuple[int, int]] | None:
        """The regime, plan and date facts of a contract signed on ``signature``, and its group in a batch."""
        regime = None if signature is None else self._regime(signature)
        if regime is None:
            return None
        plan = self._plan(regime)
        info = plan.on_date(signature)  # type: ignore[arg-type]
        return regime, plan, info, (id(plan), info.rule_set)

    def _evaluate(self, facts: Facts, on_day: date | None, case: Case | None = None) -> Verdict:
        """The verdict of a case given by its facts (and its :class:`Case`, if the caller has it)."""
        return self._verdict(self._judge(facts, on_day, case))

    def _verdict(self, judged: Verdict | Judged) -> Verdict:
        """The verdict of a judged case (see :meth:`_judge`)."""
        if isinstance(judged, Verdict):
            return judged
        regime, view, signed, on_day, found, status, missing, missing_data, uncertain, _ = judged
        language = self.language
        facts, info, signature, plan = view.facts, view.info, view.signature, view.plan
        findings = [f.fill(facts, language) if f.__class__ is PerCase else f for f in found]
        texts = info.texts  # what depends on the date only, worked out once per date
        reason = texts.get(signed is None)
        if reason is None:
            span = regime.new_contracts
            reason = texts[signed is None] = text(
                "reason.signed" if signed else "reason.assumed", language, signature=signature.isoformat()
            ) + text("reason.regime", language, title=pick(regime.short_title, regime.en, "short_title", language),
                     start=span.start.isoformat(),
                     end=text("reason.until", language, end=span.end.isoformat()) if span.end
                     else text("reason.open", language))
        transitions = texts.get(on_day)
        if transitions is None:
            transitions = texts[on_day] = tuple(t for t in regime.transitions_in(language)
                                                if signature < t.start <= on_day)
        obligations: list[ObligationStatus] = []
        conditional: list[ObligationStatus] = []
        if status != "not_eligible":
            due_on = texts.get("obligations")
            if due_on is None:
                due_on = texts["obligations"] = self._obligations_on(info.obligations, view)
            epoch = info.epoch
            for applies_if, start, delay, done, fixed, memo in due_on:
                applies = True if applies_if is None else view.decide(applies_if)[0]
                if applies is False:
                    continue
                key = (epoch, facts[start], facts[done], on_day)  # the status is a function of these
                due = memo.get(key)
                if due is None:
                    due = memo.put(key, self._obligation(facts[start], delay, facts[done], fixed, on_day))
                (obligations if applies else conditional).append(due)
        eligible = status == "eligible"
        title, renewal = plan.texts.get("regime") or plan.texts.setdefault("regime", (
            pick(regime.title, regime.en, "title", language),
            None if regime.aid is None else pick(regime.aid.renewal.says, regime.aid.en, "renewal", language)))
        return build(Verdict, {
            "status": status,
            "regime": regime.id,
            "regime_title": title,
            "regime_reason": reason,
            "evaluated_on": on_day,
            "signature_date": signature,
            "transitions": list(transitions),
            "findings": findings,
            "missing": missing,
            "missing_data": missing_data,
            "obligations": obligations,
            "conditional_obligations": conditional,
            "uncertain_rules": uncertain,
            "aid": aid_schedule(regime, view, language, self._memo["aid"]) if eligible else [],
            "objectives": objectives(regime, view, language, self._memo["objectives"]) if eligible else [],
            "renewal": renewal,
            "language": language,
        })

    def _summary(self, facts: Facts, on_day: date | None) -> Summary:
        """What a batch's summary row says of a case given by its facts, without building its verdict.

        The same as :meth:`Summary.of` the verdict (``tests/test_batch.py`` checks it on generated cases);
        the findings' messages, the obligations, the aid years and the objectives are not built.
        """
        return self._summary_of(self._judge(facts, on_day))

    def _summary_of(self, judged: Verdict | Judged) -> Summary:
        """The summary of a judged case (see :meth:`_judge`)."""
        if isinstance(judged, Verdict):
            return Summary.of(judged)
        regime, view, _, _, _, status, missing, missing_data, uncertain, failed = judged
        total = aid_total(regime, view, self.language, self._memo["aid"]) if status == "eligible" else None
        return Summary(status, regime.id, failed, missing, missing_data, total, uncertain)

    def review(self, case: Case | Mapping[str, Any], contract_year: int, achieved: Mapping[str, int]) -> Review:
        """The yearly review of a signed contract: see :func:`review`."""
        case = coerce_case(case, "review")
        year, counts = _review_arguments(contract_year, achieved)
        signature = case.contract.signature_date
        if signature is None:
            raise InvalidCaseError([{"field": "contract.signature_date", "input": None, "message":
                                     "a review needs the contract's signature date: give it, written YYYY-MM-DD"}],
                                   "review")
        regime = self.rules.regime_for_signature(signature)
        view = CaseView(self._plan(regime), facts_of(case), signature, lambda: case)
        return review_year(regime, view, year, counts, self.language)

    def _finding(self, rule: Rule, judgement: Judgement, view: CaseView) -> Finding:
        """The finding of ``rule`` for this case: all of it but its message is a function of the judgement."""
        template, parts = self._parts(rule, judgement)
        if template is None:  # a message that shows no value of the case: one Finding for them all
            return parts  # type: ignore[no-any-return]
        values = dict(parts)
        values["message"] = render(template, template_values(template, view), self.language)
        return build(Finding, values)

    def _shared(self, rule: Rule, judgement: Judgement, view: CaseView) -> Finding | PerCase:
        """:meth:`_shared_finding`, from the evaluator's memo: cases whose findings differ in their memo's key
        (:meth:`RegimePlan._finding_getter`) may still share one (the same judgement and values shown)."""
        key = (id(rule), view.info.epoch, judgement, view.plan.shown[id(rule)](view.facts))
        memo = self._memo["shared"]
        shared = memo.get(key)
        if shared is None:
            shared = memo.put(key, self._shared_finding(rule, judgement, view))
        return shared  # type: ignore[no-any-return]

    def _shared_finding(self, rule: Rule, judgement: Judgement, view: CaseView) -> Finding | PerCase:
        """What cases with this judgement and the same values of few kinds share (see ``_finding_getter``).

        The :class:`Finding` itself, or, when its message shows a number or a date of the case, a
        :class:`PerCase` with the message filled but for those values.
        """
        template, parts = self._parts(rule, judgement)
        if template is None:
            return parts  # type: ignore[no-any-return]
        language = self.language
        slots, pieces = [], []
        for kind, what in template.parts:
            if kind == "text":
                pieces.append(escape(what))
            elif kind == "field" and shown_per_case(INDEX[what]):
                slots.append(INDEX[what])
                pieces.append("{}")
            else:
                value = view.facts[INDEX[what]] if kind == "field" else view.param(what)
                pieces.append(escape(show(value, language)))
        if not slots:
            return build(Finding, {**parts, "message": "".join(pieces).format()})
        return PerCase("".join(pieces), itemgetter(*slots), len(slots) == 1, parts)

    def _parts(self, rule: Rule, judgement: Judgement) -> tuple[Template | None, Any]:
        """:meth:`_finding_parts`, from the evaluator's memo."""
        memo = self._memo["finding"]
        key = (id(rule), judgement)
        fixed = memo.get(key)
        if fixed is None:
            fixed = memo.put(key, self._finding_parts(rule, judgement))
        return fixed  # type: ignore[no-any-return]

    def _finding_parts(self, rule: Rule, judgement: Judgement) -> tuple[Template | None, Any]:
        """The message template and the fields of a finding, or (None, the Finding) if the message is fixed."""
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
        language = self.language
        messages = rule.en["messages"] if language == "en" and rule.en else rule.messages
        template = messages.get(key)
        title = pick(rule.title, rule.en, "title", language)
        if template is None:
            message = (
                text("finding.not_applicable", language, title=title) if key == "not_applicable" else
                text("finding.unknown", language, title=title,
                     missing=", ".join(m.removeprefix(DATA_GAP) for m in _dedupe(missing)))
            )
        elif not template.placeholders:
            message, template = render(template, (), language), None
        else:
            message = ""  # filled for each case
        values = {
            "rule_id": rule.id, "title": title, "outcome": outcome, "applicable": applicable, "message": message,
            "citations": list(rule.citations), "certainty": rule.certainty, "note": rule.note,
            "missing": _dedupe(missing),
        }
        return (None, build(Finding, values)) if template is None else (template, values)

    def _obligations_on(self, obligations: Sequence[Obligation], view: CaseView
                        ) -> list[tuple[Any, int, Any, int, tuple[Any, ...], Memo]]:
        """What the obligations in force on a contract's date need for each case (worked out once per date).

        Per obligation: its condition, the position of the date it is counted from, its delay, the position
        of the date it was done, the fields of its status that depend on the date only, and the memo of its
        statuses (an :class:`ObligationStatus` is a function of the parameters' epoch, the two dates and the
        evaluation date: cases that agree on them share it).
        """
        language = self.language
        out = []
        for ob in obligations:
            delay = view.param(ob.within) if isinstance(ob.within, str) else ob.within
            counted = text("obligation.counted", language, delay=format_value(delay, language), start=ob.counted_from) \
                if delay is not None else text("obligation.no_delay", language, start=ob.counted_from)
            fixed = (ob.id, pick(ob.title, ob.en, "title", language), counted,
                     pick(ob.consequence, ob.en, "consequence", language), list(ob.citations), ob.certainty, ob.note)
            out.append((ob.applies_if, INDEX[ob.counted_from], delay, INDEX[ob.done_on], fixed,
                        view.plan.obligation_memo(ob)))
        return out

    @staticmethod
    def _obligation(start: date | None, delay: Any, done: date | None, fixed: tuple[Any, ...], on: date
                    ) -> ObligationStatus:
        """An obligation's status on ``on``: due ``delay`` after ``start``, done on ``done`` (None: not yet)."""
        due = add_delay(start, delay) if start is not None and delay is not None else None
        if done is not None and done <= on:
            state, met_on = ("late" if due is not None and done > due else "met"), done
        elif due is not None and on > due:
            state, met_on = "overdue", None
        else:
            state, met_on = "pending", None
        ob_id, title, counted, consequence, citations, certainty, note = fixed
        return build(ObligationStatus, {  # in the order of the model's fields (JSON output follows it)
            "obligation_id": ob_id, "title": title, "due_date": due, "counted_from": counted, "state": state,
            "met_on": met_on, "consequence": consequence, "citations": citations, "certainty": certainty, "note": note,
        })

    def _no_regime(self, signature: date, on: date) -> Verdict:
        language = self.language
        regimes = self.rules.regimes
        before = [r for r in regimes if r.new_contracts.start > signature]
        nearest = before[0] if before else regimes[-1]
        if before and nearest is regimes[0]:
            message = text("no_regime.before", language, signature=signature.isoformat(),
                           title=pick(nearest.short_title, nearest.en, "short_title", language),
                           start=nearest.new_contracts.start.isoformat())
        else:
            message = text("no_regime.none", language, signature=signature.isoformat(),
                           ids=", ".join(r.id for r in regimes))
        finding = build(Finding, {
            "rule_id": "regime.aucun", "title": text("no_regime.title", language), "outcome": "not_met",
            "applicable": True, "message": message, "citations": list(nearest.citations), "certainty": "confirmed",
            "note": None, "missing": [],
        })
        return build(Verdict, {
            "status": "not_eligible", "regime": None, "regime_title": None, "regime_reason": message,
            "evaluated_on": on, "signature_date": signature, "transitions": [], "findings": [finding], "missing": [],
            "missing_data": [], "obligations": [], "conditional_obligations": [], "uncertain_rules": [], "aid": [],
            "objectives": [], "renewal": None, "language": language,
        })


def evaluate(
    case: Case | Mapping[str, Any], on: date | str | None = None, *, rules: RuleBook | None = None,
    backend: str = "native", language: str = DEFAULT_LANGUAGE,
) -> Verdict:
    """Evaluate one case on a date and return its :class:`Verdict`.

    ``case`` is a :class:`Case` or a plain dict as parsed from JSON. ``on`` is the evaluation date (a date
    or ``"YYYY-MM-DD"``): obligations are judged on it, and a contract with no signature date is taken as
    signed on it. Left out, it is the signature date, or today if that is unknown too. ``rules`` defaults
    to the rule files shipped with the package. ``backend`` is ``"native"`` or ``"durable"`` (optional
    extra); ``language`` is ``"fr"`` (default) or ``"en"``. For many cases, build one :class:`Evaluator`
    and reuse it, or use :func:`~assistmed_rules.evaluate_many`.

    >>> str(evaluate({"doctor": {"sector": "secteur_2", "tariff_option": "aucune"}}, on="2020-03-01",
    ...              language="en")).splitlines()[0]
    'Verdict: NOT ELIGIBLE'
    """
    if rules is None and backend == "native" and language == DEFAULT_LANGUAGE:
        return _DEFAULT.evaluate(case, on)
    return _evaluator(rules, backend, language).evaluate(case, on)


_EVALUATORS: dict[tuple[int, str, str], Evaluator] = {}


def _evaluator(rules: RuleBook | None, backend: str, language: str) -> Evaluator:
    book = rules if rules is not None else default_rulebook()
    key = (id(book), backend, language)
    evaluator = _EVALUATORS.get(key)
    if evaluator is None or evaluator.rules is not book:
        if len(_EVALUATORS) >= 16:  # rule books loaded again and again must not pile up
            _EVALUATORS.clear()
        evaluator = _EVALUATORS[key] = Evaluator(book, backend, language)
    return evaluator


def review(
    case: Case | Mapping[str, Any], contract_year: int, achieved: Mapping[str, int], *, rules: RuleBook | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> Review:
    """Review contract year ``contract_year`` of a signed contract at its anniversary.

    ``achieved`` gives the patientèle reached, by objective indicator (``"patientele_mt"``, ``"file_active"``).
    The result says whether each objective is met and the aid due for that year under the regime's
    modulation rule; where the sources do not give the formula, ``aid_due`` is None and the review is
    flagged uncertain. ``language`` (``"fr"`` or ``"en"``) is the language of its notes. The conditions of
    eligibility are not decided again: the contract is taken as signed and running (use :func:`evaluate`
    for them).

    >>> r = review({"doctor": {"specialty": "cardiologie", "activity": {"percentile": 40, "file_active": 2000}},
    ...             "contract": {"signature_date": "2020-01-15", "option": "1/3"}},
    ...            contract_year=3, achieved={"file_active": 2400})
    >>> r.objectives_met, r.max_amount, r.aid_due
    (True, Decimal('7000'), Decimal('7000'))
    """
    if rules is None and language == DEFAULT_LANGUAGE:
        return _DEFAULT.get().review(case, contract_year, achieved)
    return _evaluator(rules, "native", check_language(language)).review(case, contract_year, achieved)


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
