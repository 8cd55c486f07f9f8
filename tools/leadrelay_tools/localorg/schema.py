"""The org's data model: objects and fields with Salesforce's types, lengths and flags."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

TEXT_TYPES = frozenset({"string", "textarea", "email", "phone", "url", "picklist", "combobox"})


@dataclass(frozen=True)
class FieldDef:
    """One field as describe() would report it (only what the stand-in needs)."""

    name: str
    type: str  # id, reference, string, textarea, email, phone, url, picklist, combobox, boolean,
    # double, int, currency, percent, date, datetime
    label: str = ""
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    required: bool = False  # createable, not nillable and without default: must be given on create
    default: Any = None
    createable: bool = True
    updateable: bool = True
    external_id: bool = False
    unique: bool = False
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    reference_to: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        """The label Salesforce uses in error messages."""
        return self.label or self.name

    @property
    def is_text(self) -> bool:
        """Whether values are strings (compared case-insensitively)."""
        return self.type in TEXT_TYPES

    @property
    def is_id(self) -> bool:
        """Whether values are record ids."""
        return self.type in ("id", "reference")


@dataclass
class ObjectDef:
    """An sObject: name, key prefix and fields (looked up case-insensitively)."""

    name: str
    key_prefix: str
    fields: dict[str, FieldDef] = field(default_factory=dict)  # lower-case name -> field
    is_event: bool = False

    def add(self, fdef: FieldDef) -> None:
        """Add or replace a field."""
        self.fields[fdef.name.lower()] = fdef

    def field(self, name: str) -> FieldDef | None:
        """The field called ``name`` (any case), or ``None``."""
        return self.fields.get(name.lower())

    def __iter__(self) -> Iterator[FieldDef]:
        return iter(self.fields.values())


class Schema:
    """All objects of the org, looked up case-insensitively by name or by id prefix."""

    def __init__(self, objects: Iterable[ObjectDef]) -> None:
        self._by_name = {o.name.lower(): o for o in objects}
        self._by_prefix = {o.key_prefix: o for o in self._by_name.values()}

    def get(self, name: str) -> ObjectDef | None:
        """The object called ``name`` (any case), or ``None``."""
        return self._by_name.get(name.lower())

    def for_id(self, record_id: str) -> ObjectDef | None:
        """The object whose key prefix starts ``record_id``."""
        return self._by_prefix.get(record_id[:3])

    def __iter__(self) -> Iterator[ObjectDef]:
        return iter(self._by_name.values())
