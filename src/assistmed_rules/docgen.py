"""Documentation generated from the rule files: one Markdown page per regime, for lawyers and CPAM staff.

Each page lists every rule, parameter, table, obligation and the aid and objectives of the regime, with
its article, source link, validity dates and certainty, so the encoding can be reviewed without Python:
each dated value with its own citations, certainty and note; each obligation with whom it concerns, its
delay, the dates it runs from and is met on, and its consequence; the objectives' indicators, increases
and new-installation deadline; every uncertain item marked **incertain**; and, last, every source cited
on the page with its address.

>>> from assistmed_rules.rulebook import load_rules
>>> page = render_regime(load_rules().regime("avenant7-2019"))
>>> "`a7.secteur`" in page and "https://" in page and "## Sources citées" in page
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from .i18n import delay_text, euros
from .money import AidSchedule, ObjectivesRule
from .rulebook import DatedValue, Parameter, Period, Regime, RuleBook
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
    return "**incertain**" + (f" — {_md(note)}" if note else "")


#: How a target count is rounded (``objectives.rounding``), in the words of the pages.
ROUNDING = {"up": "à l'entier supérieur", "down": "à l'entier inférieur", "nearest": "à l'entier le plus proche"}
#: The units of parameters (``parameters.*.unit``), in the words of the pages.
UNITS = {"patients": "patients", "percentile": "percentile", "percent": "en %", "euros": "euros", "duration": "durée",
         "list": "liste", "count": "nombre", "date": "date"}
_DELAY_KEYS = {"years", "months", "days"}
#: How the aid is modulated from ``aid.modulation.from_year`` (``formula``), in the words of the pages.
FORMULAS = {"all_or_nothing": "tout ou rien", "prorata": "au prorata de l'atteinte des objectifs",
            "": "non donnée par les sources, non encodée"}


def _value(spec: Any) -> str:
    if isinstance(spec, bool):
        return "oui" if spec else "non"
    if isinstance(spec, dict):
        if spec and set(spec) <= _DELAY_KEYS:
            return delay_text(relativedelta(**spec))
        if set(spec) == {"param"}:
            return f"paramètre `{spec['param']}`"
        if "lookup" in spec:
            return f"table `{spec['lookup']}`[`{spec.get('key')}`]"
        if "field" in spec:
            shift = next((f" {'+' if k == 'plus' else '−'} {_value(spec[k])}" for k in ("plus", "minus") if k in spec), "")
            return f"`{spec['field']}`{shift}"
        return ", ".join(f"{v} {k}" for k, v in spec.items())
    if isinstance(spec, list):
        return "{" + ", ".join(_value(v).strip("`") for v in spec) + "}"
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
        out += ["## Obligations", ""]
        for ob in regime.obligations:
            out += [f"### `{ob.id}` — {_md(ob.title)}", "", f"> {_md(ob.says)}", "",
                    f"- Source : {_cite(ob.citations)}", f"- Validité : {_period(ob.valid)}",
                    f"- Certitude : {_certainty(ob.certainty, ob.note)}"]
            if ob.applies_if is None:
                out.append("- S'applique : à tout contrat du régime (sans condition)")
            else:
                out += ["- S'applique si :"] + render_condition(ob.applies_if.spec, 1)
            out += [f"- Délai : {_within(regime, ob.within)}", f"- À compter de : `{ob.counted_from}`",
                    f"- Date d'accomplissement : `{ob.done_on}`",
                    f"- Conséquence : {_md(ob.consequence)}", ""]
    out += ["## Paramètres", "",
            ("Une valeur datée qui a sa propre source, sa propre certitude ou sa propre note les donne après elle ;"
             " les autres valeurs reposent sur la source du paramètre."), "",
            "| paramètre | description | valeurs datées | source du paramètre | certitude |", "|---|---|---|---|---|"]
    for p in regime.parameters.values():
        values = "<br>".join(_dated_value(p, v) for v in p.values)
        out.append(f"| `{p.name}` | {_md(p.description)} ({UNITS.get(p.unit, p.unit)}) | {values} | {_cite(p.citations)} | "
                   f"{_certainty(p.certainty, p.note)} |")
    out.append("")
    if regime.tables:
        out += ["## Tables", ""]
        for table in regime.tables.values():
            out += [f"### `{table.name}` (clé : `{table.key}`)", "", _md(table.description), "",
                    f"- Source : {_cite(table.citations)}", f"- Certitude : {_certainty(table.certainty, table.note)}",
                    f"- Données externes acceptées : {'oui' if table.external else 'non'}",
                    *([f"- Entrées fournies par : {', '.join(f'`{Path(f).name}`' for f in table.supplied_by)}"]
                      if table.supplied_by else []), "",
                    "| clé | valeur | liste complète | source | certitude |", "|---|---|---|---|---|"]
            for key, entry in table.entries.items():
                source = "celle de la table" if entry.citations == table.citations else _cite(entry.citations)
                out.append(f"| `{key}` | {_md(_param_value(entry.value))} | {'oui' if entry.complete else 'non'} | "
                           f"{source} | {_certainty(entry.certainty, entry.note)} |")
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
                (f"- Modulation à partir de l'année {aid.modulation.from_year} (formule : "
                 f"{FORMULAS.get(aid.modulation.formula or '', aid.modulation.formula or '')}) : "
                 f"{_md(aid.modulation.says)} ({_cite(aid.modulation.citations)}) — "
                 f"{_certainty(aid.modulation.certainty, aid.modulation.note)}"),
                (f"- Renouvellement : {_md(aid.renewal.says)} ({_cite(aid.renewal.citations)}) — "
                 f"{_certainty(aid.renewal.certainty, aid.renewal.note)}")]
        if aid.advance is None:
            out.append("- Avance : aucune dans le fichier de règles (aucune avance n'est calculée)")
        else:
            adv = aid.advance
            out.append(f"- Avance : {_md(adv.says)}, dans un délai de {delay_text(adv.within)} à compter de "
                       f"`{adv.counted_from}` ({_cite(adv.citations)}) — {_certainty(adv.certainty, adv.note)}")
        out += ["", "| tranche | percentile | certitude |", "|---|---|---|"]
        out += [f"| `{band.id}` ({_md(band.label)}) | {'>' if band.exclusive else '≥'} {band.start:g} | "
                f"{_certainty(band.certainty, band.note)} |" for band in aid.bands]
        out += ["", "| option | année | tranche → paramètre |", "|---|---|---|"]
        for option, by_year in aid.amounts.items():
            last = max(by_year)
            for year, by_band in sorted(by_year.items()):
                label = f"{year} et suivantes" if year == last and year > 1 else str(year)
                out.append(f"| {option} | {label} | " + ", ".join(
                    f"{'autres tranches' if b == 'default' else b} → `{p}`" for b, p in by_band.items()) + " |")
        out.append("")
    if regime.objectives is not None and regime.aid is not None:
        out += _objectives(regime.objectives, regime.aid)
    out += _sources(regime)
    return "\n".join(out) + "\n"


def _cited(regime: Regime) -> Iterator[tuple[str, tuple[Citation, ...]]]:
    """Every item of the regime that cites something: (its name on the page, its citations)."""
    yield "régime", regime.citations
    for t in regime.transitions:
        yield f"transition du {t.start.isoformat()}", tuple(t.citations)
    for item in (*regime.rules, *regime.obligations):
        yield f"`{item.id}`", item.citations
    for p in regime.parameters.values():
        yield f"`{p.name}`", p.citations
        for v in p.values:
            if v.citations != p.citations:
                yield f"`{p.name}` ({v.start.isoformat()})", v.citations
    for table in regime.tables.values():
        yield f"`{table.name}`", table.citations
        for key, entry in table.entries.items():
            if entry.citations != table.citations:
                yield f"`{table.name}`[`{key}`]", entry.citations
    if regime.aid is not None:
        aid = regime.aid
        yield "aide", aid.citations
        yield "modulation", aid.modulation.citations
        yield "renouvellement", aid.renewal.citations
        if aid.advance is not None:
            yield "avance", aid.advance.citations
    if regime.objectives is not None:
        obj = regime.objectives
        yield "objectifs", obj.citations
        for option, inc in obj.increases.items():
            yield f"objectifs {option}", inc.citations
        if obj.new_installation is not None:
            yield "nouveaux installés", obj.new_installation.citations


def _sources(regime: Regime) -> list[str]:
    """The sources cited on the page, each with its address and the items that cite it."""
    by_source: dict[tuple[str, str], list[str]] = {}
    articles: dict[tuple[str, str], set[str | None]] = {}
    for name, citations in _cited(regime):
        for c in citations:
            names = by_source.setdefault((c.text, c.url), [])
            if name not in names:
                names.append(name)
            articles.setdefault((c.text, c.url), set()).add(c.article)
    out = ["## Sources citées", "",
           "Chaque texte cité sur cette page, avec son adresse et ce qui le cite.", "",
           "| source | adresse | citée par |", "|---|---|---|"]
    texts = [text for text, _ in by_source]
    for (text, url), names in sorted(by_source.items(), key=lambda kv: (kv[0][0].casefold(), kv[0][1])):
        # Two addresses under one title (two articles of one text): the article tells them apart.
        (article, *others) = articles[(text, url)]
        label = f"{text}, {article}" if texts.count(text) > 1 and article and not others else text
        out.append(f"| {_md(label)} | <{url}> | {', '.join(names)} |")
    return [*out, ""]


def _percent(value: Decimal | None) -> str:
    if value is None:
        return "non trouvé"
    if value == 0:
        return "0 % (maintien)"
    return f"+{float(value):g} %".replace(".", ",")


def _objectives(obj: ObjectivesRule, aid: AidSchedule) -> list[str]:
    """The objectives section: indicators, increases per band, rounding, the new installations' deadline."""
    out = ["## Objectifs", "", f"> {_md(obj.says)}", "", f"- Source : {_cite(obj.citations)}",
           f"- Certitude : {_certainty(obj.certainty, obj.note)}",
           (f"- Arrondi de la cible (nombre de patients) : {ROUNDING.get(obj.rounding, obj.rounding)} "
            f"({_certainty(obj.rounding_certainty, obj.rounding_note)})"), "",
           "### Indicateurs", ""]
    for ind in obj.indicators:
        counted = " + ".join(f"`{path}`" for path in ind.count)
        if ind.applies_if is None:
            out.append(f"- `{ind.id}` — {_md(ind.label)} : mesuré par {counted} ; pour tous les médecins")
        else:
            out += [f"- `{ind.id}` — {_md(ind.label)} : mesuré par {counted} ; s'applique si :"]
            out += render_condition(ind.applies_if.spec, 1)
    out += ["", "### Augmentation demandée, par option et par tranche", "",
            ("Augmentation de chaque indicateur demandée selon la tranche de percentile du médecin. « non trouvé » :"
             " valeur non trouvée dans les sources ; « — » : tranche sans valeur dans le fichier de règles. Dans"
             " les deux cas, aucune cible n'est calculée."), "",
            "| option | " + " | ".join(_md(b.label) for b in aid.bands) + " | source | certitude |",
            "|---|" + "---|" * (len(aid.bands) + 2)]
    for option, inc in obj.increases.items():
        cells = ["—" if band.id not in inc.bands else _percent(inc.bands[band.id]) for band in aid.bands]
        out.append(f"| {option} | " + " | ".join(cells) + f" | {_cite(inc.citations)} | "
                   f"{_certainty(inc.certainty, inc.note)} |")
    out.append("")
    new = obj.new_installation
    if new is not None:
        out += ["### Nouveaux installés : objectif à atteindre dans un délai", "", f"> {_md(new.says)}", "",
                (f"- Objectif : atteindre le {new.target_percentile:g}e percentile de la distribution nationale de la"
                 " spécialité, pour chaque indicateur ; il remplace, pour ces médecins, l'augmentation par tranche"),
                (f"- Délai : {delay_text(new.within)} (point de départ non encodé : aucune date d'échéance n'est"
                 " calculée)"),
                "- S'applique si :", *render_condition(new.applies_if.spec, 1),
                f"- Source : {_cite(new.citations)}", f"- Certitude : {_certainty(new.certainty, new.note)}", ""]
    return out


def _within(regime: Regime, within: relativedelta | str | None) -> str:
    """An obligation's delay: written out, or the parameter that gives it with its values."""
    if within is None:
        return "non précisé par les sources (aucune échéance n'est calculée)"
    if isinstance(within, relativedelta):
        return delay_text(within)
    p = regime.parameters[within]
    if len(p.values) == 1:
        v = p.values[0]
        value = _md(_param_value(v.value, p.unit)) + (" — **incertain**" if v.certainty == "uncertain" else "")
        return f"{value} (paramètre `{within}`)"
    values = " ; ".join(_dated_value(p, v) for v in p.values)
    return f"paramètre `{within}` ({values})"


def _dated_value(p: Parameter, v: DatedValue) -> str:
    """One dated value of a parameter, with its own citations, certainty and note where it has them."""
    parts = [f"{v.start.isoformat()} : {_md(_param_value(v.value, p.unit))}"]
    if v.citations != p.citations:
        parts.append(f"source : {_cite(v.citations)}")
    own_note = v.note if v.note != p.note else None
    if v.certainty == "uncertain" or v.certainty != p.certainty or own_note:
        parts.append(_certainty(v.certainty, own_note))
    return " — ".join(parts)


def _param_value(value: Any, unit: str | None = None) -> str:
    if value is None:
        return "(aucune valeur : non trouvée)"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value))
    if isinstance(value, relativedelta):
        return delay_text(value)
    if isinstance(value, Decimal) and unit == "euros":
        return euros(value)
    if unit == "percent":
        return f"{value:g} %"
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
