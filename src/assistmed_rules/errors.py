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

    @classmethod
    def from_pydantic(cls, exc: Any, where: str = "") -> InvalidCaseError:
        errors = []
        for err in exc.errors(include_url=False):
            field = ".".join(str(part) for part in err["loc"]) or "<case>"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field: remove it or check its spelling against the documented input format"
            errors.append({"field": field, "message": message, "input": err.get("input")})
        return cls(errors, where)


class RuleFileError(AssistmedError, ValueError):
    """A rule file is malformed: names the file, the rule (when there is one) and the problem."""

    def __init__(self, file: str, problem: str, rule: str | None = None) -> None:
        self.file = file
        self.rule = rule
        self.problem = problem
        where = f"{file}: rule {rule!r}" if rule else file
        super().__init__(f"{where}: {problem}")


class NoRegimeError(AssistmedError, LookupError):
    """No regime of the aid applies on the date asked (e.g. before 1 September 2019)."""


class BackendUnavailableError(AssistmedError, RuntimeError):
    """An optional evaluation backend was asked for but cannot be used here."""
