"""Problems found in rule files, located by file and JSON pointer, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from msgspec import Struct, field

Severity = Literal["error", "warning"]


class Diagnostic(Struct, frozen=True):
    """One problem in one rule file.

    ``pointer`` is an RFC 6901 JSON pointer into the file (``/rules/3/when/all/0/op``); it is
    empty for problems with the file as a whole, which may carry a ``line`` and ``column``
    instead (broken JSON).
    """

    file: str
    pointer: str
    message: str
    severity: Severity = "error"
    line: int | None = None
    column: int | None = None

    @property
    def is_error(self) -> bool:
        """True for errors, False for warnings."""
        return self.severity == "error"

    def format(self) -> str:
        """``FILE:POINTER: message``, or ``FILE:LINE:COLUMN: POINTER: message`` when the position is
        known (``FILE:LINE:COLUMN: message`` for broken JSON, ``FILE: message`` for the file as a
        whole); warnings read ``…: warning: message``."""
        where = self.pointer
        if self.line is not None:
            where = f"{self.line}:{self.column or 1}" + (f": {self.pointer}" if self.pointer else "")
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}{':' + where if where else ''}: {prefix}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``leadrelay rules validate --json``)."""
        return {
            "file": self.file,
            "pointer": self.pointer,
            "message": self.message,
            "severity": self.severity,
            "line": self.line,
            "column": self.column,
        }


def pointer(*parts: str | int) -> str:
    """Join path parts into a JSON pointer, escaping ``~`` and ``/`` (RFC 6901)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def errors_only(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that are errors."""
    return [diagnostic for diagnostic in diagnostics if diagnostic.is_error]


class RuleSetError(ValueError):
    """The rule set is invalid; ``str()`` lists every problem, one ``FILE:POINTER: message`` a line.

    Raised by ``load_rules`` — in a Lambda function at import time, so the message is what the
    init failure shows in CloudWatch.
    """

    def __init__(self, diagnostics: Iterable[Diagnostic], *, source: str = "rules") -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        self.source = source
        super().__init__(self._message())

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The diagnostics that are errors (warnings never make a rule set invalid)."""
        return tuple(errors_only(self.diagnostics))

    def _message(self) -> str:
        count = len(self.errors)
        head = f"invalid rule set in {self.source}: {count} error{'s' if count != 1 else ''}"
        lines = [diagnostic.format() for diagnostic in self.errors]
        lines += [diagnostic.format() for diagnostic in self.diagnostics if not diagnostic.is_error]
        return "\n".join([head, *(f"  {line}" for line in lines)])


class RuleEvaluationError(RuntimeError):
    """Evaluating one rule raised (an engine bug, or a value no reader expected): names the rule.

    ``str()`` reads ``FILE:POINTER: rule 'ID' failed: TYPE: message``; the original exception is
    the ``__cause__``, so the traceback shows both the generated line and where it was raised.
    """

    def __init__(self, file: str, pointer: str, rule_id: str, cause: BaseException) -> None:
        self.file, self.pointer, self.rule_id = file, pointer, rule_id
        super().__init__(f"{file}:{pointer}: rule {rule_id!r} failed: {type(cause).__name__}: {cause}")


class CheckContext(Struct):
    """What a kind's semantic checker gets besides its own model: where to report, and its siblings.

    ``documents`` holds the other valid rule files of the same rule set by kind (the scoring
    file for the lifecycle checker, for instance); it may lack a kind when the file is absent.
    """

    file: str
    documents: Mapping[str, Any] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        """Report an error at JSON pointer ``where``."""
        self.diagnostics.append(Diagnostic(self.file, where, message, "error"))

    def warning(self, where: str, message: str) -> None:
        """Report a warning at JSON pointer ``where``."""
        self.diagnostics.append(Diagnostic(self.file, where, message, "warning"))
