"""Issue 2: the examples in the docstrings of every module of the installed package run as written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import assistmed_rules

MODULES = [assistmed_rules.__name__] + sorted(
    info.name for info in pkgutil.walk_packages(assistmed_rules.__path__, prefix=assistmed_rules.__name__ + ".")
)
#: Modules of optional extras, and the package they need.
OPTIONAL = {"assistmed_rules.durable_backend": "durable_rules_engine"}


def _importable(name):
    needed = OPTIONAL.get(name)
    if needed is not None:
        pytest.importorskip(needed, reason=f"{name} needs the optional package {needed}")
    return importlib.import_module(name)


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests_pass(name):
    module = _importable(name)
    result = doctest.testmod(module, verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest example(s) failed in {name}"


def test_the_documented_examples_are_found():
    finder = doctest.DocTestFinder()
    found = {
        name: sum(len(test.examples) for test in finder.find(importlib.import_module(name)))
        for name in MODULES if name not in OPTIONAL
    }
    # The package, the input models and the engine document their use with examples.
    for name in ("assistmed_rules", "assistmed_rules.models", "assistmed_rules.engine"):
        assert found[name] > 0, f"{name} has no doctest example"
