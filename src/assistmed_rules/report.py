"""A readable French text report of a verdict (what ``str(verdict)`` and the CLI's text format show)."""

from __future__ import annotations

import html

from .money import euros
from .verdict import Citation, Verdict

STATUS_TEXT = {
    "eligible": "ÉLIGIBLE",
    "not_eligible": "NON ÉLIGIBLE",
    "undetermined": "INDÉTERMINÉ (des informations manquent)",
}
OUTCOME_MARK = {"met": "[rempli]", "not_met": "[NON REMPLI]", "unknown": "[inconnu]"}
STATE_TEXT = {"pending": "à faire", "met": "fait", "overdue": "EN RETARD"}


def _cite(citations: list[Citation]) -> str:
    return " ; ".join(str(c) for c in citations)


def render_text(verdict: Verdict) -> str:
    """Render ``verdict`` as a French report: status, regime, each condition with its article, obligations."""
    lines = [
        f"Verdict : {STATUS_TEXT[verdict.status]}",
        f"Régime : {verdict.regime_title or 'aucun'}",
        f"  {verdict.regime_reason}",
        f"Date d'évaluation : {verdict.evaluated_on.isoformat()}",
    ]
    for t in verdict.transitions:
        lines.append(f"  Depuis le {t.start.isoformat()} : {t.says} ({_cite(t.citations)})")
    lines += ["", "Conditions :"]
    for f in verdict.findings:
        mark = "[sans objet]" if f.applicable is False else OUTCOME_MARK[f.outcome]
        flag = " (lecture incertaine des sources)" if f.certainty == "uncertain" else ""
        lines.append(f"  {mark} {f.title} — {f.rule_id}{flag}")
        lines.append(f"      {f.message}")
        lines.append(f"      Source : {_cite(f.citations)}")
    if verdict.missing:
        lines += ["", "Informations manquantes qui décideraient du verdict :"]
        lines += [f"  - {m}" for m in verdict.missing]
    if verdict.missing_data:
        lines += ["", "Données des règles manquantes (à fournir dans un fichier de données) :"]
        lines += [f"  - {m}" for m in verdict.missing_data]
    for title, items in (("Obligations", verdict.obligations),
                         ("Obligations conditionnelles (selon des informations non renseignées)",
                          verdict.conditional_obligations)):
        if items:
            lines += ["", f"{title} :"]
            for o in items:
                due = o.due_date.isoformat() if o.due_date else "date non calculable"
                state = f"fait le {o.met_on.isoformat()}" if o.met_on else STATE_TEXT[o.state]
                lines.append(f"  - {o.title} : échéance {due} ({o.counted_from}) — {state}")
                lines.append(f"      Source : {_cite(o.citations)}")
                if o.state == "overdue":
                    lines.append(f"      Conséquence : {o.consequence}")
    if verdict.aid:
        lines += ["", "Aide maximale par année de contrat :"]
        for year in verdict.aid:
            amount = euros(year.amount) if year.amount is not None else (
                "selon la tranche : " + " / ".join(euros(a) for a in year.possible_amounts)
                if year.possible_amounts else "montant inconnu")
            modulated = " (selon l'atteinte des objectifs)" if year.modulated else ""
            flag = " (incertain)" if year.certainty == "uncertain" else ""
            lines.append(f"  - Année {year.contract_year} ({year.start.isoformat()} – {year.end.isoformat()}) :"
                         f" {amount}{modulated}{flag} — {_cite(year.citations)}")
            if year.advance is not None:
                adv = year.advance
                due = adv.due_date.isoformat() if adv.due_date else "date non calculable"
                adv_amount = euros(adv.amount) if adv.amount is not None else "montant inconnu"
                lines.append(f"      Avance de {adv.share_percent:g} % : {adv_amount}, due le {due} ({adv.counted_from})")
        total = verdict.aid_total
        if total is not None:
            lines.append(f"  Total sur la durée du contrat : {euros(total)}")
    if verdict.objectives:
        lines += ["", "Objectifs de patientèle :"]
        for o in verdict.objectives:
            if o.kind == "reach_percentile":
                text = f"atteindre le {o.target_percentile:g}e percentile en {o.within}"
            elif o.increase_percent is None:
                text = "augmentation non trouvée dans les sources"
            elif o.increase_percent == 0:
                text = "maintien"
            else:
                text = f"+{o.increase_percent:g} %"
            target = f", soit {o.target_count} patients (départ : {o.start_count})" if o.target_count is not None else ""
            flag = " (incertain)" if o.certainty == "uncertain" else ""
            lines.append(f"  - {o.label} : {text}{target}{flag}")
    if verdict.renewal:
        lines += ["", f"Renouvellement : {verdict.renewal}"]
    if verdict.uncertain_rules:
        lines += ["", "Règles reposant sur une lecture incertaine des sources : " + ", ".join(verdict.uncertain_rules)]
    return "\n".join(lines)


def render_html(verdict: Verdict) -> str:
    """Render ``verdict`` as a compact HTML table (what Jupyter shows)."""
    esc = html.escape
    colour = {"eligible": "#1a7f37", "not_eligible": "#cf222e", "undetermined": "#9a6700"}[verdict.status]
    rows = []
    for f in verdict.findings:
        mark = "sans objet" if f.applicable is False else {"met": "rempli", "not_met": "NON REMPLI", "unknown": "inconnu"}[f.outcome]
        links = ", ".join(f'<a href="{esc(c.url)}">{esc(str(c))}</a>' for c in f.citations)
        flag = " ⚠" if f.certainty == "uncertain" else ""
        rows.append(f"<tr><td><code>{esc(f.rule_id)}</code>{flag}</td><td>{esc(mark)}</td>"
                    f"<td>{esc(f.message)}</td><td>{links}</td></tr>")
    extra = []
    if verdict.missing:
        extra.append("<p><b>Manquant :</b> " + ", ".join(f"<code>{esc(m)}</code>" for m in verdict.missing) + "</p>")
    if verdict.aid:
        cells = "".join(f"<td>{esc(euros(y.amount)) if y.amount is not None else '?'}</td>" for y in verdict.aid)
        heads = "".join(f"<th>Année {y.contract_year}</th>" for y in verdict.aid)
        extra.append(f"<table><tr>{heads}</tr><tr>{cells}</tr></table>")
    if verdict.obligations:
        extra.append("<ul>" + "".join(
            f"<li>{esc(o.title)} : {o.due_date.isoformat() if o.due_date else '?'} ({esc(STATE_TEXT[o.state])})</li>"
            for o in verdict.obligations) + "</ul>")
    return (
        f'<div><p><b style="color:{colour}">{esc(STATUS_TEXT[verdict.status])}</b> — '
        f"{esc(verdict.regime_title or 'aucun régime')}</p>"
        "<table><tr><th>règle</th><th>résultat</th><th>constat</th><th>source</th></tr>"
        + "".join(rows) + "</table>" + "".join(extra) + "</div>"
    )
