"""The results of one kind of test case in `leadrelay rules test` (pair cases, routing cases): PASS/FAIL
per case and the problems that stopped a file from being read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from leadrelay.engine.diagnostics import Diagnostic


class CaseResult(Protocol):
    """What a case's result must tell."""

    @property
    def passed(self) -> bool: ...

    def to_dict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=CaseResult)


@dataclass
class CaseReport(Generic[R]):
    """The cases' results and the problems that stopped them (a broken rules or test file)."""

    results: list[R] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every case passed and every file was readable."""
        return not self.problems and all(result.passed for result in self.results)

    def to_dict(self) -> dict[str, Any]:
        """``leadrelay rules test --json``: this kind's part."""
        return {
            "ok": self.ok,
            "passed": sum(1 for result in self.results if result.passed),
            "failed": sum(1 for result in self.results if not result.passed),
            "problems": [problem.to_dict() for problem in self.problems],
            "results": [result.to_dict() for result in self.results],
        }
