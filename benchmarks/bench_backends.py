"""Benchmark the evaluation backends on one generated batch of cases: cases per second, and the ratio.

    python benchmarks/bench_backends.py                 # 2 000 cases, both backends
    python benchmarks/bench_backends.py --cases 10000 --seed 7 --repeat 5

The batch covers every regime and date (signature dates from 2019-01-01 to 2027-12-31), with each field
given, given as None or left out, like the differential tests of ``tests/test_durable.py``. Every backend
evaluates the same batch with one :class:`~assistmed_rules.Evaluator` (rules loaded and compiled once,
before timing); the best of ``--repeat`` runs is reported, for the whole evaluation and for the backend's
part alone (``backend.judge``: the rules' conditions, what the backends do differently). The verdicts of the backends are compared too:
the benchmark fails if they differ. The durable backend is skipped, with the reason, where durable-rules
cannot be imported (``pip install '.[durable]'``, Python 3.10 to 3.12).
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import date, timedelta
from typing import Any

from assistmed_rules import BackendUnavailableError, Evaluator, NoRegimeError, Specialty, load_rules
from assistmed_rules.conditions import FIELDS, Context
from assistmed_rules.engine import coerce_case
from assistmed_rules.nomenclature import DEPARTEMENTS

OPTIONS = ["etp_1_3", "etp_1_2", "etp_1", "etp_1_5", "etp_2", "1/3", "1/2", "1"]
RADIOLOGY = ["08", "09", "10", "15", "43", "46", "48", "53", "88", "89", "91"]


def _day(rng: random.Random, start: date, end: date) -> str:
    return (start + timedelta(days=rng.randrange((end - start).days + 1))).isoformat()


def _value(rng: random.Random, path: str, known: dict[str, Any]) -> Any:
    ftype = FIELDS[path]
    if path == "doctor.specialty":
        return rng.choice([s.value for s in Specialty])
    if path == "doctor.departement":
        return rng.choice(RADIOLOGY if rng.random() < 0.3 else sorted(DEPARTEMENTS))
    if path == "doctor.tariff_option" and known.get("doctor.sector") in ("secteur_1", "non_conventionne"):
        return "aucune"
    if path == "doctor.multi_site_msp" and known.get("doctor.coordinated_practice") not in (None, "msp"):
        return False
    if path.endswith(".option"):
        return rng.choice(OPTIONS)
    if path == "contract.signature_date":
        return _day(rng, date(2019, 1, 1), date(2027, 12, 31))
    if ftype.kind == "enum":
        return rng.choice(ftype.choices)
    if ftype.kind == "bool":
        return rng.random() < 0.5
    if ftype.kind == "date":
        return _day(rng, date(2015, 1, 1), date(2031, 12, 31))
    if ftype.kind == "number":
        hi = 100 if ftype.hi <= 100 else 2_000
        value = rng.uniform(max(ftype.lo, 0), hi)
        return int(value) if ftype.integer else round(value, rng.choice([0, 1, 2]))
    raise NotImplementedError(f"no generator for {path} ({ftype.kind})")


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` valid cases: every field given (2 times in 3), given as None or left out."""
    rng = random.Random(seed)
    batch = []
    for _ in range(n):
        case: dict[str, Any] = {}
        known: dict[str, Any] = {}
        for path in FIELDS:
            draw = rng.random()
            if draw < 1 / 6:
                continue
            value = None if draw < 1 / 3 else _value(rng, path, known)
            known[path] = value
            node = case
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        batch.append(case)
    return batch


def contexts(book: Any, batch: list[dict[str, Any]]) -> list[tuple[Any, list[Any], Context]]:
    """What :meth:`Evaluator.evaluate` hands its backend for each case (cases under no regime left out)."""
    out = []
    for raw in batch:
        case = coerce_case(raw)
        signature = case.contract.signature_date
        if signature is None:
            continue
        try:
            regime = book.regime_for_signature(signature)
        except NoRegimeError:
            continue
        rules = [rule for rule in regime.rules if rule.valid.contains(signature)]
        out.append((regime, rules, Context(case, signature, regime.param, regime.table_entry)))
    return out


def run_judge(backend: Any, items: list[tuple[Any, list[Any], Context]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for regime, rules, ctx in items:
            backend.judge(regime, rules, ctx)
        best = min(best, time.perf_counter() - start)
    return best


def run(evaluator: Evaluator, batch: list[dict[str, Any]], repeat: int) -> tuple[float, list[Any]]:
    best = float("inf")
    verdicts: list[Any] = []
    for _ in range(repeat):
        start = time.perf_counter()
        verdicts = [evaluator.evaluate(case) for case in batch]
        best = min(best, time.perf_counter() - start)
    return best, verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2_000, help="cases in the batch (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated batch (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per backend; the best counts (default 3)")
    args = parser.parse_args(argv)

    book = load_rules()
    batch = generate(args.cases, args.seed)
    print(f"Python {platform.python_version()} on {platform.machine()}, {len(batch)} cases (seed {args.seed}),"
          f" best of {args.repeat}")
    items = contexts(book, batch)
    results: dict[str, tuple[float, list[Any]]] = {}
    judged: dict[str, float] = {}
    print("whole evaluation (Evaluator.evaluate: regime, conditions, obligations, aid, verdict):")
    for backend in ("native", "durable"):
        try:
            evaluator = Evaluator(book, backend=backend)
        except BackendUnavailableError as exc:
            print(f"  {backend:>8}: skipped ({exc})")
            continue
        evaluator.evaluate(batch[0])  # warm up
        results[backend] = run(evaluator, batch, args.repeat)
        judged[backend] = run_judge(evaluator.backend, items, args.repeat)
        seconds = results[backend][0]
        print(f"  {backend:>8}: {len(batch) / seconds:10,.0f} cases/s  ({seconds * 1e6 / len(batch):8.1f} µs/case)")
    if len(results) == 2:
        native, durable = results["native"], results["durable"]
        print(f"     ratio: durable takes {durable[0] / native[0]:.2f}× the native time")
    print(f"conditions only (backend.judge, the {len(items)} cases under a regime):")
    for backend, seconds in judged.items():
        print(f"  {backend:>8}: {len(items) / seconds:10,.0f} cases/s  ({seconds * 1e6 / len(items):8.1f} µs/case)")
    if len(judged) == 2:
        print(f"     ratio: durable takes {judged['durable'] / judged['native']:.2f}× the native time")
    if len(results) == 2:
        same = [a.model_dump() for a in results["native"][1]] == [b.model_dump() for b in results["durable"][1]]
        print(f"verdicts of the two backends: {'identical' if same else 'DIFFERENT'}")
        if not same:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
