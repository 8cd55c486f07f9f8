"""The business calendar as ``rules/routing.json`` writes it (its ``calendar`` section): weekend days,
yearly closures and the working day, checked, and built into the domain's :class:`BusinessCalendar`.

Apart from the routing table, so that a function which only keeps time by the calendar (the SLA monitor)
reads it without importing the routing rules and their condition compiler.
"""

from datetime import time
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from leadrelay.domain.calendar import BusinessCalendar, Closure, WorkingHours
from leadrelay.engine.file_models import Strict

MonthDay = Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{2}$")]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ClosureModel(Strict):
    """A yearly closure (``{"from": "12-29", "to": "01-03"}``: 年末年始)."""

    from_: MonthDay = Field(alias="from")
    to: MonthDay


class CalendarModel(Strict):
    """The business calendar: weekend days, yearly closures and the working day (Japanese public
    holidays always apply)."""

    weekend: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = ("sat", "sun")
    closures: tuple[ClosureModel, ...] = (ClosureModel.model_validate({"from": "12-29", "to": "01-03"}),)
    working_hours: tuple[time, time] = (time(9), time(18))

    def build(self) -> BusinessCalendar:
        """The calendar as the domain computes with it; raises ``ValueError`` for a bad closure or hours."""
        return BusinessCalendar(
            weekend=frozenset(WEEKDAYS.index(day) for day in self.weekend),
            closures=tuple(Closure.parse(closure.from_, closure.to) for closure in self.closures),
            hours=WorkingHours(*self.working_hours),
        )
