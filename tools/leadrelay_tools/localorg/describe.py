"""``GET /sobjects/<Object>/describe``: the sObject Describe resource, in Salesforce's shape.

The object's name, labels, key prefix, its capabilities (``custom``, ``createable``, ``queryable`` …),
``urls`` and one entry per field with the properties a client reads (``name``, ``label``, ``type``,
``custom``, ``length``, ``nillable``, ``createable``, ``updateable``, ``defaultValue``,
``picklistValues``, ``referenceTo``, ``relationshipName`` …), as in the DescribeSObjectResult of
the REST API. An object the org lacks answers 404 ``NOT_FOUND`` (resources.sobject).
"""

from __future__ import annotations

from typing import Any

from leadrelay_tools.localorg.schema import FieldDef, ObjectDef


def describe(obj: ObjectDef, version: str) -> dict[str, Any]:
    """The DescribeSObjectResult of ``obj`` at API ``version``."""
    custom = obj.name.endswith(("__c", "__e"))
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    writable = not obj.is_event
    return {
        "name": obj.name,
        "label": obj.name.removesuffix("__c").removesuffix("__e").replace("_", " "),
        "labelPlural": obj.name.removesuffix("__c").removesuffix("__e").replace("_", " "),
        "keyPrefix": obj.key_prefix,
        "custom": custom,
        "customSetting": False,
        "createable": True,
        "updateable": writable,
        "deletable": writable,
        "queryable": writable,
        "retrieveable": writable,
        "searchable": writable,
        "triggerable": True,
        "urls": {"sobject": base, "describe": f"{base}/describe", "rowTemplate": f"{base}/{{ID}}"},
        "fields": [_field(item) for item in obj],
    }


def _field(item: FieldDef) -> dict[str, Any]:
    return {
        "name": item.name,
        "label": item.display,
        "type": item.type,
        "custom": item.name.endswith("__c"),
        "calculated": False,
        "length": item.length or 0,
        "precision": item.precision or 0,
        "scale": item.scale or 0,
        "nillable": not item.required,
        "createable": item.createable,
        "updateable": item.updateable,
        "defaultedOnCreate": item.default is not None,
        "defaultValue": item.default,
        "externalId": item.external_id,
        "unique": item.unique,
        "idLookup": item.type == "id" or item.external_id,
        "picklistValues": [
            {
                "active": True,
                "defaultValue": value == item.default,
                "label": value,
                "validFor": None,
                "value": value,
            }
            for value in item.picklist
        ],
        "restrictedPicklist": item.restricted,
        "referenceTo": list(item.reference_to),
        "relationshipName": _relationship_name(item),
    }


def _picklist_value(value: str, default: Any) -> dict[str, Any]:
    return {
        "active": True,
        "defaultValue": value == default,
        "label": value,
        "validFor": None,
        "value": value,
    }


def _relationship_name(item: FieldDef) -> str | None:
    """``OwnerId`` → ``Owner``, ``Account__c`` → ``Account__r``; None for fields that reference nothing."""
    if not item.reference_to:
        return None
    if item.name.endswith("__c"):
        return item.name.removesuffix("__c") + "__r"
    return item.name.removesuffix("Id") or None
