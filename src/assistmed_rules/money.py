"""The money and the follow-up: aid per contract year, patientèle objectives, the yearly review.

Everything legal comes from the rule file's ``aid`` and ``objectives`` sections and its dated parameters;
this module holds only the mechanism: contract years counted with calendar arithmetic, the amount looked up
on the date each contract year starts (so a revaluation applies from the first anniversary after it), the
percentile band, the targets and their rounding, and the modulation from the year the text says.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta

from .conditions import FIELDS, Compiled, ConditionError, Scope, compile_condition, parse_duration
from .errors import InvalidCaseError
from .i18n import delay_text, pick, text
from .plan import MEMO_LIMIT, Memo
from .verdict import Advance, AidYear, Citation, IndicatorReview, Objective, Review, build

if TYPE_CHECKING:  # pragma: no cover
    from .plan import CaseView
    from .rulebook import Regime
    from .schema import AidSpec, ObjectivesSpec

Cite = Any  # the rulebook's citation resolver: (specs, where) -> tuple[Citation, ...]
ROUNDING = {"up": ROUND_CEILING, "down": ROUND_FLOOR, "nearest": ROUND_HALF_UP}

_UNSEEN = object()


@dataclass(frozen=True)
class Band:
    id: str
    start: float
    label: str
    certainty: str = "confirmed"
    note: str | None = None
    exclusive: bool = False  # the band holds the percentiles above ``start``, not ``start`` itself
    en_label: str | None = None  # the English label, if given

    def holds(self, percentile: float) -> bool:
        return percentile > self.start if self.exclusive else percentile >= self.start


@dataclass(frozen=True)
class CitedText:
    says: str
    citations: tuple[Citation, ...]
    certainty: str
    note: str | None


@dataclass(frozen=True)
class AdvanceRule(CitedText):
    share: Decimal
    within: relativedelta
    counted_from: str


@dataclass(frozen=True)
class Modulation(CitedText):
    from_year: int
    formula: str | None


@dataclass(frozen=True)
class AidSchedule(CitedText):
    percentile: str
    bands: tuple[Band, ...]  # highest first
    amounts: dict[str, dict[int, dict[str, str]]]
    advance: AdvanceRule | None
    modulation: Modulation
    renewal: CitedText
    en: dict[str, str] = field(default_factory=dict)  # "renewal": the English version, if given

    def band_of(self, percentile: float) -> Band | None:
        for band in self.bands:
            if band.holds(percentile):
                return band
        return None

    def band_table(self, option: str, year: int) -> dict[str, str] | None:
        by_year = self.amounts.get(option)
        if not by_year:
            return None
        return by_year[min(year, max(by_year))]


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    applies_if: Compiled | None
    count: tuple[str, ...]
    en: dict[str, str] = field(default_factory=dict)  # "label": the English version, if given


@dataclass(frozen=True)
class Increase:
    bands: dict[str, Decimal | None]
    citations: tuple[Citation, ...]
    certainty: str
    note: str | None


@dataclass(frozen=True)
class NewInstallation(CitedText):
    applies_if: Compiled
    target_percentile: float
    within: relativedelta


@dataclass(frozen=True)
class ObjectivesRule(CitedText):
    indicators: tuple[Indicator, ...]
    increases: dict[str, Increase]
    rounding: str
    rounding_certainty: str
    rounding_note: str | None
    new_installation: NewInstallation | None


# ---------------------------------------------------------------------------------------------------
# Compiling the aid and objectives sections of a rule file
# ---------------------------------------------------------------------------------------------------
def _text(spec: Any, cite: Cite, where: str) -> dict[str, Any]:
    return {"says": " ".join(spec.says.split()), "citations": cite(spec.citations, where),
            "certainty": spec.certainty, "note": spec.note}


def _option(value: str, where: str) -> str:
    from .models import ContractOption, suggest

    accepted = [o.value for o in ContractOption]
    if value not in accepted:
        raise ConditionError(f"{where}: {value!r} is not a contract option{suggest(value, accepted)}; accepted: {', '.join(accepted)}")
    return value


def compile_aid(spec: AidSpec, params: Mapping[str, Any], cite: Cite) -> AidSchedule:
    if spec.percentile not in FIELDS or FIELDS[spec.percentile].kind != "number":
        raise ConditionError(f"aid.percentile: {spec.percentile!r} is not a numeric input field")
    bands = tuple(sorted((Band(b.id, b.start, b.label, b.certainty, b.note, b.exclusive,
                               b.en.label if b.en is not None else None) for b in spec.bands),
                         key=lambda b: (-b.start, not b.exclusive)))
    band_ids = {b.id for b in bands}
    if len(band_ids) != len(bands):
        raise ConditionError("aid.bands: two bands have the same id")
    for option, by_year in spec.amounts.items():
        _option(option, f"aid.amounts.{option}")
        if 1 not in by_year:
            raise ConditionError(f"aid.amounts.{option}: the amounts of contract year 1 are missing")
        for year, table in by_year.items():
            where = f"aid.amounts.{option}.{year}"
            if "default" not in table and set(table) != band_ids:
                raise ConditionError(f"{where}: give a 'default' amount or one per band ({', '.join(sorted(band_ids))})")
            for band, pname in table.items():
                if band != "default" and band not in band_ids:
                    raise ConditionError(f"{where}: {band!r} is not a band id ({', '.join(sorted(band_ids))})")
                if pname not in params or params[pname].unit != "euros":
                    raise ConditionError(f"{where}.{band}: {pname!r} is not a parameter in euros of this file")
    advance = None
    if spec.advance is not None:
        a = spec.advance
        if a.counted_from not in FIELDS or FIELDS[a.counted_from].kind != "date":
            raise ConditionError(f"aid.advance.counted_from: {a.counted_from!r} is not a date input field")
        advance = AdvanceRule(
            says=f"{a.share:g} % de l'aide de la 1re année", citations=cite(a.citations, "aid.advance"),
            certainty=a.certainty, note=a.note, share=Decimal(str(a.share)),
            within=relativedelta(years=a.within.years, months=a.within.months, days=a.within.days),
            counted_from=a.counted_from,
        )
    return AidSchedule(
        **_text(spec, cite, "aid"), percentile=spec.percentile, bands=bands,
        amounts={o: {int(y): dict(t) for y, t in by_year.items()} for o, by_year in spec.amounts.items()},
        advance=advance,
        modulation=Modulation(**_text(spec.modulation, cite, "aid.modulation"), from_year=spec.modulation.from_year,
                              formula=spec.modulation.formula),
        renewal=CitedText(**_text(spec.renewal, cite, "aid.renewal")),
        en={} if spec.renewal.en is None else {"renewal": " ".join(spec.renewal.en.says.split())},
    )


def compile_objectives(spec: ObjectivesSpec, aid: AidSchedule | None, scope: Scope, cite: Cite) -> ObjectivesRule:
    if aid is None:
        raise ConditionError("objectives: need an 'aid' section (its percentile bands)")
    band_ids = {b.id for b in aid.bands}
    indicators = []
    for ind in spec.indicators:
        for path in ind.count:
            if path not in FIELDS or FIELDS[path].kind != "number":
                raise ConditionError(f"objectives.indicators.{ind.id}.count: {path!r} is not a numeric input field")
        applies = None if ind.applies_if is None else compile_condition(ind.applies_if, scope, f"objectives.indicators.{ind.id}.applies_if")
        indicators.append(Indicator(ind.id, ind.label, applies, tuple(ind.count),
                                    {} if ind.en is None else {"label": ind.en.label}))
    increases = {}
    for option, inc in spec.increases.items():
        _option(option, f"objectives.increases.{option}")
        unknown = set(inc.bands) - band_ids
        if unknown:
            raise ConditionError(f"objectives.increases.{option}: {min(unknown)!r} is not a band id")
        increases[option] = Increase(
            {b: None if v is None else Decimal(str(v)) for b, v in inc.bands.items()},
            cite(inc.citations, f"objectives.increases.{option}"), inc.certainty, inc.note,
        )
    new = None
    if spec.new_installation is not None:
        n = spec.new_installation
        new = NewInstallation(
            **_text(n, cite, "objectives.new_installation"),
            applies_if=compile_condition(n.applies_if, scope, "objectives.new_installation.applies_if"),
            target_percentile=n.target_percentile,
            within=parse_duration(n.within.model_dump(), "objectives.new_installation.within"),
        )
    return ObjectivesRule(
        **_text(spec, cite, "objectives"), indicators=tuple(indicators), increases=increases,
        rounding=spec.rounding, rounding_certainty=spec.rounding_certainty, rounding_note=spec.rounding_note,
        new_installation=new,
    )


# ---------------------------------------------------------------------------------------------------
# Computing
# ---------------------------------------------------------------------------------------------------
def add_years(day: date, years: int) -> date:
    """``day`` plus whole calendar years; 29 February becomes 28 February in a common year (as relativedelta).

    >>> add_years(date(2024, 2, 29), 2)
    datetime.date(2026, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_delay(day: date, delay: relativedelta) -> date:
    """``day`` plus a delay of the rule files (years, months, days), as ``day + delay`` computes it.

    The same calendar arithmetic as dateutil's relativedelta (months added first, the day kept or brought
    back to the month's last day, then the days), without its generic machinery: the engine adds delays
    to a date for every case (``tests/test_money.py`` checks it against relativedelta).

    >>> add_delay(date(2020, 1, 31), relativedelta(months=1, days=2))
    datetime.date(2020, 3, 2)
    """
    if delay.hours or delay.minutes or delay.seconds or delay.microseconds or delay.leapdays or \
            delay.year is not None or delay.month is not None or delay.day is not None or delay.weekday is not None:
        return day + delay  # not a delay a rule file can write
    months = delay.years * 12 + delay.months
    if months:
        year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
        month += 1
        last = _MONTH_DAYS[month] if month != 2 else 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28
        day = date(year, month, min(day.day, last))
    return day + timedelta(days=delay.days) if delay.days else day


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def year_bounds(signature: date, year: int) -> tuple[date, date]:
    """First and last day of contract year ``year`` (1-based), anniversaries by calendar arithmetic.

    >>> year_bounds(date(2020, 1, 15), 2)
    (datetime.date(2021, 1, 15), datetime.date(2022, 1, 14))
    """
    return add_years(signature, year - 1), add_years(signature, year) - timedelta(days=1)


def _possible_bands(schedule: AidSchedule, percentile: float | None) -> list[Band | None]:
    if percentile is not None:
        return [schedule.band_of(percentile)]
    return [*schedule.bands, None] if schedule.bands[-1].start > 0 else list(schedule.bands)


def _amount_for(regime: Regime, schedule: AidSchedule, option: str, year: int, band: Band | None, day: date
                ) -> tuple[str | None, Any]:
    table = schedule.band_table(option, year)
    if table is None:
        return None, None
    pname = table.get(band.id) if band is not None and band.id in table else table.get("default")
    if pname is None:
        return None, None
    return pname, regime.parameters[pname].entry_at(day)


def aid_schedule(regime: Regime, view: CaseView, language: str = "fr", memo: Memo | None = None
                 ) -> list[AidYear]:
    """The maximum aid for each year of the contract, looked up on the date each year starts.

    ``memo`` (a bounded :class:`~assistmed_rules.plan.Memo` the caller keeps) shares
    between cases what does not depend on their dates: a year's amount, band and citations are a function
    of the option, the possible bands, the year and the parameter values in force when it starts.
    """
    schedule = regime.aid
    memo = Memo(MEMO_LIMIT) if memo is None else memo
    out = []
    for year, start, end, part in _aid_years(regime, view, language, memo):
        values = part.copy()  # the year's fields, in the order of the model's, its dates left to fill
        values["start"], values["end"] = start, end
        if year == 1 and schedule is not None and schedule.advance is not None:
            advance_from = view.value(schedule.advance.counted_from)
            values["advance"] = _advance(schedule.advance, values["amount"], advance_from, start, language, memo)
        out.append(build(AidYear, values))
    return out


def aid_total(regime: Regime, view: CaseView, language: str = "fr", memo: Memo | None = None) -> Decimal | None:
    """The sum of :func:`aid_schedule`'s yearly amounts, or None if there is none or one is unknown
    (what :attr:`Verdict.aid_total <assistmed_rules.verdict.Verdict.aid_total>` gives), without building the years.

    The total is a function of the option, the possible bands and the epochs of the years' first days:
    ``memo`` keeps it under these.
    """
    memo = Memo(MEMO_LIMIT) if memo is None else memo
    got = _years_and_bands(regime, view, memo)
    if got is None:
        return None
    option, bounds, epochs, bands, band_ids = got
    key = ("total", regime.id, option, band_ids, epochs, language)
    total = memo.get(key, _UNSEEN)
    if total is _UNSEEN:
        amounts = [_part(regime, option, year, start, epoch, view, bands, band_ids, language, memo)["amount"]
                   for year, (start, _, epoch) in enumerate(bounds, 1)]
        total = memo.put(key, None if not amounts or None in amounts else sum(amounts, Decimal(0)))
    return total  # type: ignore[no-any-return]


def _aid_years(regime: Regime, view: CaseView, language: str, memo: Memo
               ) -> Iterator[tuple[int, date, date, dict[str, Any]]]:
    """Each contract year: its number, first and last day, and its other fields (shared between cases)."""
    got = _years_and_bands(regime, view, memo)
    if got is None:
        return
    option, bounds, _, bands, band_ids = got
    for year, (start, end, epoch) in enumerate(bounds, 1):
        yield year, start, end, _part(regime, option, year, start, epoch, view, bands, band_ids, language, memo)


def _years_and_bands(regime: Regime, view: CaseView, memo: Memo) -> tuple[Any, ...] | None:
    """The option, each contract year's bounds (first day, last day, epoch of the parameters on its first
    day; memoised per signature date), the tuple of those epochs, and the possible bands with their ids;
    None without aid, option or signature date."""
    schedule = regime.aid
    if schedule is None:
        return None
    option = view.value("contract.option")
    signature = view.value("contract.signature_date")
    if option is None or signature is None:
        return None
    years = memo.get(("years", regime.id, signature))
    if years is None:
        duration = regime.param("duree_contrat", signature)
        count = _contract_years(signature, duration) if duration else 0
        bounds = tuple((start, end, view.plan.epoch_on(start))
                       for start, end in (year_bounds(signature, y) for y in range(1, count + 1)))
        years = memo.put(("years", regime.id, signature), (bounds, tuple(epoch for _, _, epoch in bounds)))
    bands = _possible_bands(schedule, view.value(schedule.percentile))
    return option, years[0], years[1], bands, tuple([b.id if b else None for b in bands])


def _part(regime: Regime, option: Any, year: int, start: date, epoch: Any, view: CaseView, bands: list[Band | None],
          band_ids: tuple[str | None, ...], language: str, memo: Memo) -> dict[str, Any]:
    key = ("year", regime.id, option, band_ids, year, epoch, language)
    part = memo.get(key)
    if part is None:
        schedule = regime.aid
        assert schedule is not None  # a regime without aid has no contract years (see _years_and_bands)
        part = memo.put(key, _year_part(regime, schedule, option.value, year, start, view.value(schedule.percentile),
                                        bands, language))
    return part  # type: ignore[no-any-return]


def _year_part(regime: Regime, schedule: AidSchedule, option: str, year: int, start: date, percentile: float | None,
               bands: list[Band | None], language: str) -> dict[str, Any]:
    """What a contract year's entry holds besides its dates: the amount, its band, parameter and citations."""
    candidates = {}
    for band in bands:
        pname, entry = _amount_for(regime, schedule, option, year, band, start)
        candidates[band.id if band else None] = (pname, entry)
    values = {None if e is None else e.value for _, e in candidates.values()}
    pname, entry = next(iter(candidates.values()))
    band_id = bands[0].id if len(bands) == 1 and bands[0] is not None else None
    missing: list[str] = []
    note = None
    possible: list[Decimal] = []
    if len(values) == 1 and None not in values:
        amount = values.pop()
    else:
        amount = None
        possible = sorted(v for v in values if v is not None)
        if percentile is None and len(values) > 1:
            missing.append(schedule.percentile)
            note = text("aid.band_unknown", language)
        if None in values:
            note = text("aid.no_value", language)
    uncertain = entry is None or entry.certainty == "uncertain" or schedule.certainty == "uncertain"
    if note is None and entry is not None:
        note = entry.note or None
    band = bands[0] if len(bands) == 1 else None
    if band is not None and band.certainty == "uncertain":
        _, default = _amount_for(regime, schedule, option, year, None, start)
        if (None if default is None else default.value) != (None if entry is None else entry.value):
            uncertain = True  # the band decides this year's amount
            note = " ".join(filter(None, (note, band.note)))
    return {
        "contract_year": year, "start": None, "end": None,  # the dates are filled per case
        "band": band_id, "amount": amount, "possible_amounts": possible, "parameter": pname,
        "value_from": None if entry is None else entry.start, "modulated": year >= schedule.modulation.from_year,
        "citations": list(entry.citations) if entry is not None else list(schedule.citations),
        "certainty": "uncertain" if uncertain else "confirmed",
        "note": note,
        "missing": missing, "advance": None,
    }


def _advance(adv: AdvanceRule, amount: Decimal | None, advance_from: date | None, signature: date,
             language: str, memo: Memo) -> Advance:
    """The advance on the year-1 aid, due ``adv.within`` after ``advance_from`` (None: unknown).

    Counted from a date before the contract's signature (an assistant hired before it), the advance cannot
    fall due before the contract exists, and the sources do not say when it does: no due date, uncertain.
    """
    key = ("advance", id(adv), amount, language)
    fixed = memo.get(key)
    if fixed is None:
        fixed = memo.put(key, {
            "share_percent": adv.share,
            "amount": None if amount is None else (amount * adv.share / 100).quantize(Decimal("1.00")),
            "due_date": None,
            "counted_from": text("obligation.counted", language, delay=delay_text(adv.within, language),
                                 start=adv.counted_from),
            "citations": list(adv.citations), "certainty": adv.certainty, "note": adv.note,
        })
    values = dict(fixed)
    if advance_from is not None:
        if advance_from < signature:
            values["certainty"] = "uncertain"
            values["note"] = " ".join(filter(None, (text("advance.before_signature", language), adv.note)))
        else:
            values["due_date"] = add_delay(advance_from, adv.within)
    return build(Advance, values)


def _contract_years(signature: date, duration: relativedelta) -> int:
    """Number of contract years a contract of this duration starts (a part year counts as a year)."""
    end = add_delay(signature, duration)
    years = 0
    while add_years(signature, years) < end:
        years += 1
    return years


def _round(value: Decimal, mode: str) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUNDING[mode]))


def _count(view: CaseView, paths: tuple[str, ...]) -> int | None:
    total = 0
    for path in paths:
        v = view.value(path)
        if v is None:
            return None
        total += v
    return total


def objectives(regime: Regime, view: CaseView, language: str = "fr", memo: Memo | None = None
               ) -> list[Objective]:
    """The patientèle objectives of the contract, from the doctor's band and the option."""
    rule = regime.objectives
    schedule = regime.aid
    if rule is None or schedule is None:
        return []
    option = view.value("contract.option")
    percentile = view.value(schedule.percentile)
    band = schedule.band_of(percentile) if percentile is not None else None
    new = rule.new_installation
    is_new = new is not None and view.decide(new.applies_if)[0] is True
    counted = tuple(_count(view, ind.count) if ind.applies_if is None or view.decide(ind.applies_if)[0] is True
                    else False for ind in rule.indicators)  # False: the indicator does not apply
    memo = Memo(MEMO_LIMIT) if memo is None else memo
    out = []
    for ind, start in zip(rule.indicators, counted):
        if start is False:
            continue
        key = (id(ind), option, band, is_new, start is None, language)
        fixed = memo.get(key)
        if fixed is None:
            fixed = memo.put(key, _objective_parts(rule, ind, option, band, is_new, start is None, language))
        values, factor, unrounded = fixed
        if start is not None:
            exact = factor is not None and (start * factor) % 1 == 0
            values = dict(unrounded if exact and unrounded is not None else values)  # no rounding: none to doubt
            values["start_count"] = start
            if factor is not None:
                values["target_count"] = _round(start * factor, rule.rounding)
        out.append(build(Objective, values))
    return out


def _objective_parts(rule: Any, ind: Any, option: Any, band: Band | None, is_new: bool, unknown_start: bool,
                     language: str) -> tuple[dict[str, Any], Decimal | None, dict[str, Any] | None]:
    """An objective's fields but its counts, what the start count is multiplied by (None: no target), and its
    fields when that product is a whole number, so that the rule's rounding plays no part (None: the same)."""
    label = pick(ind.label, ind.en, "label", language)
    new = rule.new_installation
    if is_new and new is not None:
        return {
            "indicator": ind.id, "label": label, "band": band.id if band else None, "kind": "reach_percentile",
            "increase_percent": None, "target_percentile": new.target_percentile, "start_count": None,
            "target_count": None, "within": delay_text(new.within, language), "citations": list(new.citations),
            "certainty": new.certainty, "note": new.note,
        }, None, None
    inc = rule.increases.get(option.value) if option is not None else None
    increase = None if inc is None or band is None else inc.bands.get(band.id)
    notes = []
    if inc is None:
        notes.append(text("objective.no_table", language))
    elif band is None:
        notes.append(text("objective.no_band", language))
    elif increase is None:
        notes.append(text("objective.not_found", language,
                          band=band.en_label if language == "en" and band.en_label else band.label))
    if inc is not None and inc.note:
        notes.append(inc.note)
    targeted = increase is not None and not unknown_start
    uncertain = inc is None or increase is None or inc.certainty == "uncertain"
    values = {
        "indicator": ind.id, "label": label, "band": band.id if band else None, "kind": "increase",
        "increase_percent": increase, "target_percentile": None, "start_count": None, "target_count": None,
        "within": None, "citations": list(inc.citations) if inc is not None else list(rule.citations),
        "certainty": "uncertain" if uncertain else "confirmed", "note": " ".join(notes) or None,
    }
    factor = (Decimal(100) + increase) / Decimal(100) if targeted and increase is not None else None
    if not (targeted and rule.rounding_certainty == "uncertain"):
        return values, factor, None
    rounded = {**values, "certainty": "uncertain",
               "note": " ".join([*notes, rule.rounding_note or text("objective.rounding", language)])}
    return rounded, factor, values


def _check_review(contract_year: int, years: int, achieved: Mapping[Any, Any], indicators: list[str]) -> None:
    """:class:`InvalidCaseError` naming a contract year outside the contract and each key of ``achieved`` that
    is not one of its objective indicators."""
    problems: list[dict[str, Any]] = []
    if not 1 <= contract_year <= years:
        problems.append({"field": "contract_year", "input": contract_year, "message":
                         f"expected a year of this contract, from 1 to {years}; got {contract_year!r}"})
    accepted = ", ".join(indicators) or "none: this case has no objective"
    for name in achieved:
        if name not in indicators:
            problems.append({"field": f"achieved.{name}", "input": achieved[name], "message":
                             f"{name!r} is not an objective indicator of this case; accepted: {accepted}"})
    if problems:
        raise InvalidCaseError(problems, "review")


def review(regime: Regime, view: CaseView, contract_year: int, achieved: Mapping[Any, int | None], language: str = "fr"
           ) -> Review:
    """The review of contract year ``contract_year``: objectives met, and the aid due under the modulation rule."""
    schedule = regime.aid
    if schedule is None:
        raise ValueError(f"regime {regime.id!r} has no aid section")
    years = aid_schedule(regime, view, language)
    objs = objectives(regime, view, language)
    _check_review(contract_year, len(years), achieved, [o.indicator for o in objs])
    year = years[contract_year - 1]
    inds = []
    for o in objs:
        got = achieved.get(o.indicator)
        met = None if got is None or o.target_count is None else got >= o.target_count
        inds.append(IndicatorReview(indicator=o.indicator, target_count=o.target_count, achieved=got, met=met))
    results = [i.met for i in inds]
    all_met = None if not results else (False if False in results else None if None in results else True)
    mod = schedule.modulation
    notes = []
    certainty = "uncertain" if year.certainty == "uncertain" else "confirmed"
    prorata = None
    if not year.modulated:
        due = year.amount
        notes.append(text("review.not_modulated", language, year=contract_year, says=mod.says))
    elif all_met is True:
        due = year.amount
    elif all_met is None:
        due = None
        notes.append(text("review.unknown", language))
    elif mod.formula == "all_or_nothing":
        due = Decimal(0)
    elif mod.formula == "prorata" and year.amount is not None and all(
            i.achieved is not None and i.target_count for i in inds):
        due = (year.amount * min(min(Decimal(i.achieved) / Decimal(i.target_count), Decimal(1))  # type: ignore[arg-type]
                                 for i in inds)).quantize(Decimal("1.00"))
        notes.append(text("review.prorata", language, says=mod.says))
    else:
        due = None
        certainty = "uncertain"
        notes.append(text("review.no_formula", language, says=mod.note or mod.says))
        rates = [min(Decimal(i.achieved) / Decimal(i.target_count), Decimal(1))
                 for i in inds if i.achieved is not None and i.target_count]
        if year.amount is not None and rates and len(rates) == len(inds):
            prorata = (year.amount * min(rates)).quantize(Decimal("1.00"))
            notes.append(text("review.estimate", language))
    if any(o.certainty == "uncertain" for o in objs) and year.modulated:
        certainty = "uncertain"
    return Review(
        regime=regime.id, contract_year=contract_year, start=year.start, end=year.end, max_amount=year.amount,
        modulated=year.modulated, indicators=inds, objectives_met=all_met, aid_due=due, prorata_estimate=prorata,
        certainty=certainty, note=" ".join(notes) or None, citations=list(mod.citations) + list(year.citations),
    )


__all__ = ["AidSchedule", "ObjectivesRule", "aid_schedule", "compile_aid", "compile_objectives", "objectives",
           "review", "year_bounds"]
