"""Documentation generated from the rule files: one Markdown page per regime, for lawyers and CPAM staff.

Each page lists every rule, parameter, table, obligation and the aid and objectives of the regime, with
its article, source link, validity dates and certainty, so the encoding can be reviewed without Python.

>>> from assistmed_rules.rulebook import load_rules
>>> page = render_regime(load_rules().regime("avenant7-2019"))
>>> "`a7.secteur`" in page and "https://" in page
True
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from .i18n import delay_text
from .rulebook import Period, Regime, RuleBook
from .verdict import Citation

OPS = {"is": "=", "is_not": "≠", "in": "∈", "not_in": "∉", "gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def _cite(citations: Iterable[Citation]) -> str:
    parts = []
    for c in citations:
        label = f"{c.text}, {c.article}" if c.article else c.text
        parts.append(f"[{_md(label)}]({c.url})")
    return " ; ".join(parts)


def _md(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _period(period: Period) -> str:
    return f"{period.start.isoformat()} → {period.end.isoformat() if period.end else '…'}"


def _certainty(certainty: str, note: str | None) -> str:
    if certainty == "confirmed":
        return "confirmé" + (f" — {_md(note)}" if note else "")
    return f"**incertain** — {_md(note or '')}"


def _value(spec: Any) -> str:
    if isinstance(spec, dict):
        if set(spec) == {"param"}:
            return f"paramètre `{spec['param']}`"
        if "lookup" in spec:
            return f"table `{spec['lookup']}`[`{spec.get('key')}`]"
        if "field" in spec:
            shift = next((f" {'+' if k == 'plus' else '−'} {_value(spec[k])}" for k in ("plus", "minus") if k in spec), "")
            return f"`{spec['field']}`{shift}"
        return ", ".join(f"{v} {k}" for k, v in spec.items())
    if isinstance(spec, list):
        return "{" + ", ".join(str(v) for v in spec) + "}"
    return f"`{spec}`"


def render_condition(spec: Any, indent: int = 0) -> list[str]:
    """A condition as a nested Markdown list, in plain words."""
    pad = "  " * indent
    if isinstance(spec, dict):
        for word, label in (("all", "toutes les conditions suivantes :"), ("any", "l'une au moins des conditions suivantes :")):
            if word in spec:
                lines = [f"{pad}- {label}"]
                for item in spec[word]:
                    lines += render_condition(item, indent + 1)
                return lines
        if "not" in spec:
            return [f"{pad}- il est faux que :"] + render_condition(spec["not"], indent + 1)
        op = next(k for k in OPS if k in spec)
        if "field" in spec:
            subject = f"`{spec['field']}`"
        elif "sum" in spec:
            subject = " + ".join(f"`{p}`" for p in spec["sum"])
        else:
            subject = f"table `{spec['lookup']}`[`{spec['key']}`]"
        return [f"{pad}- {subject} {OPS[op]} {_value(spec[op])}"]
    return [f"{pad}- {spec!r}"]


def render_regime(regime: Regime) -> str:
    """The Markdown page of one regime."""
    out = [
        f"# {regime.short_title}",
        "",
        f"*Page générée à partir de `{Path(regime.file).name}` — ne pas modifier à la main.*",
        "",
        f"**{_md(regime.title)}**",
        "",
        f"- Texte : {_md(regime.instrument)}",
        f"- Contrats signés : {_period(regime.new_contracts)}",
        f"- Sources : {_cite(regime.citations)}",
        f"- Certitude : {_certainty(regime.certainty, regime.note)}",
        "",
    ]
    if regime.transitions:
        out += ["## Contrats en cours : ce que les textes suivants changent", ""]
        for t in regime.transitions:
            out.append(f"- **À partir du {t.start.isoformat()}** : {_md(t.says)} ({_cite(t.citations)}) — "
                       f"{_certainty(t.certainty, t.note)}")
        out.append("")
    out += ["## Conditions d'éligibilité", ""]
    for rule in regime.rules:
        out += [f"### `{rule.id}` — {_md(rule.title)}", "", f"> {_md(rule.says)}", "",
                f"- Source : {_cite(rule.citations)}", f"- Validité : {_period(rule.valid)}",
                f"- Certitude : {_certainty(rule.certainty, rule.note)}"]
        if rule.applies_if is not None:
            out += ["- S'applique si :"] + render_condition(rule.applies_if.spec, 1)
        out += ["- Condition :"] + render_condition(rule.condition.spec, 1) + [""]
    if regime.obligations:
        out += ["## Obligations", "", "| id | obligation | délai | à compter de | source | certitude |",
                "|---|---|---|---|---|---|"]
        for ob in regime.obligations:
            within = ("non précisé" if ob.within is None else f"paramètre `{ob.within}`" if isinstance(ob.within, str)
                      else delay_text(ob.within))
            out.append(f"| `{ob.id}` | {_md(ob.title)} : {_md(ob.says)} | {within} | `{ob.counted_from}` | "
                       f"{_cite(ob.citations)} | {_certainty(ob.certainty, ob.note)} |")
        out.append("")
    out += ["## Paramètres", "", "| paramètre | description | valeurs datées | source | certitude |",
            "|---|---|---|---|---|"]
    for p in regime.parameters.values():
        values = "<br>".join(
            f"{v.start.isoformat()} : {_md(_param_value(v.value))}" + (" (incertain)" if v.certainty == "uncertain" else "")
            for v in p.values)
        out.append(f"| `{p.name}` | {_md(p.description)} ({p.unit}) | {values} | {_cite(p.citations)} | "
                   f"{_certainty(p.certainty, p.note)} |")
    out.append("")
    if regime.tables:
        out += ["## Tables", ""]
        for table in regime.tables.values():
            out += [f"### `{table.name}` (clé : `{table.key}`)", "", _md(table.description), "",
                    f"- Source : {_cite(table.citations)}", f"- Certitude : {_certainty(table.certainty, table.note)}",
                    f"- Données externes acceptées : {'oui' if table.external else 'non'}", "",
                    "| clé | valeur | liste complète | certitude |", "|---|---|---|---|"]
            for key, entry in table.entries.items():
                out.append(f"| `{key}` | {_md(_param_value(entry.value))} | {'oui' if entry.complete else 'non'} | "
                           f"{_certainty(entry.certainty, entry.note)} |")
            out.append("")
    if regime.value_labels:
        out += ["## Noms des valeurs", "",
                "Les noms que les textes de ce régime donnent à des valeurs des entrées (suggestions « what-if »).",
                "", "| entrée | valeur | nom | en anglais |", "|---|---|---|---|"]
        for path, names in regime.value_labels.items():
            out += [f"| `{path}` | `{value}` | {_md(fr)} | {_md(en)} |" for value, (fr, en) in names.items()]
        out.append("")
    if regime.aid is not None:
        aid = regime.aid
        out += ["## Aide", "", f"> {_md(aid.says)}", "", f"- Source : {_cite(aid.citations)}",
                f"- Certitude : {_certainty(aid.certainty, aid.note)}",
                (f"- Modulation à partir de l'année {aid.modulation.from_year} : {_md(aid.modulation.says)} "
                 f"({_certainty(aid.modulation.certainty, aid.modulation.note)})"),
                f"- Renouvellement : {_md(aid.renewal.says)} ({_cite(aid.renewal.citations)})"]
        if aid.advance is not None:
            out.append(f"- Avance : {_md(aid.advance.says)}, {delay_text(aid.advance.within)} après "
                       f"`{aid.advance.counted_from}` ({_cite(aid.advance.citations)})")
        out += ["", "| tranche | percentile | certitude |", "|---|---|---|"]
        out += [f"| `{band.id}` ({_md(band.label)}) | {'>' if band.exclusive else '≥'} {band.start:g} | "
                f"{_certainty(band.certainty, band.note)} |" for band in aid.bands]
        out += ["", "| option | année | tranche → paramètre |", "|---|---|---|"]
        for option, by_year in aid.amounts.items():
            last = max(by_year)
            for year, by_band in sorted(by_year.items()):
                label = f"{year} et suivantes" if year == last and year > 1 else str(year)
                out.append(f"| {option} | {label} | " + ", ".join(f"{b} → `{p}`" for b, p in by_band.items()) + " |")
        out.append("")
    if regime.objectives is not None:
        obj = regime.objectives
        out += ["## Objectifs", "", f"> {_md(obj.says)}", "", f"- Source : {_cite(obj.citations)}",
                f"- Certitude : {_certainty(obj.certainty, obj.note)}",
                f"- Arrondi : {obj.rounding} ({_certainty(obj.rounding_certainty, obj.rounding_note)})", "",
                "| option | " + " | ".join(b.label for b in regime.aid.bands) + " | certitude |",  # type: ignore[union-attr]
                "|---|" + "---|" * (len(regime.aid.bands) + 1)]  # type: ignore[union-attr]
        for option, inc in obj.increases.items():
            cells = []
            for band in regime.aid.bands:  # type: ignore[union-attr]
                v = inc.bands.get(band.id)
                cells.append("non trouvé" if band.id in inc.bands and v is None else "—" if v is None else f"+{v} %")
            out.append(f"| {option} | " + " | ".join(cells) + f" | {_certainty(inc.certainty, inc.note)} |")
        out.append("")
    return "\n".join(out) + "\n"


def _param_value(value: Any) -> str:
    if value is None:
        return "(aucune valeur : non trouvée)"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value))
    if isinstance(value, relativedelta):
        return delay_text(value)
    return str(value)


def write_docs(book: RuleBook, out_dir: str | Path) -> list[Path]:
    """Write one page per regime, and an index of them, into ``out_dir``; return the pages written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pages = []
    lines = ["# Régimes encodés", "", "*Pages générées à partir des fichiers de règles.*", "",
             "| régime | contrats signés | règles | paramètres |", "|---|---|---|---|"]
    for regime in book.regimes:
        page = out / f"{regime.id}.md"
        page.write_text(render_regime(regime), encoding="utf-8")
        pages.append(page)
        lines.append(f"| [{_md(regime.short_title)}]({regime.id}.md) | {_period(regime.new_contracts)} | "
                     f"{len(regime.rules)} | {len(regime.parameters)} |")
    index = out / "index.md"
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [index, *pages]
