"""Account change events → the Account's match keys (issue 12, item 3), so a new Account is matchable.

``account_changed`` events (an Account created, or its name, website, phone or 法人番号 changed: ingress) are
taken out of the batch's working events before identities are resolved — they are about no person —
the Accounts are read in one query, and each gets a write intent with its match keys
(``domain.matching.keys``). The planner writes only keys that changed, and only the fields
``ownership.json`` gives leadrelay on Account. An Account deleted since the change needs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from msgspec import Struct

from leadrelay.domain.events import RecordChangeType
from leadrelay.domain.failures import SalesforceCallError
from leadrelay.domain.identity import id15
from leadrelay.domain.matching.keys import match_keys
from leadrelay.domain.matching.match_rules import MatchRules
from leadrelay.domain.writeplan import WriteIntent
from leadrelay.pipeline.context import StepContext
from leadrelay.pipeline.matching import ACCOUNT_FIELDS
from leadrelay.pipeline.state import BatchState
from leadrelay.ports import SalesforceGateway


class StampAccountKeys(Struct):
    """The batch's Account changes: each Account read once and its match keys planned."""

    gateway: SalesforceGateway
    rules: MatchRules
    name: str = "account keys"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Take the Account changes out of the working events; a failed read fails them (transient)."""
        changes = {
            key: event
            for key, event in batch.working.items()
            if event.type == RecordChangeType.ACCOUNT_CHANGED and event.identity.salesforce_id
        }
        if not changes:
            return
        for key in changes:
            del batch.working[key]
        ids = list(dict.fromkeys(str(event.identity.salesforce_id) for event in changes.values()))
        read: Callable[[], list[dict[str, Any]]] = partial(
            self.gateway.read, "Account", ids, ACCOUNT_FIELDS, time_left=ctx.retrier.remaining
        )
        try:
            accounts = {id15(str(a["Id"])): a for a in ctx.retrier.call(read, name="query Account by Id")}
        except SalesforceCallError as failure:
            for key in changes:
                batch.fail(key, ctx.failure([failure.error]))
            return
        for key, event in changes.items():
            account = accounts.get(id15(str(event.identity.salesforce_id)))
            if account is not None:
                keys = match_keys(self.rules.record("Account", account), "Account")
                batch.intents.append(
                    WriteIntent("Account", (key,), keys, current=account, record_id=str(account["Id"]))
                )
