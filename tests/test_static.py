"""Static checks of the library's own code, run with the test suite (and so in CI).

The package ships ``py.typed``: applications that type-check against it rely on its annotations, so the
package must pass ``mypy --strict`` (the configuration is ``[tool.mypy]`` in ``pyproject.toml``), and so must
the benchmarks. Ruff checks the code, the tests and the benchmarks. Both tools are pinned by the ``test`` extra.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)


@pytest.mark.parametrize("tool", ["mypy", "ruff"])
def test_static_tool_installed(tool: str) -> None:
    """The test extra installs both tools (a missing tool is a failure, not a skip)."""
    result = _run(tool, "--version")
    assert result.returncode == 0, f"{tool} is not installed: pip install '.[test]'\n{result.stderr}"


def test_package_is_type_checked_strictly() -> None:
    result = _run("mypy", "src/assistmed_rules")
    assert result.returncode == 0, f"mypy --strict (pyproject.toml) found errors:\n{result.stdout}{result.stderr}"


def test_benchmarks_are_type_checked_strictly() -> None:
    """The benchmarks call the library as its users do (and time some of its private parts): typed too."""
    result = _run("mypy", "benchmarks")
    assert result.returncode == 0, f"mypy --strict (pyproject.toml) found errors:\n{result.stdout}{result.stderr}"


def test_code_passes_ruff() -> None:
    result = _run("ruff", "check", "--no-cache", "src", "tests", "benchmarks")
    assert result.returncode == 0, f"ruff found problems:\n{result.stdout}{result.stderr}"
