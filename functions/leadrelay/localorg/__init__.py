"""A local Salesforce org for tests and demos (not Salesforce, and not imported by any Lambda handler).

It keeps records in SQLite and serves the REST subset leadrelay uses over HTTPS on 127.0.0.1, so the real
simple-salesforce client talks to it: SOQL queries, sObject rows, sObject Collections, limits and OAuth.
"""

from leadrelay.localorg.auth import JwtCredentials
from leadrelay.localorg.automation import AssignmentRule, DuplicateRule, RuleEntry
from leadrelay.localorg.faults import Faults, FaultTarget
from leadrelay.localorg.org import LocalOrg
from leadrelay.localorg.state import ApiCalls

__all__ = [
    "ApiCalls",
    "AssignmentRule",
    "DuplicateRule",
    "FaultTarget",
    "Faults",
    "JwtCredentials",
    "LocalOrg",
    "RuleEntry",
]
