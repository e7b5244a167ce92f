"""How a verdict's messages show the values of a case and the parameters.

A rule's message is a :class:`~assistmed_rules.rulebook.Template` with ``{field.path}`` and
``{param.name}`` placeholders. Numbers and dates show as written (``900``, ``2020-03-01``), booleans and
unknown values in the verdict's language (``oui``/``yes``, ``inconnu``/``unknown``), amounts in euros.

>>> from assistmed_rules.rulebook import Template
>>> t = Template.parse("{doctor.activity.mt_patients_adult} patients, secteur {doctor.sector}", (), "ex")
>>> render(t, [900, None]), render(t, [900, None], "en")
('900 patients, secteur inconnu', '900 patients, secteur unknown')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from dateutil.relativedelta import relativedelta

from .facts import Facts
from .i18n import delay_text, euros, text
from .plan import CaseView
from .rulebook import Template
from .verdict import Finding, build


def format_value(value: Any, language: str) -> str:
    """How a message shows a value."""
    plain = _PLAIN.get(value.__class__)
    if plain is not None:
        return plain(value)  # type: ignore[no-any-return]
    if value is None:
        return text("unknown", language)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return text("yes" if value else "no", language)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return euros(value, language)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, relativedelta):
        return delay_text(value, language)
    if isinstance(value, frozenset):
        return ", ".join(sorted(value))
    return str(value)


def _float(value: float) -> str:
    """A number as written, without a trailing ``.0`` (``40``, ``30.5``, ``79.99996``; ``-0`` shows as ``0``).

    Fifteen significant digits: the ``g`` format's six would show 79.99996 as 80, a message then saying that
    80 % is below a minimum of 80 %.

    Never in scientific notation: a percentile of 0.00001 shows as such, not as ``1e-05``.

    >>> _float(40.0), _float(30.5), _float(79.99996), _float(-0.0), _float(0.1 + 0.2), _float(1e-05)
    ('40', '30.5', '79.99996', '0', '0.3', '0.00001')
    """
    shown = f"{value + 0.0:.15g}"
    return format(Decimal(shown), "f") if "e" in shown else shown


#: The types a message shows the same way in every language, and how (the others: see format_value).
_PLAIN: dict[type, Any] = {int: str, str: str, float: _float, date: date.isoformat}


def template_values(template: Template, view: CaseView) -> list[Any]:
    """The values a message shows, in the order of its placeholders."""
    facts = view.facts
    return [facts[i] if i is not None else view.param(name) for i, name in template.placeholders]


def show(value: Any, language: str = "fr") -> str:
    """How a message shows one value."""
    plain = _PLAIN.get(value.__class__)
    return plain(value) if plain is not None else format_value(value, language)


def render(template: Template, values: Sequence[Any], language: str = "fr") -> str:
    """Fill ``template`` with ``values`` (see :func:`template_values`)."""
    plain = _PLAIN.get
    return template.fmt.format(*[f(v) if (f := plain(v.__class__)) is not None else format_value(v, language)
                                 for v in values])


def escape(text: str) -> str:
    """``text`` as a format string that shows it as it is (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


class PerCase:
    """A finding shared by the cases of one memo entry but for the numbers or dates its message shows.

    ``fmt`` is the message with those values left as ``{}``, ``values`` reads them from the facts (one, or
    a tuple when ``single`` is false), ``parts`` holds every other field of the :class:`Finding`.

    The findings of the first few values shown are remembered: a number that takes few values (the
    doctors of a group practice) then gets one finding per value. Past :attr:`remembered` values (patient
    counts), it stops remembering, and each case gets its own finding.
    """

    __slots__ = ("applicable", "certainty", "fmt", "missing", "outcome", "parts", "rule_id", "seen", "single",
                 "values")

    #: Most findings a PerCase remembers; one more and it remembers none.
    remembered = 8

    def __init__(self, fmt: str, values: Any, single: bool, parts: dict[str, Any]) -> None:
        self.fmt, self.values, self.single, self.parts = fmt, values, single, parts
        self.seen: dict[Any, Finding] | None = {}
        # what the verdict's status, missing inputs and uncertain rules read, as on the Finding
        self.rule_id, self.outcome, self.applicable = parts["rule_id"], parts["outcome"], parts["applicable"]
        self.certainty, self.missing = parts["certainty"], parts["missing"]

    def fill(self, facts: Facts, language: str) -> Finding:
        """The :class:`Finding` of a case with these facts."""
        shown = self.values(facts)
        seen = self.seen
        if seen is not None:
            finding = seen.get(shown)
            if finding is not None:
                return finding
        plain = _PLAIN.get
        values = dict(self.parts)
        values["message"] = self.fmt.format(*[f(v) if (f := plain(v.__class__)) is not None else format_value(v, language)
                                              for v in ((shown,) if self.single else shown)])
        finding = build(Finding, values)
        if seen is not None:
            if len(seen) < self.remembered:
                seen[shown] = finding
            else:
                self.seen = None
        return finding


__all__ = ["PerCase", "escape", "format_value", "render", "show", "template_values"]
