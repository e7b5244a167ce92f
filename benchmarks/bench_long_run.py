"""Long runs: many sequential evaluations in one process, with the resident memory measured as they go.

    python benchmarks/bench_long_run.py --backend native --evaluations 1000000
    python benchmarks/bench_long_run.py --backend durable --evaluations 100000   # needs '.[durable]'

Every case is new: they are generated as the run goes (every regime and date, each field given, given as
None or left out, as in ``bench_backends.py``), in chunks of ``--chunk`` cases that are dropped once
evaluated, so the memos of the evaluator see fresh values all along. One :class:`~assistmed_rules.Evaluator`
evaluates them one by one (``Evaluator.evaluate``, the verdict kept until the next one). The resident
set size (RSS) is read from ``/proc/self/status`` after each chunk. The first part of the run is a warm-up
(caches, the evaluator's bounded memos and the allocator's pools filling up); "flat" is judged on the
second half: the script prints the RSS along the run and fails (exit 1) if the RSS grows by more than
``--max-growth`` MiB from the middle of the run to its end.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_backends import generate

from assistmed_rules import Evaluator


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no /proc/self/status here: this benchmark reads the RSS on Linux")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["native", "durable"], default="native")
    parser.add_argument("--evaluations", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--max-growth", type=float, default=8.0, help="MiB allowed over the second half")
    args = parser.parse_args(argv)
    evaluator = Evaluator(backend=args.backend)
    start_rss = rss_mib()
    warm_until = max(args.chunk, args.evaluations // 10)
    half = args.evaluations // 2
    samples: list[tuple[int, float]] = []
    done, seed = 0, 0
    began = time.perf_counter()
    while done < args.evaluations:
        seed += 1
        batch = generate(min(args.chunk, args.evaluations - done), seed)
        for case in batch:
            evaluator.evaluate(case)
        done += len(batch)
        del batch
        samples.append((done, rss_mib()))
    elapsed = time.perf_counter() - began
    after_warm = next(rss for n, rss in samples if n >= warm_until)
    end = samples[-1][1]
    peak = max(rss for _, rss in samples)
    middle = next(rss for n, rss in samples if n >= half)
    growth = end - middle
    print(f"Python {platform.python_version()}, backend {args.backend}: {done:,} evaluations in {elapsed:,.0f} s"
          f" ({done / elapsed:,.0f} cases/s, case generation included)")
    step = max(1, len(samples) // 10)
    print("RSS (MiB) along the run: " + ", ".join(f"{n:,}: {rss:.1f}" for n, rss in samples[::step]
                                                  + ([samples[-1]] if (len(samples) - 1) % step else [])))
    print(f"RSS at start {start_rss:.1f} MiB, after the warm-up ({warm_until:,}) {after_warm:.1f} MiB,"
          f" at the end {end:.1f} MiB, peak {peak:.1f} MiB")
    print(f"growth after the warm-up: {end - after_warm:+.1f} MiB; over the second half ({half:,} to {done:,}):"
          f" {growth:+.1f} MiB (allowed: {args.max_growth:g} MiB)")
    return 0 if growth <= args.max_growth else 1


if __name__ == "__main__":
    sys.exit(main())
