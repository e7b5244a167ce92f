"""The YAML reader refuses the same things with libyaml's fast parser and with the pure-Python one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistmed_rules import RuleFileError, safe_yaml


@pytest.fixture(params=["libyaml", "python"])
def loader(request, monkeypatch):
    if request.param == "libyaml" and safe_yaml._CLoader is None:
        pytest.skip("PyYAML was built without libyaml here")
    if request.param == "python":
        monkeypatch.setattr(safe_yaml, "_CLoader", None)
    return safe_yaml.load_yaml_text


@pytest.mark.parametrize(("text", "message"), [
    ("a: &x 1\nb: *x\n", "anchors"),
    ("a: &x 1\n", "anchors"),
    ("a: &x [1]\n", "anchors"),
    ("a: [1]\nb: *x\n", "alias"),
    ("a: 1\na: 2\n", "duplicate key"),
    ("d: 2019-02-30\n", "malformed date '2019-02-30'"),
    ("a: !!python/object/apply:os.system ['true']\n", "tag not allowed"),
    ("a: " + "[" * 101 + "]" * 101 + "\n", "nesting deeper than 100"),
    ("a: [1, 2\n", "line"),
])
def test_refused_with_a_message(loader, text, message):
    with pytest.raises(RuleFileError) as info:
        loader(text, "f.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("f.yaml: ")


def test_plain_data_is_read(loader):
    from datetime import date

    assert loader("a: [1, x]\nd: 2019-09-01\nm: {k: v}\n", "f.yaml") == {"a": [1, "x"], "d": date(2019, 9, 1),
                                                                         "m": {"k": "v"}}


# -- the one-pass reader (libyaml's events) reads what the full loader reads ---------------------------------------
needs_libyaml = pytest.mark.skipif(safe_yaml._CLoader is None, reason="PyYAML was built without libyaml here")


def _full(text: str) -> object:
    """PyYAML's own way: nodes composed, then constructed (what the one-pass reader stands in for)."""
    safe_yaml._check_events(text)
    return yaml.load(text, Loader=safe_yaml._FastStrictLoader)


def _outcome(read, text: str) -> tuple[str, str]:
    try:
        return "value", repr(read(text))  # repr: 1, 1.0 and True differ, dates and datetimes too
    except Exception as exc:  # noqa: BLE001 - the two readers must fail the same way
        return type(exc).__name__, str(exc)


@needs_libyaml
@pytest.mark.parametrize("path", sorted((Path(__file__).parent.parent / "rules").glob("*.yaml")), ids=lambda p: p.name)
def test_each_rule_file_is_read_in_one_pass_as_the_full_loader_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert repr(safe_yaml._read_plain(text)) == repr(_full(text))  # no fallback: _read_plain does not raise


#: Scalars that read as a value in a block (numbers, YAML 1.1 booleans and nulls, dates, quoted and tagged).
_VALUES = ["1", "-2", "1.0", "1e3", "1.5e-3", "0x1F", "0o17", "017", "0b101", "1_000", "+12", "190:20:30", ".inf",
           "-.Inf", ".nan", "yes", "No", "on", "OFF", "true", "False", "TRUE", "null", "Null", "~", "", "2019-09-01",
           "2019-9-1", "2019-09-01 10:00:00", "2019-09-01T10:00:00Z", "2019-09-01t10:00:00.5+02:00", "'quoted'",
           '"1"', '"a\\tb"', "!!str 1", "!!int '3'", "!!float 2", "!!bool yes", "!!timestamp 2019-09-01", "x #c",
           "é", "a b c", "[1, [2, {a: b}]]", "{1: x, 1.5: y}", "! 12"]
#: And what the full loader refuses or reads its own way (anchors, aliases, tags, sets, bad dates, duplicates).
_ODD = ["2019-02-30", "!!binary aGk=", "!!set {a, b}", "!!omap [a: 1]", "!x y", "&a x", "*a", "{a: 1, a: 2}",
        "{[1]: x}", "{? a}", "|", ">-", "@", "%", "{a: 1", "=", "[" * 101 + "]" * 101]
_plain = st.sampled_from(_VALUES) | st.text("ab1.0é_+", max_size=8)
_key = st.text("abcdefgh", min_size=1, max_size=5) | st.sampled_from(["1", "1.5", "no", "null", "2019-09-01", "'a'"])
_odd_key = _key | st.sampled_from(["[1]", "{a: 1}", "&k a", "*k", "? a", "<<", "=", "1.0"])


@st.composite
def _documents(draw: st.DrawFn, odd: bool = False, depth: int = 0) -> str:
    """A YAML text written by hand (not by a dumper, so scalars appear bare): mappings, lists, scalars; with
    ``odd``, some scalars and keys are what the one-pass reader leaves to the full loader, or invalid."""
    if depth >= 3 or draw(st.integers(0, 3)) == 0:
        return draw(_plain | st.sampled_from(_ODD) if odd else _plain)
    pad = "  " * depth
    size = draw(st.integers(1, 4))
    heads = ["- "] * size if draw(st.booleans()) else \
        [f"{key}: " for key in draw(st.lists(_odd_key if odd else _key, min_size=size, max_size=size, unique=True))]
    lines = []
    for head in heads:
        child = draw(_documents(odd, depth + 1))
        lines.append(pad + head + ("\n" + child if child.startswith("  ") or "\n" in child else child))
    return "\n".join(lines)


@needs_libyaml
@given(text=st.one_of(_documents(), _documents(), _documents(odd=True),
                     st.lists(_documents(), min_size=2, max_size=3).map("\n---\n".join)))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_the_one_pass_reader_reads_any_document_as_the_full_loader(text):
    assert _outcome(safe_yaml._load, text) == _outcome(_full, text)


@needs_libyaml
@pytest.mark.parametrize("odd", [*_VALUES, *_ODD])
def test_each_scalar_alone_in_a_document_is_read_as_the_full_loader_reads_it(odd):
    for text in (f"a: 1\nb: {odd}\n", f"- {odd}\n", f"{odd}: 1\n", odd):
        assert _outcome(safe_yaml._load, text) == _outcome(_full, text), text
