"""Public exceptions. Each says what was wrong, where, and what to do about it."""

from __future__ import annotations

from typing import Any


class AssistmedError(Exception):
    """Base class of every error this library raises on purpose."""


class InvalidCaseError(AssistmedError, ValueError):
    """The case given to the engine does not validate against the input models.

    ``errors`` holds one entry per problem: ``{"field": "doctor.sector", "message": ..., "input": ...}``.
    """

    def __init__(self, errors: list[dict[str, Any]], where: str = "") -> None:
        self.errors = errors
        self.where = where
        lines = [f"  {e['field']}: {e['message']}" for e in errors]
        prefix = f"{where}: " if where else ""
        super().__init__(
            f"{prefix}invalid case ({len(errors)} problem{'s' if len(errors) > 1 else ''}); fix these fields"
            " or leave out the facts you do not know:\n" + "\n".join(lines)
        )

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. from a worker process of evaluate_many
        return (type(self), (self.errors, self.where))

    @classmethod
    def from_pydantic(cls, exc: Any, where: str = "") -> InvalidCaseError:
        errors = []
        for err in exc.errors(include_url=False):
            field = ".".join(str(part) for part in err["loc"]) or "<case>"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = _unknown_field_message(err["loc"])
            errors.append({"field": field, "message": message, "input": err.get("input")})
        return cls(errors, where)


def _unknown_field_message(loc: tuple[Any, ...]) -> str:
    """Name the fields accepted where an unknown key was found, and the nearest one."""
    from .models import Case, suggest

    model: Any = Case
    for part in loc[:-1]:
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and hasattr(annotation, "model_fields")):
            model = None
            break
        model = annotation
    if model is None:
        return "unknown field: remove it or check its spelling against docs/input.md"
    accepted = list(model.model_fields)
    return (f"unknown field {loc[-1]!r}{suggest(str(loc[-1]), accepted)}; accepted here: {', '.join(accepted)}")


class RuleFileError(AssistmedError, ValueError):
    """A rule file is malformed: names the file, the rule (when there is one) and the problem."""

    def __init__(self, file: str, problem: str, rule: str | None = None) -> None:
        self.file = file
        self.rule = rule
        self.problem = problem
        where = f"{file}: rule {rule!r}" if rule else file
        super().__init__(f"{where}: {problem}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.file, self.problem, self.rule))


class NoRegimeError(AssistmedError, LookupError):
    """No regime of the aid applies on the date asked (e.g. before 1 September 2019)."""


class BackendUnavailableError(AssistmedError, RuntimeError):
    """An optional evaluation backend was asked for but cannot be used here."""
