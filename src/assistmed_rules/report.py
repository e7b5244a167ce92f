"""A readable French text report of a verdict (what ``str(verdict)`` and the CLI's text format show)."""

from __future__ import annotations

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
    if verdict.uncertain_rules:
        lines += ["", "Règles reposant sur une lecture incertaine des sources : " + ", ".join(verdict.uncertain_rules)]
    return "\n".join(lines)
