"""A local Salesforce org for tests and demos (not Salesforce, and not imported by any Lambda handler).

It keeps records in SQLite and serves the REST subset leadrelay uses over HTTPS on 127.0.0.1, so the real
simple-salesforce client talks to it: SOQL queries, sObject rows, sObject Collections, limits and OAuth.
"""

from leadrelay_tools.localorg.auth import JwtCredentials
from leadrelay_tools.localorg.automation import AssignmentRule, DuplicateRule, RuleEntry
from leadrelay_tools.localorg.faults import Faults, FaultTarget
from leadrelay_tools.localorg.org import LocalOrg
from leadrelay_tools.localorg.state import ApiCalls

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
