"""Standard objects and fields the stand-in knows (they are not in the DX source).

One line per field: ``Name type[(length)] [flags]``. Flags: ``req`` (required on create),
``ro`` (system-maintained, read-only), ``noupd`` (createable, not updateable), ``ext`` (external id),
``=value`` (default), ``->A,B`` (reference targets), ``pick:Key`` / ``rpick:Key`` (open / restricted
picklist with the values in ``PICKLISTS[Key]``). Lengths and requiredness follow Salesforce's describe.
"""

from __future__ import annotations

from typing import Any

from leadrelay_tools.localorg.schema import FieldDef, ObjectDef

PICKLISTS: dict[str, tuple[str, ...]] = {
    "LeadStatus": (
        "Open - Not Contacted",
        "Working - Contacted",
        "Closed - Converted",
        "Closed - Not Converted",
    ),
    "LeadSource": ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"),
    "Industry": ("Manufacturing", "Technology", "Finance", "Retail", "Healthcare", "Education", "Other"),
    "TaskStatus": ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"),
    "TaskPriority": ("High", "Normal", "Low"),
    "TaskType": ("Call", "Email", "Meeting", "Other"),
    "TaskSubtype": ("Task", "Email", "ListEmail", "Cadence", "Call"),
}

_SYSTEM = """
Id id ro
IsDeleted boolean ro
CreatedDate datetime ro
CreatedById reference ro ->User
LastModifiedDate datetime ro
LastModifiedById reference ro ->User
SystemModstamp datetime ro
"""

_OBJECTS: dict[tuple[str, str], str] = {
    ("Lead", "00Q"): """
FirstName string(40)
LastName string(80) req
Name string(121) ro
Company string(255) req
Email email(80)
Phone phone(40)
MobilePhone phone(40)
Title string(128)
Industry picklist(255) pick:Industry
NumberOfEmployees int
AnnualRevenue currency
Website url(255)
Street textarea(255)
City string(40)
State string(80)
PostalCode string(20)
Country string(80)
LeadSource picklist(255) pick:LeadSource
Status picklist(255) req rpick:LeadStatus =Open - Not Contacted
Description textarea(32000)
OwnerId reference ->User
IsConverted boolean ro =false
ConvertedDate date ro
ConvertedContactId reference ro ->Contact
ConvertedAccountId reference ro ->Account
ConvertedOpportunityId reference ro ->Opportunity
""",
    ("Contact", "003"): """
FirstName string(40)
LastName string(80) req
Name string(121) ro
Email email(80)
Phone phone(40)
MobilePhone phone(40)
Title string(128)
Department string(80)
AccountId reference ->Account
LeadSource picklist(255) pick:LeadSource
MailingStreet textarea(255)
MailingCity string(40)
MailingState string(80)
MailingPostalCode string(20)
MailingCountry string(80)
Description textarea(32000)
OwnerId reference ->User
""",
    ("Account", "001"): """
Name string(255) req
Industry picklist(255) pick:Industry
Website url(255)
Phone phone(40)
NumberOfEmployees int
OwnerId reference ->User
""",
    ("Task", "00T"): """
Subject combobox(255)
Status picklist(255) req rpick:TaskStatus =Not Started
Priority picklist(255) req rpick:TaskPriority =Normal
WhoId reference ->Lead,Contact
WhatId reference ->Account
OwnerId reference ->User
ActivityDate date
Description textarea(32000)
Type picklist(255) pick:TaskType
TaskSubtype picklist(255) noupd rpick:TaskSubtype
IsClosed boolean ro =false
""",
    ("Event", "00U"): """
Subject combobox(255)
WhoId reference ->Lead,Contact
WhatId reference ->Account
OwnerId reference ->User
StartDateTime datetime
EndDateTime datetime
ActivityDateTime datetime
DurationInMinutes int
Description textarea(32000)
Type picklist(255) pick:TaskType
""",
    ("User", "005"): """
Username string(80) req
FirstName string(40)
LastName string(80) req
Name string(121) ro
Email email(128) req
IsActive boolean =true
TimeZoneSidKey picklist(40) =Asia/Tokyo
ManagerId reference ->User
""",
    ("OutOfOffice", "0Ok"): """
UserId reference req noupd ->User
StartDate datetime req
EndDate datetime req
IsEnabled boolean =true
Message string(40)
""",
    ("CustomNotificationType", "0ML"): """
DeveloperName string(40) req
MasterLabel string(80) req
CustomNotifTypeName string(80)
Description string(255)
Desktop boolean =true
Mobile boolean =true
""",
    ("Organization", "00D"): """
Name string(80) req
OrganizationType string(40)
InstanceName string(5)
IsSandbox boolean =false
NamespacePrefix string(15)
TrialExpirationDate datetime
LanguageLocaleKey string(40)
DefaultLocaleSidKey string(40)
TimeZoneSidKey string(40)
""",
}


def _parse_line(line: str) -> FieldDef:
    head, _, default = line.partition(" =")
    name, type_spec, *flags = head.split()
    ftype, _, length = type_spec.partition("(")
    kwargs: dict[str, Any] = {"name": name, "type": ftype}
    if length:
        kwargs["length"] = int(length.rstrip(")"))
    if default:
        kwargs["default"] = {"true": True, "false": False}.get(default, default)
    for flag in flags:
        if flag == "req":
            kwargs["required"] = True
        elif flag == "ro":
            kwargs["createable"] = kwargs["updateable"] = False
        elif flag == "noupd":
            kwargs["updateable"] = False
        elif flag.startswith("->"):
            kwargs["reference_to"] = tuple(flag[2:].split(","))
        elif flag.startswith(("pick:", "rpick:")):
            kwargs["picklist"] = PICKLISTS[flag.split(":", 1)[1]]
            kwargs["restricted"] = flag.startswith("rpick:")
    return FieldDef(**kwargs)


def standard_objects() -> list[ObjectDef]:
    """Fresh definitions of the standard objects (Lead, Contact, Account, Task, Event, User, OutOfOffice,
    CustomNotificationType, Organization)."""
    objects = []
    for (name, prefix), table in _OBJECTS.items():
        obj = ObjectDef(name, prefix)
        for line in (_SYSTEM + table).splitlines():
            if line.strip():
                obj.add(_parse_line(line.strip()))
        objects.append(obj)
    return objects
