"""Record filters as data: what a query asks of Salesforce, for the gateway to turn into escaped SOQL.

A :class:`Filter` is ``field op value``; a query's filters are joined by ``AND``. Values are text,
numbers, booleans, datetimes (sent as UTC literals), ``None`` (``= null`` / ``!= null``) or, for ``IN``
and ``NOT IN``, a tuple of those. The real gateway escapes every value (``format_soql``); the in-memory
fake evaluates the same filters over its records, and the contract tests hold the two to one answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from msgspec import Struct

Scalar = str | int | float | bool | datetime | None
Operator = Literal["=", "!=", "<", "<=", ">", ">=", "IN", "NOT IN"]


class Filter(Struct, frozen=True):
    """One condition of a query: ``Filter("LR_SLA_Status__c", "NOT IN", ("Closed", "Met"))``."""

    field: str
    op: Operator
    value: Scalar | tuple[Scalar, ...]

    def __post_init__(self) -> None:
        listed = isinstance(self.value, tuple)
        if listed != (self.op in ("IN", "NOT IN")):
            raise ValueError(f"{self.field} {self.op}: IN and NOT IN take a tuple, other operators one value")
        if listed and not self.value:
            raise ValueError(f"{self.field} {self.op}: an empty list matches nothing; leave the query out")
