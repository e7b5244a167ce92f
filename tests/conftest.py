"""Shared fixtures for the avenant n° 7 tests (issue 2).

The reference case is the one of the issue's "done when": a general practitioner in secteur 1 with 900
adult patients médecin traitant, in an MSP, hiring an assistant holding the CQP on a ½ ETP contract signed
on 1 March 2020.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
EXAMPLES_DIR = REPO_ROOT / "examples"

#: The issue's case (a): eligible under avenant n° 7.
ISSUE_CASE: dict[str, Any] = {
    "doctor": {
        "sector": "secteur_1",
        "specialty": "medecine_generale",
        "coordinated_practice": "msp",
        "activity": {"mt_patients_adult": 900},
    },
    "assistant": {"qualification": "cqp"},
    "contract": {"signature_date": "2020-03-01", "option": "1/2"},
}

CaseFactory = Callable[..., dict[str, Any]]


def _set(case: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = case
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def _drop(case: dict[str, Any], dotted: str) -> None:
    *parents, leaf = dotted.split(".")
    node = case
    for part in parents:
        node = node[part]
    del node[leaf]


@pytest.fixture
def issue_case() -> dict[str, Any]:
    """A fresh copy of the issue's eligible case (a)."""
    return copy.deepcopy(ISSUE_CASE)


@pytest.fixture
def make_case() -> CaseFactory:
    """Build a variant of the issue's case: ``make_case({"doctor.sector": "secteur_2"}, drop=["doctor.activity"])``.

    ``changes`` maps dotted input paths to values (set after ``drop``); ``base`` replaces the issue's case.
    """

    def build(
        changes: Mapping[str, Any] | None = None,
        drop: Iterable[str] = (),
        base: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        case = copy.deepcopy(dict(base if base is not None else ISSUE_CASE))
        for path in drop:
            _drop(case, path)
        for path, value in (changes or {}).items():
            _set(case, path, value)
        return case

    return build


@pytest.fixture
def examples_dir() -> Path:
    """The example case files of the checkout (examples/ next to tests/)."""
    return EXAMPLES_DIR


def run_in_threads(batch: list[Any], evaluators: list[Callable[..., Any]], threads: int = 8) -> list[list[Any]]:
    """Evaluate ``batch`` from ``threads`` threads started together, thread k with ``evaluators[k % len]``
    and in its own shuffled order; returns each thread's model dumps in batch order (raises a thread's error).
    ``batch`` holds cases, or ``(case, on)`` tuples."""
    import random
    import threading

    results: dict[int, list[Any]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(k: int) -> None:
        try:
            start.wait()
            order = list(range(len(batch)))
            random.Random(k).shuffle(order)
            run = evaluators[k % len(evaluators)]
            got = {i: (run(*batch[i]) if isinstance(batch[i], tuple) else run(batch[i])).model_dump() for i in order}
            results[k] = [got[i] for i in range(len(batch))]
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    return [results[k] for k in range(threads)]
