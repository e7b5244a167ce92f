"""Reference nomenclatures used by the input models.

These are lists of *facts about the world* (the Assurance Maladie's specialty codes, the list of French
départements), not conditions of the aid: which specialties or départements are eligible lives in the
rule files under ``rules/``.
"""

from __future__ import annotations

from enum import Enum


class Specialty(str, Enum):
    """Medical specialties of the Assurance Maladie nomenclature (code spécialité du professionnel de santé).

    Codes and labels are those of the ANS nomenclature TRE_G100 "Spécialité Assurance Maladie" (version of
    2024-10-25, https://mos.esante.gouv.fr/NOS/TRE_G100-Specialite-AM/FHIR/TRE-G100-Specialite-AM), physician
    codes only (dentists, midwives, paramedical professions, laboratories and suppliers are left out).

    The value is a stable slug used in case files and rule files; :attr:`code` is the two-digit
    Assurance Maladie code and :attr:`label` the official French label.
    """

    medecine_generale = "medecine_generale"
    anesthesie_reanimation = "anesthesie_reanimation"
    cardiologie = "cardiologie"
    chirurgie_generale = "chirurgie_generale"
    dermatologie = "dermatologie"
    radiologie = "radiologie"
    gynecologie_obstetrique = "gynecologie_obstetrique"
    gastro_enterologie = "gastro_enterologie"
    medecine_interne = "medecine_interne"
    neurochirurgie = "neurochirurgie"
    oto_rhino_laryngologie = "oto_rhino_laryngologie"
    pediatrie = "pediatrie"
    pneumologie = "pneumologie"
    rhumatologie = "rhumatologie"
    ophtalmologie = "ophtalmologie"
    chirurgie_urologique = "chirurgie_urologique"
    neuropsychiatrie = "neuropsychiatrie"
    stomatologie = "stomatologie"
    reanimation_medicale = "reanimation_medicale"
    medecine_physique_readaptation = "medecine_physique_readaptation"
    neurologie = "neurologie"
    psychiatrie = "psychiatrie"
    geriatrie = "geriatrie"
    nephrologie = "nephrologie"
    anatomie_cytologie_pathologiques = "anatomie_cytologie_pathologiques"
    biologie_medicale = "biologie_medicale"
    chirurgie_orthopedique = "chirurgie_orthopedique"
    endocrinologie = "endocrinologie"
    chirurgie_infantile = "chirurgie_infantile"
    chirurgie_maxillo_faciale = "chirurgie_maxillo_faciale"
    chirurgie_maxillo_faciale_stomatologie = "chirurgie_maxillo_faciale_stomatologie"
    chirurgie_plastique = "chirurgie_plastique"
    chirurgie_thoracique_cardio_vasculaire = "chirurgie_thoracique_cardio_vasculaire"
    chirurgie_vasculaire = "chirurgie_vasculaire"
    chirurgie_viscerale_digestive = "chirurgie_viscerale_digestive"
    gynecologie_medicale = "gynecologie_medicale"
    hematologie = "hematologie"
    medecine_nucleaire = "medecine_nucleaire"
    oncologie_medicale = "oncologie_medicale"
    oncologie_radiotherapique = "oncologie_radiotherapique"
    psychiatrie_enfant_adolescent = "psychiatrie_enfant_adolescent"
    radiotherapie = "radiotherapie"
    obstetrique = "obstetrique"
    genetique_medicale = "genetique_medicale"
    gynecologie_obstetrique_medicale = "gynecologie_obstetrique_medicale"
    sante_publique = "sante_publique"
    medecine_vasculaire = "medecine_vasculaire"
    allergologie = "allergologie"
    maladies_infectieuses = "maladies_infectieuses"
    medecine_urgence = "medecine_urgence"
    chirurgie_orale = "chirurgie_orale"
    medecine_legale = "medecine_legale"
    specialite_medecine_generale = "specialite_medecine_generale"
    reconnaissance_specialite_medecine_generale = "reconnaissance_specialite_medecine_generale"

    @property
    def code(self) -> str:
        """The Assurance Maladie two-digit code of the specialty (``"01"`` for médecine générale)."""
        return _SPECIALTY_INFO[self][0]

    @property
    def label(self) -> str:
        """The official label of the specialty (``"Médecine générale"``)."""
        return _SPECIALTY_INFO[self][1]


_SPECIALTY_INFO: dict[Specialty, tuple[str, str]] = {
    Specialty.medecine_generale: ("01", "Médecine générale"),
    Specialty.anesthesie_reanimation: ("02", "Anesthésiologie-réanimation chirurgicale"),
    Specialty.cardiologie: ("03", "Pathologie cardio-vasculaire"),
    Specialty.chirurgie_generale: ("04", "Chirurgie générale"),
    Specialty.dermatologie: ("05", "Dermatologie et Vénéréologie"),
    Specialty.radiologie: ("06", "Radiodiagnostic et Imagerie médicale"),
    Specialty.gynecologie_obstetrique: ("07", "Gynécologie obstétrique"),
    Specialty.gastro_enterologie: ("08", "Gastro-Entérologie et Hépathologie"),
    Specialty.medecine_interne: ("09", "Médecine interne"),
    Specialty.neurochirurgie: ("10", "Neuro-chirurgien"),
    Specialty.oto_rhino_laryngologie: ("11", "Oto-Rhino-Laryngologiste"),
    Specialty.pediatrie: ("12", "Pédiatre"),
    Specialty.pneumologie: ("13", "Pneumologie"),
    Specialty.rhumatologie: ("14", "Rhumatologie"),
    Specialty.ophtalmologie: ("15", "Ophtalmologie"),
    Specialty.chirurgie_urologique: ("16", "Chirurgie urologique"),
    Specialty.neuropsychiatrie: ("17", "Neuro-psychiatrie"),
    Specialty.stomatologie: ("18", "Stomatologie"),
    Specialty.reanimation_medicale: ("20", "Réanimation médicale"),
    Specialty.medecine_physique_readaptation: ("31", "Médecine physique et de réadaptation"),
    Specialty.neurologie: ("32", "Neurologie"),
    Specialty.psychiatrie: ("33", "Psychiatrie générale"),
    Specialty.geriatrie: ("34", "Gériatrie"),
    Specialty.nephrologie: ("35", "Néphrologie"),
    Specialty.anatomie_cytologie_pathologiques: ("37", "Anatomie-cytologie-pathologiques"),
    Specialty.biologie_medicale: ("38", "Médecin biologiste"),
    Specialty.chirurgie_orthopedique: ("41", "Chirurgie orthopédique et Traumatologie"),
    Specialty.endocrinologie: ("42", "Endocrinologie et métabolismes"),
    Specialty.chirurgie_infantile: ("43", "Chirurgie infantile"),
    Specialty.chirurgie_maxillo_faciale: ("44", "Chirurgie maxillo-faciale"),
    Specialty.chirurgie_maxillo_faciale_stomatologie: ("45", "Chirurgie maxillo-faciale et Stomatologie"),
    Specialty.chirurgie_plastique: ("46", "Chirurgie plastique reconstructrice et esthétique"),
    Specialty.chirurgie_thoracique_cardio_vasculaire: ("47", "Chirurgie thoracique et cardio-vasculaire"),
    Specialty.chirurgie_vasculaire: ("48", "Chirurgie vasculaire"),
    Specialty.chirurgie_viscerale_digestive: ("49", "Chirurgie viscérale et digestive"),
    Specialty.gynecologie_medicale: ("70", "Gynécologie médicale"),
    Specialty.hematologie: ("71", "Hématologie"),
    Specialty.medecine_nucleaire: ("72", "Médecine nucléaire"),
    Specialty.oncologie_medicale: ("73", "Oncologie médicale"),
    Specialty.oncologie_radiotherapique: ("74", "Oncologie radiothérapique"),
    Specialty.psychiatrie_enfant_adolescent: ("75", "Psychiatrie de l'enfant et de l'adolescent"),
    Specialty.radiotherapie: ("76", "Radiothérapie"),
    Specialty.obstetrique: ("77", "Obstétrique"),
    Specialty.genetique_medicale: ("78", "Génétique médicale"),
    Specialty.gynecologie_obstetrique_medicale: ("79", "Gynécologie obstétrique et gynécologie médicale"),
    Specialty.sante_publique: ("80", "Santé publique et médecine sociale"),
    Specialty.medecine_vasculaire: ("84", "Médecine vasculaire"),
    Specialty.allergologie: ("85", "Allergologie"),
    Specialty.maladies_infectieuses: ("81", "Médecine des Maladies infectieuses et tropicales"),
    Specialty.medecine_urgence: ("83", "Médecine d'urgence"),
    Specialty.chirurgie_orale: ("69", "Chirurgie orale"),
    Specialty.medecine_legale: ("82", "Médecine légale et expertises médicales"),
    Specialty.specialite_medecine_generale: ("22", "Spécialité médecine générale"),
    Specialty.reconnaissance_specialite_medecine_generale: ("23", "Reconnaissance spécialité médecine générale"),
}

SPECIALTY_BY_CODE: dict[str, Specialty] = {info[0]: spec for spec, info in _SPECIALTY_INFO.items()}

#: Metropolitan départements (Corsica as 2A and 2B) and the overseas départements (DROM).
METROPOLITAN_DEPARTEMENTS: frozenset[str] = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
)
OVERSEAS_DEPARTEMENTS: frozenset[str] = frozenset(["971", "972", "973", "974", "976"])
DEPARTEMENTS: frozenset[str] = METROPOLITAN_DEPARTEMENTS | OVERSEAS_DEPARTEMENTS


def normalise_departement(value: str) -> str:
    """Return the canonical code of a département, or raise ``ValueError`` saying what is accepted.

    >>> normalise_departement("2a")
    '2A'
    >>> normalise_departement("1")
    '01'
    >>> normalise_departement("974")
    '974'
    """
    code = value.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if code not in DEPARTEMENTS:
        raise ValueError(
            f"unknown département {value!r}: expected a metropolitan code 01-95 (Corsica as 2A or 2B)"
            " or an overseas code 971, 972, 973, 974 or 976"
        )
    return code
