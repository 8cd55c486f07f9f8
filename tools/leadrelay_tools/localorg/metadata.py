"""Load leadrelay's custom fields and objects from the Salesforce DX source in ``infra/salesforce``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from leadrelay.domain.matching.keys import key_fields

from leadrelay_tools.localorg.schema import FieldDef, ObjectDef, Schema
from leadrelay_tools.localorg.standard import standard_objects

_NS = {"md": "http://soap.sforce.com/2006/04/metadata"}
_TYPES = {
    "Number": "double",
    "Percent": "percent",
    "Currency": "currency",
    "Text": "string",
    "TextArea": "textarea",
    "LongTextArea": "textarea",
    "Html": "textarea",
    "Checkbox": "boolean",
    "Date": "date",
    "DateTime": "datetime",
    "Picklist": "picklist",
    "Email": "email",
    "Phone": "phone",
    "Url": "url",
    "Lookup": "reference",
}


class MetadataError(ValueError):
    """The DX source is missing or cannot be read; the message names the file."""


def default_metadata_dir() -> Path:
    """``infra/salesforce`` of the source tree this package lives in (or under the working directory)."""
    for base in [Path.cwd(), *Path(__file__).resolve().parents]:
        candidate = base / "infra" / "salesforce"
        if (candidate / "sfdx-project.json").is_file():
            return candidate
    raise MetadataError(
        "infra/salesforce/sfdx-project.json not found; pass the DX project directory explicitly"
    )


def load_schema(project_dir: Path | None = None) -> Schema:
    """Standard objects merged with the custom fields and objects of the DX project at ``project_dir``."""
    root = project_dir or default_metadata_dir()
    objects = {o.name: o for o in standard_objects()}
    for package in _package_dirs(root):
        for obj_dir in sorted((package / "main" / "default" / "objects").glob("*")):
            if not obj_dir.is_dir():
                continue
            obj = objects.get(obj_dir.name) or _new_object(obj_dir, len(objects))
            objects[obj.name] = obj
            for path in sorted((obj_dir / "fields").glob("*.field-meta.xml")):
                obj.add(_parse_field(path))
    _add_match_keys(objects)
    return Schema(objects.values())


def _add_match_keys(objects: dict[str, ObjectDef]) -> None:
    """The match-key fields (External IDs, text 255) on Lead, Contact and Account, where the DX source
    does not define them yet."""
    for name in ("Lead", "Contact", "Account"):
        obj = objects[name]
        for key in key_fields(name):
            if obj.field(key) is None:
                obj.add(FieldDef(name=key, type="string", label=key, length=255, external_id=True))


def _package_dirs(root: Path) -> list[Path]:
    project_file = root / "sfdx-project.json"
    try:
        project = json.loads(project_file.read_text(encoding="utf-8"))
        return [root / entry["path"] for entry in project["packageDirectories"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MetadataError(f"{project_file}: cannot read packageDirectories ({exc})") from exc


def _new_object(obj_dir: Path, index: int) -> ObjectDef:
    name = obj_dir.name
    is_event = name.endswith("__e")
    prefix = "e00" if is_event else f"a{index:02d}"
    obj = ObjectDef(name, prefix, is_event=is_event)
    obj.add(FieldDef("Id", "id", createable=False, updateable=False))
    obj.add(FieldDef("IsDeleted", "boolean", createable=False, updateable=False, default=False))
    if is_event:
        obj.add(FieldDef("ReplayId", "string", createable=False, updateable=False))
        obj.add(FieldDef("EventUuid", "string", length=36, createable=False, updateable=False))
    else:
        obj.add(FieldDef("Name", "string", length=80))
    obj.add(FieldDef("CreatedDate", "datetime", createable=False, updateable=False))
    obj.add(FieldDef("CreatedById", "reference", createable=False, updateable=False, reference_to=("User",)))
    return obj


def _text(node: ET.Element, tag: str) -> str | None:
    found = node.find(f"md:{tag}", _NS)
    return found.text.strip() if found is not None and found.text else None


def _parse_field(path: Path) -> FieldDef:
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - the project's own DX source
    except ET.ParseError as exc:
        raise MetadataError(f"{path}: not valid XML ({exc})") from exc
    name, sf_type = _text(root, "fullName"), _text(root, "type")
    if not name or sf_type not in _TYPES:
        raise MetadataError(f"{path}: needs <fullName> and a supported <type> (got {sf_type!r})")
    default = _text(root, "defaultValue")
    values = tuple(
        v.text.strip()
        for v in root.findall("md:valueSet/md:valueSetDefinition/md:value/md:fullName", _NS)
        if v.text
    )
    length = _text(root, "length")
    precision, scale = _text(root, "precision"), _text(root, "scale")
    if sf_type == "TextArea":
        length = length or "255"
    return FieldDef(
        name=name,
        type=_TYPES[sf_type],
        label=_text(root, "label") or name,
        length=int(length) if length else None,
        precision=int(precision) if precision else None,
        scale=int(scale) if scale else None,
        required=_text(root, "required") == "true",
        default={"true": True, "false": False}.get(default or "", default),
        external_id=_text(root, "externalId") == "true",
        unique=_text(root, "unique") == "true",
        picklist=values,
        restricted=_text(root, "valueSet/md:restricted") == "true",
        reference_to=(ref,) if (ref := _text(root, "referenceTo")) else (),
    )


def load_notification_types(project_dir: Path | None = None) -> list[dict[str, str | bool | None]]:
    """The custom notification types of the DX project (``notificationtypes/*.notiftype-meta.xml``) as
    ``CustomNotificationType`` records: the org has what an admin deploys from ``infra/salesforce``."""
    root = project_dir or default_metadata_dir()
    types: list[dict[str, str | bool | None]] = []
    for package in _package_dirs(root):
        for path in sorted((package / "main" / "default" / "notificationtypes").glob("*.notiftype-meta.xml")):
            try:
                node = ET.parse(path).getroot()  # noqa: S314 - the project's own DX source
            except ET.ParseError as exc:
                raise MetadataError(f"{path}: not valid XML ({exc})") from exc
            label = _text(node, "masterLabel") or path.name.split(".")[0]
            types.append(
                {
                    "DeveloperName": path.name.split(".")[0],
                    "MasterLabel": label,
                    "CustomNotifTypeName": _text(node, "customNotifTypeName") or label,
                    "Description": _text(node, "description"),
                    "Desktop": _text(node, "desktop") == "true",
                    "Mobile": _text(node, "mobile") == "true",
                }
            )
    return types
