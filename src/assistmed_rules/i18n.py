"""The library's own words, in French (the default) and English.

The rule files carry the legal texts and the findings' messages (French, with optional ``en:`` blocks);
this catalogue holds what the mechanism itself writes: the regime reason, the default messages, delays,
amounts and the report's headings. ``text(key, language, **values)`` fills a message in.

>>> text("reason.signed", "en", signature="2020-03-01")
'Contract signed on 2020-03-01'
>>> delay_text(relativedelta(years=2, months=6), "fr"), delay_text(relativedelta(years=1), "en")
('2 ans 6 mois', '1 year')
>>> euros(Decimal(13500), "fr"), euros(Decimal(13500), "en")
('13\\u202f500 €', '€13,500')
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

#: Languages of the output; French is the default and the language of the rule files.
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

_CATALOGUE: dict[str, tuple[str, str]] = {
    # (French, English)
    "unknown": ("inconnu", "unknown"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    "reason.signed": ("Contrat signé le {signature}", "Contract signed on {signature}"),
    "reason.assumed": ("Date de signature non renseignée : contrat supposé signé le {signature}",
                       "Signature date not given: the contract is taken as signed on {signature}"),
    "reason.regime": (" ; le régime « {title} » régit les contrats signés du {start} {end}.",
                      "; the regime “{title}” governs the contracts signed from {start} {end}."),
    "reason.until": ("au {end}", "to {end}"),
    "reason.open": ("sans date de fin fixée", "with no end date set"),
    "finding.not_applicable": ("Condition sans objet pour ce cas : {title}.",
                               "Condition not relevant to this case: {title}."),
    "finding.unknown": ("Impossible de conclure sur « {title} » : renseigner {missing}.",
                        "Cannot conclude on “{title}”: give {missing}."),
    "obligation.counted": ("{delay} après {start}", "{delay} after {start}"),
    "advance.before_signature": (
        ("Compté d'une date antérieure à la signature du contrat : les sources ne disent pas quand l'avance est "
         "alors due (pas avant la signature)."),
        ("Counted from a date before the contract's signature: the sources do not say when the advance is then "
         "due (not before the signature)."),
    ),
    "obligation.no_delay": ("délai non précisé par les sources, à compter de {start}",
                            "delay not given by the sources, counted from {start}"),
    "no_regime.title": ("Régime applicable à la date de signature", "Regime governing the signature date"),
    "no_regime.before": (
        ("Aucun régime d'aide à l'emploi d'un assistant médical ne s'applique à un contrat signé le {signature} :"
         " le dispositif commence avec « {title} » pour les contrats signés à partir du {start}."),
        ("No regime of the medical-assistant aid applies to a contract signed on {signature}: the aid starts with"
         " “{title}” for the contracts signed from {start}.")),
    "no_regime.none": ("Aucun régime chargé ne régit un contrat signé le {signature} (régimes chargés : {ids}).",
                       "No loaded regime governs a contract signed on {signature} (regimes loaded: {ids})."),
    "aid.band_unknown": ("Le montant dépend de la tranche de percentile, non renseignée.",
                         "The amount depends on the percentile band, which is not given."),
    "aid.no_value": ("Montant non publié dans les sources pour cette option et cette année (paramètre sans valeur).",
                     "Amount not published in the sources for this option and year (parameter with no value)."),
    "objective.no_table": ("Pas de table d'objectifs pour cette option dans les sources.",
                           "No objectives table for this option in the sources."),
    "objective.no_band": ("Percentile non renseigné : la tranche d'objectif n'est pas connue.",
                          "Percentile not given: the objective's band is not known."),
    "objective.not_found": ("Objectif de la tranche {band} NON TROUVÉ dans les sources pour cette option.",
                            "Objective of band {band} NOT FOUND in the sources for this option."),
    "objective.rounding": ("Arrondi de la cible non précisé par les sources.",
                           "The rounding of the target is not given by the sources."),
    "review.not_modulated": ("Année {year} : aide non modulée par l'atteinte des objectifs ({says}).",
                             "Year {year}: the aid is not modulated by the attainment of the objectives ({says})."),
    "review.unknown": ("Atteinte des objectifs inconnue (cible ou réalisé non connus).",
                       "Attainment of the objectives unknown (target or achievement not known)."),
    "review.prorata": ("Aide au prorata du taux d'atteinte le plus faible ({says}).",
                       "Aid in proportion to the lowest attainment rate ({says})."),
    "review.no_formula": ("Objectif non atteint : la formule de modulation n'est pas dans les sources ({says}).",
                          "Objective not reached: the modulation formula is not in the sources ({says})."),
    "review.estimate": (
        "prorata_estimate : hypothèse d'un prorata du taux d'atteinte le plus faible, non tirée des textes.",
        "prorata_estimate: assumes the aid in proportion to the lowest attainment rate, not taken from the texts."),
    # what-if suggestions
    "whatif.suggestion": ("Devient éligible avec : {changes} ({rules}).",
                          "Becomes eligible with: {changes} ({rules})."),
    "whatif.if_unknown": ("Éligible si (non renseigné à ce jour) : {assumed} ({rules}).",
                          "Eligible if (not given so far): {assumed} ({rules})."),
    "whatif.suggestion_if": ("Devient éligible avec : {changes}, si (non renseigné à ce jour) : {assumed} ({rules}).",
                             "Becomes eligible with: {changes}, if (not given so far): {assumed} ({rules})."),
    "whatif.change": ("{label} : {value}", "{label}: {value}"),
    "whatif.and": (" ; ", "; "),
    "whatif.rule": ("règle {ids}", "rule {ids}"),
    "whatif.rules": ("règles {ids}", "rules {ids}"),
    "whatif.at_least": ("au moins {n}", "at least {n}"),
    "whatif.at_most": ("au plus {n}", "at most {n}"),
    "whatif.more_than": ("plus de {n}", "more than {n}"),
    "whatif.less_than": ("moins de {n}", "less than {n}"),
    # short names of the inputs a suggestion changes, and of their values (a regime may name a value its own
    # way: value_labels in its rule file)
    "field.doctor.tariff_option": ("option de pratique tarifaire maîtrisée",
                                   "controlled-fee option (option de pratique tarifaire maîtrisée)"),
    "field.doctor.group_practice_doctors": ("nombre de médecins exerçant ensemble",
                                            "number of doctors practising together"),
    "field.doctor.group_practice_commitment": ("engagement à rejoindre un exercice regroupé",
                                               "commitment to join a group practice"),
    "field.doctor.coordinated_practice": ("exercice coordonné", "coordinated practice (exercice coordonné)"),
    "field.doctor.multi_site_msp": ("membre d'une MSP multisite", "member of a multi-site MSP"),
    "field.doctor.coordinated_practice_commitment": ("engagement à rejoindre un exercice coordonné",
                                                     "commitment to join a coordinated practice"),
    "field.doctor.activity.mt_patients_adult": ("patients médecin traitant de 16 ans et plus",
                                                "patients aged 16 or more with the doctor as médecin traitant"),
    "field.doctor.activity.mt_patients_child": ("patients médecin traitant de moins de 16 ans",
                                                "patients under 16 with the doctor as médecin traitant"),
    "field.doctor.activity.file_active": ("file active (patients vus dans l'année)",
                                          "file active (distinct patients seen in the year)"),
    "field.doctor.activity.percentile": ("percentile d'activité dans la spécialité",
                                         "activity percentile in the specialty"),
    "field.doctor.activity.clinical_fee_share": ("part des honoraires cliniques (%)", "share of clinical fees (%)"),
    "field.contract.option": ("option du contrat", "contract option"),
    "value.doctor.tariff_option.aucune": ("aucune", "none"),
    "value.doctor.tariff_option.optam": ("OPTAM", "OPTAM"),
    "value.doctor.tariff_option.optam_co": ("OPTAM-CO", "OPTAM-CO"),
    "value.doctor.coordinated_practice.msp": ("maison de santé pluriprofessionnelle (MSP)",
                                              "MSP (maison de santé pluriprofessionnelle)"),
    "value.doctor.coordinated_practice.centre_de_sante": ("centre de santé", "centre de santé (health centre)"),
    "value.doctor.coordinated_practice.esp": ("équipe de soins primaires (ESP)", "ESP (équipe de soins primaires)"),
    "value.doctor.coordinated_practice.ess": ("équipe de soins spécialisés (ESS)", "ESS (équipe de soins spécialisés)"),
    "value.doctor.coordinated_practice.cpts": ("communauté professionnelle territoriale de santé (CPTS)",
                                               "CPTS (communauté professionnelle territoriale de santé)"),
    "value.doctor.coordinated_practice.autre": ("une autre organisation", "another organisation"),
    "value.doctor.coordinated_practice.aucune": ("aucun", "none"),
    "value.contract.option.etp_1_3": ("1/3 ETP", "1/3 FTE"),
    "value.contract.option.etp_1_2": ("1/2 ETP", "1/2 FTE"),
    "value.contract.option.etp_1": ("1 ETP", "1 FTE"),
    "value.contract.option.etp_1_5": ("1,5 ETP", "1.5 FTE"),
    "value.contract.option.etp_2": ("2 ETP", "2 FTE"),
    # the text report
    "report.verdict": ("Verdict : {status}", "Verdict: {status}"),
    "status.eligible": ("ÉLIGIBLE", "ELIGIBLE"),
    "status.not_eligible": ("NON ÉLIGIBLE", "NOT ELIGIBLE"),
    "status.undetermined": ("INDÉTERMINÉ (des informations manquent)", "UNDETERMINED (information is missing)"),
    "report.regime": ("Régime : {title}", "Regime: {title}"),
    "report.no_regime": ("aucun", "none"),
    "report.evaluated_on": ("Date d'évaluation : {day}", "Evaluated on: {day}"),
    "report.since": ("Depuis le {day} : {says} ({cite})", "From {day}: {says} ({cite})"),
    "report.conditions": ("Conditions :", "Conditions:"),
    "mark.met": ("[rempli]", "[met]"),
    "mark.not_met": ("[NON REMPLI]", "[NOT MET]"),
    "mark.unknown": ("[inconnu]", "[unknown]"),
    "mark.not_applicable": ("[sans objet]", "[not relevant]"),
    "report.uncertain_reading": (" (lecture incertaine des sources)", " (uncertain reading of the sources)"),
    "report.source": ("Source : {cite}", "Source: {cite}"),
    "report.missing": ("Informations manquantes qui décideraient du verdict :",
                       "Missing information that would decide the verdict:"),
    "report.missing_data": (
        ("Données des règles manquantes (une table se complète par un fichier de données, un paramètre dans le"
         " fichier de règles) :"),
        "Rule data missing (a table is filled by a data file, a parameter in the rule file):"),
    "report.obligations": ("Obligations", "Obligations"),
    "report.conditional_obligations": ("Obligations conditionnelles (selon des informations non renseignées)",
                                       "Conditional obligations (depending on information not given)"),
    "report.no_due_date": ("date non calculable", "date cannot be computed"),
    "report.done_on": ("fait le {day}", "done on {day}"),
    "state.pending": ("à faire", "to do"),
    "state.met": ("fait", "done"),
    "state.overdue": ("EN RETARD", "OVERDUE"),
    "state.late": ("FAIT EN RETARD", "DONE LATE"),
    "report.obligation": ("{title} : échéance {due} ({counted}) — {state}", "{title}: due {due} ({counted}) — {state}"),
    "report.consequence": ("Conséquence : {text}", "Consequence: {text}"),
    "report.aid": ("Aide maximale par année de contrat :", "Maximum aid per contract year:"),
    "report.by_band": ("selon la tranche : {amounts}", "depending on the band: {amounts}"),
    "report.amount_unknown": ("montant inconnu", "amount unknown"),
    "report.modulated": (" (selon l'atteinte des objectifs)", " (depending on the objectives reached)"),
    "report.uncertain": (" (incertain)", " (uncertain)"),
    "report.year": ("Année {n} ({start} – {end}) : {amount}{modulated}{flag} — {cite}",
                    "Year {n} ({start} – {end}): {amount}{modulated}{flag} — {cite}"),
    "report.advance": ("Avance de {share} % : {amount}, échéance : {due} ({counted})",
                       "Advance of {share} %: {amount}, due: {due} ({counted})"),
    "report.total": ("Total sur la durée du contrat : {amount}", "Total over the contract: {amount}"),
    "report.objectives": ("Objectifs de patientèle :", "Patientèle objectives:"),
    "report.reach": ("atteindre le {percentile}e percentile en {within}", "reach percentile {percentile} within {within}"),
    "report.increase_not_found": ("augmentation non trouvée dans les sources", "increase not found in the sources"),
    "report.increase_no_band": ("augmentation selon la tranche de percentile, inconnue : percentile non renseigné",
                                "increase set by the percentile band, unknown: percentile not given"),
    "report.maintain": ("maintien", "maintain"),
    "report.target": (", soit {target} patients (départ : {start})", ", that is {target} patients (start: {start})"),
    "report.objective": ("{label} : {text}{target}{flag}", "{label}: {text}{target}{flag}"),
    "report.renewal": ("Renouvellement : {text}", "Renewal: {text}"),
    "report.uncertain_rules": ("Règles reposant sur une lecture incertaine des sources : {ids}",
                               "Rules resting on an uncertain reading of the sources: {ids}"),
    "html.rule": ("règle", "rule"),
    "html.result": ("résultat", "result"),
    "html.finding": ("constat", "finding"),
    "html.source": ("source", "source"),
    "html.missing": ("Manquant :", "Missing:"),
    "html.missing_data": ("Données des règles manquantes :", "Rule data missing:"),
    "html.year": ("Année {n}", "Year {n}"),
    "html.no_regime": ("aucun régime", "no regime"),
    "outcome.met": ("rempli", "met"),
    "outcome.not_met": ("NON REMPLI", "NOT MET"),
    "outcome.unknown": ("inconnu", "unknown"),
    "outcome.not_applicable": ("sans objet", "not relevant"),
}


def check_language(language: str) -> str:
    """``language`` (in any case, spaces around it removed) if it is one the library writes in; a ValueError
    saying which are accepted otherwise.

    >>> check_language(" EN ")
    'en'
    """
    normalised = language.strip().lower() if isinstance(language, str) else language
    if normalised not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: accepted: {', '.join(LANGUAGES)} (French is the default)")
    return normalised


def text(key: str, language: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The message ``key`` in ``language``, filled with ``values``."""
    fr, en = _CATALOGUE[key]
    template = en if language == "en" else fr
    return template.format(**values) if values else template


def field_label(path: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The short name of an input field, or its dotted path when the catalogue has none.

    >>> field_label("contract.option"), field_label("contract.option", "en"), field_label("doctor.zone")
    ('option du contrat', 'contract option', 'doctor.zone')
    """
    key = f"field.{path}"
    return text(key, language) if key in _CATALOGUE else path


def value_label(path: str, value: str, language: str = DEFAULT_LANGUAGE) -> str | None:
    """The name of one value of a choice (``centre_de_sante``: « centre de santé »), or None when the catalogue
    has none.

    >>> value_label("doctor.coordinated_practice", "centre_de_sante"), value_label("contract.option", "etp_1_2", "en")
    ('centre de santé', '1/2 FTE')
    """
    key = f"value.{path}.{value}"
    return text(key, language) if key in _CATALOGUE else None


_UNITS = {"fr": (("an", "ans"), ("mois", "mois"), ("jour", "jours")),
          "en": (("year", "years"), ("month", "months"), ("day", "days"))}


@lru_cache(maxsize=256)
def delay_text(delta: relativedelta, language: str = DEFAULT_LANGUAGE) -> str:
    """A delay as words: ``2 ans 6 mois`` / ``2 years 6 months``."""
    units = _UNITS["en" if language == "en" else "fr"]
    parts = [(n, unit) for n, unit in zip((delta.years, delta.months, delta.days), units) if n]
    return " ".join(f"{n} {unit[1] if n > 1 else unit[0]}" for n, unit in parts) or f"0 {units[2][0]}"


def euros(amount: Decimal, language: str = DEFAULT_LANGUAGE) -> str:
    """An amount in euros, French ``13 500 €`` or English ``€13,500``."""
    if language == "en":
        return f"€{amount:,.0f}"
    return f"{amount:,.0f}".replace(",", "\u202f") + " €"


def pick(french: Any, translations: Any, key: str, language: str) -> Any:
    """``translations[key]`` when ``language`` is English and the rule file gives it; ``french`` otherwise."""
    if language == "en" and translations:
        return translations.get(key, french)
    return french


__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "check_language", "delay_text", "euros", "field_label", "pick", "text",
           "value_label"]
