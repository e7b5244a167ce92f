"""The YAML reader refuses the same things with libyaml's fast parser and with the pure-Python one."""

from __future__ import annotations

import pytest

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
