"""A readable text report of a verdict (what ``str(verdict)`` and the CLI's text format show), and its HTML.

Both are written in the verdict's language (``Verdict.language``: French by default, English on request).
"""

from __future__ import annotations

import html
from decimal import Decimal

from .i18n import euros, text
from .verdict import Citation, Verdict


def _cite(citations: list[Citation], language: str) -> str:
    return (" ; " if language == "fr" else "; ").join(str(c) for c in citations)


def render_text(verdict: Verdict) -> str:
    """Render ``verdict`` as a report: status, regime, each condition with its article, obligations, aid."""
    lang = verdict.language

    def t(key: str, **values: object) -> str:
        return text(key, lang, **values)

    def uncertain(certainty: str) -> str:
        return t("report.uncertain") if certainty == "uncertain" else ""

    def cite(citations: list[Citation]) -> str:
        return _cite(citations, lang)

    lines = [
        t("report.verdict", status=t(f"status.{verdict.status}")),
        t("report.regime", title=verdict.regime_title or t("report.no_regime")),
        f"  {verdict.regime_reason}",
        t("report.evaluated_on", day=verdict.evaluated_on.isoformat()),
    ]
    for tr in verdict.transitions:
        lines.append("  " + t("report.since", day=tr.start.isoformat(), says=tr.says, cite=cite(tr.citations))
                     + uncertain(tr.certainty))
    lines += ["", t("report.conditions")]
    for f in verdict.findings:
        mark = t("mark.not_applicable") if f.applicable is False else t(f"mark.{f.outcome}")
        flag = t("report.uncertain_reading") if f.certainty == "uncertain" else ""
        lines.append(f"  {mark} {f.title} — {f.rule_id}{flag}")
        lines.append(f"      {f.message}")
        lines.append("      " + t("report.source", cite=cite(f.citations)))
    if verdict.missing:
        lines += ["", t("report.missing")]
        lines += [f"  - {m}" for m in verdict.missing]
    if verdict.missing_data:
        lines += ["", t("report.missing_data")]
        lines += [f"  - {m}" for m in verdict.missing_data]
    for title, items in ((t("report.obligations"), verdict.obligations),
                         (t("report.conditional_obligations"), verdict.conditional_obligations)):
        if items:
            lines += ["", f"{title} :" if lang == "fr" else f"{title}:"]
            for o in items:
                due = o.due_date.isoformat() if o.due_date else t("report.no_due_date")
                state = t(f"state.{o.state}")
                if o.met_on:
                    state = t("report.done_on", day=o.met_on.isoformat()) + (f" ({state})" if o.state == "late" else "")
                lines.append("  - " + t("report.obligation", title=o.title, due=due, counted=o.counted_from, state=state)
                             + uncertain(o.certainty))
                lines.append("      " + t("report.source", cite=cite(o.citations)))
                if o.state in ("overdue", "late"):
                    lines.append("      " + t("report.consequence", text=o.consequence))
    if verdict.aid:
        lines += ["", t("report.aid")]
        for year in verdict.aid:
            amount = euros(year.amount, lang) if year.amount is not None else (
                t("report.by_band", amounts=" / ".join(euros(a, lang) for a in year.possible_amounts))
                if year.possible_amounts else t("report.amount_unknown"))
            lines.append("  - " + t(
                "report.year", n=year.contract_year, start=year.start.isoformat(), end=year.end.isoformat(),
                amount=amount, modulated=t("report.modulated") if year.modulated else "",
                flag=uncertain(year.certainty), cite=cite(year.citations)))
            if year.advance is not None:
                adv = year.advance
                lines.append("      " + t(
                    "report.advance", share=_percent(adv.share_percent, lang),
                    amount=euros(adv.amount, lang) if adv.amount is not None else t("report.amount_unknown"),
                    due=adv.due_date.isoformat() if adv.due_date else t("report.no_due_date"),
                    counted=adv.counted_from) + uncertain(adv.certainty))
        total = verdict.aid_total
        if total is not None:
            lines.append("  " + t("report.total", amount=euros(total, lang)))
    if verdict.objectives:
        lines += ["", t("report.objectives")]
        for obj in verdict.objectives:
            if obj.kind == "reach_percentile":
                what = t("report.reach", percentile=f"{obj.target_percentile:g}", within=obj.within)
            elif obj.increase_percent is None:
                what = t("report.increase_no_band") if obj.band is None else t("report.increase_not_found")
            elif obj.increase_percent == 0:
                what = t("report.maintain")
            else:
                what = f"+{_percent(obj.increase_percent, lang)} %"
            target = "" if obj.target_count is None else t("report.target", target=obj.target_count,
                                                            start=obj.start_count)
            lines.append("  - " + t("report.objective", label=obj.label, text=what, target=target,
                                    flag=uncertain(obj.certainty)))
    if verdict.renewal:
        lines += ["", t("report.renewal", text=verdict.renewal)]
    if verdict.uncertain_rules:
        lines += ["", t("report.uncertain_rules", ids=", ".join(verdict.uncertain_rules))]
    return "\n".join(lines)


def render_html(verdict: Verdict) -> str:
    """Render ``verdict`` as a compact HTML table (what Jupyter shows)."""
    esc = html.escape
    lang = verdict.language

    def t(key: str, **values: object) -> str:
        return text(key, lang, **values)

    colour = {"eligible": "#1a7f37", "not_eligible": "#cf222e", "undetermined": "#9a6700"}[verdict.status]
    rows = []
    for f in verdict.findings:
        mark = t("outcome.not_applicable") if f.applicable is False else t(f"outcome.{f.outcome}")
        links = ", ".join(f'<a href="{esc(c.url)}">{esc(str(c))}</a>' for c in f.citations)
        flag = " ⚠" if f.certainty == "uncertain" else ""
        rows.append(f"<tr><td><code>{esc(f.rule_id)}</code>{flag}</td><td>{esc(mark)}</td>"
                    f"<td>{esc(f.message)}</td><td>{links}</td></tr>")
    extra = []
    if verdict.missing:
        extra.append(f"<p><b>{esc(t('html.missing'))}</b> "
                     + ", ".join(f"<code>{esc(m)}</code>" for m in verdict.missing) + "</p>")
    if verdict.missing_data:  # what keeps an undetermined verdict open when no input is missing
        extra.append(f"<p><b>{esc(t('html.missing_data'))}</b> "
                     + ", ".join(f"<code>{esc(m)}</code>" for m in verdict.missing_data) + "</p>")
    if verdict.aid:
        cells = "".join(f"<td>{esc(euros(y.amount, lang)) if y.amount is not None else '?'}</td>" for y in verdict.aid)
        heads = "".join(f"<th>{esc(t('html.year', n=y.contract_year))}</th>" for y in verdict.aid)
        extra.append(f"<table><tr>{heads}</tr><tr>{cells}</tr></table>")
    if verdict.obligations:
        colon = " : " if lang == "fr" else ": "
        extra.append("<ul>" + "".join(
            f"<li>{esc(o.title)}{' ⚠' if o.certainty == 'uncertain' else ''}{colon}"
            f"{o.due_date.isoformat() if o.due_date else '?'} ({esc(t(f'state.{o.state}'))})</li>"
            for o in verdict.obligations) + "</ul>")
    return (
        f'<div><p><b style="color:{colour}">{esc(t(f"status.{verdict.status}"))}</b> — '
        f"{esc(verdict.regime_title or t('html.no_regime'))}</p>"
        f"<table><tr><th>{t('html.rule')}</th><th>{t('html.result')}</th><th>{t('html.finding')}</th>"
        f"<th>{t('html.source')}</th></tr>"
        + "".join(rows) + "</table>" + "".join(extra) + "</div>"
    )


def _percent(value: Decimal, language: str) -> str:
    """A percentage as written in ``language``: ``70``, ``7,5`` in French, ``7.5`` in English."""
    shown = format(value.normalize(), "f")
    return shown.replace(".", ",") if language == "fr" else shown
