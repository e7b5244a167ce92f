"""The README's Python examples run as written (and the CLI examples name files that exist)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) >= 3
    namespace: dict = {}
    for block in blocks:  # one namespace: later examples reuse earlier names, as a reader would
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own documentation


def test_cli_examples_name_existing_files():
    text = README.read_text(encoding="utf-8")
    for name in re.findall(r"examples/[\w.-]+\.json", text):
        assert (README.parent / name).is_file(), name
