"""``SimpleSalesforceGateway``: the :class:`~leadrelay.ports.SalesforceGateway` on simple-salesforce.

What it guarantees (docs/salesforce-gateway.md has the long form):

* every request carries ``Sforce-Call-Options: client=<client_name>`` and a timeout, and
  ``Sforce-Auto-Assign: FALSE`` — so the org's lead assignment rule never reassigns a Lead leadrelay
  updates — except requests that create Leads, which send ``lead_auto_assign_on_create``
  (``rules/ownership.json`` → ``lead_assignment``); requests that create records send
  ``Sforce-Duplicate-Rule-Header: allowSave=true`` when ``save_past_duplicate_alerts`` is set
  (``duplicate_rules.on_create: allow_save``);
* reads are escaped SOQL (``format_soql``) chunked under the URI limit, pages followed;
* writes go through sObject Collections (≤ 200 records, ``allOrNone`` false), one result per op in
  op order; request-level failures (5xx, limits, timeouts, connection errors, a session that cannot
  be re-established) come back as failed results for every op of that request — ``write`` never
  raises for them;
* the session is cached per credentials across invocations and re-established once on a 401
  (``INVALID_SESSION_ID``), then the request is sent again once;
* API usage from ``Sforce-Limit-Info`` is handed to ``on_api_usage`` once per ``find``/``read``/
  ``write`` (the latest figures; see ``leadrelay.adapters.salesforce.metrics``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError as SimpleSalesforceError
from simple_salesforce.exceptions import SalesforceExpiredSession

from leadrelay.adapters.salesforce.auth import SalesforceCredentials, SalesforceSession
from leadrelay.adapters.salesforce.collections import (
    CollectionRequest,
    collection_requests,
    failed_results,
    map_results,
)
from leadrelay.adapters.salesforce.errors import (
    call_error,
    error_from_exception,
    errors_from_simple_salesforce,
)
from leadrelay.adapters.salesforce.sessions import ApiUsage, cached_session, parse_api_usage, rest_client
from leadrelay.adapters.salesforce.soql import (
    DEFAULT_MAX_QUERY_BYTES,
    check_sobject,
    modified_between_query,
    select_any_queries,
    select_in_queries,
    select_where_query,
)
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.failures import OUT_OF_TIME, SalesforceCallError
from leadrelay.domain.ownership import AUTO_ASSIGN_OFF
from leadrelay.domain.queries import Filter
from leadrelay.domain.writes import WriteKind, WriteOp, WriteResult

T = TypeVar("T")

CALL_OPTIONS_HEADER = "Sforce-Call-Options"
AUTO_ASSIGN_HEADER = "Sforce-Auto-Assign"
DUPLICATE_RULE_HEADER = "Sforce-Duplicate-Rule-Header"
DEFAULT_TIMEOUT_SECONDS = 10.0


class SimpleSalesforceGateway:
    """Reads and writes Salesforce records for leadrelay, over the real REST API."""

    def __init__(
        self,
        credentials: SalesforceCredentials,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        http: requests.Session | None = None,
        on_api_usage: Callable[[ApiUsage], None] | None = None,
        client_name: str = "leadrelay",
        max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES,
        clock: Callable[[], float] = time.time,
        lead_auto_assign_on_create: str = AUTO_ASSIGN_OFF,
        save_past_duplicate_alerts: bool = False,
    ) -> None:
        self._credentials = credentials
        self._timeout = timeout
        self._http = http if http is not None else requests.Session()
        self._on_api_usage = on_api_usage
        self._call_options = f"client={client_name}"
        self._max_query_bytes = max_query_bytes
        self._clock = clock
        self._lead_auto_assign_on_create = lead_auto_assign_on_create
        self._save_past_duplicate_alerts = save_past_duplicate_alerts
        self._client: tuple[SalesforceSession, Salesforce] | None = None
        self._usage: ApiUsage | None = None

    @property
    def api_usage(self) -> ApiUsage | None:
        """The usage reported by the most recent response that carried it."""
        return self._usage

    def find(
        self,
        sobject: str,
        field: str,
        values: Sequence[str],
        fields: Sequence[str],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records of ``sobject`` whose ``field`` is one of ``values``; raises ``SalesforceCallError``.

        With ``time_left``, no request (query or next page) starts unless a whole request timeout fits
        in the time left: ``SalesforceCallError`` with ``OUT_OF_TIME`` instead (transient).
        """
        records: list[dict[str, Any]] = []
        queries = select_in_queries(sobject, field, values, fields, max_query_bytes=self._max_query_bytes)
        operation = f"query {sobject} by {field}"
        in_time = partial(self._in_time, operation, time_left)
        with self._reporting_usage():
            for soql in queries:
                records.extend(self._call(operation, partial(self._query, soql=soql, before_request=in_time)))
        return records

    def find_any(
        self,
        sobject: str,
        clauses: Sequence[Mapping[str, Sequence[str]]],
        fields: Sequence[str],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records satisfying any clause, each once (``select_any_queries``); as ``find`` for time and
        errors."""
        by_id: dict[str, dict[str, Any]] = {}
        queries = select_any_queries(sobject, clauses, fields, max_query_bytes=self._max_query_bytes)
        operation = f"query {sobject} by match keys"
        in_time = partial(self._in_time, operation, time_left)
        with self._reporting_usage():
            for soql in queries:
                found = self._call(operation, partial(self._query, soql=soql, before_request=in_time))
                by_id.update((str(record["Id"]), record) for record in found)
        return list(by_id.values())

    def read(
        self,
        sobject: str,
        ids: Sequence[str],
        fields: Sequence[str],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records by id (``find`` on ``Id``)."""
        return self.find(sobject, "Id", ids, fields, time_left=time_left)

    def modified_between(
        self,
        sobject: str,
        since: datetime,
        until: datetime,
        *,
        limit: int,
        time_left: Callable[[], float] | None = None,
    ) -> list[str]:
        """Ids of ``sobject`` records whose ``LastModifiedDate`` lies in ``[since, until]``, oldest first,
        at most ``limit``: one bounded query, every page (``nextRecordsUrl``) followed."""
        soql = modified_between_query(sobject, since, until, limit=limit)
        records = self._select(f"query {sobject} by LastModifiedDate", soql, time_left)
        return [str(record["Id"]) for record in records]

    def select(
        self,
        sobject: str,
        fields: Sequence[str],
        where: Sequence[Filter],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records matching every filter: one escaped query, every page followed."""
        soql = select_where_query(sobject, fields, where)
        return self._select(
            f"query {sobject} by {', '.join(f.field for f in where) or 'all'}", soql, time_left
        )

    def invoke_action(self, action: str, inputs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """``POST actions/standard/<action>`` with ``{"inputs": […]}``: one result per input, in order;
        raises ``SalesforceCallError`` when the request fails (a 400: every input failed)."""
        path = f"actions/standard/{check_sobject(action)}"
        body = {"inputs": list(inputs)}

        def post(sf: Salesforce) -> list[dict[str, Any]]:
            return list(sf.restful(path, method="POST", json=body, **self._options()) or [])

        with self._reporting_usage():
            return self._call(f"POST {path}", post)

    def write(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """Creates, updates and upserts through sObject Collections; one result per op, in op order."""
        by_ref: dict[str, WriteResult] = {}
        with self._reporting_usage():
            for request in collection_requests(ops):
                by_ref.update((result.ref, result) for result in self._send(request))
        return [by_ref[op.ref] for op in ops]

    # --- plumbing ---------------------------------------------------------------------------

    def _select(
        self, operation: str, soql: str, time_left: Callable[[], float] | None
    ) -> list[dict[str, Any]]:
        in_time = partial(self._in_time, operation, time_left)
        with self._reporting_usage():
            return self._call(operation, partial(self._query, soql=soql, before_request=in_time))

    def _send(self, request: CollectionRequest) -> list[WriteResult]:
        """One collection request; request-level failures become failed results for all its ops."""
        try:
            response = self._call(f"{request.method} {request.path}", partial(self._restful, request=request))
        except SalesforceCallError as failure:
            return failed_results(request.ops, failure.error)
        return map_results(request, response)

    def _restful(self, sf: Salesforce, request: CollectionRequest) -> Any:
        first = request.ops[0]
        creates = first.kind in (WriteKind.CREATE, WriteKind.UPSERT)  # upserts: people not found
        options = self._options(
            auto_assign=self._lead_auto_assign_on_create
            if first.sobject == "Lead" and creates
            else AUTO_ASSIGN_OFF
        )
        if creates and self._save_past_duplicate_alerts:
            options["headers"][DUPLICATE_RULE_HEADER] = "allowSave=true"
        return sf.restful(request.path, method=request.method, json=request.body, **options)

    @contextmanager
    def _reporting_usage(self) -> Iterator[None]:
        """Report the latest API usage once, after a public call (even a failed one)."""
        before = self._usage
        try:
            yield
        finally:
            if self._on_api_usage is not None and self._usage is not None and self._usage is not before:
                self._on_api_usage(self._usage)

    def _in_time(self, operation: str, time_left: Callable[[], float] | None) -> None:
        """Raise ``OUT_OF_TIME`` unless a request that takes the whole timeout still fits."""
        if time_left is None:
            return
        left = time_left()
        if left < self._timeout:
            message = f"not started: {max(left, 0):.1f} s left, a request may take {self._timeout:.0f} s"
            raise SalesforceCallError(operation, ErrorDetail(status_code=OUT_OF_TIME, message=message))

    def _query(
        self, sf: Salesforce, soql: str, before_request: Callable[[], None] = lambda: None
    ) -> list[dict[str, Any]]:
        """All pages of one query. Pages are fetched by locator against ``base_url`` (simple-salesforce's
        ``nextRecordsUrl`` handling assumes https on the default port)."""
        before_request()
        page = sf.query(soql, **self._options())
        records: list[dict[str, Any]] = [_without_attributes(r) for r in page["records"]]
        while not page.get("done", True):
            before_request()
            locator = str(page["nextRecordsUrl"]).rstrip("/").rsplit("/", 1)[-1]
            page = sf.query_more(locator, **self._options())
            records.extend(_without_attributes(r) for r in page["records"])
        return records

    def _options(self, *, auto_assign: str = AUTO_ASSIGN_OFF) -> dict[str, Any]:
        return {
            "headers": {CALL_OPTIONS_HEADER: self._call_options, AUTO_ASSIGN_HEADER: auto_assign},
            "timeout": self._timeout,
            # A request's hooks replace the session's: keep those, then read the usage header.
            "hooks": {"response": [*self._http.hooks.get("response", []), self._observe]},
        }

    def _observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        usage = parse_api_usage(response.headers.get("Sforce-Limit-Info"))
        if usage is not None:
            self._usage = usage

    def _call(self, operation: str, request: Callable[[Salesforce], T]) -> T:
        """Run ``request`` with the cached session; on a 401 log in again once and retry once."""
        for attempt in (1, 2):
            sf = self._salesforce(fresh=attempt == 2)
            try:
                return request(sf)
            except SalesforceExpiredSession as exc:
                if attempt == 2:
                    raise call_error(operation, errors_from_simple_salesforce(exc)[0]) from exc
            except SimpleSalesforceError as exc:
                raise call_error(operation, errors_from_simple_salesforce(exc)[0]) from exc
            except requests.RequestException as exc:
                raise SalesforceCallError(operation, error_from_exception(exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _salesforce(self, *, fresh: bool) -> Salesforce:
        """The client for the cached session; ``fresh`` replaces the session with a new login."""
        session = cached_session(
            self._credentials, fresh=fresh, http=self._http, timeout=self._timeout, clock=self._clock
        )
        if self._client is None or self._client[0] is not session:
            self._client = (session, rest_client(session, self._credentials.api_version, self._http))
        return self._client[1]


def _without_attributes(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "attributes"}
