"""Many cases at once: iterables of cases, flat rows (CSV, JSON Lines) and pandas or polars DataFrames.

The flat input format names each column by the dotted path of its field (``doctor.sector``,
``doctor.activity.mt_patients_adult``, ``contract.signature_date``...); an empty cell is an unknown fact.
A row that does not validate gives an error row naming the row and the field, and the batch goes on.

>>> results = evaluate_many([
...     {"doctor": {"sector": "non_conventionne"}, "contract": {"signature_date": "2020-03-01"}},
...     {"doctor": {"sector": "secteur_9"}},
... ])
>>> results[0].status
'not_eligible'
>>> isinstance(results[1], InvalidCaseError), results[1].where
(True, 'row 1')
>>> unflatten({"doctor.sector": "secteur_1", "doctor.activity.file_active": "", "contract.option": "1/2"})
{'doctor': {'sector': 'secteur_1'}, 'contract': {'option': '1/2'}}
"""

from __future__ import annotations

import copy
import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import partial
from itertools import islice
from typing import Any

from .engine import Evaluator, Summary, coerce_date
from .errors import InvalidCaseError
from .facts import RowReader, case_of, is_empty
from .models import Case
from .rulebook import RuleBook, load_rules
from .verdict import Verdict

#: Columns of a batch summary (CSV / JSON Lines output, DataFrame result).
SUMMARY_COLUMNS = ("row", "status", "regime", "first_failing_rule", "missing", "missing_data", "aid_total",
                   "uncertain_rules", "error")


def unflatten(row: Mapping[str, Any]) -> dict[str, Any]:
    """Turn a flat row keyed by dotted paths into a nested case; empty cells (``""``, None, NaN) are left out.

    A row may also hold groups as nested mappings (``{"doctor": {"zone": "zip"}, "doctor.sector": ...}``): they
    are merged with the dotted keys, whatever their order, without changing the caller's mappings; a field
    given twice is an error naming it.
    """
    out: dict[str, Any] = {}
    for key, value in row.items():
        if is_empty(value):
            continue
        parts = str(key).strip().split(".")
        node = out
        for part in parts[:-1]:
            node = _group(node, part, key, value)
        _put(node, parts[-1], value, str(key).strip())
    return out


def _group(node: dict[str, Any], part: str, where: str, value: Any) -> dict[str, Any]:
    child = node.setdefault(part, {})
    if not isinstance(child, dict):
        raise InvalidCaseError([{"field": where, "message": f"{part!r} is both a value and a group of fields",
                                 "input": value}])
    return child


def _put(node: dict[str, Any], leaf: str, value: Any, where: str) -> None:
    """Set ``node[leaf]``: a mapping is merged into the group already there (copied), a value set once."""
    if isinstance(value, Mapping):
        group = _group(node, leaf, where, value)
        for name, item in value.items():
            _put(group, str(name), item, f"{where}.{name}")
    elif leaf in node:
        raise InvalidCaseError([{"field": where, "message": "given twice in the row (as a dotted column and in a"
                                 " group, or as a value and a group): keep one", "input": value}])
    else:
        node[leaf] = value


def summarise(result: Verdict | InvalidCaseError | Summary, row: int) -> dict[str, Any]:
    """One summary row of a verdict, of its :class:`~assistmed_rules.engine.Summary`, or of an invalid case."""
    if isinstance(result, InvalidCaseError):
        return {"row": row, "status": "invalid", "regime": None, "first_failing_rule": None, "missing": "",
                "missing_data": "", "aid_total": None, "uncertain_rules": "",
                "error": "; ".join(f"{e['field']}: {e['message']}" for e in result.errors)}
    summary = Summary.of(result) if isinstance(result, Verdict) else result
    total = summary.aid_total
    return {
        "row": row, "status": summary.status, "regime": summary.regime,
        "first_failing_rule": summary.first_failing_rule,
        "missing": ";".join(summary.missing), "missing_data": ";".join(summary.missing_data),
        "aid_total": None if total is None else str(total), "uncertain_rules": ";".join(summary.uncertain_rules),
        "error": None,
    }


def iter_evaluate(
    cases: Iterable[Case | Mapping[str, Any]], on: date | str | None = None, *,
    evaluator: Evaluator | None = None, flat: bool = False, first_row: int = 0,
) -> Iterator[Verdict | InvalidCaseError]:
    """Evaluate cases one by one, yielding a verdict or the :class:`InvalidCaseError` of each (in order).

    Flat rows are read into facts by a :class:`~assistmed_rules.facts.RowReader` (each distinct value of a
    column validated once, and remembered from one batch to the next: the reader is shared by the process);
    a row it cannot read is validated the usual way, which names the field.
    """
    return _iterate(cases, on, evaluator, flat, first_row, summaries=False)


def iter_summaries(
    cases: Iterable[Case | Mapping[str, Any]], on: date | str | None = None, *,
    evaluator: Evaluator | None = None, flat: bool = False, first_row: int = 0,
) -> Iterator[dict[str, Any]]:
    """Like :func:`iter_evaluate`, but yield each case's summary row (:func:`summarise`) instead.

    A flat row read into facts is summarised without building its verdict (its messages, obligations,
    aid years and objectives): the summary row is the same, and it is about twice as fast.

    >>> [r["status"] for r in iter_summaries([{"doctor.sector": "non_conventionne",
    ...                                         "contract.signature_date": "2020-03-01"}], flat=True)]
    ['not_eligible']
    """
    return _iterate(cases, on, evaluator, flat, first_row, summaries=True)


def _iterate(cases: Iterable[Case | Mapping[str, Any]], on: date | str | None, evaluator: Evaluator | None,
             flat: bool, first_row: int, summaries: bool) -> Iterator[Any]:
    ev = evaluator or Evaluator()
    on_day = coerce_date(on)
    rows = iter(cases)
    i = first_row
    while True:
        chunk = list(islice(rows, _CHUNK))
        if not chunk:
            return
        if flat:  # read column by column, then judged column by column, a part of the chunk at a time
            facts = _READER.read_many([row for row in chunk if isinstance(row, Mapping)])
            valid = [f for f in facts if f is not None][::-1]
            judged: list[Any] = []
            facts.reverse()
        for case in chunk:
            try:
                if flat and isinstance(case, Mapping):
                    row_facts = facts.pop()
                    if row_facts is not None:
                        if not judged:  # the next rows, in order, judged (then popped in order)
                            judged = ev._judge_many(valid[:-_JUDGED - 1:-1], on_day)[::-1]
                            del valid[-_JUDGED:]
                        if summaries:
                            yield summarise(ev._summary_of(judged.pop()), i)
                        else:
                            # its case, for how_to_qualify: from the validated facts, not the caller's row
                            yield ev._verdict(judged.pop()).with_origin((ev, partial(case_of, row_facts), on))
                        continue
                    case = unflatten(case)
                verdict = ev.evaluate(case, on)
                yield summarise(verdict, i) if summaries else verdict
            except InvalidCaseError as exc:
                error = InvalidCaseError(exc.errors, f"row {i}")
                yield summarise(error, i) if summaries else error
            finally:
                i += 1


#: Rows read at a time (column by column: see :meth:`~assistmed_rules.facts.RowReader.read_many`).
_CHUNK = 1_024
#: Rows judged at a time (column by column: see ``Evaluator._judge_many``). Fewer than are read: the judged
#: rows wait to be turned into verdicts, and the garbage collector, when it runs, walks them every time.
_JUDGED = 128

#: The reader of flat rows (its memos are bounded and only hold validated values: safe to share).
_READER = RowReader()


@contextmanager
def gc_paused(pause: bool = True) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch (verdicts hold no reference cycles).

    A batch allocates many small objects that live until it ends; the collector would walk them again
    and again (it took about 60 % of a 20 000-row batch). Reference counting still frees everything.
    When the batch ends, the objects it made join the collector's oldest generation directly
    (``gc.freeze()`` then ``gc.unfreeze()``): otherwise the first collection after it would walk them
    all once more, which took as long as a third of the batch.
    """
    enabled = gc.isenabled()
    if pause and enabled:
        gc.disable()
    try:
        yield
    finally:
        if pause and enabled:
            gc.freeze()
            gc.enable()
            gc.unfreeze()


def evaluate_many(
    cases: Iterable[Case | Mapping[str, Any]] | Any, on: date | str | None = None, *,
    rules: RuleBook | None = None, backend: str = "native", flat: bool = False, language: str = "fr",
    evaluator: Evaluator | None = None, processes: int | None = None, pause_gc: bool = True,
) -> Any:
    """Evaluate many cases.

    ``cases`` is an iterable of :class:`Case` objects or dicts (nested, or flat with dotted keys when
    ``flat=True``), or a pandas / polars DataFrame in the flat input format. For an iterable, the result is
    a list with, for each case in order, its :class:`Verdict` or its :class:`InvalidCaseError` (``.where``
    names the row). For a DataFrame, the result is a DataFrame of the same library with one summary row
    per input row (columns :data:`SUMMARY_COLUMNS`): a pandas result keeps the input's index (join it back
    on the index; ``row`` is the position), and ``aid_total`` holds exact euros (Decimal objects in pandas, a
    Decimal column in polars; empty when not eligible or when the total depends on an unknown input).

    ``evaluator`` reuses an :class:`Evaluator` (else one is built from ``rules``, ``backend`` and
    ``language``). ``processes=N`` (N > 1) spreads the cases over N worker processes, each loading the
    same rules; the result is the same, in the same order. ``pause_gc`` pauses the cyclic garbage
    collector during the batch (see :func:`gc_paused`).
    """
    evaluator = evaluator or Evaluator(rules, backend, language)
    kind = _frame_kind(cases)
    if kind is not None:
        flat = True
        frame: Any = cases
        _check_columns(frame.columns)
        cases = frame.to_dict("records") if kind == "pandas" else frame.to_dicts()
        if len(cases) != len(frame):  # rows but no column: some pandas versions give no records at all
            cases = [{} for _ in range(len(frame))]
    with gc_paused(pause_gc):
        if processes is not None and processes > 1:
            results = _in_processes(list(cases), on, evaluator, flat, processes)
            if kind is None:
                return results
            summary = [summarise(r, i) for i, r in enumerate(results)]
        elif kind is None:
            return list(iter_evaluate(cases, on, evaluator=evaluator, flat=flat))
        else:  # a DataFrame's rows: their summaries only
            summary = list(iter_summaries(cases, on, evaluator=evaluator, flat=flat))
    for row in summary:  # a DataFrame holds the aid total as a number (exact: a Decimal), to be summed
        if row["aid_total"] is not None:
            row["aid_total"] = Decimal(row["aid_total"])
    if kind == "pandas":
        import pandas as pd

        return pd.DataFrame(summary, columns=list(SUMMARY_COLUMNS), index=frame.index)
    import polars as pl

    return pl.DataFrame(summary, schema={c: (pl.Int64 if c == "row" else pl.Decimal(scale=2) if c == "aid_total"
                                             else pl.Utf8) for c in SUMMARY_COLUMNS})


def _in_processes(cases: list[Any], on: date | str | None, evaluator: Evaluator, flat: bool, processes: int
                  ) -> list[Verdict | InvalidCaseError]:
    """Evaluate ``cases`` in worker processes, in chunks; results in input order, origins re-attached."""
    from concurrent.futures import ProcessPoolExecutor

    if evaluator.rules.directory is None:
        raise ValueError("evaluate_many(processes=...) needs rules loaded from files with load_rules(): the workers"
                         " load them again; this rule book was built in memory")
    size = max(1, min(2_000, -(-len(cases) // (processes * 4))))
    starts = range(0, len(cases), size)
    chunks = [cases[i:i + size] for i in starts]
    setup = (evaluator.rules.directory, tuple(evaluator.rules.data_files), evaluator.backend.name, evaluator.language)
    with ProcessPoolExecutor(processes, initializer=_start_worker, initargs=setup) as pool:
        parts = pool.map(_work, chunks, [on] * len(chunks), [flat] * len(chunks), starts)
        results = [r for part in parts for r in part]
    for case, result in zip(cases, results):
        if isinstance(result, Verdict):
            origin: Any = case  # a Case is frozen; a row or a nested case is copied (the caller may change it)
            if not isinstance(case, Case):
                origin = partial(unflatten, copy.deepcopy(case)) if flat else copy.deepcopy(case)
            result.with_origin((evaluator, origin, on))
    return results


_WORKER: dict[str, Evaluator] = {}


def _start_worker(directory: str, data_files: tuple[str, ...], backend: str, language: str) -> None:
    _WORKER["evaluator"] = Evaluator(load_rules(directory, data_files), backend, language)


def _work(chunk: list[Any], on: date | str | None, flat: bool, first_row: int) -> list[Verdict | InvalidCaseError]:
    out = list(iter_evaluate(chunk, on, evaluator=_WORKER["evaluator"], flat=flat, first_row=first_row))
    for result in out:
        if isinstance(result, Verdict):
            result.with_origin(None)  # the evaluator and case stay here; the parent attaches its own
    return out


def repeated_columns(columns: Iterable[Any]) -> list[str]:
    """The column names given more than once, compared without surrounding spaces (sorted)."""
    names = [str(c).strip() for c in columns]
    return sorted({name for name in names if names.count(name) > 1})


def _check_columns(columns: Iterable[Any]) -> None:
    """Refuse a DataFrame with a column given twice (the same name, or with spaces around it): which value
    would count is not for the library to guess."""
    repeated = repeated_columns(columns)
    if repeated:
        raise InvalidCaseError([{"field": name, "input": None, "message": "this column appears more than once in"
                                 " the DataFrame (names compared without surrounding spaces): keep one"}
                                for name in repeated], "DataFrame")


def _frame_kind(obj: Any) -> str | None:
    module = type(obj).__module__
    if module.startswith("pandas") and hasattr(obj, "to_dict"):
        return "pandas"
    if module.startswith("polars") and hasattr(obj, "to_dicts"):
        return "polars"
    return None
