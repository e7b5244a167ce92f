"""assistmed-rules: is a French médecin libéral entitled to the Assurance Maladie's aid for employing an
assistant médical, and on what terms? Law as data, every answer traceable to an article.

>>> from assistmed_rules import evaluate
>>> verdict = evaluate({"doctor": {"sector": "non_conventionne"}}, on="2020-03-01")
>>> verdict.status
'not_eligible'
"""

from .batch import evaluate_many
from .engine import Evaluator, evaluate, review
from .errors import AssistmedError, BackendUnavailableError, InvalidCaseError, NoRegimeError, RuleFileError
from .models import (
    Activity,
    Assistant,
    Case,
    Contract,
    ContractOption,
    CoordinatedPractice,
    Doctor,
    Qualification,
    Sector,
    TariffOption,
    Zone,
)
from .nomenclature import Specialty
from .rulebook import RuleBook, load_rules
from .verdict import AidYear, Citation, Finding, Objective, ObligationStatus, Review, Verdict
from .whatif import Suggestion

__version__ = "0.1.0"

__all__ = [
    "Activity",
    "AidYear",
    "Assistant",
    "AssistmedError",
    "BackendUnavailableError",
    "Case",
    "Citation",
    "Contract",
    "ContractOption",
    "CoordinatedPractice",
    "Doctor",
    "Evaluator",
    "Finding",
    "InvalidCaseError",
    "NoRegimeError",
    "Objective",
    "ObligationStatus",
    "Qualification",
    "Review",
    "RuleBook",
    "RuleFileError",
    "Sector",
    "Specialty",
    "Suggestion",
    "TariffOption",
    "Verdict",
    "Zone",
    "__version__",
    "evaluate",
    "evaluate_many",
    "load_rules",
    "review",
]
