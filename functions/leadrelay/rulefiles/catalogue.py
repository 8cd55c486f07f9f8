"""The org's objects and fields, as data: what ``lead.<Field>`` and a mapping's ``fields`` may name.

Built from the standard fields leadrelay knows, the custom fields of the Salesforce DX project
(``infra/salesforce/``) and, optionally, a field list exported from the real org with
``leadrelay org describe --output FILE``. Validation receives the catalogue; it reads nothing itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from leadrelay.rulefiles.standard_fields import STANDARD_FIELDS

PERSON_OBJECTS = ("Lead", "Contact")
"""The objects the evaluation context's ``lead`` is read from (a Contact beats an unconverted Lead)."""
ORG_FIELDS_KIND = "org_fields"
FIELD_SUFFIX = ".field-meta.xml"


class CatalogueError(ValueError):
    """A field list or DX project that cannot be read; the message names the file."""


class FieldCatalogue(Struct, frozen=True):
    """Object API name → the API names of its fields."""

    objects: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def fields(self, *objects: str) -> frozenset[str]:
        """The fields of any of ``objects``."""
        return frozenset().union(*(self.objects.get(name, frozenset()) for name in objects))

    def merged(self, other: FieldCatalogue) -> FieldCatalogue:
        """This catalogue with ``other``'s objects and fields added."""
        names = set(self.objects) | set(other.objects)
        return FieldCatalogue({name: self.fields(name) | other.fields(name) for name in sorted(names)})


def standard_catalogue() -> FieldCatalogue:
    """The standard Lead, Contact, Account, User and Task fields leadrelay knows."""
    return FieldCatalogue({name: frozenset(text.split()) for name, text in STANDARD_FIELDS.items()})


def dx_catalogue(project: Path) -> FieldCatalogue:
    """The custom fields of a Salesforce DX project: ``<package>/main/default/objects/<Object>/fields``."""
    objects: dict[str, set[str]] = {}
    for fields_dir in sorted(project.glob("**/objects/*/fields")):
        names = {path.name.removesuffix(FIELD_SUFFIX) for path in fields_dir.glob(f"*{FIELD_SUFFIX}")}
        objects.setdefault(fields_dir.parent.name, set()).update(names)
    return FieldCatalogue({name: frozenset(fields) for name, fields in objects.items()})


def org_fields_document(described: Iterable[Mapping[str, Any]], *, org: str) -> dict[str, Any]:
    """The ``--org-fields`` file for sObject describe results: each object's fields, name and type."""
    objects = {
        str(result["name"]): [
            {"name": str(item["name"]), "type": str(item.get("type", "")), "custom": bool(item.get("custom"))}
            for item in result.get("fields", ())
        ]
        for result in described
    }
    return {"kind": ORG_FIELDS_KIND, "org": org, "objects": objects}


def read_org_fields(path: Path) -> FieldCatalogue:
    """The catalogue in a file written by ``leadrelay org describe --output``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError(f"{path}: cannot read the field list: {error}") from None
    except json.JSONDecodeError as error:
        raise CatalogueError(f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    objects = document.get("objects") if isinstance(document, dict) else None
    if not isinstance(objects, dict) or document.get("kind") != ORG_FIELDS_KIND:
        raise CatalogueError(
            f'{path}: not a field list ({{"kind": "{ORG_FIELDS_KIND}", "objects": …}}); '
            "write one with leadrelay org describe --output"
        )
    catalogue: dict[str, frozenset[str]] = {}
    for name, fields in objects.items():
        if not isinstance(fields, list):
            raise CatalogueError(f"{path}:/objects/{name}: expected a list of fields")
        catalogue[str(name)] = frozenset(
            str(item["name"]) if isinstance(item, dict) else str(item) for item in fields
        )
    return FieldCatalogue(catalogue)
