"""Issue 6 (documentation): the regime pages are generated from the rules and current; the docs build."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistmed_rules.docgen import OPS, write_docs
from assistmed_rules.rulebook import load_rules
from assistmed_rules.safe_yaml import load_yaml_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_generated_regime_pages_are_up_to_date(tmp_path):
    pages = write_docs(load_rules(), tmp_path)
    for page in pages:
        committed = DOCS / "regimes" / page.name
        assert committed.is_file(), f"run: assistmed-rules docs docs/regimes ({page.name} is missing)"
        assert committed.read_text(encoding="utf-8") == page.read_text(encoding="utf-8"), (
            f"docs/regimes/{page.name} is stale: run `assistmed-rules docs docs/regimes`")


def test_every_rule_and_parameter_is_listed_with_its_source():
    book = load_rules()
    for regime in book.regimes:
        page = (DOCS / "regimes" / f"{regime.id}.md").read_text(encoding="utf-8")
        for rule in regime.rules:
            section = page.split(f"### `{rule.id}`", 1)[1].split("\n### ", 1)[0]
            for citation in rule.citations:
                assert citation.url in section, (rule.id, citation.url)
                if citation.article:
                    assert " ".join(citation.article.split()) in section
            assert rule.valid.start.isoformat() in section
        for name in regime.parameters:
            assert f"| `{name}` |" in page
        for obligation in regime.obligations:
            section = page.split(f"### `{obligation.id}`", 1)[1].split("\n### ", 1)[0]
            for citation in obligation.citations:
                assert citation.url in section, (obligation.id, citation.url)


# ---------------------------------------------------------------------------------------------------
# What a lawyer reads on each page, checked against the rule files as written (the raw YAML)
# ---------------------------------------------------------------------------------------------------
def _pages():
    """(regime, its rule file as written, its committed page) for every regime."""
    for regime in load_rules().regimes:
        raw = load_yaml_file(Path(regime.file))
        yield regime, raw, (DOCS / "regimes" / f"{regime.id}.md").read_text(encoding="utf-8")


def _md(text) -> str:
    """A text as the pages write it: on one line, ``|`` escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _comparisons(spec):
    """The comparisons of a condition as written, at any depth."""
    if isinstance(spec, dict):
        for word in ("all", "any"):
            if word in spec:
                for item in spec[word]:
                    yield from _comparisons(item)
                return
        if "not" in spec:
            yield from _comparisons(spec["not"])
            return
        yield spec


def _conditions(raw):
    """Every condition of a rule file as written: (where, condition)."""
    for rule in raw["rules"]:
        yield rule["id"], rule["condition"]
        if rule.get("applies_if") is not None:
            yield rule["id"], rule["applies_if"]
    for ob in raw.get("obligations", []):
        if ob.get("applies_if") is not None:
            yield ob["id"], ob["applies_if"]
    objectives = raw.get("objectives") or {}
    for ind in objectives.get("indicators", []):
        if ind.get("applies_if") is not None:
            yield ind["id"], ind["applies_if"]
    if objectives.get("new_installation"):
        yield "new_installation", objectives["new_installation"]["applies_if"]


def _citations(raw, specs):
    """(text, url) of each citation as written, resolved against the file's sources."""
    for c in specs:
        src = raw.get("sources", {}).get(c.get("source"), {})
        yield c.get("text") or src["text"], c.get("url") or src["url"]


def _assert_cited(where, text, raw, specs, context):
    for label, url in _citations(raw, specs):
        assert url in text and _md(label) in text, (context, label, url, where)


def _row(page, first_cell):
    """The line of a Markdown table whose first cell is ``first_cell``."""
    rows = [line for line in page.splitlines() if line.startswith(f"| {first_cell} |")]
    assert len(rows) == 1, (first_cell, len(rows))
    return rows[0]


def _dated_segment(row, start):
    """The text a parameter's row gives a dated value: from its date to the next value or cell."""
    match = re.search(rf"(?:\| |<br>){re.escape(start)} : (.*?)(?:<br>| \| )", row)
    assert match, (start, row[:200])
    return match.group(1)


def test_every_dated_value_shows_its_own_citations_certainty_and_note():
    for regime, raw, page in _pages():
        for name, spec in raw.get("parameters", {}).items():
            row = _row(page, f"`{name}`")
            for start, value in spec["values"].items():
                segment = _dated_segment(row, start.isoformat())
                own = isinstance(value, dict) and "value" in value
                certainty = value.get("certainty", "confirmed") if own else spec.get("certainty", "confirmed")
                if certainty == "uncertain":
                    assert "**incertain**" in segment, (regime.id, name, start, segment)
                if own:
                    # Its own citations follow the value, unless they are the parameter's (shown in the row).
                    same = list(_citations(raw, value.get("citations", []))) == list(_citations(raw, spec["citations"]))
                    _assert_cited(name, row if same else segment, raw, value.get("citations", []), (regime.id, str(start)))
                    if value.get("note"):
                        assert _md(value["note"]) in (row if value["note"] == spec.get("note") else segment)


def _section(page, heading):
    """The text of a ``###`` section, from its heading to the next heading."""
    assert page.count(f"\n### {heading}") == 1, heading
    return page.split(f"\n### {heading}", 1)[1].split("\n#", 1)[0]


def _line(text, start):
    """The one line of ``text`` that starts with ``start``."""
    lines = [line for line in text.splitlines() if line.startswith(start)]
    assert len(lines) == 1, (start, lines)
    return lines[0]


def _condition_lines(spec):
    """The subjects and values a condition as written names, each as the pages show it."""
    for cmp in _comparisons(spec):
        subject = cmp.get("field") or cmp.get("lookup")
        yield f"`{subject}`" if subject else " + ".join(f"`{p}`" for p in cmp["sum"])
        op = next(k for k in OPS if k in cmp)
        value = cmp[op]
        if isinstance(value, dict) and "param" in value:
            yield f"paramètre `{value['param']}`"
        elif isinstance(value, list):
            yield from (str(v) for v in value)
        elif isinstance(value, bool):
            yield "oui" if value else "non"
        elif not isinstance(value, dict):
            yield str(value)


def test_every_obligation_shows_whom_it_concerns_its_deadline_and_consequence():
    for regime, raw, page in _pages():
        for ob in raw.get("obligations", []):
            section = _section(page, f"`{ob['id']}`")
            where = (regime.id, ob["id"])
            _assert_cited(ob["id"], section, raw, ob["citations"], where)
            assert _md(ob["says"]) in section and _md(ob["consequence"]) in _line(section, "- Conséquence"), where
            assert f"`{ob['counted_from']}`" in _line(section, "- À compter de"), where
            assert f"`{ob['done_on']}`" in _line(section, "- Date d'accomplissement"), where
            certainty = _line(section, "- Certitude")
            if ob.get("certainty") == "uncertain":
                assert "**incertain**" in certainty, where
            if ob.get("note"):
                assert _md(ob["note"]) in certainty, where
            delay = _line(section, "- Délai")
            within = ob["within"]
            if within is None:
                assert "non précisé" in delay, where
            elif "param" in within:
                assert f"paramètre `{within['param']}`" in delay, where
            if ob.get("applies_if") is None:
                assert "- S'applique : " in section, where
            else:
                condition = section.split("- S'applique si :\n", 1)[1].split("\n- ", 1)[0]
                for part in _condition_lines(ob["applies_if"]):
                    assert part in condition, (where, part)


def test_objectives_show_indicators_increases_and_the_new_installations_deadline():
    for regime, raw, page in _pages():
        if "objectives" not in raw:
            continue
        obj = raw["objectives"]
        section = page.split("\n## Objectifs\n", 1)[1]
        indicators = _section(section, "Indicateurs")
        for ind in obj["indicators"]:
            text = indicators.split(f"- `{ind['id']}` ", 1)[1].split("\n- `", 1)[0]
            assert _md(ind["label"]) in text and all(f"`{path}`" in text for path in ind["count"]), ind["id"]
            for part in _condition_lines(ind.get("applies_if")):
                assert part in text, (regime.id, ind["id"], part)
        increases = _section(section, "Augmentation")
        bands = [b["id"] for b in sorted(raw["aid"]["bands"], key=lambda b: (-b["from"], not b.get("exclusive")))]
        for option, inc in obj["increases"].items():
            row = _row(increases, option)
            cells = row.split(" | ")[1:1 + len(bands)]
            for band, cell in zip(bands, cells):
                value = inc["bands"].get(band, "absent")
                if value == "absent" or value is None or value == 0:
                    expected = {"absent": "—", None: "non trouvé", 0: "0 %"}[value]
                else:
                    expected = f"+{value:g} %".replace(".", ",")
                assert expected in cell, (regime.id, option, band, cell)
            _assert_cited(option, row, raw, inc["citations"], regime.id)
            if inc.get("certainty") == "uncertain":
                assert "**incertain**" in row, (regime.id, option)
            if inc.get("note"):
                assert _md(inc["note"]) in row
        new = obj.get("new_installation")
        if new is not None:
            text = _section(section, "Nouveaux installés")
            assert f"{new['target_percentile']:g}e percentile" in _line(text, "- Objectif"), regime.id
            within = new["within"]
            assert all(str(n) in _line(text, "- Délai") for n in within.values()), regime.id
            for part in _condition_lines(new["applies_if"]):
                assert part in text, (regime.id, part)
            _assert_cited("new_installation", text, raw, new["citations"], regime.id)
            if new.get("certainty") == "uncertain":
                assert "**incertain**" in _line(text, "- Certitude"), regime.id


def _last_cell(row):
    return row.rstrip(" |").rsplit(" | ", 1)[1]


def _assert_certain(where, text, spec, raw=None, certainty="certainty", note="note"):
    """``text`` (the lines a page gives an item) shows the item's certainty marker and note, and its citations."""
    if spec.get(certainty) == "uncertain":
        assert "**incertain**" in text, (where, text[:300])
    if spec.get(note):
        assert _md(spec[note]) in text, where
    if raw is not None:
        _assert_cited(where, text, raw, spec.get("citations", []), where)


def test_every_uncertain_item_carries_the_marker_next_to_its_name():
    for regime, raw, page in _pages():
        head, body = page.split("\n## ", 1)
        _assert_certain((regime.id, "regime"), _line(head, "- Certitude"), raw["regime"])
        for t in raw["regime"].get("transitions", []):
            _assert_certain((regime.id, t["from"]), _line(body, f"- **À partir du {t['from'].isoformat()}**"), t, raw)
        for name, spec in raw.get("parameters", {}).items():
            _assert_certain((regime.id, name), _last_cell(_row(page, f"`{name}`")), spec)
        for name, spec in raw.get("tables", {}).items():
            section = _section(page, f"`{name}`")
            _assert_certain((regime.id, name), _line(section, "- Certitude"), spec)
            for key, entry in spec.get("entries", {}).items():
                if isinstance(entry, dict) and "value" in entry:
                    row = _row(section, f"`{key}`")
                    _assert_certain((regime.id, name, key), _last_cell(row), entry)
                    _assert_cited((name, key), row, raw, entry.get("citations", []), regime.id)
        for item in raw["rules"] + raw.get("obligations", []):
            _assert_certain((regime.id, item["id"]), _line(_section(page, f"`{item['id']}`"), "- Certitude"), item)
        if "aid" in raw:
            aid = raw["aid"]
            section = page.split("\n## Aide\n", 1)[1].split("\n## ", 1)[0]
            _assert_certain((regime.id, "aid"), _line(section, "- Certitude"), aid)
            _assert_certain((regime.id, "aid.modulation"), _line(section, "- Modulation"), aid["modulation"], raw)
            _assert_certain((regime.id, "aid.renewal"), _line(section, "- Renouvellement"), aid["renewal"], raw)
            if aid.get("advance"):
                _assert_certain((regime.id, "aid.advance"), _line(section, "- Avance"), aid["advance"], raw)
            for band in aid["bands"]:
                _assert_certain((regime.id, band["id"]), _line(section, f"| `{band['id']}` "), band)
        if "objectives" in raw:
            section = page.split("\n## Objectifs\n", 1)[1].split("\n### ", 1)[0]
            _assert_certain((regime.id, "objectives"), _line(section, "- Certitude"), raw["objectives"])
            _assert_certain((regime.id, "rounding"), _line(section, "- Arrondi"), raw["objectives"],
                            certainty="rounding_certainty", note="rounding_note")


def _all_citations(node):
    """Every citation written anywhere in a rule file."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "citations":
                yield from value
            else:
                yield from _all_citations(value)
    elif isinstance(node, list):
        for item in node:
            yield from _all_citations(item)


def test_every_cited_source_is_listed_with_its_address():
    for regime, raw, page in _pages():
        sources = page.split("\n## Sources citées\n", 1)[1]
        cited = set(_citations(raw, list(_all_citations(raw))))
        assert cited
        for text, url in cited:
            rows = [line for line in sources.splitlines() if f"| <{url}> |" in line]
            assert any(row.startswith(f"| {_md(text)}") for row in rows), (regime.id, text, url)


def test_conditions_read_yes_and_no_and_the_rounding_in_french():
    for regime, raw, page in _pages():
        assert "`True`" not in page and "`False`" not in page, regime.id
        for where, condition in _conditions(raw):
            for cmp in _comparisons(condition):
                op = next(k for k in OPS if k in cmp)
                if "field" in cmp and isinstance(cmp[op], bool):
                    assert f"`{cmp['field']}` {OPS[op]} {'oui' if cmp[op] else 'non'}" in page, (regime.id, where, cmp)
        if "objectives" in raw:
            line = next(x for x in page.splitlines() if x.startswith("- Arrondi"))
            assert not re.search(rf"\b{raw['objectives']['rounding']}\b", line) and "à l'entier" in line, line


def test_tutorial_examples_run():
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    namespace: dict = {}
    for block in re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL):
        exec(compile(block, "docs/tutorial.md", "exec"), namespace)  # noqa: S102 - our own documentation


def test_docs_site_builds(tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is a test dependency")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # Links to a heading of the site resolve (mkdocs.yml makes a missing anchor a warning, which --strict
    # refuses; checked here too, should that setting change): mkdocs' slugs drop accents (#departements).
    broken = [line for line in result.stderr.splitlines() if "no such anchor" in line]
    assert not broken, "\n".join(broken)
    assert (tmp_path / "site" / "regimes" / "convention-2024" / "index.html").is_file()
    shutil.rmtree(tmp_path / "site")
