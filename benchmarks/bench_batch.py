"""Benchmark the batch path against a plain-Python avenant 7 function (issue 6's speed targets).

    python benchmarks/bench_batch.py                    # 100 000 generated avenant 7 doctors
    python benchmarks/bench_batch.py --cases 20000 --repeat 3

The batch is 100 000 generated doctors in the flat input format (one dict per row, as read from a CSV
extract or ``DataFrame.to_dict("records")``: enums as text, dates as ISO text, counts as numbers), with
contracts signed under avenant 7 and a realistic mix of complete and incomplete rows.

Three timings, one core, run in turn for ``--repeat`` rounds (five): a rate is the best round's, a ratio the
median of the rounds' ratios, each round's timing divided by the plain function's of the same round (the
machine's speed drifts: two timings taken seconds apart compare better than the best of each; the first
round's full verdicts, the cold run, are left out of their ratio and printed apart):

* ``plain``: :func:`plain_status`, a plain-Python function applying the six avenant 7 conditions with
  three-valued logic and no explanation (only the status), to the same rows: the practical ceiling;
* ``batch``: :func:`assistmed_rules.evaluate_many` on the same rows (``flat=True``): full verdicts (every
  finding with its message and citations, missing inputs, obligations with due dates, aid per year,
  objectives), rows validated; its first run is printed too (the evaluator's memos and the row reader
  empty, as in a process that evaluates one extract);
* ``summaries``: :func:`assistmed_rules.batch.iter_summaries` on the same rows: the summary row of each
  (status, regime, first failing rule, missing inputs, aid total: what a DataFrame or ``evaluate-batch``
  returns) without building the verdicts. Printed for information: the targets are on full verdicts;
* ``parts``: the batch path's first steps alone, on the same rows, to show where a verdict's time goes:
  reading the rows into facts (the first step of every path), then reading and judging them (the
  conditions decided, the status known: what every path does before it builds its output). Printed as
  ratios to the plain function, for information;
* ``import``: importing the library and loading every rule file, in a fresh interpreter, with the
  bytecode cache an installed package has (written by a first run, not counted).

It prints cases per second and the ratios, checks that the plain function and the library give the same
status on every row (it fails otherwise), and exits 1 when a target of issue 6 is missed: at least
50 000 full verdicts per second, within 4x of the plain function, import and load under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from assistmed_rules import Evaluator, evaluate_many, load_rules
from assistmed_rules.batch import _CHUNK, _JUDGED, _READER, gc_paused, iter_summaries  # the batch path's parts

ON = date(2023, 6, 1)
TARGET_RATE = 50_000
TARGET_RATIO = 4.0
TARGET_IMPORT = 0.3

SPECIALTIES = ["medecine_generale"] * 14 + ["radiologie", "cardiologie", "pediatrie", "dermatologie",
                                            "psychiatrie", "ophtalmologie"]
DEPARTEMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]


def _maybe(rng: random.Random, value: Any, p_missing: float = 0.04) -> Any:
    return None if rng.random() < p_missing else value


def generate_rows(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """``n`` flat rows of avenant 7 contracts (signed 2019-09-01 to 2023-04-30); some facts left empty."""
    rng = random.Random(seed)
    first, days = date(2019, 9, 1), (date(2023, 4, 30) - date(2019, 9, 1)).days
    rows = []
    for _ in range(n):
        signed = first + timedelta(days=rng.randrange(days + 1))
        sector = rng.choices(["secteur_1", "secteur_2", "non_conventionne"], [75, 23, 2])[0]
        tariff = "aucune" if sector != "secteur_2" else rng.choices(["optam", "optam_co", "aucune"], [55, 10, 35])[0]
        practice = rng.choices(["msp", "cpts", "esp", "centre_de_sante", "autre", "aucune"], [35, 20, 10, 5, 5, 25])[0]
        qualification = rng.choices(["cqp", "aucune", "ide", "deas"], [30, 45, 15, 10])[0]
        hired = signed + timedelta(days=rng.randrange(-30, 120))
        row = {
            "doctor.sector": _maybe(rng, sector),
            "doctor.tariff_option": _maybe(rng, tariff),
            "doctor.specialty": _maybe(rng, rng.choice(SPECIALTIES)),
            "doctor.departement": _maybe(rng, rng.choice(DEPARTEMENTS)),
            "doctor.zone": _maybe(rng, rng.choices(["zip", "zac", "hors_zonage"], [25, 30, 45])[0], 0.15),
            "doctor.group_practice_doctors": _maybe(rng, rng.choice([1, 1, 2, 3, 4, 6])),
            "doctor.group_practice_commitment": _maybe(rng, rng.random() < 0.2, 0.3),
            "doctor.coordinated_practice": _maybe(rng, practice),
            "doctor.coordinated_practice_commitment": _maybe(rng, practice == "aucune" and rng.random() < 0.6, 0.2),
            "doctor.new_installation": _maybe(rng, rng.random() < 0.08, 0.3),
            "doctor.rqth": _maybe(rng, rng.random() < 0.01, 0.3),
            "doctor.chronic_illness": _maybe(rng, rng.random() < 0.03, 0.3),
            "doctor.activity.mt_patients_adult": _maybe(rng, rng.randrange(150, 2500)),
            "doctor.activity.mt_patients_child": _maybe(rng, rng.choice([0, rng.randrange(1, 600)]), 0.3),
            "doctor.activity.file_active": _maybe(rng, rng.randrange(300, 5000), 0.2),
            "doctor.activity.percentile": _maybe(rng, round(rng.uniform(1, 99.9), 1), 0.1),
            "assistant.qualification": _maybe(rng, qualification),
            "assistant.hire_date": _maybe(rng, hired.isoformat(), 0.1),
            "assistant.training_enrolled_on": (hired + timedelta(days=rng.randrange(10, 900))).isoformat()
            if qualification == "aucune" and rng.random() < 0.7 else None,
            "assistant.was_practice_secretary": _maybe(rng, rng.random() < 0.15, 0.2),
            "contract.signature_date": signed.isoformat(),
            "contract.option": _maybe(rng, rng.choices(["1/3", "1/2", "1"], [35, 45, 20])[0]),
        }
        rows.append(row)
    return rows


# -- the plain function ----------------------------------------------------------------------------------
def make_plain_status() -> Callable[[dict[str, Any]], str]:
    """A plain function applying the avenant 7 conditions, with the values of the shipped rule file."""
    regime = load_rules().regime("avenant7-2019")
    day = date(2020, 1, 1)
    p = {name: regime.param(name, day) for name in regime.parameters}
    mg, threshold, pmin = p["specialites_medecine_generale"], p["seuil_patients_mt_adultes_mg"], p["percentile_minimum"]
    children_threshold = p["seuil_patients_enfants_derogation_mg"]  # None: the criterion is not in the sources
    everywhere, pct_solo, avenant8 = p["options_partout"], p["percentile_temps_plein_zac_solo"], p["entree_en_vigueur_avenant_8"]
    solo_zones = p["zones_hors_zip_derogation_isole"]  # None: the sources do not settle it
    groups: dict[Any, Any] = {k: e.value for k, e in regime.tables["groupe_specialite"].entries.items()}
    depts = {k: (e.value, e.complete) for k, e in regime.tables["departements_en_tension"].entries.items()}
    options: dict[Any, str] = {"1/3": "etp_1_3", "1/2": "etp_1_2", "1": "etp_1"}
    coordinated = {"msp", "centre_de_sante", "esp", "ess", "cpts", "autre"}

    def any3(*values: bool | None) -> bool | None:
        return True if True in values else None if None in values else False

    def all3(*values: bool | None) -> bool | None:
        return False if False in values else None if None in values else True

    def eq(value: Any, expected: Any) -> bool | None:
        return None if value is None else value == expected

    def plain_status(row: dict[str, Any]) -> str:
        sector, tariff = row.get("doctor.sector"), row.get("doctor.tariff_option")
        spec, dept = row.get("doctor.specialty"), row.get("doctor.departement")
        practice, zone = row.get("doctor.coordinated_practice"), row.get("doctor.zone")
        doctors, percentile = row.get("doctor.group_practice_doctors"), row.get("doctor.activity.percentile")
        adults, children = row.get("doctor.activity.mt_patients_adult"), row.get("doctor.activity.mt_patients_child")
        option = options.get(row.get("contract.option"))
        signed = date.fromisoformat(row["contract.signature_date"])
        group = groups.get(spec)
        in_tension = None
        if spec is not None and dept is not None and spec in depts:
            values, complete = depts[spec]
            in_tension = True if dept in values else (False if complete else None)
        results = (
            any3(eq(sector, "secteur_1"),
                 all3(eq(sector, "secteur_2"), None if tariff is None else tariff in ("optam", "optam_co"))),
            any3(eq(group, "tout_le_territoire"), all3(eq(group, "departements_en_tension"), in_tension)),
            any3(None if practice is None else practice in coordinated,
                 eq(row.get("doctor.coordinated_practice_commitment"), True)),
            any3(None if doctors is None else doctors >= 2, eq(practice, "msp"),
                 all3(eq(row.get("doctor.group_practice_commitment"), True), eq(zone, "zip")),
                 all3(eq(row.get("doctor.group_practice_commitment"), True),
                      None if zone is None or solo_zones is None else zone in solo_zones)),
            any3(all3(None if spec is None else spec in mg, None if adults is None else adults > threshold),
                 all3(None if spec is None else spec not in mg, None if percentile is None else percentile > pmin),
                 eq(row.get("doctor.new_installation"), True), eq(row.get("doctor.rqth"), True),
                 eq(row.get("doctor.chronic_illness"), True),
                 all3(None if spec is None else spec in mg, None if adults is None else adults <= threshold,
                      None if children is None else children > 0,
                      None if children is None or children_threshold is None else children > children_threshold)),
            any3(None if option is None else option in everywhere,
                 all3(eq(option, "etp_1"), eq(zone, "zip")),
                 all3(eq(option, "etp_1"), eq(zone, "zac"), eq(doctors, 1),
                      None if percentile is None else percentile >= pct_solo,
                      None if avenant8 is None else signed >= avenant8)),
        )
        return "not_eligible" if False in results else "undetermined" if None in results else "eligible"

    return plain_status


# -- timing ------------------------------------------------------------------------------------------------
def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """The time ``fn`` takes, and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def in_turn(repeat: int, *fns: Callable[[], Any]) -> tuple[list[list[float]], list[Any]]:
    """Run ``fns`` one after the other, ``repeat`` rounds: each one's times (in round order) and last results.

    The machine's speed drifts from one second to the next: a ratio of two functions is taken within a round
    (where both ran a few seconds apart), and the median of the rounds' ratios is the figure to quote.
    """
    times: list[list[float]] = [[] for _ in fns]
    results: list[Any] = [None] * len(fns)
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            results[k] = None  # the previous round's results are freed before this one is timed
            took, results[k] = timed(fn)
            times[k].append(took)
    return times, results


def ratios(times: list[float], reference: list[float]) -> tuple[float, float, float]:
    """The median, smallest and largest of the ratios ``times[i] / reference[i]``."""
    each = sorted(t / r for t, r in zip(times, reference))
    return statistics.median(each), each[0], each[-1]


def import_and_load_seconds(repeat: int) -> float:
    """Import the library and load every rule file in a fresh interpreter, best of ``repeat``.

    Python is allowed to write its bytecode cache (an installed package has it: pip compiles the modules
    when it installs them), and a first run, not counted, writes it.
    """
    code = ("import time; t = time.perf_counter(); import assistmed_rules; assistmed_rules.load_rules();"
            " print(time.perf_counter() - t)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    runs = [float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                 env=env).stdout) for _ in range(repeat + 1)]
    return min(runs[1:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rows = generate_rows(args.cases, args.seed)
    plain = make_plain_status()
    evaluator = Evaluator()  # rules loaded and compiled before timing

    def summarise_all() -> list[dict[str, Any]]:
        with gc_paused():  # as evaluate_many does
            return list(iter_summaries(rows, ON, evaluator=evaluator, flat=True))

    def read_all() -> list[Any]:  # the batch path's first step: rows read into facts, a chunk at a time
        with gc_paused():
            return [f for i in range(0, len(rows), _CHUNK) for f in _READER.read_many(rows[i:i + _CHUNK])]

    def read_and_judge_all() -> list[Any]:  # and its second: the conditions decided (as the batch path does)
        with gc_paused():
            judged: list[Any] = []
            for i in range(0, len(rows), _CHUNK):
                facts = [f for f in _READER.read_many(rows[i:i + _CHUNK]) if f is not None]
                for j in range(0, len(facts), _JUDGED):
                    judged += evaluator._judge_many(facts[j:j + _JUDGED], ON)
            return [j[5] for j in judged]  # the statuses (every row here has a regime)

    (plain_times, batch_times, summary_times, read_times, judge_times), \
        (plain_statuses, verdicts, summaries, _, judged_statuses) = in_turn(
            args.repeat, lambda: [plain(r) for r in rows],
            lambda: evaluate_many(rows, on=ON, flat=True, evaluator=evaluator), summarise_all,
            read_all, read_and_judge_all)
    statuses = [getattr(v, "status", "invalid") for v in verdicts]
    if [s["status"] for s in summaries] != statuses or judged_statuses != statuses:
        print("FAIL: the summary rows or the judged rows and the verdicts give other statuses")
        return 1
    differ = [i for i, (a, b) in enumerate(zip(plain_statuses, statuses)) if a != b]
    load = import_and_load_seconds(args.repeat)

    n = len(rows)
    plain_time, batch_time, summary_time, cold_time = min(plain_times), min(batch_times), min(summary_times), batch_times[0]
    rate, plain_rate = n / batch_time, n / plain_time
    warm = slice(1, None) if args.repeat >= 3 else slice(None)  # the first round's batch is the cold run
    ratio, ratio_low, ratio_high = ratios(batch_times[warm], plain_times[warm])
    summary_ratio, summary_low, summary_high = ratios(summary_times, plain_times)
    print(f"Python {platform.python_version()}, {n} avenant 7 rows (seed {args.seed}), {args.repeat} rounds"
          " (rates: the best round; ratios: the median of the rounds', each to the plain function of its round)")
    print(f"statuses: {dict(sorted(Counter(statuses).items()))}")
    print(f"plain function : {plain_rate:>10,.0f} cases/s  ({1e6 / plain_rate:.1f} µs/case)")
    print(f"batch, full    : {rate:>10,.0f} verdicts/s  ({1e6 / rate:.1f} µs/case)")
    print(f"  its first run: {n / cold_time:>10,.0f} verdicts/s  ({1e6 * cold_time / n:.1f} µs/case: the evaluator's"
          f" memos and the row reader empty; {cold_time / plain_times[0]:.2f}x the plain function of its round)")
    print(f"summary rows   : {n / summary_time:>10,.0f} rows/s      ({1e6 * summary_time / n:.1f} µs/case, no verdict"
          f" built; {summary_ratio:.2f}x the plain function, {summary_low:.2f} to {summary_high:.2f}; not what the"
          " targets are on)")
    print(f"ratio batch / plain: {ratio:.2f}x, {ratio_low:.2f} to {ratio_high:.2f} over the rounds after the first"
          f"   (target: at most {TARGET_RATIO:g}x)")
    print(f"rate / target: {rate / TARGET_RATE:.2f}  (target: {TARGET_RATE:,} verdicts/s)")
    read_ratio, judge_ratio = ratios(read_times, plain_times)[0], ratios(judge_times, plain_times)[0]
    print(f"where the time goes, as the median ratio to the plain function: reading the rows {read_ratio:.2f}x"
          f" ({1e6 * min(read_times) / n:.1f} µs/case), reading and judging them {judge_ratio:.2f}x"
          f" ({1e6 * min(judge_times) / n:.1f} µs/case), and summary rows {summary_ratio:.2f}x or full verdicts"
          f" {ratio:.2f}x from there")
    print(f"import + load all rule files: {load:.3f} s  (ratio to the 0.3 s target: {load / TARGET_IMPORT:.2f})")
    ok = True
    if differ:
        print(f"FAIL: {len(differ)} rows get another status from the plain function, e.g. row {differ[0]}:"
              f" plain {plain_statuses[differ[0]]}, library {statuses[differ[0]]}")
        ok = False
    for missed, what in ((rate < TARGET_RATE, "verdicts per second"), (ratio > TARGET_RATIO, "ratio to the plain function"),
                         (load > TARGET_IMPORT, "import and load time")):
        if missed:
            print(f"target missed: {what}")
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
