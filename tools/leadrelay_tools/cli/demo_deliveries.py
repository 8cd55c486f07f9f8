"""The whole-hand-off demo's own deliveries, as generic signed webhooks (``leadrelay demo``).

山田 太郎 attends two seminars and views the pricing page twice (he becomes an MQL); the same person
arrives from a business card spelled in katakana with another e-mail (名寄せ joins him to his lead);
a new lead arrives whose create the org's validation rule refuses (a dead letter).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from leadrelay.ingress.signatures import generic_signature

from leadrelay_tools.replay.lines import Line, WebhookLine

REFUSED_EMAIL = "kenji.nakamura@osaka-finance.co.jp"
"""The new lead whose create the demo's org refuses."""
HOST = "hooks.leadrelay-demo.jp"
YAMADA = "taro.yamada@sample-shoji.co.jp"
"""山田 太郎 of 株式会社サンプル商事, a sample lead (examples/leads/01_yamada_sample_shoji.json)."""


def demo_lines(secret: str, at: datetime, first_number: int) -> Iterator[Line]:
    """The demo's own deliveries: generic signed webhooks, received at ``at`` onwards."""
    deliveries = [
        [
            _event("demo-seminar-1", "seminar_attended", at - timedelta(days=1), YAMADA),
            _event("demo-seminar-2", "seminar_attended", at - timedelta(days=2), YAMADA),
            _event(
                "demo-pricing-1",
                "page_view",
                at - timedelta(hours=2),
                YAMADA,
                url="https://www.leadrelay-demo.jp/pricing",
            ),
            _event(
                "demo-pricing-2",
                "page_view",
                at - timedelta(hours=1),
                YAMADA,
                url="https://www.leadrelay-demo.jp/pricing",
            ),
        ],
        [
            _event(
                "demo-card-1",
                "form_submitted",
                at,
                "t.yamada@sample-shoji.co.jp",
                fields={
                    "LastName": "ヤマダ",
                    "FirstName": "タロウ",
                    "Company": "㈱サンプル商事",
                    "Phone": "03-1234-5678",
                    "Title": "営業本部長",
                },
            ),
        ],
        [
            _event(
                "demo-refused-1",
                "form_submitted",
                at,
                REFUSED_EMAIL,
                fields={"LastName": "中村", "FirstName": "健二", "Company": "大阪ファイナンス株式会社"},
            ),
        ],
    ]
    for offset, events in enumerate(deliveries):
        received = at + timedelta(seconds=offset)
        body = json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":"))
        stamp = int(received.timestamp())
        headers = {
            "Host": HOST,
            "Content-Type": "application/json",
            "X-Leadrelay-Timestamp": str(stamp),
            "X-Leadrelay-Signature": generic_signature(secret, stamp, body.encode()),
        }
        line = WebhookLine(
            provider="generic", path="/webhooks/generic", headers=headers, body=body, received_at=received
        )
        yield Line(first_number + offset, line)


def _event(
    key: str,
    kind: str,
    at: datetime,
    email: str,
    *,
    url: str | None = None,
    fields: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": key,
        "type": kind,
        "occurred_at": at.isoformat(),
        "email": email,
        "attributes": {"url": url} if url else {},
        "fields": dict(fields or {}),
    }
