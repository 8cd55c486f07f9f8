"""The replay file: one raw inbound delivery per line (JSON Lines), as the Lambda functions receive them.

A line is one of:

* a **webhook request** — ``{"provider": "hubspot", "method": "POST", "path": "/webhooks/hubspot",
  "headers": {...}, "body": "<the raw body>", "received_at": "2026-11-20T09:00:00+09:00"}``.
  ``body`` is the exact text the provider sent (signatures are computed over it); a JSON value is
  accepted too and serialised compactly, and ``body_base64`` carries a body that is not UTF-8.
  ``path`` defaults to ``/webhooks/<provider>``; ``method`` to ``POST``; ``received_at`` (when the
  request arrived, used as "now" for the signature's age check and as the arrival time of events
  without their own) to the replay's start;
* an **EventBridge envelope** from Salesforce Event Relay (``detail-type``, ``detail``; ``time`` is its
  arrival time), a raw streaming capture (``channel``, ``data``), or a Lambda on-failure destination
  record whose ``requestPayload`` is such an envelope (what ``SalesforceEventsFailureQueue`` holds).

Blank lines are skipped; a top-level ``"_note"`` key is a comment and is removed before use.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from leadrelay.ingress.json_body import MAX_DEPTH
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

NOTE_KEY = "_note"


class WebhookLine(BaseModel):
    """A captured webhook request."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str = Field(min_length=1, pattern=r"^[a-z0-9_-]+$")
    method: str = "POST"
    path: str = ""
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    body_base64: str | None = None
    received_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _one_body(self) -> WebhookLine:
        if self.body is not None and self.body_base64 is not None:
            raise ValueError("give body or body_base64, not both")
        if self.path and not self.path.startswith("/"):
            raise ValueError("path must start with /")
        return self

    @property
    def request_path(self) -> str:
        """The request path with its query string (``/webhooks/hubspot``)."""
        return self.path or f"/webhooks/{self.provider}"

    def raw_body(self) -> bytes:
        """The body bytes as the provider sent them."""
        if self.body_base64 is not None:
            try:
                return base64.b64decode(self.body_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValueError("body_base64 is not valid base64") from exc
        if self.body is None:
            return b""
        if isinstance(self.body, str):
            return self.body.encode("utf-8", "surrogatepass")
        text = json.dumps(self.body, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "surrogatepass")  # a lone surrogate reaches the handler as sent


@dataclass(frozen=True, slots=True)
class SalesforceLine:
    """A Salesforce delivery (the EventBridge event the Salesforce events function receives)."""

    envelope: dict[str, Any]

    @property
    def received_at(self) -> datetime | None:
        """The envelope's ``time`` (when EventBridge received it), if readable."""
        value = self.envelope.get("time")
        if not isinstance(value, str):
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else None

    @property
    def label(self) -> str:
        """The event's API name (``LeadChangeEvent``) or ``salesforce``."""
        name = self.envelope.get("detail-type") or self.envelope.get("channel")
        return str(name)[:60] if name else "salesforce"


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that is neither: ``reason`` names the file, the line and the problem."""

    reason: str


@dataclass(frozen=True, slots=True)
class Line:
    """One numbered line of the replay file."""

    number: int
    delivery: WebhookLine | SalesforceLine | BadLine


def read_lines(path: Path) -> Iterator[Line]:
    """The deliveries of a JSONL file, in order (a bad line is reported, never fatal)."""
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                yield Line(number, parse_line(text, where=f"{path}:{number}"))


def _too_deep(where: str) -> BadLine:
    return BadLine(f"{where}: JSON nested too deeply to read (bodies may nest {MAX_DEPTH} levels)")


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects and arrays more than ``limit`` levels (without recursing)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def parse_line(text: str, *, where: str) -> WebhookLine | SalesforceLine | BadLine:
    """One line as a delivery, or a :class:`BadLine` saying what is wrong ``where``."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        return BadLine(f"{where}: not JSON ({exc})")
    except RecursionError:  # Python 3.11 and 3.12 stop here; 3.13 reads deeper
        return _too_deep(where)
    if _deeper_than(document, MAX_DEPTH + 1):  # the line itself is one level
        return _too_deep(where)
    if not isinstance(document, dict):
        return BadLine(f"{where}: a line must be a JSON object, got {type(document).__name__}")
    document.pop(NOTE_KEY, None)
    if "provider" in document:
        try:
            return WebhookLine.model_validate(document)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(line)'}: {e['msg']}"
                for e in exc.errors(include_input=False)
            )
            return BadLine(f"{where}: not a webhook request: {problems}")
    if isinstance(document.get("requestPayload"), dict):  # a Lambda on-failure destination record
        document = document["requestPayload"]
    if "detail-type" in document or "detail" in document or "channel" in document:
        return SalesforceLine(document)
    return BadLine(
        f"{where}: neither a webhook request (provider, path, headers, body) nor a Salesforce delivery "
        "(an EventBridge envelope with detail-type and detail)"
    )
