"""Threads and processes: the same verdicts as a sequential run, and the time each takes (as ratios).

    python benchmarks/bench_concurrency.py                  # 20 000 cases, native backend
    python benchmarks/bench_concurrency.py --backend durable --cases 4000

One generated batch (every regime and date, as in ``bench_backends.py``) is evaluated four ways: one
thread; 8 threads sharing one :class:`~assistmed_rules.Evaluator`, each taking every 8th case;
``evaluate_many`` in one process; ``evaluate_many(..., processes=2)``. Every way must give the verdicts of
the sequential run, in the same order (the script fails otherwise). Times are given as ratios to the
sequential run: threads share the interpreter lock, so they check safety, not speed; processes use the
machine's cores.
"""

from __future__ import annotations

import argparse
import platform
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_backends import generate

from assistmed_rules import Evaluator, evaluate_many


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["native", "durable"], default="native")
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    batch = generate(args.cases, 3)
    evaluator = Evaluator(backend=args.backend)
    evaluator.evaluate(batch[0])

    start = time.perf_counter()
    expected = [evaluator.evaluate(c).model_dump() for c in batch]
    sequential = time.perf_counter() - start

    got: list[Any] = [None] * len(batch)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(k, len(batch), args.threads):
                got[i] = evaluator.evaluate(batch[i]).model_dump()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(args.threads)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    threaded = time.perf_counter() - start

    start = time.perf_counter()
    many = [v.model_dump() for v in evaluate_many(batch, backend=args.backend)]
    one_process = time.perf_counter() - start
    start = time.perf_counter()
    spread = [v.model_dump() for v in evaluate_many(batch, backend=args.backend, processes=args.processes)]
    in_processes = time.perf_counter() - start

    same = {"threads": not errors and got == expected, "evaluate_many": many == expected,
            "processes": spread == expected}
    print(f"Python {platform.python_version()}, backend {args.backend}, {len(batch):,} cases")
    print(f"sequential (one thread, evaluate + model_dump): {sequential:.2f} s")
    print(f"{args.threads} threads, one shared evaluator: {threaded / sequential:.2f}x the sequential time")
    print(f"evaluate_many, one process: {one_process / sequential:.2f}x")
    print(f"evaluate_many, {args.processes} processes: {in_processes / sequential:.2f}x")
    print("same verdicts, same order: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in same.items()))
    if errors:
        print(f"errors in threads: {errors[:3]}")
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
